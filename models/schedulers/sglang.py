"""sglang (MODEL.md, "Serving policies"): SGLang's scheduler in the integer model.

Simplifications (state them wherever results are reported): block (page) size 1, no prefix cache, no chunked
prefill, no speculative decoding, no token budget per step; re-prefill costs no extra round unless
``reprefill_rounds`` > 0. ``u_j`` plays SGLang's ``max_new_tokens``. Online: reads ``s_j``, ``u_j``, ``a_j`` and
progress, never ``o_j``.

**Retraction keeps progress**: a retracted job releases all its memory while it waits but keeps its generated
tokens ``k_j``; when it runs again it holds ``s_j + k_j + 1`` in that round and generates token ``k_j + 1``.
With ``reprefill_rounds = r > 0`` it first spends ``r`` rounds in memory holding ``s_j + k_j`` and generating
nothing.

Constants ``r₀ = min(0.7·c, 1)``, ``r_min = 0.14·r₀``, ``δ = (r₀ − r_min)/600``, exact fractions; the ratio
``r`` starts at ``r₀``. Round t, with ``free = M − Σ_{j∈R} (s_j + k_j)``:

1. **prefill attempt** (if Q is not empty and ``|R| < max_running_requests``): order Q (``fcfs``: queue order;
   ``lof``: descending ``u_j``, then queue order); ``rem = free − r · Σ_{j∈R} (u_j − k_j)``; for each h in
   order: stop if ``|R| + |A| = max_running_requests``; stop if ``s_h + k_h + (u_h − k_h) > rem``; else admit h
   into A and ``rem −= s_h + u_h``. If A is not empty, this is a **prefill round**: only the jobs of A run
   (each holds ``s_h + k_h + 1`` and generates a token); the jobs of R hold ``s_j + k_j`` and make no progress
   (``Decision.held``); A joins R's end.
2. otherwise a **decode round**: if ``free < |R|``, retract jobs of R in order (fewest generated tokens
   first, ties longest prompt, then larger j) to Q's **back**, keeping their tokens, at least one and never the
   last one, until ``free ≥ D · |R|`` or one job is left; then ``r = min(1, (Σ_R k_j + D · |R|) / Σ_R u_j)``.
   Else ``r = max(r − δ, r_min)``. Every job of R generates one token.
3. completed jobs leave R; when no job ran in the round, ``r = r₀``.

This project's readings where MODEL.md is silent: retracted jobs join Q's back in retraction order, after the
round's arrivals; "no job ran" is a round with nothing in memory. With ``reprefill_rounds > 0`` (only): a
re-admitted job is held (``s_h + k_h``, no token) in its prefill round and its next rounds in memory until it
has spent ``r`` of them; a prefill round that admits only such jobs generates no token; the decode round's
``Σ_R k_j``, ``|R|`` and ``free < |R|`` count re-prefilling jobs like the others.

Options: ``policy`` (``fcfs`` | ``lof``, default ``fcfs``), ``schedule_conservativeness`` c (an exact
fraction > 0, default 1), ``max_running_requests`` (an integer >= 1, default ``None`` = unbounded),
``retract_decode_steps`` D (an integer >= 1, default 20), ``reprefill_rounds`` (an integer >= 0, default 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from models.schedulers.interface import Decision
from models.schedulers.serving import (ServingScheduler, format_fraction, fraction_option, int_option,
                                       optional_bound)
from models.view import RoundView

SGLANG_POLICIES = ("fcfs", "lof")


def ratio_constants(c: Fraction) -> tuple[Fraction, Fraction, Fraction]:
    """``(r₀, r_min, δ)`` for schedule_conservativeness ``c``: ``min(0.7c, 1)``, ``0.14·r₀``, ``(r₀ − r_min)/600``.

    Parameters
    ----------
    c : Fraction
        ``schedule_conservativeness`` (> 0).

    Returns
    -------
    tuple of Fraction
        ``(r₀, r_min, δ)``, exact.
    """
    r0 = min(Fraction(7, 10) * c, Fraction(1))
    r_min = Fraction(14, 100) * r0
    return r0, r_min, (r0 - r_min) / 600


class SGLang(ServingScheduler):
    name = "sglang"

    def __init__(self, policy: str = "fcfs", schedule_conservativeness: Any = 1,
                 max_running_requests: int | None = None, retract_decode_steps: int = 20,
                 reprefill_rounds: int = 0) -> None:
        super().__init__(reprefill_rounds)
        if policy not in SGLANG_POLICIES:
            raise ValueError(f"policy: must be one of {', '.join(SGLANG_POLICIES)}, got {policy!r}")
        self.policy = policy
        c = fraction_option("schedule_conservativeness", schedule_conservativeness)
        if c <= 0:
            raise ValueError(f"schedule_conservativeness: must be > 0, got {format_fraction(c)}")
        self.conservativeness: Fraction = c
        self.max_running_requests = optional_bound("max_running_requests", max_running_requests)
        # D >= 1: with D = 0 one retraction could leave free < |R| and the decode round would overflow M.
        self.retract_decode_steps = int_option("retract_decode_steps", retract_decode_steps, 1)
        self.r0, self.r_min, self.delta = ratio_constants(c)
        self.ratio: Fraction = self.r0

    @property
    def options(self) -> Mapping[str, Any]:
        """The named options this scheduler was built with (the conservativeness in exact JSON form)."""
        return {"policy": self.policy, "schedule_conservativeness": format_fraction(self.conservativeness),
                "max_running_requests": self.max_running_requests,
                "retract_decode_steps": self.retract_decode_steps, "reprefill_rounds": self.reprefill_rounds}

    def start(self, M: int) -> None:
        """Empty R and Q and reset the ratio ``r`` to ``r₀``.

        Parameters
        ----------
        M : int
            The run's KV-cache capacity (not needed).
        """
        super().start(M)
        self.ratio = self.r0

    def clone(self) -> SGLang:
        """An independent copy with the same options, R, Q, countdowns and ratio.

        Returns
        -------
        SGLang
            The copy.
        """
        twin = SGLang(self.policy, self.conservativeness, self.max_running_requests, self.retract_decode_steps,
                      self.reprefill_rounds)
        self._copy_state_to(twin)
        twin.ratio = self.ratio
        return twin

    def state_key(self, done: frozenset[int]) -> tuple:
        """The order of R and Q, the re-prefill countdowns and the ratio ``r``.

        Parameters
        ----------
        done : frozenset of int
            The completed jobs.

        Returns
        -------
        tuple
            ``(base state key, r)``.
        """
        return (self.base_state_key(done), self.ratio)

    def decide(self, view: RoundView) -> Decision:
        """One round of SGLang: a prefill round if the prefill attempt admits a job, else a decode round.

        Prefill attempt (Q not empty, ``|R| < max_running_requests``): with
        ``rem = free − r · Σ_R (u_j − k_j)``, admit jobs of Q in order (``fcfs``: queue order; ``lof``: descending
        ``u_j``) while ``s_h + u_h <= rem`` and the cap allows, ``rem −= s_h + u_h``; the admitted run (or
        re-prefill) and R is held. Decode round: if ``free < |R|``, retract jobs of R (fewest generated tokens,
        then longest prompt, then larger j) to Q's back, keeping their tokens, until ``free ≥ D · |R|`` or one
        is left, and set ``r = min(1, (Σ_R k_j + D · |R|) / Σ_R u_j)``; else ``r = max(r − δ, r_min)``; every
        job of R runs (or re-prefills). ``r = r₀`` when R is empty.

        Parameters
        ----------
        view : RoundView
            The round's view.

        Returns
        -------
        Decision
            The batch, the retracted jobs as ``preempted``, and the held jobs.
        """
        jobs = self.sync(view)
        R, Q = self.R, self.Q
        free = view.M - sum(jobs[j].s + jobs[j].progress for j in R)
        cap = self.max_running_requests
        if Q and (cap is None or len(R) < cap):
            order = list(Q) if self.policy == "fcfs" else sorted(Q, key=lambda j: -jobs[j].u)  # stable: queue order
            rem = free - self.ratio * sum(jobs[j].u - jobs[j].progress for j in R)
            admitted: list[int] = []
            for h in order:
                if cap is not None and len(R) + len(admitted) == cap:
                    break
                v = jobs[h]
                if v.s + v.progress + (v.u - v.progress) > rem:
                    break
                admitted.append(h)
                rem -= v.s + v.u
            if admitted:
                batch, held = [], list(R)
                for h in admitted:
                    Q.remove(h)
                    if self.resumes_with_reprefill(jobs[h]):
                        self.reprefill_left[h] = self.reprefill_rounds
                        held.append(h)
                    else:
                        batch.append(h)
                R.extend(admitted)
                self.tick(held)
                return Decision(tuple(batch), (), (), tuple(held))
        retracted: list[int] = []
        if R and free < len(R):
            D = self.retract_decode_steps
            order = sorted(R, key=lambda j: (jobs[j].progress, -jobs[j].s, -j))
            while True:
                v = order.pop(0)
                R.remove(v)
                Q.append(v)
                retracted.append(v)
                self.reprefill_left.pop(v, None)
                free += jobs[v].s + jobs[v].progress
                if free >= D * len(R) or len(R) == 1:
                    break
            self.ratio = min(Fraction(1), Fraction(sum(jobs[j].progress for j in R) + D * len(R),
                                                   sum(jobs[j].u for j in R)))
        else:
            self.ratio = max(self.ratio - self.delta, self.r_min)
        if not R:
            self.ratio = self.r0  # an idle round: nothing ran
        held = [j for j in R if j in self.reprefill_left]
        batch = [j for j in R if j not in self.reprefill_left]
        self.tick(held)
        return Decision(tuple(batch), (), tuple(retracted), tuple(held))
