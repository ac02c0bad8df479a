"""Large-neighbourhood search: valid schedules, never worse than the start, never below OPT."""

import pytest
from hypothesis import given, settings

from verify.opt import solve_opt
from verify.opt.bounds import start_window
from verify.opt.neighbourhood import improve_schedule
from verify.opt.result import InvalidSchedule, schedule_tel
from verify.testing.strategies import instances


@settings(max_examples=40, deadline=None)
@given(instances(max_n=6, max_u=5, max_s=2, max_a=3, max_slack=5))
def test_an_improved_schedule_is_valid_no_worse_than_hsf_and_no_better_than_opt(inst):
    window = start_window(inst)
    tel, starts = improve_schedule(inst, window.upper_starts)
    assert schedule_tel(inst, starts) == tel
    assert solve_opt(inst, "exhaustive").tel <= tel <= window.upper_tel


def test_it_improves_hsf_on_the_parent_family():
    # measured: parent family, arrivals 0, n = 12, seed 0: H-SF 523, after the windows 520; OPT is 516
    from verify.opt.families import parent_instance

    inst = parent_instance(0, n=12)
    window = start_window(inst)
    tel, starts = improve_schedule(inst, window.upper_starts)
    assert 516 <= tel < window.upper_tel == 523
    assert schedule_tel(inst, starts) == tel


def test_a_start_list_that_is_not_a_schedule_is_refused():
    from models.instance import uniform_instance

    inst = uniform_instance(4, 1, 1, 3, [3, 3])
    with pytest.raises(InvalidSchedule):
        improve_schedule(inst, (0, 0))  # both at round 0: 2 + 2 + ... exceeds M = 4 in round 1
