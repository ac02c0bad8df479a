"""Search objectives other than the ratio: the most departures from memory of one job, recomputed tokens."""

import itertools
import json

import pytest

from models.engine_reference import simulate
from models.instance import uniform_instance
from models.schedulers import make_scheduler
from models.witness import Witness, load_any_witness
from models.shape import Shape
from verify.certify import replay
from verify.search import Problem, run_search

CONFIG = uniform_instance(5, 0, 1, 4, [1] * 3)  # M=5, s=0, [l,u]=[1,4], n=3, arrivals 0


def _reference_maximum(policy: str, objective: str) -> int:
    """The objective's maximum over every o, by the reference engine alone (independent of the fast kernel)."""
    best = -1
    for o in itertools.product(range(1, 5), repeat=3):
        inst = CONFIG.with_outputs(o)
        tr = simulate(inst, make_scheduler(policy, inst))
        best = max(best, tr.max_departures if objective == "preemptions" else tr.recomputed_tokens)
    return best


@pytest.mark.parametrize("policy, objective, value", [
    ("vllm-v1", "preemptions", 2), ("vllm-v1", "recomputed", 5),
    ("fcfs-recompute", "preemptions", 4), ("fcfs-recompute", "recomputed", 8),
    ("amin", "preemptions", 4), ("sglang", "preemptions", 0),
])
def test_exhaustive_objective_is_the_exact_maximum(policy, objective, value):
    out = run_search(Problem(Shape.of(CONFIG), policy, {}, "opt", objective=objective), "exhaustive")
    assert out.closed and out.objective == objective
    assert out.best_value == value == _reference_maximum(policy, objective)
    assert out.evaluations == 64
    w = out.best
    assert (w.objective, w.objective_value) == (objective, value)
    inst = w.instance
    tr = simulate(inst, make_scheduler(policy, inst))
    assert w.tel == tr.tel and w.ratio == out.best_ratio  # the ratio is reported beside the objective


def test_vllm_v1_worst_preemption_witness_integers():
    w = run_search(Problem(Shape.of(CONFIG), "vllm-v1", {}, "opt", objective="preemptions"), "exhaustive").best
    # the first vector in lexicographic order where one job leaves memory twice
    assert w.instance.outputs == (2, 4, 3)
    assert (w.tel, w.benchmark_tel, w.objective_value) == (11, 10, 2)


@pytest.mark.parametrize("objective", ["preemptions", "recomputed"])
def test_local_search_reaches_the_exhaustive_maximum(objective):
    exact = run_search(Problem(Shape.of(CONFIG), "fcfs-recompute", {}, "opt", objective=objective), "exhaustive").best_value
    local = run_search(Problem(Shape.of(CONFIG), "fcfs-recompute", {}, "opt", objective=objective), "local", budget=2.0)
    assert local.best_value == exact and not local.closed


def test_objective_witness_round_trips_and_replays(tmp_path):
    w = run_search(Problem(Shape.of(CONFIG), "amin", {}, "opt", objective="recomputed"), "exhaustive").best
    path = tmp_path / "w.json"
    path.write_text(json.dumps(w.to_dict()))
    back = load_any_witness(path)
    assert (back.objective, back.objective_value) == ("recomputed", 8)
    assert replay(back) == []
    tampered = Witness(back.instance, back.policy, back.options, back.tel, back.benchmark, back.benchmark_tel,
                       None, "recomputed", 7)
    assert replay(tampered) == ["objective_value: stored 7, replay gives 8"]


def test_other_strategies_refuse_an_objective():
    with pytest.raises(ValueError, match="objective: preemptions is searched by exhaustive, local only, not z3"):
        run_search(Problem(Shape.of(CONFIG), "amin", {}, "opt", objective="preemptions"), "z3", budget=1)
    with pytest.raises(ValueError, match="objective: must be one of ratio, preemptions, recomputed"):
        Problem(Shape.of(CONFIG), "amin", {}, "opt", objective="latency")


def test_objective_search_keeps_runs_that_never_end_apart():
    """A user's scheduler that stalls forever once a job ends short of u: those vectors have no value (a liveness
    witness, certified), the others are maximised; no maximum is claimed proven."""
    seen = []
    problem = Problem(Shape.uniform(6, 0, 1, 2, 2), "tests.verify.search.user_policy:Stalls", {}, "opt",
                      objective="recomputed", on_liveness=seen.append)
    out = run_search(problem, "exhaustive")
    # (1, 1) and (2, 2): both jobs end in the same round, nothing stalls; (1, 2) and (2, 1) stall forever
    assert out.best.instance.outputs == (1, 1) and out.best_value == 0
    assert not out.closed and out.notes[0].startswith("2 output vector(s) still unfinished")
    assert seen and seen[-1].tel is None and seen[-1].unfinished
