"""A lower bound on OPT from the LP relaxation of the time-indexed model, certified in exact arithmetic.

HiGHS solves the relaxation (memory rows and peak cliques) in floating point; its dual values are only used
as a *certificate*. By weak duality, for any class multipliers ``λ``, any round multipliers ``μ <= 0`` and any
clique multipliers ``ν <= 0``, every feasible ``x`` of :mod:`verify.opt.time_indexed` satisfies

``cost·x = Σ_v r_v x_v + Σ_c λ_c N_c + Σ_t μ_t (A x)_t + Σ_q ν_q (B x)_q``
``       >= Σ_v min(0, r_v) N_{c(v)} + Σ_c λ_c N_c + M Σ_t μ_t + Σ_q ν_q``

with reduced costs ``r_v = cost_v - λ_{c(v)} - Σ_t μ_t A_tv - Σ_q ν_q B_qv``, because ``0 <= x_v <= N_{c(v)}``,
``(A x)_t <= M`` and ``(B x)_q <= 1`` (``A``: memory rows, ``B``: peak cliques). The duals are rounded to
multiples of ``2**-40`` (``μ`` and ``ν`` clipped to ``<= 0``) and the right-hand
side is evaluated in integers, so the bound holds whatever HiGHS's rounding errors were; with HiGHS's optimal
duals it equals the LP optimum up to that rounding. Since TEL is an integer, the bound is its ceiling.

It bounds OPT although the model only has starts inside the start windows: every optimal schedule lies inside
them (they admit every schedule no worse than H-SF's), so it is one of the feasible ``x`` above.

Reduced-cost fixing, from the same certificate: the first inequality, with ``r_v x_v >= r_v N_{c(v)}`` used only
where ``r_v < 0``, gives ``cost·x >= value + Σ_{r_v > 0} r_v x_v``. So a schedule that starts a job at variable
``v`` has TEL at least ``value + r_v``, and a search for schedules with TEL below ``U`` may drop every ``v`` with
``value + r_v > U - 1`` (:meth:`LpBound.usable`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import vstack

from verify.opt.highs_stdout import c_stdout_to_stderr
from verify.opt.time_indexed import TimeIndexedModel

_SCALE = 2**40


@dataclass(frozen=True)
class LpBound:
    """``value``, ``reduced_costs`` and ``base`` are exact (the certificate above); ``lp_value`` is HiGHS's float
    optimum. ``base`` is the certificate's constant, ``value - Σ_v min(0, r_v) N_{c(v)}``: every schedule of the
    model has TEL at least ``base + Σ_j r_{v(j)}``, the reduced cost of each job's start summed over the jobs
    (the first line of the inequality above, read per job; branch and bound prices its nodes with it)."""

    value: Fraction
    reduced_costs: tuple[Fraction, ...]
    lp_value: float
    seconds: float
    base: Fraction

    @property
    def tel(self) -> int:
        """The bound on the (integer) TEL: ``⌈value⌉``."""
        return math.ceil(self.value)

    def usable(self, below: int) -> tuple[bool, ...]:
        """Per variable: may a schedule with TEL ``< below`` use it? (``False`` only when proven it cannot.)

        Reduced-cost fixing (module docstring): a schedule using variable ``v`` has TEL at least
        ``value + r_v``.

        Parameters
        ----------
        below : int
            The TEL to beat (a known schedule's).

        Returns
        -------
        tuple of bool
            One per variable of the model, ``True`` where ``value + r_v <= below - 1``.
        """
        return tuple(self.value + r <= below - 1 for r in self.reduced_costs)


def certify(model: TimeIndexedModel, class_duals: np.ndarray, round_duals: np.ndarray,
            clique_duals: np.ndarray | None = None) -> tuple[Fraction, tuple[Fraction, ...]]:
    """The weak-duality bound above and every variable's reduced cost, exactly, for the given multipliers.

    Any multipliers give a valid bound (the module docstring's inequality); good ones (HiGHS's optimal duals)
    give a tight one. They are rounded to multiples of ``2**-40`` and the round multipliers clipped to ``<= 0``
    before the exact evaluation.

    Parameters
    ----------
    model : TimeIndexedModel
        The model whose relaxation the multipliers are for.
    class_duals : numpy.ndarray
        One multiplier ``λ_c`` per class (count) row.
    round_duals : numpy.ndarray
        One multiplier ``μ_t`` per round (memory) row.
    clique_duals : numpy.ndarray, optional
        One multiplier ``ν_q`` per peak-clique row (``None``: all 0).

    Returns
    -------
    tuple of (Fraction, tuple of Fraction)
        The bound on the relaxation's optimum, and each variable's reduced cost ``r_v``.
    """
    lam = [round(float(d) * _SCALE) for d in class_duals]
    mu = [min(0, round(float(d) * _SCALE)) for d in round_duals]
    nu = [] if clique_duals is None else [min(0, round(float(d) * _SCALE)) for d in clique_duals]
    memory = model.memory_matrix.tocsc()
    cliques = model.peak_cliques.tocsc()
    cost, upper = model.cost.tolist(), model.upper.tolist()
    total = sum(l * n for l, n in zip(lam, model.counts.tolist(), strict=True)) + model.M * sum(mu) + sum(nu)
    reduced = []
    for v, c in enumerate(model.var_class):
        rows = memory.indices[memory.indptr[v]:memory.indptr[v + 1]]
        coefs = memory.data[memory.indptr[v]:memory.indptr[v + 1]]
        r = cost[v] * _SCALE - lam[c] - sum(mu[t] * int(a) for t, a in zip(rows, coefs, strict=True))
        if nu:
            r -= sum(nu[q] for q in cliques.indices[cliques.indptr[v]:cliques.indptr[v + 1]])
        total += min(0, r) * upper[v]
        reduced.append(r)
    return Fraction(total, _SCALE), tuple(Fraction(r, _SCALE) for r in reduced)


def lp_lower_bound(model: TimeIndexedModel, *, timeout: float | None = None) -> LpBound | None:
    """The certified LP bound on OPT: the relaxation solved by HiGHS, its duals checked by :func:`certify`.

    Parameters
    ----------
    model : TimeIndexedModel
        The time-indexed model of the instance (:func:`verify.opt.time_indexed.build_model`).
    timeout : float, optional
        HiGHS's time limit in seconds (``None``: no limit).

    Returns
    -------
    LpBound or None
        ``None`` if HiGHS returned no duals (time limit, numerical failure) or no time was left
        (``timeout <= 0``).
    """
    began = time.perf_counter()
    if timeout is not None and timeout <= 0:
        return None
    cliques = model.peak_cliques
    with c_stdout_to_stderr():
        res = linprog(model.cost.astype(float), A_ub=vstack([model.memory_matrix, cliques]).tocsr(),
                      b_ub=np.concatenate([np.full(model.horizon, model.M), np.ones(cliques.shape[0])]),
                      A_eq=model.count_matrix, b_eq=model.counts.astype(float),
                      bounds=np.column_stack([np.zeros(len(model.var_class)), model.upper.astype(float)]),
                      method="highs", options={"presolve": True, **({} if timeout is None else {"time_limit": timeout})})
    if res.status != 0 or res.eqlin is None or res.ineqlin is None:
        return None
    duals = res.ineqlin.marginals
    value, reduced = certify(model, res.eqlin.marginals, duals[:model.horizon], duals[model.horizon:])
    base = value - sum(min(0, r) * n for r, n in zip(reduced, model.upper.tolist(), strict=True))
    return LpBound(value, reduced, float(res.fun), time.perf_counter() - began, base)
