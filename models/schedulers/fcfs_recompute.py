"""fcfs-recompute (MODEL.md, "The schedulers"): paper-style eviction with lost progress, in arrival order.

It is not vLLM's rule: vLLM v1 keeps a preempted request's generated tokens and puts it at the front of the
waiting queue; that policy is ``vllm-v1`` (:mod:`models.schedulers.vllm_v1`). Here an evicted job loses its
progress (MODEL.md's eviction) and restarts from zero. No look-ahead and no predictions. At the start of round t, while ``Σ_running (s_j + k_j + 1) > M`` evict the
most recently started running job (ties: larger ``j`` first). Then admit waiting jobs (those just evicted
included) in order ``(a_j, j)`` while ``Σ_running (s_j + k_j + 1) + Σ_new (s_j + 1) <= M``, stopping at the
first that does not fit.
"""

from __future__ import annotations

from models.schedulers.interface import Decision, PolicyTraits, Scheduler
from models.view import RoundView, Status


class FCFSRecompute(Scheduler):
    time_invariant = True  # decisions never read view.t: states at different rounds can merge
    name = "fcfs-recompute"

    @classmethod
    def traits(cls, options):
        """MODEL.md's liveness argument (the earliest-started job is never evicted); fast engine and Z3 encode it.

        Parameters
        ----------
        options : Mapping
            The options in effect (it has none).

        Returns
        -------
        PolicyTraits
            ``liveness``, ``fast_engine``, a Z3 encoding and ``time_invariant``.
        """
        return PolicyTraits(liveness=True, fast_engine=True, z3_unsupported=None, time_invariant=True)

    def decide(self, view: RoundView) -> Decision:
        """Evict the most recently started running jobs until the rest fit, then admit in arrival order.

        While ``Σ_running (s_j + k_j + 1) > M`` the most recently started running job is evicted (ties: larger
        ``j`` first). Waiting jobs (those just evicted included) are then admitted in order ``(a_j, j)`` while
        ``Σ_running (s_j + k_j + 1) + Σ_new (s_j + 1) <= M``, stopping at the first that does not fit.

        Parameters
        ----------
        view : RoundView
            The round's view.

        Returns
        -------
        Decision
            The kept and admitted jobs as the batch; the running jobs not kept as ``evicted``.
        """
        # Keep order: earliest start first, ties smaller j first; eviction pops from the end.
        running = sorted(view.running, key=lambda v: (v.run_start, v.j))
        used = sum(v.memory for v in running)
        while used > view.M:
            used -= running.pop().memory
        kept = {v.j for v in running}
        batch = [v.j for v in running]
        for v in sorted((v for v in view.jobs if v.status is not Status.DONE and v.j not in kept),
                        key=lambda v: (v.a, v.j)):
            if used + v.s + 1 > view.M:
                break
            batch.append(v.j)
            used += v.s + 1
        evicted = tuple(v.j for v in view.running if v.j not in kept)
        return Decision(tuple(batch), evicted)
