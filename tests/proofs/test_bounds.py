"""Symbolic checks of the paper's bounds and the A_max family's closed forms against simulation."""

from fractions import Fraction

import sympy as sp

from models.engine_reference import simulate
from models.schedulers import make_scheduler
from proofs import amax_family
from proofs.bounds import AMAX_LOWER, AMAX_UPPER, all_checks, evaluate, exceeds, fit_log2


def test_every_symbolic_check_is_proved():
    results = all_checks()
    assert [r.status for r in results] == ["proved"] * 4, [str(r) for r in results]


def test_exact_values():
    assert evaluate(AMAX_UPPER, Fraction(1, 4)) == 10
    assert evaluate(AMAX_LOWER, Fraction(1, 4)) == 6
    assert sp.simplify(evaluate(AMAX_LOWER, Fraction(1, 2)) - (1 + sp.sqrt(2))) == 0
    assert exceeds(Fraction(11, 1), evaluate(AMAX_UPPER, Fraction(1, 4)))
    assert not exceeds(Fraction(10, 1), evaluate(AMAX_UPPER, Fraction(1, 4)))


def test_fit_is_exact_least_squares():
    C, C0 = fit_log2([(0, Fraction(1)), (1, Fraction(3, 2)), (2, Fraction(2))])
    assert (C, C0) == (Fraction(1, 2), Fraction(1))
    C, C0 = fit_log2([(0, Fraction(1)), (1, Fraction(2)), (2, Fraction(2))])
    assert (C, C0) == (Fraction(1, 2), Fraction(7, 6))


def test_amax_family_closed_forms_match_simulation():
    assert amax_family.check_closed_forms().status == "proved"
    for case in ((1, 2, 3, 2), (2, 3, 1, 4)):
        b, N, l, m = case
        inst = amax_family.family_instance(*case)
        ratio = Fraction(simulate(inst, make_scheduler("amax", inst)).tel, simulate(inst, make_scheduler("hsf", inst)).tel)
        assert ratio == amax_family.ratio_at(b, N, m) == Fraction(N * m + 1, N + 1)


def test_amax_family_limit_and_shortfall():
    assert sp.simplify(amax_family.limit_ratio() - 1 / sp.Symbol("alpha", positive=True)) == 0
    result = amax_family.check_against_paper_lower_bound()
    assert result.status == "failed" and "falls short" in result.evidence
