"""A_min (MODEL.md, "The schedulers"): plan with a pseudo lower bound, refine it, evict on overflow.

Every job keeps ``l̃_j``, initially ``l_j``. At the start of round t:

1. for every running job, ``l̃_j := max(l̃_j, k_j + 1)``;
2. while ``Σ_running (s_j + k_j + 1) > M``, evict the first running job in eviction order
   (**[reading]** ``eviction``):

   - ``"least-progress"`` (default): ascending ``k_j``, ties larger ``j`` first;
   - ``"most-progress"``: descending ``k_j``, ties larger ``j`` first;
   - ``"largest-lower-bound"``: descending ``l̃_j``, then ascending ``k_j``, then larger ``j`` first;
3. admit waiting jobs (those just evicted included, from progress 0) greedily with ``e_j = l̃_j`` and
   priority ``(l̃_j, a_j, j)``.

``u_j`` is never read.
"""

from __future__ import annotations

import dataclasses

from collections.abc import Callable, Mapping
from typing import Any

from models.schedulers.mcsf import MCSFScheduler
from models.view import JobView, RoundView

EVICTION_ORDERS: dict[str, Callable[[JobView, dict[int, int]], tuple[int, ...]]] = {
    "least-progress": lambda v, lt: (v.progress, -v.j),
    "most-progress": lambda v, lt: (-v.progress, -v.j),
    "largest-lower-bound": lambda v, lt: (-lt[v.j], v.progress, -v.j),
}


class AMin(MCSFScheduler):
    time_invariant = True  # decisions never read view.t: states at different rounds can merge
    name = "amin"

    @classmethod
    def traits(cls, options):
        """MODEL.md's liveness argument holds for the default eviction order ``least-progress`` only.

        Parameters
        ----------
        options : Mapping
            The options in effect (``eviction`` read, default ``"least-progress"``).

        Returns
        -------
        PolicyTraits
            MC-SF's traits with ``liveness`` for ``least-progress``.
        """
        live = options.get("eviction", "least-progress") == "least-progress"
        return dataclasses.replace(super().traits(options), liveness=live)

    def __init__(self, admission: str = "stop", eviction: str = "least-progress") -> None:
        super().__init__(admission)
        if eviction not in EVICTION_ORDERS:
            raise ValueError(f"eviction: must be one of {', '.join(EVICTION_ORDERS)}, got {eviction!r}")
        self.eviction = eviction
        self.lower: dict[int, int] = {}

    @property
    def options(self) -> Mapping[str, Any]:
        """The named options this scheduler was built with: ``admission`` and ``eviction``."""
        return {"admission": self.admission, "eviction": self.eviction}

    def start(self, M: int) -> None:
        """Forget every pseudo lower bound ``l̃_j``: a new run starts from ``l̃_j = l_j``.

        Parameters
        ----------
        M : int
            The run's KV-cache capacity (not needed).
        """
        self.lower = {}

    def clone(self) -> AMin:
        """An independent copy with the same options and pseudo lower bounds.

        Returns
        -------
        AMin
            The copy.
        """
        twin = AMin(self.admission, self.eviction)
        twin.lower = dict(self.lower)
        return twin

    def state_key(self, done: frozenset[int]) -> tuple:
        """What of A_min's memory can still matter: the pseudo lower bounds of unfinished jobs.

        Parameters
        ----------
        done : frozenset of int
            The completed jobs (their bounds are left out).

        Returns
        -------
        tuple
            ``(admission, eviction, ((j, l̃_j), ...))`` over unfinished jobs, ascending ``j``.
        """
        return (self.admission, self.eviction, tuple(sorted((j, v) for j, v in self.lower.items() if j not in done)))

    def assumed_length(self, job: JobView) -> int:
        """A_min plans every job at its pseudo lower bound: ``e_j = l̃_j``.

        Parameters
        ----------
        job : JobView
            The job (its ``l̃_j`` is set by :meth:`keep_running` in the same round).

        Returns
        -------
        int
            ``l̃_j``.
        """
        return self.lower[job.j]

    def keep_running(self, view: RoundView) -> list[JobView]:
        """Refine the pseudo lower bounds, then evict running jobs in eviction order until the rest fit ``M``.

        Every arrived job's ``l̃_j`` starts at ``l_j``; every running job's becomes ``max(l̃_j, k_j + 1)``.
        While ``Σ_running (s_j + k_j + 1) > M`` the first running job in the ``eviction`` order is evicted.

        Parameters
        ----------
        view : RoundView
            The round's view.

        Returns
        -------
        list of JobView
            The running jobs kept, in eviction order.
        """
        for v in view.jobs:
            self.lower.setdefault(v.j, v.l)
        running = list(view.running)
        for v in running:
            self.lower[v.j] = max(self.lower[v.j], v.progress + 1)
        order = EVICTION_ORDERS[self.eviction]
        running.sort(key=lambda v: order(v, self.lower))
        used = sum(v.memory for v in running)
        while used > view.M:
            used -= running.pop(0).memory
        return running
