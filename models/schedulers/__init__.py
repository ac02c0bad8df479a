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
from models.schedulers.spec import (CLASSES, POLICIES, POLICY_OPTIONS, OptionError, PolicySpec,
                                    load_user_scheduler)
from models.schedulers.interface import PolicyTraits

# The serving policies (MODEL.md, "Serving policies"): preemption keeps progress, so OPT (which never gains by
# the paper's eviction) is not a lower bound on them, and MC-SF's admission test is not theirs.
SERVING_POLICIES = ("vllm-v1", "sglang")


def policy_configurations() -> list[tuple[str, dict[str, str]]]:
    """Every policy with every combination of its named options (MODEL.md's **[reading]** options).

    Returns
    -------
    list of (str, dict)
        ``(policy, options)`` pairs: H-SF, A_max and A_min with each admission rule (A_min also with each
        eviction order), fcfs-recompute, vllm-v1 with and without ``priority``, and sglang with each queue
        order.
    """
    out: list[tuple[str, dict[str, str]]] = []
    for policy in POLICIES:
        if policy == "fcfs-recompute":
            out.append((policy, {}))
            continue
        if policy == "vllm-v1":  # no [reading] option: its defaults, and vLLM's other queue order
            out.extend([(policy, {}), (policy, {"priority": True})])
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


def guarantees_liveness(policy: str | PolicySpec, options: dict[str, Any] | None = None) -> bool:
    """Whether MODEL.md's liveness bound ``max_j a_j + n · max_j u_j`` holds for every run of this configuration.

    It is the trait its class declares (:meth:`~models.schedulers.interface.Scheduler.traits`).

    Parameters
    ----------
    policy : str or PolicySpec
        A policy name (validated with ``options``) or a parsed spec.
    options : dict, optional
        The policy's named options.

    Returns
    -------
    bool
        The ``liveness`` trait.

    Raises
    ------
    OptionError
        An unknown or invalid policy or option.
    """
    return PolicySpec.parse(policy, options).traits.liveness


def opt_bounds_tel(policy: str | PolicySpec, options: dict[str, Any] | None = None) -> bool:
    """Whether exact (non-preemptive) OPT is a lower bound on every run of ``policy``.

    True unless its class declares :attr:`~models.schedulers.interface.Scheduler.may_pause` (the serving
    policies do).

    Parameters
    ----------
    policy : str or PolicySpec
        A policy name (validated with ``options``) or a parsed spec.
    options : dict, optional
        The policy's named options.

    Returns
    -------
    bool
        Whether the configuration never pauses (preempts keeping progress, or holds) a job.

    Raises
    ------
    OptionError
        An unknown or invalid policy or option.
    """
    return not PolicySpec.parse(policy, options).traits.may_pause


def make_scheduler(policy: str | PolicySpec, instance: Instance, /, **options: Any) -> Scheduler:
    """Build the named policy with its options; H-SF is handed the instance's true lengths (hindsight).

    ``policy`` may also be ``"module:Class"``, a user's :class:`Scheduler` subclass built with ``**options``,
    or a :class:`PolicySpec` (validated already; no options beside it). ``policy`` and ``instance`` are
    positional-only, so that an option may be named ``policy`` (sglang's).
    Raises :class:`OptionError` naming the policy or option when either is unknown or invalid.

    Parameters
    ----------
    policy : str or PolicySpec
        A built-in name, ``"module:Class"``, or a parsed spec.
    instance : Instance
        The instance the scheduler will run on (H-SF reads its true lengths).
    **options
        The policy's named options.

    Returns
    -------
    Scheduler
        A new scheduler, ready to be started.

    Raises
    ------
    OptionError
        The policy or an option is unknown or invalid.
    """
    return PolicySpec.parse(policy, options).build(instance)


__all__ = [
    "AMax", "AMin", "CLASSES", "PolicySpec", "PolicyTraits", "EVICTION_ORDERS", "FCFSRecompute", "HSF", "OptionError", "POLICIES", "POLICY_OPTIONS",
    "RoundLimitExceeded", "SERVING_POLICIES", "SGLang", "Scheduler", "SchedulerViolation", "VLLMv1", "guarantees_liveness", "load_user_scheduler", "opt_bounds_tel",
    "make_scheduler", "policy_configurations",
]
