"""The scheduler interface: user schedulers run, every invalid decision is caught and named."""

import dataclasses

import pytest

from models.engine_reference import simulate
from models.instance import Instance, Request as R
from models.schedulers import OptionError, make_scheduler
from models.schedulers.interface import Decision, RoundLimitExceeded, Scheduler, SchedulerViolation
from models.view import JobView

INST = Instance(6, (R(1, 2, 1, 3, 0), R(1, 1, 1, 3, 2)))


class Fixed(Scheduler):
    """Returns whatever batch the test gives it, every round."""

    def __init__(self, batch):
        self.batch = batch

    def decide(self, view):
        return self.batch(view) if callable(self.batch) else self.batch


def test_view_has_no_true_lengths():
    names = {f.name for f in dataclasses.fields(JobView)}
    assert "o" not in names
    seen = []
    simulate(INST, Fixed(lambda v: seen.append(v) or [j.j for j in v.jobs if j.status.value != "done"]))
    assert all(not hasattr(job, "o") for view in seen for job in view.jobs)
    # jobs appear in the view only once arrived
    assert [len(v.jobs) for v in seen][:3] == [1, 1, 2]


def test_user_scheduler_runs_and_docstring_example_is_valid():
    from models.schedulers import interface

    ns = {"Scheduler": Scheduler}
    exec(compile(_doctest_code(interface.__doc__), "interface-docstring", "exec"), ns)
    tr = simulate(INST, ns["SmallestPromptFirst"]())
    assert tr.tel >= sum(INST.outputs)


def _doctest_code(doc):
    lines = [ln.strip() for ln in doc.splitlines() if ln.strip().startswith((">>>", "..."))]
    return "\n".join(ln[4:] for ln in lines)


@pytest.mark.parametrize(
    ("batch", "message"),
    [
        ([0, 1], "round 0, job 1: job has not arrived"),
        ([0, 0], "round 0, job 0: job scheduled twice"),
        ([7], "round 0: unknown job index 7"),
        (["0"], "round 0: unknown job index '0'"),
        (None, "decide\\(\\) must return job indices"),
        (Decision((0,), evicted=(0,)), "round 0, job 0: evicted job is not running"),
    ],
)
def test_invalid_decisions_raise_named_violations(batch, message):
    with pytest.raises(SchedulerViolation, match=message):
        simulate(INST, Fixed(batch))


def test_batch_over_memory_is_a_violation():
    inst = Instance(4, (R(1, 2, 1, 2), R(1, 2, 1, 2)))
    with pytest.raises(SchedulerViolation, match="round 1: batch memory 6 exceeds M=4"):
        simulate(inst, Fixed([0, 1]))


def test_completed_job_scheduled_again():
    inst = Instance(6, (R(1, 1, 1, 2), R(1, 2, 1, 2)))
    with pytest.raises(SchedulerViolation, match="round 1, job 0: completed job scheduled again"):
        simulate(inst, Fixed([0, 1]))


def test_idle_scheduler_stopped_at_round_limit():
    with pytest.raises(RoundLimitExceeded, match="round limit 9 reached with 2 job"):
        simulate(INST, Fixed([]), round_limit=9)


def test_explicit_restart_drops_progress():
    # Job 0 is evicted and restarted every round: it never completes (o=2), so the run hits its limit.
    inst = Instance(6, (R(1, 2, 1, 3),))
    sched = Fixed(lambda v: Decision((0,), evicted=tuple(j.j for j in v.running)))
    with pytest.raises(RoundLimitExceeded):
        simulate(inst, sched, round_limit=20)


@pytest.mark.parametrize(
    ("policy", "options", "message"),
    [
        ("nope", {}, "policy: must be one of"),
        ("hsf", {"eviction": "most-progress"}, "options.eviction: not an option of policy 'hsf'"),
        ("amin", {"eviction": "random"}, "options.eviction: must be one of"),
        ("amax", {"admission": "maybe"}, "options.admission: must be one of"),
        ("fcfs-recompute", {"admission": "stop"}, "allowed: none"),
    ],
)
def test_bad_policy_options(policy, options, message):
    with pytest.raises(OptionError, match=message):
        make_scheduler(policy, INST, **options)
