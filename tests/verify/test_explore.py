"""The state graph against enumeration, exhaustive search and the Z3 proofs."""

import itertools
from fractions import Fraction

import pytest

from models.engine_fast import Configuration
from models.instance import uniform_instance
from models.shape import Shape
from proofs.memory_safety import prove_config
from proofs.statespace_safety import prove_config_statespace
from verify.search import Problem, run_search
from verify.explore import build_graph, worst_ratio, worst_tel

GRID = [("amin", 3, 4, 1, 1, 6), ("amin", 4, 5, 2, 0, 7), ("amin", 3, 6, 1, 0, 8), ("amax", 4, 4, 1, 1, 7),
        ("amax", 3, 5, 2, 1, 9), ("fcfs-recompute", 3, 4, 1, 1, 6)]


@pytest.mark.parametrize(("policy", "n", "u", "l", "s", "M"), GRID)
def test_longest_path_is_the_worst_tel_and_branch_and_bound_is_exact(policy, n, u, l, s, M):  # noqa: E741
    config = uniform_instance(M, s, l, u, [l] * n)
    sg = build_graph(config, policy)
    assert not sg.violations
    engine = Configuration.build(config, policy)
    assert worst_tel(sg) == max(engine.run(o).tel for o in itertools.product(range(l, u + 1), repeat=n))
    exhaustive = run_search(Problem(Shape.of(config), policy, {}, "opt"), "exhaustive")
    assert worst_ratio(config, policy).ratio == exhaustive.best_ratio
    assert run_search(Problem(Shape.of(config), policy, {}, "opt"), "statespace").best_ratio == exhaustive.best_ratio


def test_other_eviction_readings():
    config = uniform_instance(7, 0, 1, 5, [1] * 4)
    for ev in ("most-progress", "largest-lower-bound"):
        problem = Problem(Shape.of(config), "amin", {"eviction": ev}, "opt")
        assert run_search(problem, "statespace").best_ratio == run_search(problem, "exhaustive").best_ratio


@pytest.mark.parametrize(("policy", "n", "u", "s", "M"),
                         [("amax", 3, 4, 0, 4), ("amax", 3, 4, 1, 7), ("amin", 3, 4, 0, 5), ("amin", 3, 4, 1, 5),
                          ("amin", 2, 5, 1, 8), ("fcfs-recompute", 3, 3, 1, 4)])
def test_statespace_and_z3_proofs_agree(policy, n, u, s, M):
    config = uniform_instance(M, s, 1, u, [1] * n)
    z3_results = {r.claim: r.status for r in prove_config(config, policy, {}, timeout=120)}
    ss_results = {r.claim: r.status for r in prove_config_statespace(config, policy, {})}
    assert z3_results == ss_results == {c: "proved" for c in z3_results}


def test_a_livelock_or_violation_is_reported_with_a_witness():
    from models.schedulers.interface import Scheduler

    class Overcommit(Scheduler):
        def decide(self, view):
            return [v.j for v in view.jobs if v.status.value != "done"]

    sg = build_graph(uniform_instance(5, 1, 1, 3, [1, 1, 1]), Overcommit())
    assert any(v.claim == "memory" for v in sg.violations)
    assert all(len(v.outputs) == 3 for v in sg.violations)


def test_compression():
    config = uniform_instance(18, 1, 1, 8, [1] * 4)
    sg = build_graph(config, "amin")
    assert sg.stats["states"] < 8**4 / 10


def test_hindsight_scheduler_is_rejected():
    from models.schedulers import OptionError

    with pytest.raises(OptionError, match="hindsight"):
        build_graph(uniform_instance(5, 1, 1, 3, [1, 1]), "hsf")


def test_build_respects_its_deadline():
    import time

    with pytest.raises(TimeoutError, match="deadline passed"):
        build_graph(uniform_instance(18, 1, 1, 8, [1] * 8), "amin", deadline=time.perf_counter())


def test_branch_and_bound_out_of_budget_keeps_its_best_leaf(monkeypatch):
    import verify.explore as ss
    from verify.explore import BudgetExceeded

    config = uniform_instance(18, 1, 1, 8, [1] * 5)
    build = ss.build_graph
    monkeypatch.setattr(ss, "build_graph", lambda *a, **k: build(*a, **(k | {"deadline": None})))
    start = (2, 2, 2, 2, 2)
    with pytest.raises(BudgetExceeded) as caught:
        worst_ratio(config, "amin", budget=0.0, start=start)  # stops at the first budget check (64 leaves/nodes)
    kept = caught.value.outputs
    assert kept is not None and len(kept) == 5 and all(1 <= o <= 8 for o in kept)
    from models.engine_reference import simulate
    from models.schedulers import make_scheduler
    from verify.certify import benchmark_tel

    def exact(o):
        inst = config.with_outputs(o)
        return Fraction(simulate(inst, make_scheduler("amin", inst)).tel, benchmark_tel(inst, "opt"))

    assert exact(kept) >= exact(start)
