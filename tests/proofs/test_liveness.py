"""Liveness by exhaustion: bounded proofs for the serving policies, counterexamples where no guarantee holds."""

import pytest

from models.instance import uniform_instance
from models.run import run_policy
from models.shape import Shape
from proofs.liveness import liveness_configurations, prove_liveness, prove_liveness_config
from verify.explore import build_graph


def test_scope_is_every_prompt_vector_that_fits():
    configs = liveness_configurations(2, [0, 1, 2], 1, 4, [4, 5, 6])
    # M=4: s=(0,0) only; M=5: 2^2 vectors of {0,1}; M=6: 3^2
    assert len(configs) == 1 + 4 + 9
    assert all(max(r.s for r in c.requests) + 4 <= c.M for c in configs)


@pytest.mark.parametrize("policy", ["vllm-v1", "sglang"])
def test_serving_policies_finish_within_the_bound(policy):
    results = prove_liveness(policy, {}, 3, [0, 1, 2], 1, 4, range(4, 11))
    assert {r.status for r in results} == {"proved"}
    assert [r.claim for r in results].count("finishes") == 144 == [r.claim for r in results].count("sum-o-bound")
    assert max(r.longest for r in results if r.claim == "finishes") == {"vllm-v1": 11, "sglang": 12}[policy]
    assert all(r.longest <= r.bound == 12 for r in results)


def test_reprefill_rounds_break_the_stated_bound():
    results = prove_liveness_config(Shape.uniform(4, 0, 1, 4, 3), "vllm-v1", {"reprefill_rounds": 2})
    finishes, work = results
    assert (finishes.status, finishes.longest, finishes.bound, finishes.counterexample) == (
        "counterexample", 13, 12, (4, 4, 4))
    assert finishes.witness is None  # every run still ends within the engines' round limit
    inst = uniform_instance(4, 0, 1, 4, [4, 4, 4])
    assert max(run_policy(inst, "vllm-v1", {"reprefill_rounds": 2}, engine="reference").completion) == 13
    assert work.status == "counterexample" and work.counterexample == (3, 3, 2)
    assert max(run_policy(uniform_instance(4, 0, 1, 4, [3, 3, 2]), "vllm-v1", {"reprefill_rounds": 2},
                          engine="reference").completion) == 9 > 3 + 3 + 2


def test_state_graph_liveness_check_sees_runs_into_merged_states():
    # regression: the per-state round check expanded merged states once and missed this 13-round run
    sg = build_graph(Shape.uniform(4, 0, 1, 4, 3), "vllm-v1", {"reprefill_rounds": 2}, check_liveness=True)
    bad = [v for v in sg.violations if v.claim == "finishes"]
    assert sg.depth == 13 and len(bad) == 1 and bad[0].outputs == (4, 4, 4)


def test_a_min_most_progress_has_no_liveness_bound():
    (finishes,) = prove_liveness_config(Shape.uniform(4, 0, 1, 4, 3), "amin", {"eviction": "most-progress"})
    assert (finishes.status, finishes.longest, finishes.counterexample) == ("counterexample", 19, (4, 4, 4))
