"""The growth-verdict rule on synthetic series: log, square root and 1/alpha give three different verdicts."""

from fractions import Fraction

import pytest

from verify.report.growth_fit import (choose, discriminates, fit_models, growth_verdict, saturation)

ALPHAS = [Fraction(1, 2**k) for k in range(9)]


def _series(f):
    """Worst ratios f(k) at every alpha = 2^-k, the same at n = 32 and 64 (plateaued)."""
    return {a: {16: f(k) * Fraction(9, 10), 32: f(k), 64: f(k)} for k, a in enumerate(ALPHAS)}


def log_series(k):
    return 1 + Fraction(k, 2)


def sqrt_series(k):
    # 1 + (2^(k/2) - 1)/4, exact on even k, a close rational on odd k
    return 1 + (Fraction(2 ** (k // 2)) * (Fraction(99, 70) if k % 2 else 1) - 1) / 4


def inverse_series(k):
    return 1 + Fraction(2**k - 1, 40)


def test_three_series_three_verdicts():
    v_log = growth_verdict("X", _series(log_series), benchmark="hsf", regime="M/(s+u) in {2}")
    v_sqrt = growth_verdict("X", _series(sqrt_series), benchmark="hsf", regime="M/(s+u) in {2}")
    v_inv = growth_verdict("X", _series(inverse_series), benchmark="hsf", regime="M/(s+u) in {2}")
    assert v_log.words == "consistent with O(log 1/α) for α ≥ 2^-8, n ≤ 64"
    assert v_log.kind == "consistent-log" and v_log.chosen.name == "log"
    assert v_sqrt.kind == "faster-than-log" and v_sqrt.chosen.name == "power"
    assert abs(v_sqrt.chosen.beta - 0.5) < 0.05 and v_sqrt.words.startswith("grows faster than log (β = 0.5")
    assert v_inv.kind == "faster-than-log" and v_inv.chosen.name == "inverse" and v_inv.words == \
        "grows faster than log (β = 1.00)"
    assert len({v_log.words, v_sqrt.words, v_inv.words}) == 3
    for v in (v_log, v_sqrt, v_inv):
        assert "holds" not in v.words
        assert v.could_fail
        assert "vs H-SF" in v.scope and "M/(s+u) in {2}" in v.scope


def test_noisy_log_still_log():
    # a search finds lower bounds, so the series is a little below the law at random alphas
    noise = [0, -3, 0, -2, -1, 0, -4, 0, -1]
    series = {a: {32: log_series(k) + Fraction(noise[k], 100), 64: log_series(k) + Fraction(noise[k], 100)}
              for k, a in enumerate(ALPHAS)}
    assert growth_verdict("X", series, benchmark="hsf", regime="r").kind == "consistent-log"


def test_not_saturated_says_sweep_too_small():
    series = {a: {32: Fraction(1) + k, 64: Fraction(1) + 2 * k} for k, a in enumerate(ALPHAS)}
    v = growth_verdict("X", series, benchmark="hsf", regime="r")
    # alpha = 1 plateaus (1 -> 1), alpha = 1/2 does not (2 -> 3)
    assert v.kind == "sweep-too-small" and v.words.startswith("sweep too small")
    assert "alpha >= 2^-0" in v.words and not v.could_fail


def test_only_plateaued_prefix_is_fitted():
    series = _series(log_series)
    series[ALPHAS[6]] = {32: Fraction(3), 64: Fraction(5)}  # alpha = 1/64 not plateaued
    v = growth_verdict("X", series, benchmark="opt", regime="r")
    assert v.words == "consistent with O(log 1/α) for α ≥ 2^-5, n ≤ 64"
    assert "vs exact OPT" in v.scope and "1/64" in v.detail
    assert len(v.points) == 6


def test_family_proof_gives_violated():
    v = growth_verdict("X", _series(log_series), benchmark="hsf", regime="r", family_proof="family F: ratio ~ 1/alpha")
    assert v.words == "violated (witness)" and v.kind == "violated"


def test_too_few_alphas_cannot_fail():
    assert not discriminates(ALPHAS[:3])
    assert discriminates(ALPHAS)
    series = {a: {4: Fraction(2), 8: Fraction(2)} for a in ALPHAS[:3]}
    v = growth_verdict("X", series, benchmark="hsf", regime="r")
    assert v.kind == "sweep-too-small"


def test_saturation_rule_exact_at_two_percent():
    a = Fraction(1, 4)
    assert saturation(a, {8: Fraction(100), 16: Fraction(10199, 100)}).plateaued
    assert not saturation(a, {8: Fraction(100), 16: Fraction(102)}).plateaued  # exactly 2 %: not below
    assert not saturation(a, {16: Fraction(1)}).plateaued  # nothing at n/2 to compare with
    p = saturation(a, {4: Fraction(1), 8: Fraction(2), 12: Fraction(3), 16: Fraction(3)})
    assert p.n_half == 8 and not p.plateaued  # compares with the largest n <= n_max / 2


@pytest.mark.parametrize("f,name", [(log_series, "log"), (inverse_series, "inverse")])
def test_fit_recovers_generating_model(f, name):
    fits = fit_models([(a, f(k)) for k, a in enumerate(ALPHAS)])
    assert choose(fits).name == name
    assert fits[name].rss < 1e-12
