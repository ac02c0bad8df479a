"""The ramp-waste bound (verify.opt.ramp_bound) against the exhaustive oracle and on hand-computed cases."""

from hypothesis import given, settings
from hypothesis import strategies as st

from models.instance import Instance, Request
from verify.opt.bounds import completion_area_bound, lower_bound
from verify.opt.exhaustive import solve_exhaustive
from verify.opt.families import parent_instance
from verify.opt.ramp_bound import least_waste, ramp_area_bound, ramp_lower_bound, segment_waste
from verify.testing.strategies import instances


@st.composite
def scaled_parent(draw, *, max_n: int = 6, arrivals: bool = False) -> Instance:
    M = draw(st.integers(4, 14))
    reqs = []
    for _ in range(draw(st.integers(1, max_n))):
        s = draw(st.integers(0, 3))
        o = draw(st.integers(1, M - s))
        reqs.append(Request(s, o, o, o, draw(st.integers(0, 6)) if arrivals else 0))
    return Instance(M, tuple(reqs))


def test_segment_waste_by_its_sum():
    for M in (1, 3, 7):
        for length in range(0, 20):
            assert segment_waste(length, M) == sum(min(M, x) for x in range(length))


def test_least_waste_is_the_best_split():
    import itertools

    M = 4
    for C in range(0, 12):
        for k in (1, 2, 3):
            best = min(sum(segment_waste(x, M) for x in parts)
                       for parts in itertools.product(range(C + 1), repeat=k) if sum(parts) == C)
            assert least_waste(C, k, M) == best


def test_single_job_and_two_jobs_by_hand():
    # one job s=0, o=3 alone in M=3: completes at 3; area 6 = 3*3 - w(3) = 9 - 3: the bound is exact
    assert ramp_area_bound([3], [6], 3) == 3
    # two jobs s=0, o=2 (areas 3), M=3. OPT: starts 0 and 1 (round 1 holds 2 + 1 = 3), completions 2 and 3: 5.
    # The bound: C_1 >= 2; C_2 >= 2 since 3*2 - W_2(2) = 6 - 2 w(1) = 6 >= 6 (two segments of one round waste
    # nothing; the bound does not know that both completing at 2 would make one segment): 4 < 5
    assert ramp_area_bound([2, 2], [3, 3], 3) == 4
    # the waste matters: one job s=0, o=4 in M=4 (area 10): area alone gives ceil(10/4) = 3 < 4 = o; with
    # three jobs of o=2 (areas 3) in M=2: area gives 2, 3, 5 (ceil(3/2), ceil(6/2), ceil(9/2)); the waste
    # makes C_2 >= 4 (2*3 - W_2(3) = 6 - w(2) - w(1) = 5 < 6) and C_3 >= 6 (2*5 - W_3(5) = 10 - 2 w(2) - w(1)
    # = 8 < 9; C = 6: 12 - 3 w(2) = 9): 2 + 4 + 6 = 12, and OPT runs them one after another: 2 + 4 + 6
    assert completion_area_bound([2, 2, 2], [3, 3, 3], 2) == 10
    assert ramp_area_bound([2, 2, 2], [3, 3, 3], 2) == 12
    inst = Instance(2, tuple(Request(0, 2, 2, 2, 0) for _ in range(3)))
    assert solve_exhaustive(inst).tel == 12 == ramp_lower_bound(inst)


def test_parent_instance_exact_values():
    inst = parent_instance(0, n=11)  # OPT 539
    assert lower_bound(inst) <= ramp_lower_bound(inst) <= 539


def _check(inst):
    opt = solve_exhaustive(inst).tel
    ramp = ramp_lower_bound(inst)
    assert lower_bound(inst) <= ramp <= opt


@settings(max_examples=60, deadline=None)
@given(instances(max_n=6, max_u=5, max_s=2, max_a=4, max_slack=6))
def test_ramp_bound_at_most_opt_general(inst):
    _check(inst)


@settings(max_examples=60, deadline=None)
@given(scaled_parent())
def test_ramp_bound_at_most_opt_scaled_parent(inst):
    _check(inst)


@settings(max_examples=40, deadline=None)
@given(scaled_parent(arrivals=True))
def test_ramp_bound_at_most_opt_scaled_parent_with_arrivals(inst):
    _check(inst)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 40), st.data())
def test_ramp_bound_at_least_the_area_bound(M, data):
    jobs = data.draw(st.lists(st.tuples(st.integers(0, M - 1), st.integers(0, 30)), min_size=1, max_size=8))
    shapes = [(s, data.draw(st.integers(1, M - s))) for s, _ in jobs]
    ends = sorted(o + a for (s, o), (_, a) in zip(shapes, jobs))
    areas = sorted(o * s + o * (o + 1) // 2 for s, o in shapes)
    assert ramp_area_bound(ends, areas, M) >= completion_area_bound(ends, areas, M)


def test_areas_of_no_valid_job_are_refused():
    import pytest

    # M = 1: a valid job has s = 0, o = 1, area 1 = M(M+1)/2; area 2 is no job's (the loop would never end)
    assert ramp_area_bound([1, 1], [1, 1], 1) == 1 + 2
    with pytest.raises(ValueError, match="no job has an area above"):
        ramp_area_bound([1], [2], 1)
