"""The value every OPT solver returns, and the check that a schedule is a valid non-preemptive one.

MODEL.md, "OPT": minimum TEL over non-preemptive schedules, one start ``p_j >= a_j`` per job, each job running
``o_j`` consecutive rounds, with ``Σ_{j running at t} (s_j + t - p_j + 1) <= M`` in every round ``t``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from models.errors import ModelViolation
from models.status import OptStatus, in_vocabulary
from models.instance import Instance

Status = OptStatus


@dataclass(frozen=True)
class OptResult:
    """``tel`` is the best schedule's TEL; it is the optimum only when ``status == "optimal"``.

    ``lower_bound <= OPT <= upper_bound`` always holds; ``optimal`` means they are equal and proven.
    """

    solver: str
    status: Status
    tel: int
    starts: tuple[int, ...]
    lower_bound: int
    upper_bound: int
    seconds: float
    stats: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", in_vocabulary(OptStatus, self.status, "status"))

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-ready dict (``status`` as its string, ``seconds`` rounded to microseconds).

        Returns
        -------
        dict
            Every field; ``stats`` only when it is not empty.
        """
        return {
            "solver": self.solver,
            "status": str(self.status),
            "tel": self.tel,
            "starts": list(self.starts),
            "lower_bound": self.lower_bound,
            "upper_bound": self.upper_bound,
            "seconds": round(self.seconds, 6),
            **({"stats": self.stats} if self.stats else {}),
        }


class InvalidSchedule(ModelViolation, ValueError):
    """A schedule breaks a rule of the non-preemptive model."""


def busy_memory(instance: Instance, starts: Sequence[int]) -> dict[int, int]:
    """Memory used in each round in which some job runs, under the non-preemptive schedule ``starts``.

    MODEL.md, "Rounds and memory": a job started in round ``p`` holds ``s + k + 1`` in round ``p + k``,
    ``k = 0 .. o - 1``. Sparse on purpose: a schedule with a far-off arrival (``a = 10**9``) has few busy
    rounds and a huge makespan. The starts are not checked (:func:`schedule_tel` checks them).

    Parameters
    ----------
    instance : Instance
        The instance the schedule is for.
    starts : sequence of int
        One start round per job, in job order.

    Returns
    -------
    dict of int to int
        Round -> total memory held in it, for the rounds in which some job runs.
    """
    used: dict[int, int] = {}
    for p, r in zip(starts, instance.requests, strict=True):
        for k in range(r.o):
            used[p + k] = used.get(p + k, 0) + r.s + k + 1
    return used


def memory_profile(instance: Instance, starts: Sequence[int]) -> list[int]:
    """Memory used in each round ``0 .. makespan-1`` by the non-preemptive schedule ``starts``.

    Parameters
    ----------
    instance : Instance
        The instance the schedule is for.
    starts : sequence of int
        One start round per job, in job order.

    Returns
    -------
    list of int
        The memory of every round up to the last completion (0 where nothing runs), dense: see
        :func:`busy_memory` for schedules with far-off rounds.
    """
    horizon = max(p + r.o for p, r in zip(starts, instance.requests, strict=True))
    profile = [0] * horizon
    for t, used in busy_memory(instance, starts).items():
        profile[t] = used
    return profile


def schedule_tel(instance: Instance, starts: Sequence[int]) -> int:
    """TEL of a non-preemptive schedule, after checking it: ``Σ (p_j + o_j - a_j)``.

    The rules checked are MODEL.md's, "OPT": one integer start ``p_j >= a_j`` per job, and the memory rule in
    every round with each job running ``o_j`` consecutive rounds.

    Parameters
    ----------
    instance : Instance
        The instance the schedule is for.
    starts : sequence of int
        One start round per job, in job order.

    Returns
    -------
    int
        The schedule's TEL.

    Raises
    ------
    InvalidSchedule
        A start count other than ``n``, a start that is not an integer or is before its job's arrival, or a
        round whose memory exceeds ``M``; the message names the job or the round.
    """
    if len(starts) != instance.n:
        raise InvalidSchedule(f"starts: expected {instance.n} values, got {len(starts)}")
    for j, (p, r) in enumerate(zip(starts, instance.requests, strict=True)):
        if isinstance(p, bool) or not isinstance(p, int) or p < r.a:
            raise InvalidSchedule(f"starts[{j}]: must be an integer >= a={r.a}, got {p!r}")
    for t, used in sorted(busy_memory(instance, starts).items()):
        if used > instance.M:
            raise InvalidSchedule(f"round {t}: memory {used} exceeds M={instance.M}")
    return sum(p + r.o - r.a for p, r in zip(starts, instance.requests, strict=True))


def out_of_time(solver: str, instance: Instance, began: float, where: str) -> OptResult:
    """The result of a solver whose deadline passed before its search began.

    The result is bracketed by the combinatorial lower bound and a sequential schedule, neither of which needs
    a simulation; it is ``unknown`` unless the two meet.

    Parameters
    ----------
    solver : str
        The solver's name, recorded in the result.
    instance : Instance
        The instance being solved.
    began : float
        The ``time.perf_counter()`` value at which the solver started (for ``seconds``).
    where : str
        What was going on when time ran out, recorded as ``stats["timed_out"]``.

    Returns
    -------
    OptResult
        With the sequential schedule as ``tel`` and ``starts``.
    """
    import time

    from verify.opt.bounds import lower_bound, sequential_schedule

    tel, starts = sequential_schedule(instance)
    lower = min(lower_bound(instance), tel)
    return OptResult(solver, "optimal" if lower >= tel else "unknown", tel, starts, lower, tel,
                     time.perf_counter() - began, {"timed_out": where})
