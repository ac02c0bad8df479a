"""Properties of every run of every scheduler and option on the reference engine (MODEL.md invariants)."""

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from models.engine_reference import liveness_bound, simulate
from models.schedulers import make_scheduler
from verify.testing.strategies import configurations, instances, uniform_instances


def run(inst, config):
    policy, options = config
    return simulate(inst, make_scheduler(policy, inst, **options))


@given(instances(), configurations)
def test_memory_constraint_holds_every_round(inst, config):
    tr = run(inst, config)
    for rec in tr.rounds:
        assert rec.memory <= inst.M
        # memory is recomputed from the batch: s_j + k_j + 1 with k_j the tokens before this round
        assert rec.memory >= sum(inst.requests[j].s + 1 for j in rec.batch)


@given(instances(), configurations)
def test_every_job_completes_exactly_once_no_sooner_than_possible(inst, config):
    tr = run(inst, config)
    done = Counter(j for rec in tr.rounds for j in rec.completed)
    assert done == Counter(range(inst.n))
    for j, r in enumerate(inst.requests):
        assert tr.completion[j] >= r.a + r.o
        assert tr.outputs[j] == r.o
        assert all(j not in rec.batch for rec in tr.rounds if rec.t >= tr.completion[j])


@given(instances(), configurations)
def test_token_accounting(inst, config):
    # tokens generated = Σ o_j over completed jobs + tokens lost to evictions
    tr = run(inst, config)
    assert sum(len(rec.batch) for rec in tr.rounds) == sum(inst.outputs) + tr.wasted_tokens
    assert sum(len(rec.evicted) for rec in tr.rounds) == tr.evictions


@given(instances(), st.sampled_from(["hsf", "amax"]), st.sampled_from(["stop", "skip"]))
def test_hsf_and_amax_never_evict(inst, policy, admission):
    tr = run(inst, (policy, {"admission": admission}))
    assert tr.evictions == 0 and tr.wasted_tokens == 0


@given(instances(), st.sampled_from(["stop", "skip"]))
def test_amin_default_eviction_ends_within_liveness_bound(inst, admission):
    tr = run(inst, ("amin", {"admission": admission}))
    assert max(tr.completion) <= liveness_bound(inst)


@given(instances())
def test_fcfs_recompute_ends_within_liveness_bound(inst):
    assert max(run(inst, ("fcfs-recompute", {})).completion) <= liveness_bound(inst)


@given(uniform_instances(max_n=6), configurations)
def test_tel_equals_paper_formula_with_zero_arrivals(inst, config):
    # TEL = Σ_t t·|I_t| + Σ_j o_j, I_t = jobs whose final (completing) run starts at round t.
    tr = run(inst, config)
    final_start = Counter(tr.final_starts)
    assert tr.tel == sum(t * count for t, count in final_start.items()) + sum(inst.outputs)
