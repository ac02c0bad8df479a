"""What an online scheduler is allowed to see (MODEL.md, "Information").

The engine builds a :class:`RoundView` at the start of every round. It holds only arrived jobs and, for each,
the public fields ``s, l, u, a`` and ``priority``, the job's status, its progress (of the current run, or kept by a waiting job
that was preempted), and the largest lower bound on its output length revealed so far. True output lengths ``o_j`` are not in it: a scheduler cannot
read what it is not handed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Status(str, Enum):
    WAITING = "waiting"
    RUNNING = "running"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class JobView:
    """One arrived job as a scheduler sees it at the start of a round.

    ``progress`` is ``k_j``, the tokens generated and not lost: for a running job those of its current run; for
    a waiting job 0, unless it was *preempted* keeping its progress (MODEL.md, "Serving policies"), in which
    case it is the ``k_j`` it resumes from (an eviction resets it to 0). ``revealed`` is the largest ``k + 1``
    over every round start at which the job was running with ``k`` tokens and had not completed: MODEL.md's
    "reveals ``o_j >= k_j + 1``"; it is 0 if nothing was revealed yet. ``run_start`` is the round the job last
    entered memory (its current run began, or it resumed after a preemption; ``None`` unless running).
    "Running" means "in memory": a job held without progress in a round (``Decision.held``) is running.
    ``priority`` is the request's (MODEL.md, "Instance"; 0 unless the instance gives one): public, like ``a``.
    """

    j: int
    s: int
    l: int  # noqa: E741 - the paper's name
    u: int
    a: int
    status: Status
    progress: int
    revealed: int
    run_start: int | None
    priority: int = 0

    @property
    def memory(self) -> int:
        """KV tokens the job holds if it runs this round: ``s_j + k_j + 1``."""
        return self.s + self.progress + 1

    @property
    def preempted(self) -> bool:
        """A waiting job that kept progress from an earlier stay in memory (it resumes from ``progress``)."""
        return self.status is Status.WAITING and self.progress > 0


@dataclass(frozen=True, slots=True)
class RoundView:
    """The scheduler's whole input for round ``t``: capacity ``M`` and the arrived jobs, by index."""

    t: int
    M: int
    jobs: tuple[JobView, ...]

    @property
    def running(self) -> tuple[JobView, ...]:
        """The arrived jobs that are running (in memory), by index."""
        return tuple(v for v in self.jobs if v.status is Status.RUNNING)

    @property
    def waiting(self) -> tuple[JobView, ...]:
        """The arrived jobs that are waiting (not in memory, not done), by index."""
        return tuple(v for v in self.jobs if v.status is Status.WAITING)
