"""A lower bound on OPT from the LP relaxation of the time-indexed model, certified in exact arithmetic.

HiGHS solves the relaxation (memory rows and peak cliques) in floating point; its dual values are only used
as a *certificate*. By weak duality, for any class multipliers ``λ``, any round multipliers ``μ <= 0`` and any
clique multipliers ``ν <= 0``, every feasible ``x`` of :mod:`verify.opt.time_indexed` satisfies

``cost·x = Σ_v r_v x_v + Σ_c λ_c N_c + Σ_t μ_t (A x)_t + Σ_q ν_q (B x)_q``
``       >= Σ_v min(0, r_v) N_{c(v)} + Σ_c λ_c N_c + M Σ_t μ_t + Σ_q ν_q``

with reduced costs ``r_v = cost_v - λ_{c(v)} - Σ_t μ_t A_tv - Σ_q ν_q B_qv``, because ``0 <= x_v <= N_{c(v)}``,
``(A x)_t <= M`` and ``(B x)_q <= 1`` (``A``: memory rows, ``B``: peak cliques). The duals are rounded to
multiples of ``2**-40 = 1 / SCALE`` (``μ`` and ``ν`` clipped to ``<= 0``) and the right-hand
side is evaluated in integers, so the bound holds whatever HiGHS's rounding errors were; with HiGHS's optimal
duals it equals the LP optimum up to that rounding. Since TEL is an integer, the bound is its ceiling.

It bounds OPT although the model only has starts inside the start windows: every optimal schedule lies inside
them (they admit every schedule no worse than H-SF's), so it is one of the feasible ``x`` above.

Reduced-cost fixing, from the same certificate: the first inequality, with ``r_v x_v >= r_v N_{c(v)}`` used only
where ``r_v < 0``, gives ``cost·x >= value + Σ_{r_v > 0} r_v x_v``. So a schedule that starts a job at variable
``v`` has TEL at least ``value + r_v``, and a search for schedules with TEL below ``U`` may drop every ``v`` with
``value + r_v > U - 1`` (:meth:`LpBound.usable`).

**Column generation.** The certificate prices every variable of the model, so HiGHS need not see them all: it
solves a *master* holding some columns (first, the starts within ``SEED_WIDTH`` rounds of a known schedule's,
H-SF's in the solvers), every variable is priced with the master's duals, and the most negative reduced costs
(``PER_CLASS`` per class) join the master until none is negative. The master's optimum is then the whole
relaxation's (no column can improve it), and the certificate, taken over every variable, holds either way.
Measured with ``kvsched bench lp`` (the whole model against column generation, one run, side by side).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import highspy
import numpy as np
from scipy.sparse import vstack

from verify.opt.highs_stdout import c_stdout_to_stderr
from verify.opt.time_indexed import TimeIndexedModel

SCALE = 2**40  # the duals are rounded to multiples of 1 / SCALE
SEED_WIDTH = 30  # rounds either side of each reference start that the first master holds
PER_CLASS = 60  # columns per class that join the master per pricing round
_PRICE_TOL = 1e-7  # a reduced cost above -1e-7 is not worth a column (the certificate counts it anyway)


@dataclass(frozen=True)
class LpBound:
    """``value``, ``reduced`` and ``base`` are exact (the certificate above); ``lp_value`` is HiGHS's float
    optimum. ``reduced`` holds each variable's reduced cost times ``SCALE`` (an integer: the duals are multiples
    of ``1 / SCALE``). ``base`` is the certificate's constant, ``value - Σ_v min(0, r_v) N_{c(v)}``: every
    schedule of the model has TEL at least ``base + Σ_j r_{v(j)}``, the reduced cost of each job's start summed
    over the jobs (the first line of the inequality above, read per job; branch and bound prices its nodes with
    it)."""

    value: Fraction
    reduced: tuple[int, ...]
    lp_value: float
    seconds: float
    base: Fraction
    columns: int  # variables the last master held (all of them without column generation)
    converged: bool  # the relaxation's optimum; False: out of time, certified from the last master's duals

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
        room = int((below - 1) * SCALE - self.value * SCALE)  # exact: value is a multiple of 1 / SCALE
        return tuple(r <= room for r in self.reduced)


def certify(model: TimeIndexedModel, class_duals: np.ndarray, round_duals: np.ndarray,
            clique_duals: np.ndarray | None = None) -> tuple[Fraction, tuple[int, ...]]:
    """The weak-duality bound above and every variable's reduced cost, exactly, for the given multipliers.

    Any multipliers give a valid bound (the module docstring's inequality); good ones (HiGHS's optimal duals)
    give a tight one. They are rounded to multiples of ``1 / SCALE`` and the round and clique multipliers
    clipped to ``<= 0`` before the exact evaluation, which is in integers throughout
    (:func:`_exact_column_sums`).

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
    tuple of (Fraction, tuple of int)
        The bound on the relaxation's optimum, and each variable's reduced cost ``r_v`` times ``SCALE``.
    """
    value, reduced, _ = _certificate(model, class_duals, round_duals, clique_duals)
    return value, reduced


def _certificate(model: TimeIndexedModel, class_duals: np.ndarray, round_duals: np.ndarray,
                 clique_duals: np.ndarray | None) -> tuple[Fraction, tuple[int, ...], Fraction]:
    """:func:`certify`'s bound and reduced costs, and the certificate's constant (:attr:`LpBound.base`)."""
    lam = [round(float(d) * SCALE) for d in class_duals]
    mu = [min(0, round(float(d) * SCALE)) for d in round_duals]
    nu = [] if clique_duals is None else [min(0, round(float(d) * SCALE)) for d in clique_duals]
    reduced = np.array([int(c) * SCALE for c in model.cost.tolist()], dtype=object)
    reduced -= np.array(lam, dtype=object)[np.array(model.var_class, dtype=np.int64)]
    reduced += _exact_column_sums(model.memory_matrix, [-m for m in mu])
    if nu:
        reduced += _exact_column_sums(model.peak_cliques, [-q for q in nu])
    base = sum(l * n for l, n in zip(lam, model.counts.tolist(), strict=True)) + model.M * sum(mu) + sum(nu)
    upper = model.upper.tolist()
    negative = sum(r * upper[v] for v, r in enumerate(reduced.tolist()) if r < 0)
    return Fraction(base + negative, SCALE), tuple(reduced.tolist()), Fraction(base, SCALE)


def _exact_column_sums(matrix, weights: list[int]) -> np.ndarray:
    """``matrixᵀ · weights`` in exact integers, for an integer-valued sparse matrix and weights ``>= 0``.

    The weights are split into limbs small enough that every column's sum of one limb fits in ``int64``; the
    limbs' sums are recombined in Python integers (an array of ``object``).
    """
    exact = matrix.tocsc().astype(np.int64)
    column_mass = int(np.asarray(abs(exact).sum(axis=0)).max(initial=0))
    bits = max(1, 62 - column_mass.bit_length())
    mask = (1 << bits) - 1
    out = np.zeros(exact.shape[1], dtype=object)
    rest, shift = list(weights), 0
    while any(rest):
        limb = np.array([w & mask for w in rest], dtype=np.int64)
        out += (exact.T @ limb).astype(object) * (1 << shift)
        rest, shift = [w >> bits for w in rest], shift + bits
    return out


def lp_lower_bound(model: TimeIndexedModel, *, timeout: float | None = None,
                   around: Sequence[int] | None = None) -> LpBound | None:
    """The certified LP bound on OPT: the relaxation solved by HiGHS, its duals checked by :func:`certify`.

    The relaxation is solved by column generation (module docstring), from a master of the starts near
    ``around``; with ``around=None`` the master holds every variable and one solve is the whole LP. A master
    that is infeasible (``around`` not a schedule of the model) gets every variable. Either way the result is
    the relaxation's optimum.

    Parameters
    ----------
    model : TimeIndexedModel
        The time-indexed model of the instance (:func:`verify.opt.time_indexed.build_model`).
    timeout : float, optional
        Seconds for the HiGHS solves (``None``: no limit).
    around : sequence of int, optional
        One start per job of a schedule in the model (H-SF's: ``StartWindow.upper_starts``).

    Returns
    -------
    LpBound or None
        ``converged`` when the relaxation was solved. Out of time (or on a HiGHS failure) after some master was
        solved, the certificate of that master's duals, ``converged=False``: a valid bound, perhaps below the
        relaxation's (any multipliers certify one; ``lp_value`` is then the master's optimum, not the LP's).
        ``None`` if no master was solved, or no time was left (``timeout <= 0``).
    """
    began = time.perf_counter()
    if timeout is not None and timeout <= 0:
        return None
    cliques = model.peak_cliques
    rows = vstack([model.memory_matrix, cliques, model.count_matrix]).tocsc()
    counts = model.counts.astype(float)
    lower = np.concatenate([np.full(model.horizon + cliques.shape[0], -highspy.kHighsInf), counts])
    upper = np.concatenate([np.full(model.horizon, float(model.M)), np.ones(cliques.shape[0]), counts])
    cost, bound = model.cost.astype(float), model.upper.astype(float)
    var_class, var_start = np.array(model.var_class, dtype=np.int64), np.array(model.var_start, dtype=np.int64)
    if around is None:
        entering = np.ones(len(cost), dtype=bool)
    else:
        entering = np.zeros(len(cost), dtype=bool)
        for c in range(len(model.classes)):
            starts = np.array([around[j] for j in model.members[c]], dtype=np.int64)
            mine = var_class == c
            nearest = np.abs(var_start[mine][:, None] - starts[None, :]).min(axis=1)
            entering[np.flatnonzero(mine)[nearest <= SEED_WIDTH]] = True
    in_master = np.zeros(len(cost), dtype=bool)
    with c_stdout_to_stderr():
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("presolve", "off")  # keeps the basis between pricing rounds
        highs.setOptionValue("simplex_strategy", 4)  # primal simplex: new columns leave the basis primal feasible
        highs.addRows(len(lower), lower, upper, 0, np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32),
                      np.zeros(0))
        duals, lp_value, converged = None, 0.0, False
        while True:
            new = np.flatnonzero(entering)
            block = rows[:, new]
            highs.addCols(len(new), cost[new], np.zeros(len(new)), bound[new], block.nnz,
                          block.indptr[:-1].astype(np.int32), block.indices.astype(np.int32), block.data)
            in_master |= entering
            if timeout is not None:
                left = timeout - (time.perf_counter() - began)
                if left <= 0:
                    break
                highs.setOptionValue("time_limit", left)
            highs.run()
            status = highs.getModelStatus()
            if status == highspy.HighsModelStatus.kInfeasible and not in_master.all():
                entering = ~in_master
                continue
            if status != highspy.HighsModelStatus.kOptimal:
                break  # out of time or failed: the last optimal master's duals, if any, still certify
            duals, lp_value = np.array(highs.getSolution().row_dual), highs.getInfo().objective_function_value
            reduced = cost - rows.T @ duals
            candidates = np.flatnonzero(~in_master & (reduced < -_PRICE_TOL))
            if not len(candidates):
                converged = True
                break
            order = candidates[np.lexsort((reduced[candidates], var_class[candidates]))]
            group = var_class[order]
            first = np.searchsorted(group, group)  # where each candidate's class begins in ``order``
            entering = np.zeros(len(cost), dtype=bool)
            entering[order[np.arange(len(order)) - first < PER_CLASS]] = True
    if duals is None:
        return None
    h, q = model.horizon, cliques.shape[0]
    value, reduced_exact, base = _certificate(model, duals[h + q:], duals[:h], duals[h:h + q])
    return LpBound(value, reduced_exact, float(lp_value), time.perf_counter() - began, base,
                   int(in_master.sum()), converged)
