"""One entry point for running a policy on an instance with either engine.

Built-in policies (by name) run on the fast engine by default; a :class:`~models.schedulers.interface.Scheduler`
object (a user's policy) always runs on the reference engine, which is the only one that can call Python code
each round. Both return an object with ``tel``, ``completion``, ``evictions``, ``peak_memory``,
``wasted_tokens`` and ``summary()``.
"""

from __future__ import annotations

from typing import Any

from models.errors import InvalidInput
from models.engine_fast import RunSummary, simulate_fast
from models.engine_reference import simulate
from models.instance import Instance, InstanceError
from models.schedulers import make_scheduler
from models.schedulers.interface import Scheduler
from models.trace import Trace

ENGINES = ("fast", "reference")
FAST_LIMIT = 2**62
"""Every integer the fast engine forms (times, memory sums, TELs, priority keys) must stay below this, safely
inside numba's int64; :func:`check_fast_engine` refuses an instance that could go beyond it."""


def fast_engine_problem(instance: Instance) -> str | None:
    """Why ``instance`` is too large for the fast engine's 64-bit integers (``None``: it fits).

    Bounds: every run ends by the round limit ``T = max a + 4 n max u``; a round's memory is at most ``M``; a
    TEL is at most ``n T``; the waiting queue's keys are below ``(max u + 2)(max a + 1) n``.

    Parameters
    ----------
    instance : Instance
        The instance to check.

    Returns
    -------
    str or None
        A one-line message naming the first quantity that reaches :data:`FAST_LIMIT` (2^62), or ``None``
        when every bound stays below it.
    """
    reqs = instance.requests
    n, M = instance.n, instance.M
    max_a, max_u, max_s = max(r.a for r in reqs), max(r.u for r in reqs), max(r.s for r in reqs)
    horizon = max_a + 4 * n * max_u
    for what, value in (("M", M), ("requests[*].s (largest)", max_s), ("requests[*].a (largest)", max_a),
                        ("round limit max a + 4 n max u", horizon), ("TEL bound n (round limit + M)", n * (horizon + M)),
                        ("priority key bound (max u + 2)(max a + 1) n", (max_u + 2) * (max_a + 1) * n)):
        if value >= FAST_LIMIT:
            return (f"{what}: {value} does not fit the fast engine's 64-bit integers (rule: below 2^62); "
                    "use the reference engine (kvsched simulate --engine reference)")
    return None


def check_fast_engine(instance: Instance) -> None:
    """Raise :class:`~models.instance.InstanceError` if ``instance`` is too large for the fast engine.

    Parameters
    ----------
    instance : Instance
        The instance to check.

    Raises
    ------
    InstanceError
        One line naming the quantity that does not fit the fast engine's 64-bit integers
        (:func:`fast_engine_problem`).
    """
    problem = fast_engine_problem(instance)
    if problem is not None:
        raise InstanceError(problem)


def run_policy(instance: Instance, policy: str | Scheduler, options: dict[str, Any] | None = None, *,
               engine: str = "fast") -> Trace | RunSummary:
    """Simulate ``policy`` (a built-in name with ``options``, or a Scheduler object) on ``instance``.

    A built-in name runs on ``engine``; a Scheduler object, or a ``"module:Class"`` name (a user's
    scheduler), always runs on the reference engine.

    Parameters
    ----------
    instance : Instance
        The instance to run.
    policy : str or Scheduler
        A built-in policy name (or ``"module:Class"``), or a Scheduler object.
    options : dict or None
        The policy's options (for a name only; a Scheduler object takes its options in its constructor).
    engine : str
        ``"fast"`` (the default) or ``"reference"``.

    Returns
    -------
    Trace or RunSummary
        The reference engine's trace, or the fast engine's summary; both have ``tel``, ``completion``,
        ``evictions``, ``peak_memory``, ``wasted_tokens`` and ``summary()``.

    Raises
    ------
    InvalidInput
        If ``engine`` is not one of :data:`ENGINES`, or options are passed with a Scheduler object.
    """
    options = options or {}
    if engine not in ENGINES:
        raise InvalidInput(f"engine: must be one of {', '.join(ENGINES)}, got {engine!r}")
    if isinstance(policy, Scheduler):
        if options:
            raise InvalidInput("options: pass options to your Scheduler's constructor, not to run_policy")
        return simulate(instance, policy)
    if engine == "fast" and ":" not in policy:  # "module:Class" is a user scheduler: reference engine only
        check_fast_engine(instance)
        return simulate_fast(instance, policy, **options)
    return simulate(instance, make_scheduler(policy, instance, **options))
