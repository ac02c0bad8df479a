"""The record of one simulation (per round and per job) and the quantities derived from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RoundRecord:
    """Round ``t``: the executed batch, its memory ``Σ (s_j + k_j + 1)``, and the jobs evicted at its start,
    started (a new run began) in it, and completed at its end."""

    t: int
    batch: tuple[int, ...]
    memory: int
    evicted: tuple[int, ...]
    started: tuple[int, ...]
    completed: tuple[int, ...]


class RunOutcome:
    """What every engine's result derives the same way: latencies, TEL and the summary dict.

    Subclasses provide ``policy``, ``arrivals``, ``completion``, ``evictions``, ``peak_memory`` and
    ``wasted_tokens``."""

    __slots__ = ()

    @property
    def latency(self) -> tuple[int, ...]:
        """``L_j = C_j - a_j``."""
        return tuple(c - a for c, a in zip(self.completion, self.arrivals, strict=True))

    @property
    def tel(self) -> int:
        """Total end-to-end latency ``Σ_j (C_j - a_j)``."""
        return sum(self.latency)

    def summary(self) -> dict[str, Any]:
        """The integers every engine must agree on, as a JSON-ready dict."""
        return {
            "policy": self.policy,
            "tel": self.tel,
            "completion": list(self.completion),
            "evictions": self.evictions,
            "peak_memory": self.peak_memory,
            "wasted_tokens": self.wasted_tokens,
        }


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

    @property
    def peak_memory(self) -> int:
        return max((r.memory for r in self.rounds), default=0)

    @property
    def final_starts(self) -> tuple[int, ...]:
        """The round each job's completing run began: ``C_j - o_j``."""
        return tuple(c - o for c, o in zip(self.completion, self.outputs, strict=True))
