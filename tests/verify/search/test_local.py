"""The guided local search: its proxy is a lower bound on the exact ratio; what it reports is exact."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from models.schedulers import policy_configurations
from models.shape import Shape
from verify.search import Problem, run_search
from verify.search.base import Evaluator
from verify.certify import replay
from verify.search.local import _neighbours, _Scores, search_local
from verify.testing.strategies import instances

ONLINE = [c for c in policy_configurations() if c[0] != "hsf"]


@settings(max_examples=40, deadline=None)
@given(instances(max_n=4, max_u=5, max_a=2), st.sampled_from(ONLINE), st.sampled_from(["opt", "hsf"]))
def test_proxy_is_a_lower_bound_on_the_exact_ratio_and_exact_against_hsf(inst, configuration, benchmark):
    policy, options = configuration
    evaluator = Evaluator(Problem(Shape.of(inst), policy, options, benchmark))
    proxy = _Scores(evaluator)([inst.outputs])[0]
    exact = evaluator.ratio(inst.outputs)[0]
    assert proxy == exact if benchmark == "hsf" else proxy <= exact


def test_neighbours_are_every_single_change_and_every_swap():
    rows = _neighbours((1, 2, 2), [1, 1, 1], [3, 3, 3])
    singles = {(v, 2, 2) for v in (2, 3)} | {(1, v, 2) for v in (1, 3)} | {(1, 2, v) for v in (1, 3)}
    swaps = {(2, 1, 2), (2, 2, 1)}
    assert sorted(rows) == sorted(singles | swaps) and len(rows) == len(singles) + len(swaps)


def test_hsf_policy_against_opt_is_scored_exactly():
    from models.instance import uniform_instance

    problem = Problem(Shape.uniform(6, 0, 1, 4, 4), "hsf", {}, "opt")
    maximum = run_search(problem, "exhaustive").best_ratio
    out = search_local(problem, budget=None, seed=1, max_evaluations=400)
    assert out.evaluations >= 400
    assert Fraction(1) <= out.best_ratio <= maximum
    assert replay(out.best) == []


def test_stall_ends_the_search_long_before_its_budget():
    from models.instance import uniform_instance

    problem = Problem(Shape.uniform(8, 1, 1, 4, 3), "amin", {}, "opt")
    out = search_local(problem, budget=120.0, seed=0, stall=0.2)
    assert out.seconds < 60 and out.seconds >= 0.2


def test_a_swap_keeps_each_length_inside_its_own_interval():
    # jobs with their own intervals: swapping 4 into job 1 ([1, 3]) or 1 into job 0 ([2, 4]) would leave them
    rows = _neighbours((4, 1), [2, 1], [4, 3])
    assert (1, 4) not in rows
    assert all(2 <= a <= 4 and 1 <= b <= 3 for a, b in rows)
