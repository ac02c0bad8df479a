"""A parametric family on which A_max's TEL and H-SF's TEL have closed forms.

Family (m >= 1 an integer, α = 1/m): prompt ``s = 0``; every request has interval ``[l, m·l]`` and true length
``o = l`` (the predictions are as pessimistic as the interval allows); ``M = b·m·l``; ``n = N·b·m`` requests.

- A_max plans every job at ``u = m·l``: ``b`` jobs fill M exactly at their planned peak, so it runs batches of
  ``b`` that all finish after ``l`` rounds: ``n/b = N·m`` batches, ``TEL = b·l·(Nm)(Nm+1)/2``.
- H-SF plans with ``o = l``: batches of ``M/l = b·m``: ``N`` batches, ``TEL = b·m·l·N(N+1)/2``.

The ratio ``(Nm + 1)/(N + 1)`` tends to ``m = α⁻¹`` as ``N → ∞`` (and is ``(α⁻¹+1)/2`` at N = 1). That is below
the paper's lower bound ``α⁻¹(1 + α^(-1/2))/2`` for every α < 1: this family does not reach it, and the report
says so. The closed forms are derived with sympy and checked against the simulator.
"""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from models.instance import uniform_instance
from proofs.bounds import AMAX_LOWER, CheckResult, CheckStatus, alpha

b, N, l, m = sp.symbols("b N l m", positive=True, integer=True)
i = sp.Symbol("i", positive=True, integer=True)

TEL_AMAX = sp.factor(sp.summation(b * l * i, (i, 1, N * m)))
TEL_HSF = sp.factor(sp.summation(b * m * l * i, (i, 1, N)))
RATIO = sp.simplify(TEL_AMAX / TEL_HSF)


def family_instance(b_: int, N_: int, l_: int, m_: int):
    """The family's instance: ``M = b·m·l``, ``n = N·b·m`` jobs, ``s = 0``, ``[l, m·l]``, ``o = l``.

    Parameters
    ----------
    b_ : int
        Jobs per A_max batch.
    N_ : int
        H-SF's batches.
    l_ : int
        Every job's lower end and true length.
    m_ : int
        ``1/α``: every job's upper end is ``m·l``.

    Returns
    -------
    Instance
        With all arrivals 0.
    """
    n = N_ * b_ * m_
    return uniform_instance(b_ * m_ * l_, 0, l_, m_ * l_, [l_] * n)


def check_closed_forms(cases=((1, 1, 2, 2), (2, 2, 3, 2), (1, 3, 2, 4), (3, 2, 1, 3), (2, 1, 4, 8))) -> CheckResult:
    """The closed forms of A_max's and H-SF's TEL equal the reference engine's, case by case.

    Parameters
    ----------
    cases : sequence of (int, int, int, int)
        ``(b, N, l, m)`` per case.

    Returns
    -------
    CheckResult
        ``proved`` when every case matches both closed forms; the evidence lists each case.
    """
    from models.engine_reference import simulate
    from models.schedulers import make_scheduler

    rows, ok = [], True
    for case in cases:
        inst = family_instance(*case)
        subs = dict(zip((b, N, l, m), case, strict=True))
        want_a, want_h = int(TEL_AMAX.subs(subs)), int(TEL_HSF.subs(subs))
        got_a = simulate(inst, make_scheduler("amax", inst)).tel
        got_h = simulate(inst, make_scheduler("hsf", inst)).tel
        ok &= (got_a, got_h) == (want_a, want_h)
        rows.append(f"(b,N,l,m)={case}: A_max {got_a} (closed form {want_a}), H-SF {got_h} ({want_h})")
    return CheckResult(f"closed forms TEL_Amax = {TEL_AMAX}, TEL_HSF = {TEL_HSF} match the simulator",
                       CheckStatus.PROVED if ok else CheckStatus.FAILED, "; ".join(rows))


def limit_ratio() -> sp.Expr:
    """``lim_{N→∞} ratio`` as a function of α (= 1/m).

    Returns
    -------
    sympy.Expr
        The limit, in :data:`proofs.bounds.alpha`.
    """
    return sp.limit(RATIO, N, sp.oo).subs(m, 1 / alpha)


def check_against_paper_lower_bound() -> CheckResult:
    """Whether the family's limiting ratio reaches the paper's A_max lower bound ``α⁻¹(1 + α^(-1/2))/2``.

    Returns
    -------
    CheckResult
        ``failed`` when the gap (bound minus limit) is positive for every α < 1, as the module docstring
        says; the evidence is the gap in ``x = α^(-1/2)``.
    """
    lim = limit_ratio()
    gap = sp.simplify(AMAX_LOWER - lim)
    x = sp.Symbol("x", positive=True)
    gap_x = sp.factor(sp.simplify(gap.subs(alpha, x ** -2)))
    positive_for_alpha_below_1 = sp.solveset(gap_x <= 0, x, sp.Interval.open(1, sp.oo)) == sp.EmptySet
    return CheckResult(
        "this family's limiting ratio alpha^-1 reaches the paper's lower bound",
        CheckStatus.FAILED if positive_for_alpha_below_1 else CheckStatus.PROVED,
        f"limit ratio = {lim}; paper lower - limit = {gap_x} with x = alpha^(-1/2) (> 0 for all alpha < 1): "
        "the family falls short of the paper's lower bound by that gap",
    )


def ratio_at(b_: int, N_: int, m_: int) -> Fraction:
    """The family's exact ratio A_max / H-SF, ``(Nm + 1)/(N + 1)``, at one point (``l`` cancels).

    Parameters
    ----------
    b_ : int
        Jobs per A_max batch.
    N_ : int
        H-SF's batches.
    m_ : int
        ``1/α``.

    Returns
    -------
    Fraction
        The ratio.
    """
    value = RATIO.subs({b: b_, N: N_, m: m_, l: 1})
    return Fraction(int(sp.numer(value)), int(sp.denom(value)))
