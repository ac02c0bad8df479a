"""Search strategies against exhaustive enumeration; every witness replayed and re-certified against exact OPT."""

import json
from fractions import Fraction

import pytest

from models.instance import uniform_instance
from models.witness import load_witness
from models.shape import Shape
from verify.certify import replay
from verify.search import Problem, run_search
from verify.search.runner import search_grid

# A sample of the grid (n in 2..5, u in 2..6, l in 1..u, s in {0,1}, M in s+u..s+u+6);
# `python -m verify.bench agreement` runs all of it.
SAMPLE = [
    ("amin", 2, 3, 1, 0, 3), ("amin", 3, 4, 1, 1, 6), ("amin", 3, 3, 2, 0, 5), ("amin", 2, 4, 1, 1, 9),
    ("amax", 3, 4, 1, 1, 6), ("amax", 2, 3, 1, 0, 3), ("amax", 3, 3, 1, 1, 7),
]


@pytest.mark.parametrize(("policy", "n", "u", "l", "s", "M"), SAMPLE)
def test_z3_proven_maximum_equals_exhaustive(policy, n, u, l, s, M):  # noqa: E741
    problem = Problem(Shape.uniform(M, s, l, u, n), policy, {}, "opt")
    exhaustive = run_search(problem, "exhaustive")
    z3 = run_search(problem, "z3", budget=120)
    assert exhaustive.closed and z3.closed, z3.notes
    assert z3.best_ratio == exhaustive.best_ratio == z3.proven_upper
    for outcome in (exhaustive, z3):
        assert replay(outcome.best) == []


def test_z3_with_hsf_benchmark_and_existential_schedule():
    from verify.search.z3_search import search_z3

    problem = Problem(Shape.uniform(6, 1, 1, 4, 3), "amin", {}, "opt")
    exhaustive = run_search(problem, "exhaustive")
    by_schedule = search_z3(problem, budget=120, bench_encoding="schedule")
    assert by_schedule.closed and by_schedule.best_ratio == exhaustive.best_ratio
    hsf_problem = Problem(problem.shape, "amin", {}, "hsf")
    assert run_search(hsf_problem, "z3", budget=120).best_ratio == run_search(hsf_problem, "exhaustive").best_ratio


@pytest.mark.parametrize("strategy", ["local", "hypothesis", "portfolio"])
def test_heuristic_strategies_never_exceed_the_maximum(strategy):
    problem = Problem(Shape.uniform(8, 1, 1, 5, 4), "amin", {"eviction": "most-progress"}, "opt")
    maximum = run_search(problem, "exhaustive").best_ratio
    outcome = run_search(problem, strategy, budget=2.0, seed=3)
    assert Fraction(1) <= outcome.best_ratio <= maximum
    assert replay(outcome.best) == []
    if strategy == "portfolio":
        assert outcome.closed and outcome.best_ratio == maximum  # small space: exhaustive closes it


def test_local_search_is_reproducible_from_its_seed():
    from verify.search.local import search_local

    problem = Problem(Shape.uniform(10, 1, 1, 6, 5), "amin", {}, "opt")
    a = search_local(problem, budget=None, seed=7, max_evaluations=300)
    b = search_local(problem, budget=None, seed=7, max_evaluations=300)
    assert a.best.to_dict() == b.best.to_dict()


def test_user_scheduler_is_searched_like_a_built_in():
    problem = Problem(Shape.uniform(6, 0, 1, 4, 3), "tests.verify.search.user_policy:Greedy", {}, "opt")
    outcome = run_search(problem, "exhaustive")
    assert outcome.closed and outcome.best_ratio > 1
    assert replay(outcome.best) == []


def test_interrupted_search_leaves_complete_witnesses(tmp_path):
    problems = [Problem(Shape.uniform(7, 1, 1, 5, 4), "amin", {}, "opt")]
    seen = []

    def progress(line):
        seen.append(line)
        if len([x for x in seen if "best ratio" in x]) == 2:
            raise KeyboardInterrupt

    report = search_grid(problems, "local", budget=5.0, seed=0, out=tmp_path, progress=progress)
    assert report.interrupted
    files = sorted(tmp_path.iterdir())
    assert [f.name for f in files] == ["amin-n4-M7-s1-l1-u5-001.json", "amin-n4-M7-s1-l1-u5-002.json",
                                       "amin-n4-M7-s1-l1-u5-best.json"]
    for f in files:
        json.loads(f.read_text())
        assert replay(load_witness(f)) == []


def test_z3_horizon_is_the_longest_run_and_proved():
    # Seeded only with o = l, whose run is short: Z3 must find longer runs (replayed on the engine) until it
    # proves that no run needs more rounds. The horizon it settles on is the longest makespan over all o.
    import itertools

    from models.engine_reference import simulate
    from models.schedulers import make_scheduler
    from verify.search.base import Evaluator, Tracker
    from verify.search.z3_search import _proven_horizon

    cfg = uniform_instance(10, 1, 1, 5, [1] * 3)
    problem = Problem(Shape.of(cfg), "amin", {}, "opt")
    longest = max(
        max(simulate(cfg.with_outputs(o), make_scheduler("amin", cfg)).completion)
        for o in itertools.product(range(1, 6), repeat=3)
    )
    short = max(simulate(cfg, make_scheduler("amin", cfg)).completion)
    assert short < longest < 15  # 15: the liveness bound n * u, which Z3 would otherwise unroll
    run, _, notes = _proven_horizon(problem, [cfg.outputs], 0, Tracker(Evaluator(problem), "z3", 60, None))
    assert run.horizon == longest
    assert f"proved: every run finishes within {longest} rounds" in notes


def test_portfolio_proves_with_the_state_graph():
    problem = Problem(Shape.uniform(18, 1, 1, 8, 5), "amin", {}, "opt")
    outcome = run_search(problem, "portfolio", budget=20.0, seed=0)
    assert outcome.closed and any(note.startswith("statespace:") for note in outcome.notes)
    assert outcome.best_ratio == run_search(problem, "statespace", budget=60).best_ratio
    assert replay(outcome.best) == []
