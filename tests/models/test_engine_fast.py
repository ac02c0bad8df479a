"""Differential tests: the fast engine gives exactly the reference engine's integers, every policy and option."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.engine_fast import FastEngine, simulate_fast
from models.engine_reference import simulate
from models.instance import Instance, Request as R
from models.run import run_policy
from models.schedulers import OptionError, make_scheduler, policy_configurations
from models.schedulers.interface import RoundLimitExceeded
from verify.testing.strategies import configurations, instances


@settings(max_examples=300)
@given(instances(max_n=7, max_u=8, max_s=4, max_a=8, max_slack=16), configurations)
def test_fast_equals_reference(inst, config):
    policy, options = config
    ref = simulate(inst, make_scheduler(policy, inst, **options))
    fast = simulate_fast(inst, policy, **options)
    assert fast.summary() == ref.summary()


@settings(max_examples=30)
@given(instances(min_n=20, max_n=40, max_u=12, max_s=6, max_a=30, max_slack=30), configurations)
def test_fast_equals_reference_on_larger_instances(inst, config):
    policy, options = config
    assert simulate_fast(inst, policy, **options).summary() == run_policy(inst, policy, options,
                                                                          engine="reference").summary()


@given(instances(max_n=5, max_u=6), st.sampled_from(policy_configurations()), st.data())
def test_batch_api_matches_single_runs(inst, config, data):
    policy, options = config
    cfg = FastEngine.build(inst, policy, **options)
    rows = data.draw(st.lists(st.tuples(*(st.integers(r.l, r.u) for r in inst.requests)), min_size=1, max_size=5))
    tels = cfg.tel_many(np.array(rows))
    assert [int(x) for x in tels] == [simulate(inst.with_outputs(row), make_scheduler(policy, inst.with_outputs(row),
                                                                                    **options)).tel
                                      for row in rows]


def test_round_limit_is_the_same_error():
    inst = Instance(6, (R(0, 3, 1, 3), R(0, 3, 1, 3), R(0, 3, 1, 3)))
    with pytest.raises(RoundLimitExceeded, match="round limit 2 reached with 3 job"):
        simulate(inst, make_scheduler("amin", inst), round_limit=2)
    with pytest.raises(RoundLimitExceeded, match="round limit 2 reached with 3 job"):
        simulate_fast(inst, "amin", round_limit=2)


def test_user_scheduler_runs_on_reference_engine():
    from models.schedulers.interface import Scheduler

    class Everything(Scheduler):
        def decide(self, view):
            return [v.j for v in view.jobs if v.status.value != "done"]

    inst = Instance(10, (R(0, 2, 1, 3), R(0, 3, 1, 3)))
    assert run_policy(inst, Everything()).completion == (2, 3)
    with pytest.raises(ValueError, match="options: pass options"):
        run_policy(inst, Everything(), {"admission": "stop"})


def test_bad_options_rejected():
    inst = Instance(10, (R(0, 2, 1, 3),))
    with pytest.raises(OptionError, match="options.eviction"):
        simulate_fast(inst, "amax", eviction="most-progress")
    with pytest.raises(OptionError, match="policy: must be one of"):
        simulate_fast(inst, "lifo")


# The serving policies with every option drawn (MODEL.md, "Serving policies"); the examples checked are counted
# into SERVING_CHECKED (a debugger or -s run can read them).
SERVING_CHECKED = {"vllm-v1": 0, "sglang": 0, "vllm-v1 priority": 0}

vllm_options = st.fixed_dictionaries({}, optional={
    "max_num_seqs": st.integers(1, 4), "watermark": st.sampled_from([0, "1/10", "1/4", "1/2"]),
    "reprefill_rounds": st.integers(0, 2)})
sglang_options = st.fixed_dictionaries({}, optional={
    "policy": st.sampled_from(["fcfs", "lof"]), "schedule_conservativeness": st.sampled_from([1, "1/2", "3/10", 2]),
    "max_running_requests": st.integers(1, 4), "retract_decode_steps": st.integers(1, 25),
    "reprefill_rounds": st.integers(0, 2)})
serving_configs = st.one_of(st.tuples(st.just("vllm-v1"), vllm_options), st.tuples(st.just("sglang"), sglang_options))


@settings(max_examples=400)
@given(instances(max_n=7, max_u=8, max_s=4, max_a=8, max_slack=16), serving_configs)
def test_fast_equals_reference_serving(inst, config):
    policy, options = config
    limit = 3 * (max(r.a for r in inst.requests) + sum(r.u for r in inst.requests)) + 10
    try:
        ref = simulate(inst, make_scheduler(policy, inst, **options), round_limit=limit).summary()
    except RoundLimitExceeded as exc:
        ref = str(exc)  # sglang with reprefill_rounds > 0 may not finish: the fast engine must stop alike
    try:
        fast = simulate_fast(inst, policy, round_limit=limit, **options).summary()
    except RoundLimitExceeded as exc:
        fast = str(exc)
    assert fast == ref
    SERVING_CHECKED[policy] += 1


@settings(max_examples=40)
@given(instances(min_n=20, max_n=40, max_u=12, max_s=6, max_a=30, max_slack=30), serving_configs)
def test_fast_equals_reference_serving_on_larger_instances(inst, config):
    policy, options = config
    try:
        ref = run_policy(inst, policy, options, engine="reference").summary()
    except RoundLimitExceeded as exc:
        ref = str(exc)
    try:
        fast = run_policy(inst, policy, options, engine="fast").summary()
    except RoundLimitExceeded as exc:
        fast = str(exc)
    assert fast == ref
    SERVING_CHECKED[policy] += 1


@settings(max_examples=150)
@given(instances(max_n=5, max_u=6, max_a=4), st.one_of(st.sampled_from(policy_configurations()), serving_configs),
       st.data())
def test_objectives_many_matches_reference_runs(inst, config, data):
    """[TEL, the most departures of one job, recomputed tokens] per row, against the reference engine's trace."""
    policy, options = config
    limit = 3 * (max(r.a for r in inst.requests) + sum(r.u for r in inst.requests)) + 10
    cfg = FastEngine.build(inst, policy, limit, **options)
    rows = data.draw(st.lists(st.tuples(*(st.integers(r.l, r.u) for r in inst.requests)), min_size=1, max_size=4))
    try:
        got = [[int(x) for x in row] for row in cfg.objectives_many(np.array(rows))]
    except RoundLimitExceeded:
        got = None
    want = []
    for row in rows:
        case = inst.with_outputs(row)
        try:
            tr = simulate(case, make_scheduler(policy, case, **options), round_limit=limit)
        except RoundLimitExceeded:
            want = None
            break
        assert tr.departures == tuple(sum(j in r.evicted or j in r.preempted for r in tr.rounds)
                                      for j in range(case.n))
        want.append([tr.tel, tr.max_departures, tr.recomputed_tokens])
    assert got == want


# vLLM's priority scheduling (MODEL.md, "Serving policies"): instances with priorities of both signs, every other
# option drawn; the fast kernel compares ranks of (priority, a, j), the reference engine the tuples themselves.
vllm_priority_options = st.fixed_dictionaries({"priority": st.just(True)}, optional={
    "max_num_seqs": st.integers(1, 4), "watermark": st.sampled_from([0, "1/10", "1/4", "1/2"]),
    "reprefill_rounds": st.integers(0, 2)})


def _both(inst, options, limit=None):
    out = []
    for go in (lambda: simulate(inst, make_scheduler("vllm-v1", inst, **options), round_limit=limit),
               lambda: simulate_fast(inst, "vllm-v1", round_limit=limit, **options)):
        try:
            out.append(go().summary())
        except RoundLimitExceeded as exc:
            out.append(str(exc))
    return out


@settings(max_examples=400)
@given(instances(max_n=7, max_u=8, max_s=4, max_a=8, max_slack=16, max_priority=3), vllm_priority_options)
def test_fast_equals_reference_vllm_priority(inst, options):
    limit = 3 * (max(r.a for r in inst.requests) + sum(r.u for r in inst.requests)) + 10
    ref, fast = _both(inst, options, limit)
    assert fast == ref
    SERVING_CHECKED["vllm-v1 priority"] += 1


@settings(max_examples=40)
@given(instances(min_n=20, max_n=40, max_u=12, max_s=6, max_a=30, max_slack=30, max_priority=10**12),
       vllm_priority_options)
def test_fast_equals_reference_vllm_priority_on_larger_instances(inst, options):
    # priorities up to 10^12 in size: the kernel's ranks keep them exact
    ref, fast = _both(inst, options)
    assert fast == ref
    SERVING_CHECKED["vllm-v1 priority"] += 1


@settings(max_examples=100)
@given(instances(max_n=5, max_u=6, max_a=4, max_priority=2), vllm_priority_options, st.data())
def test_objectives_many_matches_reference_runs_vllm_priority(inst, options, data):
    limit = 3 * (max(r.a for r in inst.requests) + sum(r.u for r in inst.requests)) + 10
    cfg = FastEngine.build(inst, "vllm-v1", limit, **options)
    rows = data.draw(st.lists(st.tuples(*(st.integers(r.l, r.u) for r in inst.requests)), min_size=1, max_size=4))
    try:
        got = [[int(x) for x in row] for row in cfg.objectives_many(np.array(rows))]
    except RoundLimitExceeded:
        got = None
    want = []
    for row in rows:
        case = inst.with_outputs(row)
        try:
            tr = simulate(case, make_scheduler("vllm-v1", case, **options), round_limit=limit)
        except RoundLimitExceeded:
            want = None
            break
        want.append([tr.tel, tr.max_departures, tr.recomputed_tokens])
    assert got == want
