"""The agreement grid's values: a point of the search grid, the verdict vocabulary, and one point's result.

A point is a configuration of the search grid: ``policy``, ``n`` jobs with one interval ``[l, u]``, prompt
``s``, capacity ``M``, arrivals 0. Its verdict (:class:`AgreementVerdict`) says whether a proving strategy's
maximum is exhaustive enumeration's (:mod:`verify.campaign.agreement`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from models.shape import Shape
from models.status import in_vocabulary
from verify.search import Problem


class AgreementVerdict(StrEnum):
    """``agree``: the proving strategy closed its bracket on exhaustive enumeration's maximum; ``disagree``: it
    closed on another value, or found a better instance than exhaustive (a bug to report, with the witness);
    ``open``: it did not close within its budget."""

    AGREE = "agree"
    DISAGREE = "disagree"
    OPEN = "open"


@dataclass(frozen=True, order=True)
class GridPoint:
    """One configuration of the search grid (ordered by its fields, in this order)."""

    policy: str
    n: int
    u: int
    l: int  # noqa: E741
    s: int
    M: int

    @property
    def label(self) -> str:
        """The point as one line, e.g. ``amin n=2 u=3 l=1 s=0 M=4``."""
        return f"{self.policy} n={self.n} u={self.u} l={self.l} s={self.s} M={self.M}"

    def problem(self) -> Problem:
        """The search problem of this point: one interval for all jobs, arrivals 0, default options, vs OPT.

        Returns
        -------
        Problem
            The point's shape with its policy (default options) against exact OPT.
        """
        return Problem(Shape.uniform(self.M, self.s, self.l, self.u, self.n), self.policy, {}, "opt")


@dataclass(frozen=True)
class PointResult:
    """``proved``: the proving strategy's best ratio (its proven maximum when ``verdict`` is not ``open``).

    A verdict outside :class:`AgreementVerdict` is refused (:class:`~models.errors.InvalidInput`)."""

    point: GridPoint
    strategy: str
    verdict: AgreementVerdict
    proved: Fraction
    exhaustive: Fraction
    seconds: float
    budget: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "verdict", in_vocabulary(AgreementVerdict, self.verdict, "verdict"))
