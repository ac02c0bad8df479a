"""Workload instances: ShareGPT or lognormal lengths, per-request prompt sizes, intervals, Poisson arrivals."""

from fractions import Fraction

import numpy as np
import pytest

from verify.workload import (
    interval_instance,
    paper_like_instance,
    poisson_arrivals,
    sharegpt_pool,
    workload_instance,
)


def test_same_seed_same_instance_and_common_requests_across_alpha_and_M():
    a = workload_instance("sharegpt", 60, alpha=Fraction(1, 4), M=16_384, seed=5, arrivals="poisson")
    assert a == workload_instance("sharegpt", 60, alpha=Fraction(1, 4), M=16_384, seed=5, arrivals="poisson")
    b = workload_instance("sharegpt", 60, alpha=Fraction(1, 8), M=32_768, seed=5, arrivals="poisson")
    key = lambda inst: [(r.s, r.o, r.a) for r in inst.requests]
    assert key(a) == key(b)
    assert key(a) != key(workload_instance("sharegpt", 60, alpha=Fraction(1, 4), M=16_384, seed=6,
                                           arrivals="poisson"))


@pytest.mark.parametrize("alpha", [Fraction(1), Fraction(1, 2), Fraction(1, 4), Fraction(1, 8), Fraction(2, 3)])
def test_sharegpt_instance_rows_and_intervals(alpha):
    pool = set(sharegpt_pool("vllm"))
    inst = workload_instance("sharegpt", 200, alpha=alpha, M=16_384, seed=1)  # valid: s + u <= M checked
    assert all((r.s, r.o) in pool and r.a == 0 for r in inst.requests)
    assert inst.alpha >= alpha and all(r.l <= r.o <= r.u for r in inst.requests)
    assert len({r.s for r in inst.requests}) > 1  # prompt sizes vary per request
    assert len(set(inst.requests)) > 1


def test_vllm_filter_and_its_capacity_bound():
    pool = sharegpt_pool("vllm")
    assert len(pool) == 9_901
    assert all(4 <= s <= 1024 and o >= 4 and s + o <= 2048 for s, o in pool)
    assert max(s + 8 * o for s, o in pool) <= 16_384  # so M = 16384 holds every request at alpha >= 1/8
    assert len(sharegpt_pool("none")) == 11_135


def test_poisson_arrivals_are_nondecreasing_with_the_rate():
    rng = np.random.default_rng(0)
    a = poisson_arrivals(5000, Fraction(1, 7), rng)
    assert a[0] >= 0 and np.all(np.diff(a) >= 0)
    assert 6.5 < a[-1] / 5000 < 7.5  # mean gap 1/rate


def test_bad_values_are_named():
    with pytest.raises(ValueError, match="^n:"):
        workload_instance("sharegpt", 10**6, alpha=Fraction(1, 2), M=16_384, seed=0)
    with pytest.raises(ValueError, match="^source:"):
        workload_instance("lmsys", 5, alpha=Fraction(1, 2), M=16_384, seed=0)
    with pytest.raises(ValueError, match="^arrivals:"):
        workload_instance("sharegpt", 5, alpha=Fraction(1, 2), M=16_384, seed=0, arrivals="bursty")
    with pytest.raises(ValueError, match="^s:"):
        interval_instance([3, 4], alpha=Fraction(1, 2), s=[1], M=100, rng=np.random.default_rng(0))


def test_lognormal_source_and_paper_like_instance_unchanged():
    inst = workload_instance("lognormal", 50, alpha=Fraction(1, 4), M=16_384, seed=0)
    assert inst == paper_like_instance(50, alpha=Fraction(1, 4), seed=0)
    assert [(r.s, r.o, r.l, r.u) for r in paper_like_instance(3).requests] == [
        (64, 138, 42, 168), (64, 106, 28, 112), (64, 230, 88, 352)]  # the draws of the earlier one-s version
