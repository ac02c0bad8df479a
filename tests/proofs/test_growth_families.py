"""The growth families' closed forms (proofs/growth_families.py): checked against both simulators, and the
checks themselves can fail (a wrong closed form is caught)."""

from fractions import Fraction

import sympy as sp

from models.engine_reference import simulate
from models.schedulers import make_scheduler
from proofs import growth_families as gf
from proofs.growth_families import K, N, c, l, m


def test_long_short_closed_form_matches_both_engines_on_a_grid():
    grid = [(c_, K_, N_, m_, l_) for c_ in (1, 2) for m_ in (1, 2, 4) for l_ in (1, 3) for K_ in range(3)
            for N_ in range(3) if K_ + N_]
    check = gf.check_long_short(grid)
    assert check.points == len(grid) and check.integers == 4 * len(grid)
    assert check.mismatches == (), check.mismatches


def test_a_wrong_closed_form_is_caught(monkeypatch):
    monkeypatch.setattr(gf, "TEL_HSF_LS", gf.TEL_HSF_LS + c)  # off by c
    check = gf.check_long_short([(1, 1, 1, 2, 1), (2, 1, 2, 2, 1)])
    assert len(check.mismatches) == 2
    assert check.result("x").status == "failed"


def test_hand_computed_point():
    # c=1, K=1, N=1, m=4, l=2: o = (8, 2, 2, 2, 2), M = 8. A_max: 8, then 10, 12, 14, 16 -> 60.
    # H-SF: the four short jobs end at 2, the long one at 10 -> 18.
    subs = {c: 1, K: 1, N: 1, m: 4, l: 2}
    assert (int(gf.TEL_AMAX_LS.subs(subs)), int(gf.TEL_HSF_LS.subs(subs))) == (60, 18)
    inst = gf.long_short_instance(1, 1, 1, 4, 2)
    assert list(inst.outputs) == [8, 2, 2, 2, 2] and inst.M == 8
    assert simulate(inst, make_scheduler("amax", inst)).tel == 60
    assert gf.ratio_long_short(1, 1, 4) == Fraction(60, 18)


def test_ratio_does_not_depend_on_c_or_l():
    assert sp.simplify(sp.diff(gf.RATIO_LS, c)) == 0 and sp.simplify(sp.diff(gf.RATIO_LS, l)) == 0


def test_limits_are_proved_and_the_golden_ratio_appears():
    results = gf.check_limits()
    assert [r.status for r in results] == ["proved"] * 4, [str(r) for r in results]
    assert sp.simplify(sp.limit(gf.G_STAR / m, m, sp.oo) - (1 + sp.sqrt(5)) / 2) == 0
    # g* at alpha = 1/2 exceeds the paper's lower bound there, at alpha = 1/4 it does not
    assert float(gf.G_STAR.subs(m, 2)) > 1 + 2**0.5 > 2.414
    assert float(gf.G_STAR.subs(m, 4)) < 6


def test_best_long_short_is_a_maximum_over_the_family_and_approaches_g_star():
    best = gf.best_long_short(64, 8)
    assert best is not None
    ratio, K_, N_ = best
    assert K_ + N_ * 8 == 64
    assert all(gf.ratio_long_short(64 - n_ * 8, n_, 8) <= ratio for n_ in range(9))
    assert gf.best_long_short(63, 8, 2) is None
    big = gf.best_long_short(4000, 8)[0]
    assert abs(float(big) - float(gf.G_STAR.subs(m, 8))) < 0.05


def test_amin_equal_u_equals_hsf():
    grid = [(c_, n_, m_, l_) for c_ in (1, 2, 3) for m_ in (1, 4) for l_ in (1, 2) for n_ in range(1, 8)]
    check = gf.check_equal_u(grid)
    assert check.mismatches == (), check.mismatches
    assert check.points == len(grid)


def test_quasi_quadratic_detector():
    assert gf.quasi_quadratic({n: 3 * n * n + 1 for n in range(1, 9)}) == (1, [(Fraction(3), Fraction(0), Fraction(1))])
    # period 2: a different quadratic on odd and even n
    got = gf.quasi_quadratic({n: n * n + (n % 2) * n for n in range(1, 13)})
    assert got is not None and got[0] == 2
    # n^3 has no quasi-quadratic pattern of period <= 3 on 1..12
    assert gf.quasi_quadratic({n: n**3 for n in range(1, 13)}, max_period=3) is None


def test_probe_reports_a_conjecture_only():
    rows = gf.probe_amin_equal(cases=((8, 2),), n_range=(9, 40))
    assert len(rows) == 1 and "conjectured limit of the ratio 29/20" in rows[0]


def test_growth_report_cites_the_closed_form_at_the_study_alphas():
    from verify.report.growth import GrowthConfig, run_study
    from verify.report.growth_report import closed_form_lines

    cfg = GrowthConfig("t", ("A_max",), (1, 2), (4,), (Fraction(1),), ("0",), 8, 0.2, 0, 0.0, 0, 0.0, workers=1)
    text = "\n".join(closed_form_lines(run_study(cfg)))
    assert "alpha=1/2: 2.4305" in text and "alpha=1/4: 5.5192" in text and "golden ratio" in text
    cfg_amin = GrowthConfig("t", ("A_min",), (1,), (4,), (Fraction(1),), ("0",), 8, 0.2, 0, 0.0, 0, 0.0, workers=1)
    assert closed_form_lines(run_study(cfg_amin)) == []


def test_classify_unfinished_tells_slow_from_stuck():
    from models.instance import uniform_instance

    slow = uniform_instance(16, 0, 2, 16, [16] * 3)
    kind, rounds, tel = gf.classify_unfinished(slow, "amin", eviction="most-progress")
    assert kind == "ends" and rounds > 4 * 3 * 16 and tel > 0
    assert gf.check_equal_u_slow_not_stuck(((3, 16),)).status == "proved"
    # a bound too small to see the end: nothing proven
    assert gf.classify_unfinished(slow, "amin", factor=1, eviction="most-progress")[0] == "unfinished"


def test_slow_not_stuck_reports_a_run_that_does_not_end_as_failed(monkeypatch):
    # classify_unfinished returns two values for a run unfinished at its bound: the check says failed, not a crash
    from proofs import growth_families as gf

    monkeypatch.setattr(gf, "classify_unfinished", lambda inst, policy, **kw: ("unfinished", 99))
    result = gf.check_equal_u_slow_not_stuck(cases=((3, 16),))
    assert result.status == "failed" and "unfinished (99,)" in result.evidence
