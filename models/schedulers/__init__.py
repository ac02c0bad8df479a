"""The schedulers of MODEL.md and a registry that builds them by policy name with named options."""

from __future__ import annotations

from typing import Any

from models.feasibility import ADMISSION_RULES
from models.instance import Instance
from models.schedulers.a_max import AMax
from models.schedulers.a_min import EVICTION_ORDERS, AMin
from models.schedulers.fcfs_recompute import FCFSRecompute
from models.schedulers.hsf import HSF
from models.schedulers.interface import RoundLimitExceeded, Scheduler, SchedulerViolation
from models.schedulers.sglang import SGLANG_POLICIES, SGLang
from models.schedulers.vllm_v1 import VLLMv1

class OptionError(ValueError):
    """An unknown policy, or an option the policy does not have or a value it does not accept."""


POLICIES = ("hsf", "amax", "amin", "fcfs-recompute", "vllm-v1", "sglang")
POLICY_OPTIONS: dict[str, tuple[str, ...]] = {
    "hsf": ("admission",),
    "amax": ("admission",),
    "amin": ("admission", "eviction"),
    "fcfs-recompute": (),
    "vllm-v1": ("max_num_seqs", "watermark", "reprefill_rounds"),
    "sglang": ("policy", "schedule_conservativeness", "max_running_requests", "retract_decode_steps",
               "reprefill_rounds"),
}
# The serving policies (MODEL.md, "Serving policies"): preemption keeps progress, so OPT (which never gains by
# the paper's eviction) is not a lower bound on them, and MC-SF's admission test is not theirs.
SERVING_POLICIES = ("vllm-v1", "sglang")


def policy_configurations() -> list[tuple[str, dict[str, str]]]:
    """Every policy with every combination of its named options (MODEL.md's **[reading]** options)."""
    out: list[tuple[str, dict[str, str]]] = []
    for policy in POLICIES:
        if policy == "fcfs-recompute":
            out.append((policy, {}))
            continue
        if policy == "vllm-v1":  # no [reading] option: its defaults
            out.append((policy, {}))
            continue
        if policy == "sglang":  # its one named choice, the queue order
            out.extend((policy, {"policy": order}) for order in SGLANG_POLICIES)
            continue
        evictions = tuple(EVICTION_ORDERS) if policy == "amin" else (None,)
        for admission in ADMISSION_RULES:
            for eviction in evictions:
                options = {"admission": admission} | ({"eviction": eviction} if eviction else {})
                out.append((policy, options))
    return out


def guarantees_liveness(policy: str, options: dict[str, Any] | None = None) -> bool:
    """Whether MODEL.md's liveness bound ``max_j a_j + n · max_j u_j`` holds for every run of this configuration.

    A_min (default eviction) and fcfs-recompute: MODEL.md's argument. vllm-v1 and sglang with
    ``reprefill_rounds = 0``: no progress is ever lost and every round with an arrived unfinished job generates a
    token (vllm-v1: R's head is never preempted; sglang: a prefill round runs its admitted jobs, a decode round
    all of R), so every job ends by ``max_j a_j + Σ_j o_j`` (this project's argument, tested, not in MODEL.md).
    With re-prefill rounds a resumed job can be preempted again before it generates: no guarantee here."""
    options = options or {}
    if policy in ("amin", "fcfs-recompute"):
        return options.get("eviction", "least-progress") == "least-progress"
    if policy in SERVING_POLICIES:
        return options.get("reprefill_rounds", 0) == 0
    return False


_CLASSES: dict[str, type[Scheduler]] = {"hsf": HSF, "amax": AMax, "amin": AMin, "fcfs-recompute": FCFSRecompute,
                                        "vllm-v1": VLLMv1, "sglang": SGLang}


def opt_bounds_tel(policy: str) -> bool:
    """Whether exact (non-preemptive) OPT is a lower bound on every run of ``policy``: true unless its class
    declares :attr:`~models.schedulers.interface.Scheduler.may_pause` (the serving policies do)."""
    cls = load_user_scheduler(policy) if ":" in policy else _CLASSES[policy]
    return not cls.may_pause


def load_user_scheduler(spec: str) -> type[Scheduler]:
    """Import a user's scheduler class from ``"package.module:ClassName"``."""
    import importlib

    module_name, _, class_name = spec.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise OptionError(f"policy: cannot load user scheduler {spec!r} ({exc})") from None
    if not (isinstance(cls, type) and issubclass(cls, Scheduler)):
        raise OptionError(f"policy: {spec!r} is not a Scheduler subclass")
    return cls


def make_scheduler(policy: str, instance: Instance, /, **options: Any) -> Scheduler:
    """Build the named policy with its options; H-SF is handed the instance's true lengths (hindsight).

    ``policy`` may also be ``"module:Class"``, a user's :class:`Scheduler` subclass built with ``**options``.
    ``policy`` and ``instance`` are positional-only, so that an option may be named ``policy`` (sglang's).
    Raises :class:`OptionError` naming the policy or option when either is unknown or invalid.
    """
    if ":" in policy:
        try:
            return load_user_scheduler(policy)(**options)
        except TypeError as exc:
            raise OptionError(f"options: {policy} rejected them ({exc})") from None
    if policy not in POLICIES:
        raise OptionError(f"policy: must be one of {', '.join(POLICIES)}, got {policy!r}")
    for key in options:
        if key not in POLICY_OPTIONS[policy]:
            allowed = ", ".join(POLICY_OPTIONS[policy]) or "none"
            raise OptionError(f"options.{key}: not an option of policy {policy!r} (allowed: {allowed})")
    try:
        if policy == "hsf":
            return HSF(instance.outputs, **options)
        if policy == "amax":
            return AMax(**options)
        if policy == "amin":
            return AMin(**options)
        if policy == "vllm-v1":
            return VLLMv1(**options)
        if policy == "sglang":
            return SGLang(**options)
        return FCFSRecompute()
    except ValueError as exc:  # an option value the scheduler rejected
        raise OptionError(f"options.{exc}") from None


__all__ = [
    "AMax", "AMin", "EVICTION_ORDERS", "FCFSRecompute", "HSF", "OptionError", "POLICIES", "POLICY_OPTIONS",
    "RoundLimitExceeded", "SERVING_POLICIES", "SGLang", "Scheduler", "SchedulerViolation", "VLLMv1", "guarantees_liveness", "load_user_scheduler", "opt_bounds_tel",
    "make_scheduler", "policy_configurations",
]
