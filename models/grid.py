"""Grids: the one way the project sweeps shapes of the paper's setting (one ``s``, one ``[l, u]``, arrivals 0).

A grid is a product of axes in a fixed order, ``n``, ``s``, ``u``, ``l``, ``M`` (outermost first), where the
interval and the capacity may be given relative to the axes before them, as the sweeps of the reports do:

- ``l``: the values given; or, with ``k``, ``l = max(1, ⌊u / 2^k⌋)`` (α = 2⁻ᵏ where 2ᵏ divides ``u``); or, with
  neither, every ``l`` in ``1..u``;
- ``M``: the values given; or ``M = ⌈f · (s + u)⌉`` for each factor ``f`` (``M_factor``); or ``M = s + u + d``
  for each slack ``d`` (``M_slack``).

A point that breaks a rule of a shape (``l <= u``, ``s + u <= M``) is dropped and counted in
:attr:`Grid.excluded`; equal points are kept once, at their first place.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction

from models.errors import InvalidInput
from models.shape import JobShape, Shape


@dataclass(frozen=True, order=True)
class GridPoint:
    """One point of a grid: ``n`` jobs with prompt ``s`` and interval ``[l, u]``, capacity ``M``, arrivals 0."""

    n: int
    M: int
    s: int
    l: int  # noqa: E741 - the paper's name
    u: int

    @property
    def alpha(self) -> Fraction:
        """``α = l / u``, exactly."""
        return Fraction(self.l, self.u)

    @property
    def factor(self) -> Fraction:
        """``M / (s + u)``, exactly: how many largest jobs fit at once."""
        return Fraction(self.M, self.s + self.u)

    @property
    def label(self) -> str:
        """``n=… M=… s=… l=… u=…``."""
        return f"n={self.n} M={self.M} s={self.s} l={self.l} u={self.u}"

    def shape(self) -> Shape:
        """The point's shape (validated).

        Returns
        -------
        Shape

        Raises
        ------
        InstanceError
            If the point breaks a rule of a shape (a grid never yields such a point).
        """
        return Shape.uniform(self.M, self.s, self.l, self.u, self.n)


@dataclass(frozen=True)
class Grid:
    """An ordered, duplicate-free tuple of :class:`GridPoint`, and how many points of its product were dropped."""

    points: tuple[GridPoint, ...]
    excluded: int = 0

    @classmethod
    def product(cls, *, n: Iterable[int], s: Iterable[int], u: Iterable[int], l: Iterable[int] | None = None,  # noqa: E741
                k: Iterable[int] | None = None, M: Iterable[int] | None = None,
                M_factor: Iterable[Fraction | int] | None = None, M_slack: Iterable[int] | None = None) -> Grid:
        """The product of the axes (module docstring), outermost ``n``, then ``s``, ``u``, ``l``, ``M``.

        Parameters
        ----------
        n, s, u : iterable of int
            Job counts, prompt sizes and interval upper ends.
        l : iterable of int, optional
            Interval lower ends; not with ``k``. With neither, every ``l`` in ``1..u``.
        k : iterable of int, optional
            ``l = max(1, ⌊u / 2^k⌋)`` for each ``k >= 0``.
        M, M_factor, M_slack : iterable, optional
            Exactly one: capacities; factors ``f > 0`` with ``M = ⌈f · (s + u)⌉``; slacks ``d >= 0`` with
            ``M = s + u + d``.

        Returns
        -------
        Grid

        Raises
        ------
        InvalidInput
            If a value is not an integer in its range (``n, u, l, M >= 1``, ``s, k, slack >= 0``), both ``l`` and
            ``k`` are given, not exactly one capacity rule is, or a factor is not positive.
        """
        if l is not None and k is not None:
            raise InvalidInput("grid: give l or k (l = u / 2^k), not both")
        rules = [name for name, v in (("M", M), ("M_factor", M_factor), ("M_slack", M_slack)) if v is not None]
        if len(rules) != 1:
            raise InvalidInput(f"grid: give exactly one of M, M_factor, M_slack, got {rules or 'none'}")
        ks, factors, slacks = _listed(k), [Fraction(f) for f in _listed(M_factor)], _listed(M_slack)
        if any(x < 0 for x in ks):
            raise InvalidInput(f"k: every k must be >= 0, got {ks}")
        if any(f <= 0 for f in factors):
            raise InvalidInput(f"M_factor: every factor must be > 0, got {[str(f) for f in factors]}")
        if any(d < 0 for d in slacks):
            raise InvalidInput(f"M_slack: every slack must be >= 0, got {slacks}")
        ns, ss, us, ls, Ms = _listed(n), _listed(s), _listed(u), _listed(l), _listed(M)
        for name, values, least in (("n", ns, 1), ("s", ss, 0), ("u", us, 1), ("l", ls, 1), ("M", Ms, 1)):
            if any(isinstance(v, bool) or not isinstance(v, int) or v < least for v in values):
                raise InvalidInput(f"{name}: every value must be an integer >= {least}, got {values}")

        def lows(u_: int) -> list[int]:
            if k is not None:
                return [max(1, u_ // 2**x) for x in ks]
            return ls if l is not None else list(range(1, u_ + 1))

        def capacities(s_: int, u_: int) -> list[int]:
            if M is not None:
                return Ms
            if M_factor is not None:
                return [math.ceil(f * (s_ + u_)) for f in factors]
            return [s_ + u_ + d for d in slacks]

        points: dict[GridPoint, None] = {}
        excluded = 0
        for n_, s_, u_ in itertools.product(ns, ss, us):
            for l_ in lows(u_):
                for M_ in capacities(s_, u_):
                    if l_ <= u_ and s_ + u_ <= M_:
                        points.setdefault(GridPoint(n_, M_, s_, l_, u_))
                    else:
                        excluded += 1
        return cls(tuple(points), excluded)

    def __iter__(self) -> Iterator[GridPoint]:
        return iter(self.points)

    def __len__(self) -> int:
        return len(self.points)

    def shapes(self) -> Iterator[Shape]:
        """Every point's shape, in the grid's order.

        Returns
        -------
        iterator of Shape
            One :class:`~models.shape.Shape` per point (``n`` jobs of size ``s`` with interval ``[l, u]``,
            arrivals 0, capacity ``M``).
        """
        return (p.shape() for p in self.points)


def _listed(values: Iterable | None) -> list:
    return [] if values is None else list(values)



def prompt_vectors(n: int, s_values: Iterable[int], l: int, u: int, *,  # noqa: E741
                   M: Iterable[int] | None = None, M_slack: Iterable[int] | None = None) -> list[Shape]:
    """Every prompt vector of ``s_values^n`` (one interval ``[l, u]``, arrivals 0) with every capacity that holds it.

    The capacities are the given ``M`` with ``max s + u <= M``, or ``M = max s + u + d`` for each slack ``d``.

    The serving grid and the liveness prover sweep this way: the prompts differ between jobs, so it is not a
    :class:`Grid` of uniform points.

    Parameters
    ----------
    n : int
        Number of jobs.
    s_values : iterable of int
        The prompt sizes each job may have.
    l, u : int
        Every job's interval.
    M, M_slack : iterable of int, optional
        Exactly one: capacities, or slacks ``d >= 0`` above ``max s + u``.

    Returns
    -------
    list of Shape
        Ordered by ``M``, then prompt vectors in lexicographic order.

    Raises
    ------
    InvalidInput
        If not exactly one capacity rule is given.
    """
    if (M is None) == (M_slack is None):
        raise InvalidInput("grid: give exactly one of M, M_slack")
    Ms, slacks = (None if M is None else list(M)), (None if M_slack is None else list(M_slack))
    out = []
    for s_vec in itertools.product(list(s_values), repeat=n):
        base = max(s_vec) + u
        capacities = [c for c in Ms if c >= base] if Ms is not None else [base + d for d in slacks]
        out += [Shape(c, tuple(JobShape(s, l, u, 0) for s in s_vec)) for c in capacities]
    return sorted(out, key=lambda shape: shape.M)  # stable: vectors stay in lexicographic order
