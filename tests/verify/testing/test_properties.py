"""The property suites on the real model, and check_scheduler on a user's class (a good and a bad one)."""

import pytest

from models.schedulers.interface import Scheduler
from verify.testing import properties
from tests.verify.search.user_policy import Greedy
from verify.testing.properties import SUITES, check_scheduler

RUN_HERE = [name for name in SUITES if name != "stateful"]


@pytest.mark.parametrize("suite", RUN_HERE)
def test_suite_passes_on_the_model(suite):
    SUITES[suite]()


@pytest.mark.parametrize("policy", ["amax", "amin", "fcfs-recompute"])
def test_stateful_adversary(policy):
    from hypothesis.stateful import run_state_machine_as_test

    from models.schedulers import make_scheduler, policy_configurations
    from verify.testing.stateful import adversary_machine

    for pol, options in policy_configurations():
        if pol == policy:
            machine = adversary_machine(lambda inst, o=options: make_scheduler(pol, inst, **o), policy=pol,
                                        options=options)
            run_state_machine_as_test(machine)


class Overcommits(Scheduler):
    """Runs everything that has arrived: breaks the memory constraint."""

    def decide(self, view):
        return [v.j for v in view.jobs if v.status.value != "done"]


def test_check_scheduler_accepts_a_valid_user_scheduler():
    check_scheduler(Greedy, max_examples=30)


def test_check_scheduler_lets_a_policy_declaring_may_pause_beat_opt():
    # vLLM v1's rules keep progress when preempting and may beat the non-preemptive OPT (MODEL.md): M = 2,
    # two jobs with s = 0, o = 2 is such an instance, so the TEL >= OPT check must not apply to it
    from models.schedulers import VLLMv1

    check_scheduler(VLLMv1, max_examples=30)


def test_check_scheduler_rejects_an_unsafe_one():
    with pytest.raises(Exception, match="memory|exceeds M"):
        check_scheduler(Overcommits, max_examples=30)


def test_amax_bound_reading():
    from fractions import Fraction

    assert properties.amax_bound(Fraction(1)) == 1
    assert properties.amax_bound(Fraction(1, 2)) == 3


def test_finding_amax_bound_fails_against_exact_opt():
    """Kept as a finding, not tuned away: at alpha = 1 A_max is H-SF, and H-SF is not optimal, so
    A_max / OPT = 36/35 exceeds the paper's bound alpha^-1 (1 + alpha^-1)/2 = 1 on this witness."""
    from fractions import Fraction

    from models.instance import Instance
    from verify.certify import certify

    inst = Instance.from_dict(properties.AMAX_OPT_FINDING)
    ratio = certify(inst, "amax", {}, "opt").ratio
    assert ratio == Fraction(36, 35) > properties.amax_bound(inst.alpha) == 1
    assert certify(inst, "amax", {}, "hsf").ratio == 1


def test_amax_paper_bound_search_finds_a_violation():
    """The paper's A_max bound, searched with target() from a fixed seed, must be found violated against
    H-SF, the paper's own benchmark; the falsifying instance is then certified on the reference engine.
    This fails if the search stops finding the finding (or if a change to the model removed it)."""
    import json

    from models.instance import Instance
    from verify.certify import certify

    with pytest.raises(AssertionError, match="above the paper's bound") as failure:
        properties.amax_paper_bound(max_examples=3000, derandomize=True)
    message = str(failure.value).splitlines()[0]
    admission = message.split("(admission=")[1].split(")")[0]
    inst = Instance.from_dict(json.loads(message.split(" on ", 1)[1]))
    ratio = certify(inst, "amax", {"admission": admission}, "hsf").ratio
    assert ratio > properties.amax_bound(inst.alpha)


def test_finding_amax_bound_fails_against_hsf():
    """Kept as a finding: A_max / H-SF = 10/7 > 45/32 = alpha^-1 (1 + alpha^-1)/2 at alpha = 4/5, n = 4, M = 6."""
    from fractions import Fraction

    from models.instance import Instance
    from verify.certify import certify

    inst = Instance.from_dict(properties.AMAX_HSF_FINDING)
    assert inst.alpha == Fraction(4, 5)
    ratio = certify(inst, "amax", {}, "hsf").ratio
    assert ratio == Fraction(10, 7) > properties.amax_bound(inst.alpha) == Fraction(45, 32)
