"""The serving workload mode: exact rows, reproducible from the seed, the fast engine equal to the reference."""

from fractions import Fraction

import pytest

from models.run import run_policy
from verify.report.workload_mode import (
    SERVING_WORKLOAD_POLICIES,
    WorkloadError,
    WorkloadSpec,
    run_serving_workload,
    serving_row_dict,
    workload_instances,
)
from verify.workload import workload_instance

SMALL = WorkloadSpec(n=60, seeds=2, alphas=(Fraction(1), Fraction(1, 4)), Ms=(8_192, 16_384), base_seed=3)


@pytest.fixture(scope="module")
def rows():
    return run_serving_workload(SMALL)


def test_rows_cover_every_cell_and_reproduce(rows):
    assert len(rows) == 2 * 2 * 2 * len(SERVING_WORKLOAD_POLICIES)
    assert {(r.arrivals, r.alpha, r.M, r.policy) for r in rows} == {
        (a, al, M, p) for a in ("zero", "poisson") for al in SMALL.alphas for M in SMALL.Ms
        for p in SERVING_WORKLOAD_POLICIES}
    assert run_serving_workload(SMALL) == rows
    assert all(isinstance(r.mean_ratio, Fraction) and r.runs == 2 and r.n == 60 for r in rows)


def test_rows_are_the_exact_means_of_the_runs(rows):
    from models.engine_fast import simulate_fast

    for r in rows[:10]:
        insts = workload_instances(SMALL, r.arrivals, r.alpha, r.M)
        runs = [(simulate_fast(i, r.policy), simulate_fast(i, "hsf")) for i in insts]
        assert r.mean_ratio == sum(Fraction(x.tel, h.tel) for x, h in runs) / len(runs)
        assert r.preemptions_per_request == Fraction(sum(x.evictions + x.preemptions for x, _ in runs), 120)
        assert r.recomputed_per_request == Fraction(sum(x.recomputed_tokens for x, _ in runs), 120)


def test_true_facts_of_the_model(rows):
    for r in rows:
        if r.alpha == 1 and r.policy in ("amin", "amax"):  # l = o = u: both run H-SF's schedule exactly
            assert r.mean_ratio == 1 and r.preemptions_per_request == 0
        if r.policy in ("vllm-v1", "sglang"):  # progress is kept: nothing is wasted
            assert r.wasted_per_request == 0
        if r.policy == "amax":  # never evicts
            assert r.preemptions_per_request == 0 and r.recomputed_per_request == 0
        assert (r.offered_load is None) == (r.arrivals == "zero")
    # the workload is loaded enough that something is preempted somewhere (the figures are not all zero)
    assert any(r.preemptions_per_request > 0 for r in rows if r.M == 8_192)


@pytest.mark.parametrize("arrivals", ["zero", "poisson"])
def test_fast_engine_equals_reference_engine(arrivals):
    """On a tight capacity (the largest s + u of the requests) where policies evict and preempt."""
    loose = workload_instance("sharegpt", 30, alpha=Fraction(1, 4), M=16_384, seed=11, arrivals=arrivals)
    M = max(r.s + r.u for r in loose.requests)
    inst = workload_instance("sharegpt", 30, alpha=Fraction(1, 4), M=M, seed=11, arrivals=arrivals)
    assert len({r.s for r in inst.requests}) > 1
    events = 0
    for policy in ("hsf", *SERVING_WORKLOAD_POLICIES):
        fast = run_policy(inst, policy, engine="fast")
        ref = run_policy(inst, policy, engine="reference")
        assert (fast.tel, fast.completion, fast.evictions, fast.preemptions, fast.recomputed_tokens,
                fast.wasted_tokens) == (ref.tel, ref.completion, ref.evictions, ref.preemptions,
                                        ref.recomputed_tokens, ref.wasted_tokens), policy
        events += fast.evictions + fast.preemptions
    assert events > 0


def test_row_dict_is_exact_with_decimals(rows):
    d = serving_row_dict(rows[0])
    assert Fraction(d["mean_ratio"]) == rows[0].mean_ratio
    assert d["mean_ratio_decimal"] == round(float(rows[0].mean_ratio), 6)


@pytest.mark.parametrize("change, field", [
    ({"source": "lmsys"}, "source"), ({"arrivals": ("zero", "bursty")}, "arrivals"),
    ({"policies": ("hsf",)}, "policies"), ({"alphas": (Fraction(3, 2),)}, "alphas"), ({"M": 50}, "M"),
    ({"n": 5000}, "n"), ({"options": {"vllm-v1": {"watermark": 2}}}, "options.watermark"),
])
def test_bad_specs_name_the_field(change, field):
    kw = {"n": 20, "seeds": 1, "alphas": (Fraction(1, 2),), "arrivals": ("zero",)}
    if "M" in change:
        kw["Ms"] = (change.pop("M"),)
    with pytest.raises(WorkloadError, match=f"^{field}"):
        run_serving_workload(WorkloadSpec(**(kw | change)))
