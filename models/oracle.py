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
        """Has job ``j`` finished once it has generated ``k`` tokens in its current run?

        The engine rejects an answer that stops the job before ``l_j`` or lets it run past ``u_j``.

        Parameters
        ----------
        j : int
            The job's index.
        k : int
            The tokens it has generated in its current run.

        Returns
        -------
        bool
            Whether the job completes now.
        """
        ...


class TrueLengths:
    """The ordinary oracle: job ``j`` completes exactly when ``k == o_j``."""

    def __init__(self, outputs: Sequence[int]) -> None:
        self.outputs = tuple(outputs)

    def completes(self, j: int, k: int) -> bool:
        """Job ``j`` completes exactly when it has generated its true output length ``o_j``.

        Parameters
        ----------
        j : int
            The job's index.
        k : int
            The tokens it has generated in its current run.

        Returns
        -------
        bool
            Whether ``k == o_j``.
        """
        return k == self.outputs[j]


class OracleViolation(ModelViolation):
    """An oracle answered outside the predicted interval ``[l_j, u_j]``."""
