"""The paper's A_max bounds at every α = l/u with u <= u_max, not only dyadic α, by exhaustive enumeration.

For each ``1 <= l <= u <= u_max``, n, s and ``M = ⌈f·(s+u)⌉`` every ``o ∈ [l, u]^n`` is enumerated: against
**H-SF** (the paper's benchmark; fast engine for both) for ``n in ns_hsf`` and against **exact OPT**
(:func:`verify.search.exhaustive.search_exhaustive`, OPT memoised by multiset) for ``n in ns_opt``. Each maximum is
exact (``closed``) for its configuration. Points of equal α (``l/u`` in lowest terms) are kept apart by (l, u):
the table takes the maximum per α and names the configuration that holds it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from models.engine_fast import FastEngine
from models.instance import uniform_instance
from models.shape import Shape
from models.witness import Witness
from proofs.bounds import AMAX_LOWER, AMAX_UPPER, evaluate, exceeds
from verify.opt.benchmark import BenchmarkMemo
from verify.search import Problem
from verify.search.exhaustive import search_exhaustive


@dataclass(frozen=True)
class AlphaPoint:
    """The exact maximum of TEL(A_max)/TEL(benchmark) over ``[l, u]^n`` for one configuration.

    Parameters
    ----------
    l : int
        Every job's lower bound.
    u : int
        Every job's upper bound.
    n : int
        Number of jobs.
    s : int
        Every job's prompt size.
    M : int
        The capacity.
    benchmark : str
        ``"hsf"`` or ``"opt"``.
    ratio : Fraction
        The maximum.
    outputs : tuple of int
        An output vector that reaches it.
    """

    l: int  # noqa: E741
    u: int
    n: int
    s: int
    M: int
    benchmark: str
    ratio: Fraction
    outputs: tuple[int, ...]

    @property
    def alpha(self) -> Fraction:
        """α = l/u, in lowest terms."""
        return Fraction(self.l, self.u)

    @property
    def regime(self) -> str:
        """The configuration as the report states it: n, ``M/(s+u)``, s, l and u."""
        return f"n={self.n}, M/(s+u)={Fraction(self.M, self.s + self.u)}, s={self.s}, l={self.l}, u={self.u}"

    def witness(self) -> Witness:
        """The point's output vector certified: A_max (admission ``stop``) against the point's benchmark.

        A_max runs on the reference engine; the benchmark is exact OPT or H-SF (:func:`verify.certify.certify`).

        Returns
        -------
        Witness
            The certified witness.

        Raises
        ------
        ImpossibleRatio
            A ratio below 1 against OPT (A_max does not pause jobs).
        """
        from verify.certify import certify

        inst = uniform_instance(self.M, self.s, self.l, self.u, list(self.outputs))
        return certify(inst, "amax", {"admission": "stop"}, self.benchmark).witness


def _max_vs_hsf(M: int, s: int, l: int, u: int, n: int) -> tuple[Fraction, tuple[int, ...]]:  # noqa: E741
    shape = Shape.uniform(M, s, l, u, n)
    alg = FastEngine.build(shape, "amax")
    hsf = FastEngine.build(shape, "hsf")
    rows = np.array(list(itertools.product(range(l, u + 1), repeat=n)), dtype=np.int64)
    a, h = alg.tel_many(rows), hsf.tel_many(rows)
    # exact argmax of a/h: compare cross products in integers (values are small)
    best = 0
    for i in range(1, len(rows)):
        if int(a[i]) * int(h[best]) > int(a[best]) * int(h[i]):
            best = i
    return Fraction(int(a[best]), int(h[best])), tuple(int(x) for x in rows[best])


def _max_vs_opt(M: int, s: int, l: int, u: int, n: int, cache: BenchmarkMemo) -> tuple[Fraction, tuple[int, ...]]:  # noqa: E741
    out = search_exhaustive(Problem(Shape.uniform(M, s, l, u, n), "amax", {"admission": "stop"}, "opt"),
                            cache=cache)
    return out.best.ratio, out.best.instance.outputs


def amax_all_alpha(u_max: int, ns_hsf: tuple[int, ...], ns_opt: tuple[int, ...], s_values: tuple[int, ...],
                   M_factors: tuple[Fraction, ...], progress: Callable[[str], None] | None = None) -> list[AlphaPoint]:
    """Every configuration's exact maximum of TEL(A_max)/TEL(benchmark) (module docstring).

    For each ``s``, factor ``f``, ``1 <= l <= u <= u_max`` with ``M = ⌈f·(s+u)⌉``: every ``o ∈ [l, u]^n``
    against H-SF for each n of ``ns_hsf``, and against exact OPT for each n of ``ns_opt``.

    Parameters
    ----------
    u_max : int
        The largest u.
    ns_hsf : tuple of int
        Sizes n enumerated against H-SF.
    ns_opt : tuple of int
        Sizes n enumerated against exact OPT.
    s_values : tuple of int
        Prompt sizes.
    M_factors : tuple of Fraction
        Capacity factors ``f``.
    progress : callable or None
        Called with a line of text after each ``(s, f)``.

    Returns
    -------
    list of AlphaPoint
        One per configuration and benchmark.
    """
    points = []
    for s in s_values:
        for f in M_factors:
            for u in range(1, u_max + 1):
                M = math.ceil(f * (s + u))
                cache = BenchmarkMemo(M, "opt")
                for l in range(1, u + 1):  # noqa: E741
                    for n in ns_hsf:
                        points.append(AlphaPoint(l, u, n, s, M, "hsf", *_max_vs_hsf(M, s, l, u, n)))
                    for n in ns_opt:
                        points.append(AlphaPoint(l, u, n, s, M, "opt", *_max_vs_opt(M, s, l, u, n, cache)))
            if progress:
                progress(f"A_max at every alpha = l/u, u <= {u_max}: s={s}, M={f}(s+u) done ({len(points)} points)")
    return points


@dataclass(frozen=True)
class AlphaRow:
    """Per α: the paper's bounds and the worst ratio against each benchmark.

    Parameters
    ----------
    alpha : Fraction
        α = l/u.
    lower : sympy expression
        The paper's lower bound on CR(A_max) at α (MODEL.md, *The bounds checked*).
    upper : sympy expression
        The paper's upper bound at α.
    hsf : AlphaPoint or None
        The configuration with the largest exact maximum against H-SF (``None``: not run).
    opt : AlphaPoint or None
        The same against exact OPT.
    """

    alpha: Fraction
    lower: object  # sympy value of the paper's lower bound
    upper: object
    hsf: AlphaPoint | None
    opt: AlphaPoint | None


def alpha_rows(points: list[AlphaPoint]) -> list[AlphaRow]:
    """One row per α (largest first): the paper's bounds and each benchmark's worst configuration.

    Points of equal α are compared by ratio; a tie keeps the smaller n.

    Parameters
    ----------
    points : list of AlphaPoint
        The points of :func:`amax_all_alpha`.

    Returns
    -------
    list of AlphaRow
        The rows, α descending.
    """
    rows = []
    for a in sorted({p.alpha for p in points}, reverse=True):
        best = {}
        for b in ("hsf", "opt"):
            cands = [p for p in points if p.alpha == a and p.benchmark == b]
            best[b] = max(cands, key=lambda p: (p.ratio, -p.n), default=None)
        rows.append(AlphaRow(a, evaluate(AMAX_LOWER, a), evaluate(AMAX_UPPER, a), best["hsf"], best["opt"]))
    return rows


def upper_violations(points: list[AlphaPoint], benchmark: str) -> list[AlphaPoint]:
    """Configurations whose exact maximum exceeds the paper's upper bound at their α.

    Parameters
    ----------
    points : list of AlphaPoint
        The points.
    benchmark : str
        Only points against this benchmark.

    Returns
    -------
    list of AlphaPoint
        The violations, in the order of ``points``.
    """
    return [p for p in points if p.benchmark == benchmark and exceeds(p.ratio, evaluate(AMAX_UPPER, p.alpha))]


def lower_reached(points: list[AlphaPoint], benchmark: str) -> list[AlphaPoint]:
    """Configurations with α < 1 whose maximum reaches the paper's lower bound at their α.

    Parameters
    ----------
    points : list of AlphaPoint
        The points.
    benchmark : str
        Only points against this benchmark.

    Returns
    -------
    list of AlphaPoint
        The points that reach it, in the order of ``points``.
    """
    import sympy as sp

    return [p for p in points if p.benchmark == benchmark and p.alpha < 1
            and sp.Rational(p.ratio.numerator, p.ratio.denominator) >= evaluate(AMAX_LOWER, p.alpha)]
