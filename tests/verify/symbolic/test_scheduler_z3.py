"""The Z3 unrolling must be exactly the reference engine: pin o, solve, replay, compare every batch."""

import pytest
import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from models.engine_reference import simulate
from models.instance import Instance, Request as R
from models.schedulers import SERVING_POLICIES, make_scheduler, policy_configurations
from models.schedulers.interface import RoundLimitExceeded
from verify.testing.strategies import instances
from verify.symbolic.scheduler_z3 import UnsupportedForZ3, check_against_reference, encode

# The serving policies have no Z3 encoding (test_serving_policies_are_not_encodable).
STOP_CONFIGS = [c for c in policy_configurations()
                if c[1].get("admission", "stop") == "stop" and c[0] not in SERVING_POLICIES]


@settings(max_examples=25)
@given(instances(max_n=4, max_u=4, max_s=2, max_a=3, max_slack=6), st.sampled_from(STOP_CONFIGS))
def test_pinned_outputs_replay_identically(inst, config):
    policy, options = config
    run = encode(inst, policy, options)
    solver = z3.Solver()
    solver.add(run.constraints + [run.finished] + [v == o for v, o in zip(run.o, inst.outputs)])
    assert solver.check() == z3.sat
    replayed, tel = check_against_reference(run, solver.model())  # raises EncodingMismatch on any difference
    assert replayed == inst
    assert solver.model().eval(run.tel).as_long() == tel
    memory = [solver.model().eval(m).as_long() for m in run.memory]
    ref = simulate(inst, make_scheduler(policy, inst, **options))
    assert memory[: len(ref.dense_rounds())] == [rec.memory for rec in ref.dense_rounds()]


def test_the_encoding_has_exactly_one_execution_per_output_vector():
    inst = Instance(8, (R(1, 4, 1, 4), R(1, 4, 1, 4), R(1, 1, 1, 4)))
    run = encode(inst, "amin", {})
    solver = z3.Solver()
    solver.add(run.constraints + [v == o for v, o in zip(run.o, inst.outputs)])
    assert solver.check() == z3.sat
    first = [solver.model().eval(c).as_long() for c in run.completion]
    solver.add(z3.Or([c != v for c, v in zip(run.completion, first)]))
    assert solver.check() == z3.unsat  # the execution is a function of o


def test_short_horizon_exposes_unfinished_runs():
    inst = Instance(6, (R(0, 3, 1, 3), R(0, 3, 1, 3)))
    run = encode(inst, "amin", {}, horizon=2)
    solver = z3.Solver()
    solver.add(run.constraints + [z3.Not(run.finished)])
    assert solver.check() == z3.sat
    outputs = run.outputs_from(solver.model())
    with pytest.raises(RoundLimitExceeded):
        target = inst.with_outputs(outputs)
        simulate(target, make_scheduler("amin", target), round_limit=2)


def test_skip_admission_and_user_schedulers_are_rejected_clearly():
    inst = Instance(6, (R(0, 3, 1, 3),))
    with pytest.raises(UnsupportedForZ3, match="admission='stop' only"):
        encode(inst, "amin", {"admission": "skip"})
    with pytest.raises(UnsupportedForZ3, match="no Z3 encoding"):
        encode(inst, "tests.verify.search.user_policy:Greedy", {})


@pytest.mark.parametrize("policy", SERVING_POLICIES)
def test_serving_policies_are_not_encodable(policy):
    inst = Instance(6, (R(0, 3, 1, 3),))
    with pytest.raises(UnsupportedForZ3, match=f"policy: '{policy}' is not encodable in Z3"):
        encode(inst, policy, {})
