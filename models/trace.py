"""The record of one simulation (per round and per job) and the quantities derived from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from models.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class RoundRecord:
    """Round ``t``: the executed batch, the round's memory ``Σ_batch (s_j + k_j + 1) + Σ_held (s_j + k_j)``, and
    the jobs evicted at its start, started in it (entered memory: a new run, or a resume after a preemption),
    and completed at its end; ``preempted`` left memory at its start keeping their progress, ``held`` were in
    memory without generating a token (MODEL.md, "Serving policies")."""

    t: int
    batch: tuple[int, ...]
    memory: int
    evicted: tuple[int, ...]
    started: tuple[int, ...]
    completed: tuple[int, ...]
    preempted: tuple[int, ...] = ()
    held: tuple[int, ...] = ()


# SGLang calls its preemptions "retractions": its summary carries the count under that name as well.
RETRACTING_POLICIES = frozenset({"sglang"})


class RunOutcome:
    """What every engine's result derives the same way: latencies, TEL and the summary dict.

    Subclasses provide ``policy``, ``arrivals``, ``completion``, ``evictions``, ``peak_memory``,
    ``wasted_tokens``, ``preemptions`` and ``recomputed_tokens``.

    ``preemptions`` counts departures from memory that keep progress (``Decision.preempted``: vLLM's
    preemptions, SGLang's retractions); ``recomputed_tokens`` is ``Σ (s_j + k_j)`` over every eviction and every
    preemption: the KV-cache tokens dropped, each of which is computed again (re-prefilled, or for an eviction
    re-prefilled and re-generated) before the job completes. ``departures[j]`` is the number of times job ``j``
    left memory before completing (its evictions plus its preemptions); :attr:`max_departures` is the largest,
    the "worst preemption count of one job" that ``kvsched search --objective preemptions`` maximises."""

    __slots__ = ()

    @property
    def max_departures(self) -> int:
        """The most departures from memory (evictions + preemptions) of any one job."""
        return max(self.departures, default=0)

    @property
    def latency(self) -> tuple[int, ...]:
        """``L_j = C_j - a_j``."""
        return tuple(c - a for c, a in zip(self.completion, self.arrivals, strict=True))

    @property
    def tel(self) -> int:
        """Total end-to-end latency ``Σ_j (C_j - a_j)``."""
        return sum(self.latency)

    def summary(self) -> dict[str, Any]:
        """The integers every engine must agree on, as a JSON-ready dict.

        Returns
        -------
        dict
            ``policy``, ``tel``, ``completion``, ``evictions``, ``peak_memory``, ``wasted_tokens``,
            ``preemptions``, ``recomputed_tokens``, ``departures``, and for SGLang also ``retractions`` (its name
            for preemptions).
        """
        return {
            "policy": self.policy,
            "tel": self.tel,
            "completion": list(self.completion),
            "evictions": self.evictions,
            "peak_memory": self.peak_memory,
            "wasted_tokens": self.wasted_tokens,
            "preemptions": self.preemptions,
            "recomputed_tokens": self.recomputed_tokens,
            "departures": list(self.departures),
        } | ({"retractions": self.preemptions} if self.policy in RETRACTING_POLICIES else {})


def objective_of(run: RunOutcome, objective: str) -> int:
    """A run's value of a search objective other than the ratio (:data:`models.witness.OBJECTIVES`).

    Parameters
    ----------
    run : RunOutcome
        The finished run (either engine's).
    objective : str
        ``"preemptions"``, the most departures from memory of any one job; or ``"recomputed"``, its recomputed
        tokens.

    Returns
    -------
    int
        The run's value of ``objective``.

    Raises
    ------
    InvalidInput
        ``objective`` is neither ``"preemptions"`` nor ``"recomputed"``.
    """
    if objective == "preemptions":
        return run.max_departures
    if objective == "recomputed":
        return run.recomputed_tokens
    raise InvalidInput(f"objective: must be preemptions or recomputed, got {objective!r}")


@dataclass(frozen=True, slots=True)
class Trace(RunOutcome):
    """A finished run. ``completion[j]`` is ``C_j``; ``outputs[j]`` the output length the oracle realised."""

    policy: str
    M: int
    arrivals: tuple[int, ...]
    outputs: tuple[int, ...]
    completion: tuple[int, ...]
    rounds: tuple[RoundRecord, ...]
    evictions: int
    wasted_tokens: int
    preemptions: int = 0
    recomputed_tokens: int = 0

    @property
    def peak_memory(self) -> int:
        """The largest memory of any round (0 for a run without rounds)."""
        return max((r.memory for r in self.rounds), default=0)

    @property
    def departures(self) -> tuple[int, ...]:
        """Per job, how many times it was evicted or preempted (left memory before completing)."""
        count = [0] * len(self.arrivals)
        for r in self.rounds:
            for j in (*r.evicted, *r.preempted):
                count[j] += 1
        return tuple(count)

    def dense_rounds(self) -> tuple[RoundRecord, ...]:
        """One record per round ``0 .. last``, for consumers that index rounds by number.

        Returns
        -------
        tuple of RoundRecord
            ``rounds`` with the empty rounds the reference engine jumped over filled in (nothing ran in them).
        """
        by_t = {r.t: r for r in self.rounds}
        last = self.rounds[-1].t if self.rounds else -1
        return tuple(by_t.get(t, RoundRecord(t, (), 0, (), (), ())) for t in range(last + 1))

    @property
    def final_starts(self) -> tuple[int, ...]:
        """The round each job's completing run began: ``C_j - o_j``."""
        return tuple(c - o for c, o in zip(self.completion, self.outputs, strict=True))
