"""Strategy ``targeted`` (Hypothesis target() seeded with the families, #22 c)."""

import pytest

from models.instance import uniform_instance
from models.shape import Shape
from verify.report.growth import GrowthCell, certify_result, run_growth_cell
from verify.search import STRATEGIES, Problem, run_search
from verify.search.exhaustive import search_exhaustive
from verify.search.families import evaluate_families
from verify.search.targeted import search_targeted


def test_registered():
    assert STRATEGIES["targeted"] is search_targeted


def test_never_below_the_best_family_and_never_above_the_proven_maximum():
    problem = Problem(Shape.uniform(9, 1, 2, 8, 4), "amin", {}, "hsf")
    exact = search_exhaustive(problem, budget=None)
    assert exact.closed
    out = run_search(problem, "targeted", budget=None, seed=1)  # one batch, every family vector scored (no clock)
    fam = evaluate_families(problem).best
    assert fam.ratio <= out.best_ratio <= exact.best_ratio
    assert out.best is not None and out.best.ratio == out.best_ratio  # certified witness (reference engine)


def test_at_growth_size_uncertified_witness_certifies_and_beats_free_draws():
    problem = Problem(Shape.uniform(128, 0, 8, 64, 32), "amin", {}, "hsf")
    seeded = search_targeted(problem, budget=None, certified=False)  # one batch each: no clock in the test
    free = search_targeted(problem, budget=None, certified=False, families=False)
    assert seeded.best_ratio >= evaluate_families(problem).best.ratio
    assert seeded.best_ratio > free.best_ratio  # random vectors are weak at n = 32, u = 64
    assert any("not certified" in n for n in seeded.notes)


def test_growth_cell_with_targeted_strategy_certifies():
    cell = GrowthCell("A_min", 2, 8, 32, 0, 4, 16, "hsf", 1.0, "targeted")
    r = run_growth_cell(cell)
    assert r.error is None and r.ratio is not None and r.ratio >= 1 and not r.certified
    again = certify_result(r)
    assert again.certified and again.witness.ratio == r.ratio


def test_user_policy_refused():
    problem = Problem(Shape.uniform(9, 1, 2, 8, 3), "tests.verify.search.user_policy:Greedy", {}, "hsf")
    with pytest.raises(ValueError, match="targeted strategy needs a built-in policy"):
        search_targeted(problem, budget=0.1)


def test_liveness_vector_handed_on():
    got = []
    problem = Problem(Shape.uniform(16, 0, 2, 16, 3), "amin", {"eviction": "most-progress"}, "hsf",
                      on_liveness=got.append)
    search_targeted(problem, budget=None, batch=50, certified=False)  # every family vector scored: no clock
    assert 1 <= len(got) <= 2 and all(w.unfinished and w.round_limit == 4 * 3 * 16 and w.tel for w in got)
