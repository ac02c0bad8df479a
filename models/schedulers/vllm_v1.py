"""vllm-v1 (MODEL.md, "Serving policies"): vLLM's v1 scheduler in the integer model.

Simplifications (state them wherever results are reported): block (page) size 1, no prefix cache, no chunked
prefill, no speculative decoding, no token budget per step; re-prefill costs no extra round unless
``reprefill_rounds`` > 0. Online: reads ``s_j``, ``a_j`` and progress, never ``o_j`` (nor ``l_j``, ``u_j``).

**Preemption keeps progress**: a preempted job releases all its memory while it waits but keeps its generated
tokens ``k_j``; when it runs again it holds ``s_j + k_j + 1`` in that round and generates token ``k_j + 1``.
With ``reprefill_rounds = r > 0`` it first spends ``r`` rounds in memory holding ``s_j + k_j`` and generating
nothing (``Decision.held``).

State: the running list R in admission order (a resumed job goes to its end) and the waiting queue Q; arrivals
join Q's tail in index order. Round t, with ``free = M − Σ_{j∈R} (s_j + k_j)``:

1. for each j in R in order: while ``free < 1``, take the victim v = the last job of R, set
   ``free += s_v + k_v``, remove v from R and put it at the **front** of Q (keeping ``k_v``); if v = j, stop
   this pass. Otherwise j is in the batch and ``free −= 1``;
2. only if nothing was preempted in step 1: while Q is not empty and ``|R| < max_num_seqs``, let h be Q's
   head, ``need = s_h + k_h + 1``, ``w = ⌊watermark · M⌋`` if R is not empty else 0; if ``need + w > free``,
   stop (no skipping); else move h to R's end, ``free −= need``, h is in the batch.

Every job in the batch generates one token; a job with ``k_j = o_j`` completes at ``t + 1`` and leaves R.

This project's readings where MODEL.md is silent (``reprefill_rounds > 0`` only): a job re-prefilling needs no
new slot in step 1 (it generates nothing) and is never a victim before the jobs after it; its ``need`` in step 2
is ``s_h + k_h`` (what it holds in that round).

**Priority scheduling** (option ``priority=True``, vLLM's ``--scheduling-policy priority``): every job has the key
``(priority_j, a_j, j)`` (``(a_j, j)`` stands for vLLM's ``arrival_time``, distinct per request). Q is kept in
ascending key order: arrivals and preempted jobs take their key's place (no "front"). In step 1 the victim is
the job of R with the **largest** key, wherever it stands in R; a victim that already got its slot this round
gives it back (``free += s_v + k_v + 1``, it leaves the batch) and one that re-prefills gives back what it holds;
the pass continues with the same job j. Step 2 takes Q's head, the smallest key, with head-of-line blocking.

Options: ``max_num_seqs`` (an integer >= 1, default ``None`` = unbounded), ``watermark`` (an exact fraction in
[0, 1), default 0), ``reprefill_rounds`` (an integer >= 0, default 0), ``priority`` (a bool, default ``False``:
vLLM's default ``fcfs``).
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from models.schedulers.interface import Decision, PolicyTraits
from models.schedulers.serving import ServingScheduler, format_fraction, fraction_option, optional_bound
from models.view import RoundView


class VLLMv1(ServingScheduler):
    """vLLM v1's scheduler in the integer model (MODEL.md, "Serving policies", vllm-v1).

    Parameters
    ----------
    max_num_seqs : int or None
        At most this many jobs in R (``None``: unbounded).
    watermark : int, Fraction or str
        An exact fraction in [0, 1); admission keeps ``⌊watermark · M⌋`` free while R is not empty.
    reprefill_rounds : int
        Rounds a resumed job spends re-prefilling (holding ``s + k``, no token) before it generates.
    priority : bool
        ``False`` (vLLM's default ``fcfs``): preempt R's tail to Q's front. ``True`` (vLLM's ``priority``): Q in
        ascending ``(priority_j, a_j, j)``, the victim the largest such key of R.

    Raises
    ------
    ValueError
        ``"<option>: <rule>"`` for a value out of its range (the registry turns it into an ``OptionError``).
    """

    name = "vllm-v1"

    def __init__(self, max_num_seqs: int | None = None, watermark: Any = 0, reprefill_rounds: int = 0,
                 priority: bool = False) -> None:
        super().__init__(reprefill_rounds)
        self.max_num_seqs = optional_bound("max_num_seqs", max_num_seqs)
        wm = fraction_option("watermark", watermark)
        if not 0 <= wm < 1:
            raise ValueError(f"watermark: must be in [0, 1), got {format_fraction(wm)}")
        self.watermark: Fraction = wm
        if not isinstance(priority, bool):
            raise ValueError(f"priority: must be true or false, got {priority!r}")
        self.priority = priority

    @classmethod
    def traits(cls, options: Mapping[str, Any]) -> PolicyTraits:
        """The serving policies' traits, but with ``priority`` no liveness guarantee.

        The victim is the largest key of R, possibly R's head, and a round that preempts R's head generates no
        token (MODEL.md, "Serving policies"), so the argument "every round generates a token" fails.

        Parameters
        ----------
        options : mapping
            The options in effect (defaults included).

        Returns
        -------
        PolicyTraits
            :meth:`ServingScheduler.traits`, with ``liveness=False`` when ``options["priority"]`` is true.
        """
        base = super().traits(options)
        return dataclasses.replace(base, liveness=False) if options.get("priority", False) else base

    @property
    def options(self) -> Mapping[str, Any]:
        """The named options this scheduler was built with (the watermark in exact JSON form)."""
        return {"max_num_seqs": self.max_num_seqs, "watermark": format_fraction(self.watermark),
                "reprefill_rounds": self.reprefill_rounds, "priority": self.priority}

    def clone(self) -> VLLMv1:
        """An independent copy with the same options, R, Q and re-prefill countdowns.

        Returns
        -------
        VLLMv1
            The copy.
        """
        twin = VLLMv1(self.max_num_seqs, self.watermark, self.reprefill_rounds, self.priority)
        self._copy_state_to(twin)
        return twin

    def state_key(self, done: frozenset[int]) -> tuple:
        """The order of R and Q and the re-prefill countdowns: all of vllm-v1's memory that can still matter.

        Parameters
        ----------
        done : frozenset of int
            The completed jobs.

        Returns
        -------
        tuple
            :meth:`~models.schedulers.serving.ServingScheduler.base_state_key`.
        """
        return self.base_state_key(done)

    def decide(self, view: RoundView) -> Decision:
        """One round of MODEL.md's vllm-v1 rule ("Serving policies"), with vLLM's ``fcfs`` or ``priority`` order.

        Parameters
        ----------
        view : RoundView
            The round's view (no true lengths); ``JobView.priority`` is read only with ``priority=True``.

        Returns
        -------
        Decision
            The batch (one token each), the jobs preempted at the round's start (keeping progress) and the held
            jobs (in memory, no token): those re-prefilling and, with ``priority``, those a stopped pass did not
            reach.
        """
        jobs = self.sync(view)
        R, Q = self.R, self.Q
        key = (lambda j: (jobs[j].priority, jobs[j].a, j)) if self.priority else None
        if key is not None:
            Q.sort(key=key)  # arrivals (appended by sync) take their key's place
        free = view.M - sum(jobs[j].s + jobs[j].progress for j in R)
        batch: list[int] = []
        held: list[int] = []
        preempted: list[int] = []
        paused: list[int] = []
        i = 0
        while i < len(R):
            j = R[i]
            if j in self.reprefill_left:  # re-prefilling: holds s + k, needs no slot for a new token
                held.append(j)
                i += 1
                continue
            stopped = False
            while free < 1:
                if key is None:
                    v = R.pop()  # fcfs: the tail of R, never a job already passed
                    Q.insert(0, v)
                else:
                    v = max(R, key=key)
                    at = R.index(v)
                    del R[at]
                    if at < i:  # passed already: give back its slot (or its re-prefill round)
                        i -= 1
                        if v in batch:
                            batch.remove(v)
                            free += 1
                        else:
                            held.remove(v)
                    bisect.insort(Q, v, key=key)
                free += jobs[v].s + jobs[v].progress
                preempted.append(v)
                self.reprefill_left.pop(v, None)
                if v == j:
                    stopped = True
                    break
            if stopped:
                # the jobs of R the pass did not reach (only with priority: under fcfs they were all preempted
                # before j) stay in memory without a token this round; a re-prefill countdown does not move
                paused = R[i:]
                break
            batch.append(j)
            free -= 1
            i += 1
        if not preempted:
            w = (self.watermark * view.M).__floor__()
            while Q and (self.max_num_seqs is None or len(R) < self.max_num_seqs):
                h = jobs[Q[0]]
                reprefill = self.resumes_with_reprefill(h)
                need = h.s + h.progress + (0 if reprefill else 1)
                if need + (w if R else 0) > free:
                    break
                Q.pop(0)
                R.append(h.j)
                free -= need
                if reprefill:
                    self.reprefill_left[h.j] = self.reprefill_rounds
                    held.append(h.j)
                else:
                    batch.append(h.j)
        self.tick(held)
        return Decision(tuple(batch), (), tuple(preempted), tuple(held + paused))
