"""A policy named and configured once: :class:`PolicySpec`.

A policy travels through the toolkit as a name (a built-in of :data:`POLICIES` or a user's ``"module:Class"``)
and options. :meth:`PolicySpec.parse` validates both exactly once, completes the options with the class's
defaults, and reads the class's declared :class:`~models.schedulers.interface.PolicyTraits`; every consumer
asks the spec (``spec.traits.liveness``, ``spec.traits.fast_engine``, ...) instead of deciding by name, and
builds schedulers with :meth:`PolicySpec.build`, which validates nothing again.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from models.errors import InvalidInput
from models.instance import Instance
from models.schedulers.a_max import AMax
from models.schedulers.a_min import AMin
from models.schedulers.fcfs_recompute import FCFSRecompute
from models.schedulers.hsf import HSF
from models.schedulers.interface import PolicyTraits, Scheduler
from models.schedulers.sglang import SGLang
from models.schedulers.vllm_v1 import VLLMv1


class OptionError(InvalidInput):
    """An unknown policy, or an option the policy does not have or a value it does not accept."""


POLICIES = ("hsf", "amax", "amin", "fcfs-recompute", "vllm-v1", "sglang")
CLASSES: dict[str, type[Scheduler]] = {"hsf": HSF, "amax": AMax, "amin": AMin, "fcfs-recompute": FCFSRecompute,
                                       "vllm-v1": VLLMv1, "sglang": SGLang}
POLICY_OPTIONS: dict[str, tuple[str, ...]] = {
    "hsf": ("admission",),
    "amax": ("admission",),
    "amin": ("admission", "eviction"),
    "fcfs-recompute": (),
    "vllm-v1": ("max_num_seqs", "watermark", "reprefill_rounds", "priority"),
    "sglang": ("policy", "schedule_conservativeness", "max_running_requests", "retract_decode_steps",
               "reprefill_rounds"),
}


def names_user_scheduler(name: str) -> bool:
    """Whether ``name`` names a user's ``module:Class``, decided without importing it.

    A caller may first ask the user's leave to run their module, as ``kvsched replay`` does.

    Parameters
    ----------
    name : str
        A policy name.

    Returns
    -------
    bool
        Whether ``name`` contains ``":"``.
    """
    return ":" in name


def load_user_scheduler(spec: str) -> type[Scheduler]:
    """Import a user's scheduler class from ``"package.module:ClassName"``.

    Parameters
    ----------
    spec : str
        ``"package.module:ClassName"``.

    Returns
    -------
    type
        The class, a :class:`Scheduler` subclass.

    Raises
    ------
    OptionError
        The module or class cannot be loaded, or the class is not a :class:`Scheduler` subclass.
    """
    module_name, _, class_name = spec.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise OptionError(f"policy: cannot load user scheduler {spec!r} ({exc})") from None
    if not (isinstance(cls, type) and issubclass(cls, Scheduler)):
        raise OptionError(f"policy: {spec!r} is not a Scheduler subclass")
    return cls


def _construct(cls: type[Scheduler], options: Mapping[str, Any], outputs=()) -> Scheduler:
    if cls is HSF:
        return HSF(outputs, **options)
    return cls(**options)


@functools.cache
def _defaults(cls: type[Scheduler]) -> tuple[tuple[str, Any], ...]:
    """A built-in class's default options (the same for every parse: computed once per class)."""
    return tuple(sorted(_construct(cls, {}).options.items()))


@dataclass(frozen=True)
class PolicySpec:
    """A validated policy: its name, the options given, the options in effect, and its declared traits.

    Attributes
    ----------
    name : str
        A built-in policy name or ``"module:Class"``.
    given : tuple of (str, value)
        The options as the user set them, sorted by key.
    full : tuple of (str, value)
        The options in effect (given, completed with the class's defaults), sorted by key: what a witness
        records.
    traits : PolicyTraits
        Declared by the class for these options.
    """

    name: str
    given: tuple[tuple[str, Any], ...]
    full: tuple[tuple[str, Any], ...]
    traits: PolicyTraits
    cls: type[Scheduler] = field(compare=False, repr=False)
    defaults: tuple[tuple[str, Any], ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def parse(cls, name: str, options: Mapping[str, Any] | None = None) -> PolicySpec:
        """Validate ``name`` and ``options`` once.

        Parameters
        ----------
        name : str
            One of :data:`POLICIES`, or ``"module:Class"`` naming a :class:`Scheduler` subclass.
        options : mapping, optional
            Named options; each must be one of the policy's (:data:`POLICY_OPTIONS`) with a value it accepts.

        Returns
        -------
        PolicySpec

        Raises
        ------
        OptionError
            Naming the policy or the option and the rule it breaks.
        """
        if isinstance(name, PolicySpec):  # parsed already: nothing to validate again
            if options and dict(options) not in (name.given_options, name.options):
                raise OptionError(f"options: {dict(options)} differ from those of the PolicySpec given beside them "
                                  f"({name.given_options})")
            return name
        options = dict(options or {})
        if names_user_scheduler(name):
            klass = load_user_scheduler(name)
            try:
                probe = klass(**options)
            except (TypeError, ValueError) as exc:  # an unknown keyword, or a value the class refuses
                raise OptionError(f"options: {name} rejected them ({exc})") from None
        else:
            if name not in POLICIES:
                raise OptionError(f"policy: must be one of {', '.join(POLICIES)}, got {name!r}")
            for key in options:
                if key not in POLICY_OPTIONS[name]:
                    allowed = ", ".join(POLICY_OPTIONS[name]) or "none"
                    raise OptionError(f"options.{key}: not an option of policy {name!r} (allowed: {allowed})")
            klass = CLASSES[name]
            try:
                probe = _construct(klass, options)
            except ValueError as exc:  # an option value the scheduler rejected
                raise OptionError(f"options.{exc}") from None
        full = {**options, **probe.options}
        # a user's defaults may need keywords: every option names the cell
        defaults = () if names_user_scheduler(name) else _defaults(klass)
        return cls(name, tuple(sorted(options.items())), tuple(sorted(full.items())), klass.traits(full), klass,
                   defaults)

    @property
    def options(self) -> dict[str, Any]:
        """The options in effect (a fresh dict)."""
        return dict(self.full)

    @property
    def given_options(self) -> dict[str, Any]:
        """The options as given (a fresh dict)."""
        return dict(self.given)

    @property
    def user(self) -> bool:
        """A user's ``module:Class`` scheduler."""
        return names_user_scheduler(self.name)

    def non_default(self) -> dict[str, Any]:
        """The options in effect that differ from the class's defaults: what names a search cell.

        For a user scheduler, whose defaults may need keywords, that is all of them.

        Returns
        -------
        dict
            Those options, by name.
        """
        defaults = dict(self.defaults)
        return {k: v for k, v in self.full if defaults.get(k, _MISSING) != v}

    def build(self, instance: Instance | None) -> Scheduler:
        """A fresh scheduler for one run on ``instance``, built from the options given (validated already).

        H-SF is handed the instance's true lengths (hindsight); an online policy may be built without an
        instance.

        Parameters
        ----------
        instance : Instance or None
            The instance the scheduler will run on; ``None`` for an online policy only.

        Returns
        -------
        Scheduler
            A new scheduler, ready to be started.

        Raises
        ------
        OptionError
            ``instance`` is ``None`` and the policy is a hindsight scheduler.
        """
        if instance is None and self.traits.hindsight:
            raise OptionError(f"policy: {self.name} is a hindsight scheduler and needs the instance it runs on")
        return _construct(self.cls, dict(self.given), () if instance is None else instance.outputs)


_MISSING = object()
