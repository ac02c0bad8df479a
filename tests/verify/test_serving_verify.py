"""The serving policies in the explicit state graph and under the Hypothesis stateful adversary."""

import pytest
from hypothesis.stateful import run_state_machine_as_test

from models.engine_reference import simulate
from models.instance import Instance, Request as R
from models.schedulers import guarantees_liveness, make_scheduler
from verify.testing.stateful import adversary_machine
from verify.explore import build_graph, worst_tel


@pytest.mark.parametrize(("policy", "options"), [("vllm-v1", {}), ("sglang", {}), ("sglang", {"policy": "lof"}),
                                                 ("vllm-v1", {"reprefill_rounds": 1})])
def test_state_graph_is_safe_and_its_worst_tel_is_a_run(policy, options):
    config = Instance(6, (R(1, 3, 1, 4), R(0, 2, 1, 4), R(1, 1, 1, 3, 1)))
    sg = build_graph(config, policy, options)
    assert sg.violations == []
    worst = worst_tel(sg)
    # the longest path is attained by some output vector, and no output vector exceeds it
    tels = []
    for o0 in range(1, 5):
        for o1 in range(1, 5):
            for o2 in range(1, 4):
                inst = config.with_outputs([o0, o1, o2])
                tels.append(simulate(inst, make_scheduler(policy, inst, **options)).tel)
    assert max(tels) == worst


def test_liveness_is_claimed_only_without_reprefill():
    assert guarantees_liveness("vllm-v1", {}) and guarantees_liveness("sglang", {"policy": "lof"})
    assert not guarantees_liveness("sglang", {"reprefill_rounds": 1})
    assert not guarantees_liveness("amax", {})


@pytest.mark.parametrize(("policy", "options"), [("vllm-v1", {}), ("sglang", {}), ("sglang", {"reprefill_rounds": 1})])
def test_stateful_adversary_on_serving_policies(policy, options):
    machine = adversary_machine(lambda inst: make_scheduler(policy, inst, **options), policy=policy, options=options)
    run_state_machine_as_test(machine)
