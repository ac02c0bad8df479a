"""The paper's bounds as sympy expressions in α, and symbolic checks that return results, not asserts.

MODEL.md, "The bounds checked" (as read): for A_max with one interval,
``α⁻¹(1 + α^(-1/2))/2 <= CR(A_max) <= α⁻¹(1 + α⁻¹)/2``; for A_min, ``CR(A_min) = O(log(1/α))`` with no stated
constant, modelled as ``C·log₂(1/α) + C₀``. Every check returns a :class:`CheckResult` with the claim, a status
``proved``/``failed`` and the sympy expression (or counterexample) that decides it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

import sympy as sp

from models.status import in_vocabulary

alpha = sp.Symbol("alpha", positive=True)
x = sp.Symbol("x", positive=True)  # x = α^(-1/2) >= 1 turns every bound into a polynomial

AMAX_LOWER = (1 / alpha) * (1 + alpha ** sp.Rational(-1, 2)) / 2
AMAX_UPPER = (1 / alpha) * (1 + 1 / alpha) / 2
C, C0 = sp.symbols("C C_0", real=True)
AMIN_FAMILY = C * sp.log(1 / alpha, 2) + C0


class CheckStatus(StrEnum):
    """A symbolic check's status: ``proved`` (sympy decided the claim true) or ``failed`` (it did not hold)."""

    PROVED = "proved"
    FAILED = "failed"


@dataclass(frozen=True)
class CheckResult:
    """A symbolic check's claim, its :class:`CheckStatus` (a word outside it is refused) and the expression or
    values that decide it."""

    claim: str
    status: CheckStatus
    evidence: Any

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", in_vocabulary(CheckStatus, self.status, "status"))

    def __str__(self) -> str:
        return f"[{self.status}] {self.claim}: {self.evidence}"


def _in_x(expr: sp.Expr) -> sp.Expr:
    return sp.simplify(expr.subs(alpha, x ** -2))


def check_lower_below_upper() -> CheckResult:
    """``upper - lower >= 0`` on ``(0, 1]``: with ``α = x⁻²`` it is a polynomial in ``x >= 1``.

    Returns
    -------
    CheckResult
        ``proved`` when sympy finds no ``x >= 1`` at which the difference is negative.
    """
    diff = sp.factor(_in_x(AMAX_UPPER - AMAX_LOWER))
    negative = sp.solveset(diff < 0, x, sp.Interval(1, sp.oo))
    ok = negative == sp.EmptySet
    return CheckResult("A_max lower bound <= upper bound for alpha in (0, 1]",
                       CheckStatus.PROVED if ok else CheckStatus.FAILED,
                       f"upper - lower = {diff} with x = alpha^(-1/2); negative for x >= 1 on {negative}")


def check_equal_one_at_alpha_one() -> CheckResult:
    """Both A_max bounds equal 1 at ``α = 1`` (one interval of width 0: A_max is then H-SF).

    Returns
    -------
    CheckResult
        ``proved`` when both evaluate to exactly 1.
    """
    lo, hi = AMAX_LOWER.subs(alpha, 1), AMAX_UPPER.subs(alpha, 1)
    return CheckResult("both A_max bounds equal 1 at alpha = 1",
                       CheckStatus.PROVED if lo == hi == 1 else CheckStatus.FAILED,
                       f"lower(1) = {lo}, upper(1) = {hi}")


def check_asymptotic_orders() -> CheckResult:
    """lower ~ α^(-3/2)/2 and upper ~ α^(-2)/2 as α -> 0+; A_min's family grows like log(1/α).

    Returns
    -------
    CheckResult
        ``proved`` when the three limits are exactly ``1/2``, ``1/2`` and ``1/ln 2``.
    """
    lo = sp.limit(AMAX_LOWER / alpha ** sp.Rational(-3, 2), alpha, 0, "+")
    hi = sp.limit(AMAX_UPPER / alpha ** -2, alpha, 0, "+")
    amin = sp.limit(AMIN_FAMILY.subs({C: 1, C0: 0}) / sp.log(1 / alpha), alpha, 0, "+")
    ok = lo == sp.Rational(1, 2) and hi == sp.Rational(1, 2) and amin == 1 / sp.log(2)
    return CheckResult("orders as alpha -> 0: lower ~ alpha^(-3/2)/2, upper ~ alpha^(-2)/2, "
                       "A_min family ~ log2(1/alpha)", CheckStatus.PROVED if ok else CheckStatus.FAILED,
                       f"lim lower*alpha^(3/2) = {lo}; lim upper*alpha^2 = {hi}; lim family/log(1/alpha) = {amin}")


def evaluate(expr: sp.Expr, a: Fraction) -> sp.Expr:
    """Exact value at a rational α (an algebraic number when α is not a rational square).

    Parameters
    ----------
    expr : sympy.Expr
        An expression in :data:`alpha`.
    a : Fraction
        The value of α.

    Returns
    -------
    sympy.Expr
        The exact value.
    """
    return sp.nsimplify(expr.subs(alpha, sp.Rational(a.numerator, a.denominator)))


def check_exact_evaluation(points=(Fraction(1), Fraction(1, 4), Fraction(1, 9), Fraction(1, 16))) -> CheckResult:
    """At α = 1/m²: lower = m²(1+m)/2 and upper = m²(1+m²)/2, exactly.

    Parameters
    ----------
    points : sequence of Fraction
        Values of α, each ``1/m²`` for a positive integer ``m``.

    Returns
    -------
    CheckResult
        ``proved`` when both closed forms hold at every point; the evidence lists the values.
    """
    rows, ok = [], True
    for a in points:
        m = sp.sqrt(sp.Rational(a.denominator, a.numerator))
        lo, hi = evaluate(AMAX_LOWER, a), evaluate(AMAX_UPPER, a)
        ok &= sp.simplify(lo - m**2 * (1 + m) / 2) == 0 and sp.simplify(hi - m**2 * (1 + m**2) / 2) == 0
        rows.append(f"alpha={a}: lower={lo}, upper={hi}")
    return CheckResult("exact evaluation at rational alpha", CheckStatus.PROVED if ok else CheckStatus.FAILED,
                       "; ".join(rows))


def all_checks() -> list[CheckResult]:
    """Every symbolic check of the A_max bounds and A_min's family, in order.

    Returns
    -------
    list of CheckResult
        One per check.
    """
    return [check_lower_below_upper(), check_equal_one_at_alpha_one(), check_asymptotic_orders(),
            check_exact_evaluation()]


def fit_log2(points: list[tuple[int, Fraction]]) -> tuple[Fraction, Fraction]:
    """Exact least-squares fit ``ratio ≈ C·k + C₀`` over points ``(k, ratio)`` with ``k = log₂(1/α)``.

    ``k`` is an integer when ``α = 2⁻ᵏ``, so the fit is rational. It fits A_min's family ``C·log₂(1/α) + C₀``
    (MODEL.md, "The bounds checked": no constant is stated, so reports fit one).

    Parameters
    ----------
    points : list of (int, Fraction)
        ``(k, ratio)`` pairs; at least one.

    Returns
    -------
    tuple of (Fraction, Fraction)
        ``(C, C₀)``. With fewer than two distinct ``k``: ``(0, ratio of the first point)``.
    """
    if len({k for k, _ in points}) < 2:
        k, r = points[0]
        return Fraction(0), Fraction(r)
    n = len(points)
    sk = sum(Fraction(k) for k, _ in points)
    sr = sum(r for _, r in points)
    skk = sum(Fraction(k * k) for k, _ in points)
    skr = sum(k * r for k, r in points)
    slope = (n * skr - sk * sr) / (n * skk - sk * sk)
    return slope, (sr - slope * sk) / n


def exceeds(ratio: Fraction, bound: sp.Expr) -> bool:
    """Exact comparison of a rational ratio with an (algebraic) bound value.

    Parameters
    ----------
    ratio : Fraction
        A measured ratio.
    bound : sympy.Expr
        A bound's exact value (:func:`evaluate`).

    Returns
    -------
    bool
        ``True`` when ``ratio > bound``.
    """
    return bool(sp.Rational(ratio.numerator, ratio.denominator) > bound)
