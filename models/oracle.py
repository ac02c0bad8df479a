"""Outcome oracles: the only place an engine learns when a job completes (DESIGN.md).

After job ``j`` has generated its ``k``-th token of the current run, the engine asks
``oracle.completes(j, k)``. The ordinary oracle reads ``o_j``; an adversary (Hypothesis, a game-tree search)
answers instead, within ``[l_j, u_j]``: the engine rejects an answer that stops a job before ``l_j`` or lets
it run past ``u_j``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol
from models.errors import ModelViolation


class OutcomeOracle(Protocol):
    def completes(self, j: int, k: int) -> bool:
        """Has job ``j`` finished once it has generated ``k`` tokens in its current run?"""
        ...


class TrueLengths:
    """The ordinary oracle: job ``j`` completes exactly when ``k == o_j``."""

    def __init__(self, outputs: Sequence[int]) -> None:
        self.outputs = tuple(outputs)

    def completes(self, j: int, k: int) -> bool:
        return k == self.outputs[j]


class OracleViolation(ModelViolation):
    """An oracle answered outside the predicted interval ``[l_j, u_j]``."""
