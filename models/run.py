"""One entry point for running a policy on an instance with either engine.

Built-in policies (by name) run on the fast engine by default; a :class:`~models.schedulers.interface.Scheduler`
object (a user's policy) always runs on the reference engine, which is the only one that can call Python code
each round. Both return an object with ``tel``, ``completion``, ``evictions``, ``peak_memory``,
``wasted_tokens`` and ``summary()``.
"""

from __future__ import annotations

from typing import Any

from models.engine_fast import RunSummary, simulate_fast
from models.engine_reference import simulate
from models.instance import Instance
from models.schedulers import make_scheduler
from models.schedulers.interface import Scheduler
from models.trace import Trace

ENGINES = ("fast", "reference")


def run_policy(instance: Instance, policy: str | Scheduler, options: dict[str, Any] | None = None, *,
               engine: str = "fast") -> Trace | RunSummary:
    """Simulate ``policy`` (a built-in name with ``options``, or a Scheduler object) on ``instance``."""
    options = options or {}
    if engine not in ENGINES:
        raise ValueError(f"engine: must be one of {', '.join(ENGINES)}, got {engine!r}")
    if isinstance(policy, Scheduler):
        if options:
            raise ValueError("options: pass options to your Scheduler's constructor, not to run_policy")
        return simulate(instance, policy)
    if engine == "fast" and ":" not in policy:  # "module:Class" is a user scheduler: reference engine only
        return simulate_fast(instance, policy, **options)
    return simulate(instance, make_scheduler(policy, instance, **options))
