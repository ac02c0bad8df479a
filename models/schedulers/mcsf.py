"""The MC-SF skeleton that H-SF, A_max and A_min share (MODEL.md, "Shared admission test").

Each round: keep the running jobs (subclasses may first evict some), then admit waiting jobs greedily in
priority order while the set stays feasible under the subclass's assumed lengths ``e_j``.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from typing import Any

from models.feasibility import ADMISSION_RULES, greedy_admit
from models.schedulers.interface import Decision, PolicyTraits, Scheduler
from models.view import JobView, RoundView, Status


class MCSFScheduler(Scheduler):
    """Greedy feasibility-based admission with named ``admission`` rule ("stop" or "skip")."""

    def __init__(self, admission: str = "stop") -> None:
        if admission not in ADMISSION_RULES:
            raise ValueError(f"admission: must be one of {', '.join(ADMISSION_RULES)}, got {admission!r}")
        self.admission = admission

    @property
    def options(self) -> Mapping[str, Any]:
        """The named options this scheduler was built with: ``admission``."""
        return {"admission": self.admission}

    @classmethod
    def traits(cls, options: Mapping[str, Any]) -> PolicyTraits:
        """Built in: on the fast engine; Z3 encodes the longest-prefix admission rule ``"stop"`` only.

        Parameters
        ----------
        options : Mapping
            The options in effect (``admission`` read, default ``"stop"``).

        Returns
        -------
        PolicyTraits
            ``fast_engine``, the class's ``time_invariant``, and ``z3_unsupported`` set for ``"skip"``.
        """
        z3 = (None if options.get("admission", "stop") == "stop" else
              "admission: the Z3 encoding supports admission='stop' only ('skip' is not a longest-prefix rule); "
              "use another strategy for 'skip'")
        return PolicyTraits(fast_engine=True, z3_unsupported=z3, time_invariant=cls.time_invariant)

    @abstractmethod
    def assumed_length(self, job: JobView) -> int:
        """``e_j``: the total output length the scheduler plans for.

        Parameters
        ----------
        job : JobView
            The job.

        Returns
        -------
        int
            ``e_j``, used both in the admission test and in the priority.
        """

    def priority(self, job: JobView) -> tuple[int, int, int]:
        """Admission order, ascending: ``(e_j, a_j, j)``.

        Parameters
        ----------
        job : JobView
            The job.

        Returns
        -------
        tuple of int
            ``(e_j, a_j, j)``.
        """
        return (self.assumed_length(job), job.a, job.j)

    def keep_running(self, view: RoundView) -> list[JobView]:
        """Running jobs that stay in the batch; the default never evicts.

        Parameters
        ----------
        view : RoundView
            The round's view.

        Returns
        -------
        list of JobView
            The running jobs kept (the default: all of them); the others are evicted.
        """
        return list(view.running)

    def decide(self, view: RoundView) -> Decision:
        """Keep the running jobs, then admit waiting jobs greedily in priority order while the set stays feasible.

        The feasibility test is MODEL.md's shared admission test with ``e_j`` from :meth:`assumed_length`;
        running jobs enter it with their progress, waiting ones (those just evicted included) from progress 0.
        ``admission`` decides whether the first candidate that does not fit ends admission (``"stop"``) or is
        passed over (``"skip"``).

        Parameters
        ----------
        view : RoundView
            The round's view.

        Returns
        -------
        Decision
            The kept and admitted jobs as the batch; the running jobs not kept as ``evicted``.
        """
        kept = self.keep_running(view)
        kept_ids = {v.j for v in kept}
        # Jobs evicted by keep_running are waiting again (progress 0) and may restart this round.
        waiting = [v for v in view.jobs if v.status is not Status.DONE and v.j not in kept_ids]
        waiting.sort(key=self.priority)
        running_items = [(v.s, v.progress, self.assumed_length(v)) for v in kept]
        candidates = [(v.j, (v.s, 0, self.assumed_length(v))) for v in waiting]
        admitted = greedy_admit(running_items, candidates, view.M, self.admission)
        evicted = tuple(v.j for v in view.running if v.j not in kept_ids)
        return Decision(tuple(v.j for v in kept) + tuple(admitted), evicted)
