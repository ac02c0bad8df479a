"""PolicySpec: a policy parsed and validated once, its traits declared by its class."""

import pytest

from models.instance import uniform_instance
from models.schedulers import CLASSES, OptionError, PolicySpec, Scheduler, guarantees_liveness, opt_bounds_tel
from models.schedulers.interface import PolicyTraits

# policy, options -> (never_evicts, may_pause, liveness, z3 encodable)
DECLARED = {
    ("hsf", ()): (True, False, False, True),
    ("amax", ()): (True, False, False, True),
    ("amax", (("admission", "skip"),)): (True, False, False, False),
    ("amin", ()): (False, False, True, True),
    ("amin", (("eviction", "most-progress"),)): (False, False, False, True),
    ("amin", (("eviction", "largest-lower-bound"),)): (False, False, False, True),
    ("fcfs-recompute", ()): (False, False, True, True),
    ("vllm-v1", ()): (False, True, True, False),
    ("vllm-v1", (("reprefill_rounds", 1),)): (False, True, False, False),
    ("sglang", ()): (False, True, True, False),
    ("sglang", (("reprefill_rounds", 2),)): (False, True, False, False),
}


@pytest.mark.parametrize("key", sorted(DECLARED))
def test_traits_are_what_each_class_declares(key):
    name, options = key
    t = PolicySpec.parse(name, dict(options)).traits
    assert (t.never_evicts, t.may_pause, t.liveness, t.z3_unsupported is None) == DECLARED[key]
    assert t.hindsight == (name == "hsf") and t.fast_engine
    assert guarantees_liveness(name, dict(options)) == t.liveness
    assert opt_bounds_tel(name, dict(options)) == (not t.may_pause)


def test_full_options_and_non_default():
    spec = PolicySpec.parse("amin", {"eviction": "most-progress"})
    assert spec.options == {"admission": "stop", "eviction": "most-progress"}
    assert spec.given_options == {"eviction": "most-progress"}
    assert spec.non_default() == {"eviction": "most-progress"}
    assert PolicySpec.parse("amin", {"admission": "stop"}).non_default() == {}


@pytest.mark.parametrize("name,options,message", [
    ("nope", {}, "policy: must be one of"),
    ("amin", {"colour": "red"}, "options.colour: not an option of policy 'amin'"),
    ("amin", {"eviction": "random"}, "options.eviction: must be one of"),
    ("vllm-v1", {"watermark": "2"}, "options.watermark: must be in [0, 1)"),
    ("no.such.module:Cls", {}, "policy: cannot load user scheduler"),
])
def test_bad_policy_is_one_named_error(name, options, message):
    with pytest.raises(OptionError, match=None) as info:
        PolicySpec.parse(name, options)
    assert str(info.value).startswith(message) and "\n" not in str(info.value)


def test_a_spec_passes_through_parse_and_refuses_other_options():
    spec = PolicySpec.parse("amin", {"eviction": "most-progress"})
    assert PolicySpec.parse(spec) is spec
    assert PolicySpec.parse(spec, {"eviction": "most-progress"}) is spec
    with pytest.raises(OptionError, match="options: .* differ"):
        PolicySpec.parse(spec, {"eviction": "least-progress"})


def test_build_gives_fresh_schedulers_and_hsf_needs_its_instance():
    inst = uniform_instance(8, 1, 1, 3, [2, 3])
    spec = PolicySpec.parse("amin")
    a, b = spec.build(inst), spec.build(None)
    assert a is not b and dict(a.options) == spec.options == dict(b.options)
    with pytest.raises(OptionError, match="hindsight"):
        PolicySpec.parse("hsf").build(None)
    assert PolicySpec.parse("hsf").build(inst)._outputs == (2, 3)


class Declares(Scheduler):
    """A user's scheduler declaring its traits on the class."""

    may_pause = True
    time_invariant = True

    def decide(self, view):
        return []


def test_user_class_declares_traits_on_the_class():
    spec = PolicySpec.parse(f"{__name__}:Declares")
    assert spec.user and spec.traits == PolicyTraits(may_pause=True, time_invariant=True)
    assert not spec.traits.fast_engine and spec.traits.z3_unsupported.startswith("policy: a user's scheduler")
    assert spec.non_default() == {}


def test_every_built_in_class_is_registered():
    assert set(CLASSES) == {"hsf", "amax", "amin", "fcfs-recompute", "vllm-v1", "sglang"}
