"""Closed forms for the growth study's structured families (issue #22 (a)), derived with sympy and checked
against both simulators.

A family is a set of instances, so its exact ratio at a point ``(n, α, M, s)`` it contains is a **lower bound on
the worst ratio** of that configuration (against H-SF, the benchmark here). A closed form proves nothing about
instances outside the family. Ratios are against **H-SF**, the paper's benchmark, never OPT.

Families with a closed form (``s = 0``, one interval ``[l, u]``, ``α = l/u = 1/m`` with ``m`` an integer,
``M = c·u``, arrivals 0):

``amax-long-short`` (A_max, admission ``stop``)
    ``c·K`` long jobs (``o = u = m·l``) first in index order, then ``c·N·m`` short jobs (``o = l``):
    ``n = c(K + N·m)``. This is the growth study's ``long-short`` family (descending order) with the number of
    long jobs a multiple of ``c`` and the number of short ones a multiple of ``c·m``.

    - A_max plans every job at ``u``: ``c`` jobs reach ``c·u = M`` at their planned peak, and any ``c − 1``
      running jobs plus a new one fit (each holds at most ``u``), so A_max runs ``c`` slots, filled in index
      order: ``K`` rounds of ``c`` long jobs (ending at ``u, 2u, …, Ku``), then each slot runs ``N·m`` short jobs
      one after another (ending at ``Ku + i·l``).
    - H-SF takes the short jobs first: ``c·m`` of them fill M exactly at their common peak ``l`` (so nothing
      joins mid-batch), ``N`` batches ending at ``l, 2l, …, Nl``; then ``K`` batches of ``c`` long jobs, ending
      at ``Nl + u, …, Nl + Ku``.

    ``TEL(A_max) = c·u·K(K+1)/2 + c·N·m·K·u + c·l·Nm(Nm+1)/2``,
    ``TEL(H-SF) = c·u·N(N+1)/2 + c·K·N·l + c·u·K(K+1)/2``; the ratio depends on ``(K, N, m)`` only.
    With ``K`` fixed it tends to ``m = α⁻¹`` as ``N → ∞`` (from above: ``m + (m−1)(2K−1)/N + O(N⁻²)``); with
    ``K = κN`` it tends to ``g(κ) = m(κ² + 2mκ + m)/(mκ² + 2κ + m)``, largest at
    ``κ* = (√(m(5m+4)) − m)/(2(m+1))``, where ``g* = m(κ* + m)/(mκ* + 1)``, and ``g*·α → φ = (1+√5)/2`` as
    ``α → 0``. So A_max's worst ratio against H-SF is at least ``g*(α) ~ φ/α`` for large n at every such α and
    every ``c`` (a lower bound of order α⁻¹, below the paper's lower bound ``α⁻¹(1+α^(-1/2))/2`` for small α,
    above it at α = 1/2; both inside the paper's upper bound).

``amin-equal-u`` (A_min, default reading: eviction ``least-progress``, admission ``stop``)
    every ``o_j = u``, ``n`` any. H-SF runs ``⌊n/c⌋`` batches of ``c`` (they fill M at their peak) and a last
    batch of ``r = n mod c``: ``TEL = c·u·N(N+1)/2 + r·u(N+1)`` with ``n = cN + r``. A_min's TEL is the same:
    ties in progress evict the larger index first and a newly admitted job has the least progress, so the ``c``
    lowest-index unfinished jobs are never evicted and run their ``u`` rounds back to back as H-SF's batches
    do; every other job only fills memory they do not use yet. Ratio exactly 1: the equal family's strength
    at small n comes from ``v < u`` (and from the other eviction readings, see below), not from ``v = u``.

What has **no** closed form here (stated, not hidden): A_min's ``harmonic``, ``geometric`` and ``long-short``
families (the strongest for A_min at large n) and the ``equal`` family with ``v < u`` evolve through evictions
whose pattern depends on divisibility of ``u``, ``l``, ``v`` and ``M``. :func:`probe_amin_equal` tests the
equal family with ``v = u/2 + 1`` for a quasi-quadratic pattern in n (period <= 8) on exact values: for some
``(u, l)`` one shows up (period 4, e.g. a conjectured limit 29/20 at ``u = 8, l = 2``), for others none does;
that is an empirical pattern, reported as a conjecture, not a closed form. For the most-progress and
largest-lower-bound readings the equal family at ``M = u`` outlives the engine's default round limit from
``u = 16, n = 3`` on (a liveness witness, MODEL.md) but is **not** stuck: :func:`classify_unfinished` finds no
repeated state and the runs end at about twice the limit (:func:`check_equal_u_slow_not_stuck`); their ratios
are real and large. Those families' exact values at large n come from the growth study's simulations,
not from a formula. The existing :mod:`proofs.amax_family` (every ``o = l``, ratio → α⁻¹) is the other closed
form of the project.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp

from models.engine_fast import FastEngine
from models.engine_reference import Execution, default_round_limit, simulate
from models.instance import Instance, uniform_instance
from models.schedulers import make_scheduler
from proofs.bounds import AMAX_LOWER, AMAX_UPPER, CheckResult, alpha
from verify.explore import state_key

c, K, N, m, l = sp.symbols("c K N m l", positive=True, integer=True)
i = sp.Symbol("i", positive=True, integer=True)
kappa = sp.Symbol("kappa", positive=True)
u = m * l

# --- amax-long-short: the sums of the completion times derived in the module docstring ------------------------
TEL_AMAX_LS = sp.expand(c * sp.summation(i * u, (i, 1, K)) + c * sp.summation(K * u + i * l, (i, 1, N * m)))
TEL_HSF_LS = sp.expand(c * m * sp.summation(i * l, (i, 1, N)) + c * sp.summation(N * l + i * u, (i, 1, K)))
RATIO_LS = sp.simplify(TEL_AMAX_LS / TEL_HSF_LS)
G_LS = sp.simplify(sp.limit(RATIO_LS.subs(K, kappa * N), N, sp.oo))
KAPPA_STAR = (sp.sqrt(m * (5 * m + 4)) - m) / (2 * (m + 1))
G_STAR = m * (KAPPA_STAR + m) / (m * KAPPA_STAR + 1)
PHI = (1 + sp.sqrt(5)) / 2

# --- amin-equal-u ------------------------------------------------------------------------------------------------
r = sp.Symbol("r", nonnegative=True, integer=True)
TEL_EQUAL_U = sp.expand(c * sp.summation(i * u, (i, 1, N)) + r * u * (N + 1))


def long_short_outputs(c_: int, K_: int, N_: int, m_: int, l_: int) -> list[int]:
    """The ``amax-long-short`` family's outputs: ``c·K`` long jobs first, then ``c·N·m`` short ones.

    Long jobs have ``o = u = m·l``, short ones ``o = l`` (module docstring).

    Parameters
    ----------
    c_ : int
        ``M = c·u``.
    K_ : int
        Long jobs per slot.
    N_ : int
        Short batches (of ``c·m`` jobs each, under H-SF).
    m_ : int
        ``α = 1/m``.
    l_ : int
        The interval's lower end.

    Returns
    -------
    list of int
        ``n = c(K + N·m)`` output lengths, in index order.
    """
    return [m_ * l_] * (c_ * K_) + [l_] * (c_ * N_ * m_)


def long_short_instance(c_: int, K_: int, N_: int, m_: int, l_: int) -> Instance:
    """The ``amax-long-short`` instance: :func:`long_short_outputs` with ``s = 0``, ``u = m·l``, ``M = c·u``.

    Parameters
    ----------
    c_ : int
        ``M = c·u``.
    K_ : int
        Long jobs per slot.
    N_ : int
        Short batches.
    m_ : int
        ``α = 1/m``.
    l_ : int
        The interval's lower end.

    Returns
    -------
    Instance
        The instance, arrivals 0.
    """
    u_ = m_ * l_
    return uniform_instance(c_ * u_, 0, l_, u_, long_short_outputs(c_, K_, N_, m_, l_))


def equal_u_instance(c_: int, n_: int, m_: int, l_: int) -> Instance:
    """The ``amin-equal-u`` instance: ``n`` jobs with ``o = u = m·l``, ``s = 0``, ``M = c·u``, arrivals 0.

    Parameters
    ----------
    c_ : int
        ``M = c·u``.
    n_ : int
        Number of jobs.
    m_ : int
        ``α = 1/m``.
    l_ : int
        The interval's lower end.

    Returns
    -------
    Instance
        The instance.
    """
    u_ = m_ * l_
    return uniform_instance(c_ * u_, 0, l_, u_, [u_] * n_)


def _exact(expr: sp.Expr, subs: dict) -> int:
    value = sp.Integer(expr.subs(subs))
    return int(value)


def _both_engines(inst: Instance, policy: str, **options) -> tuple[int, int]:
    ref = simulate(inst, make_scheduler(policy, inst, **options)).tel
    fast = FastEngine.build(inst, policy, **options).run(tuple(inst.outputs)).tel
    return ref, fast


@dataclass(frozen=True)
class GridCheck:
    """A differential check of a closed form against both engines, for ALG and for H-SF (4 integers per point).

    Parameters
    ----------
    family : str
        The family's name.
    points : int
        Instances checked.
    integers : int
        Integers compared.
    mismatches : tuple of str
        The points whose four TELs do not all equal the closed forms.
    """

    family: str
    points: int
    integers: int
    mismatches: tuple[str, ...]

    def result(self, claim: str) -> CheckResult:
        """The check as a claim's result: ``proved`` when nothing mismatched, else ``failed`` with the first mismatches.

        Parameters
        ----------
        claim : str
            The claim checked.

        Returns
        -------
        CheckResult
            The claim, its status and the evidence (counts, and up to five mismatches).
        """
        return CheckResult(claim, "failed" if self.mismatches else "proved",
                           f"{self.points} points, {self.integers} integers compared (reference and fast engine); "
                           + ("; ".join(self.mismatches[:5]) if self.mismatches else "no mismatch"))


LS_GRID = tuple((c_, K_, N_, m_, l_) for c_ in (1, 2, 3) for m_ in (1, 2, 3, 4, 8) for l_ in (1, 2, 3)
                for K_ in range(4) for N_ in range(4) if K_ + N_ > 0)


def check_long_short(grid=LS_GRID) -> GridCheck:
    """The ``amax-long-short`` closed forms ``TEL(A_max)`` and ``TEL(H-SF)`` against both engines on a grid.

    Parameters
    ----------
    grid : iterable of tuple of int
        Points ``(c, K, N, m, l)`` (default :data:`LS_GRID`).

    Returns
    -------
    GridCheck
        The points, the integers compared, and each mismatch.
    """
    bad, ints = [], 0
    for case in grid:
        inst = long_short_instance(*case)
        subs = dict(zip((c, K, N, m, l), case, strict=True))
        want = (_exact(TEL_AMAX_LS, subs), _exact(TEL_HSF_LS, subs))
        got_a, got_h = _both_engines(inst, "amax"), _both_engines(inst, "hsf")
        ints += 4
        if got_a != (want[0],) * 2 or got_h != (want[1],) * 2:
            bad.append(f"(c,K,N,m,l)={case}: A_max ref/fast {got_a}, H-SF ref/fast {got_h}, closed form {want}")
    return GridCheck("amax-long-short", len(grid), ints, tuple(bad))


EQ_GRID = tuple((c_, n_, m_, l_) for c_ in (1, 2, 3) for m_ in (1, 2, 4, 8) for l_ in (1, 2, 3)
                for n_ in range(1, 14))


def check_equal_u(grid=EQ_GRID) -> GridCheck:
    """The ``amin-equal-u`` closed form: ``TEL(A_min) = TEL(H-SF) = c·u·N(N+1)/2 + r·u(N+1)`` on both engines.

    Parameters
    ----------
    grid : iterable of tuple of int
        Points ``(c, n, m, l)`` (default :data:`EQ_GRID`), with ``n = cN + r``.

    Returns
    -------
    GridCheck
        The points, the integers compared, and each mismatch.
    """
    bad, ints = [], 0
    for c_, n_, m_, l_ in grid:
        inst = equal_u_instance(c_, n_, m_, l_)
        N_, r_ = divmod(n_, c_)
        want = _exact(TEL_EQUAL_U, {c: c_, N: N_, r: r_, m: m_, l: l_})
        got_a, got_h = _both_engines(inst, "amin"), _both_engines(inst, "hsf")
        ints += 4
        if got_a != (want, want) or got_h != (want, want):
            bad.append(f"(c,n,m,l)={(c_, n_, m_, l_)}: A_min ref/fast {got_a}, H-SF ref/fast {got_h}, closed form {want}")
    return GridCheck("amin-equal-u", len(grid), ints, tuple(bad))


def ratio_long_short(K_: int, N_: int, m_: int) -> Fraction:
    """The exact ratio ``TEL(A_max)/TEL(H-SF)`` of the ``amax-long-short`` family (independent of ``c`` and ``l``).

    Parameters
    ----------
    K_ : int
        Long jobs per slot.
    N_ : int
        Short batches.
    m_ : int
        ``α = 1/m``.

    Returns
    -------
    Fraction
        The ratio, from the closed forms.
    """
    subs = {c: 1, K: K_, N: N_, m: m_, l: 1}
    return Fraction(_exact(TEL_AMAX_LS, subs), _exact(TEL_HSF_LS, subs))


def best_long_short(n_: int, m_: int, c_: int = 1) -> tuple[Fraction, int, int] | None:
    """The largest family ratio at exactly ``n`` jobs, ``α = 1/m``, ``M = c·u``, over every split of n.

    Every ``K, N >= 0`` with ``c(K + N·m) = n`` is tried. The result is a certified lower bound on A_max's worst
    ratio against H-SF at that ``(n, α, M = c·u, s = 0)`` (the closed form is checked against the simulators by
    :func:`check_long_short`).

    Parameters
    ----------
    n_ : int
        Number of jobs.
    m_ : int
        ``α = 1/m``.
    c_ : int
        ``M = c·u``.

    Returns
    -------
    tuple of (Fraction, int, int) or None
        ``(ratio, K, N)`` of the largest ratio; ``None`` when ``c`` does not divide ``n``.
    """
    if n_ % c_:
        return None
    per = n_ // c_
    cands = [(ratio_long_short(per - N_ * m_, N_, m_), per - N_ * m_, N_) for N_ in range(per // m_ + 1)]
    return max(cands) if cands else None


def check_long_short_large_n(points=((1, 4, 200, 1), (2, 8, 64, 2), (1, 16, 40, 1))) -> CheckResult:
    """The ``amax-long-short`` closed form at large n against the fast engine only.

    The reference engine takes minutes there. Each point ``(c, m, N, l)`` takes ``K`` the integer nearest
    ``κ*·N``, where the ratio's limit ``g*`` is largest.

    Parameters
    ----------
    points : iterable of tuple of int
        Points ``(c, m, N, l)``.

    Returns
    -------
    CheckResult
        ``proved`` if both TELs equal the closed forms at every point, else ``failed``; the evidence lists each
        point's TELs, ratio and ``g*``.
    """
    rows, ok = [], True
    for c_, m_, N_, l_ in points:
        K_ = round(float(KAPPA_STAR.subs(m, m_)) * N_)
        inst = long_short_instance(c_, K_, N_, m_, l_)
        o = np.array([inst.outputs], dtype=np.int64)
        got = (int(FastEngine.build(inst, "amax").tel_many(o)[0]), int(FastEngine.build(inst, "hsf").tel_many(o)[0]))
        subs = {c: c_, K: K_, N: N_, m: m_, l: l_}
        want = (_exact(TEL_AMAX_LS, subs), _exact(TEL_HSF_LS, subs))
        ok &= got == want
        rows.append(f"n={inst.n} (c,K,N,m,l)={(c_, K_, N_, m_, l_)}: fast engine {got}, closed form {want}, "
                    f"ratio {Fraction(*want)} = {float(Fraction(*want)):.4f} (g* = {float(G_STAR.subs(m, m_)):.4f})")
    return CheckResult("amax-long-short closed form at large n (fast engine)", "proved" if ok else "failed",
                       "; ".join(rows))


def check_limits() -> list[CheckResult]:
    """The limits of the ``amax-long-short`` ratio in n and α, by sympy (module docstring).

    With ``K`` fixed the ratio tends to ``m`` from above; with ``K = κN`` it tends to ``g(κ)``, maximal at
    ``κ*``; ``α·g*(α) → φ``; and ``g*`` lies below the paper's upper bound at ``α = 1/m`` for the ``m`` tried.

    Returns
    -------
    list of CheckResult
        One result per claim.
    """
    out = []
    fixed_k = sp.simplify(sp.limit(RATIO_LS, N, sp.oo))
    excess = sp.simplify(sp.limit((RATIO_LS - m) * N, N, sp.oo))
    out.append(CheckResult("amax-long-short, K fixed: ratio -> alpha^-1 as n -> oo, from above (m > 1, K >= 1)",
                           "proved" if sp.simplify(fixed_k - m) == 0
                           and sp.simplify(excess - (m - 1) * (2 * K - 1)) == 0 else "failed",
                           f"lim_N ratio = {fixed_k}; lim_N N*(ratio - m) = {excess}"))
    g_expected = m * (kappa**2 + 2 * m * kappa + m) / (m * kappa**2 + 2 * kappa + m)
    dg = sp.together(sp.diff(G_LS, kappa))
    stationary = sp.simplify(sp.numer(dg).subs(kappa, KAPPA_STAR))
    g_at = sp.simplify(G_LS.subs(kappa, KAPPA_STAR) - G_STAR)
    # κ* is the only stationary point in κ > 0 and g' changes sign + to - there: a maximum
    left = sp.simplify(dg.subs(kappa, KAPPA_STAR / 2))
    right = sp.simplify(dg.subs(kappa, 2 * KAPPA_STAR + 1))
    signs_ok = all(bool(left.subs(m, mv) > 0) and bool(right.subs(m, mv) < 0) for mv in (2, 3, 4, 8, 64, 1024))
    ok = sp.simplify(G_LS - g_expected) == 0 and stationary == 0 and g_at == 0 and signs_ok
    out.append(CheckResult("amax-long-short, K = kappa*N: ratio -> g(kappa), maximal at kappa*",
                           "proved" if ok else "failed",
                           f"g = {G_LS}; kappa* = {KAPPA_STAR}; g* = g(kappa*) = {sp.simplify(G_STAR)}; "
                           f"g' > 0 below and < 0 above kappa* at m in (2, 3, 4, 8, 64, 1024): {signs_ok}"))
    lim_phi = sp.limit(G_STAR / m, m, sp.oo)
    out.append(CheckResult("amax-long-short: alpha * g*(alpha) -> golden ratio as alpha -> 0",
                           "proved" if sp.simplify(lim_phi - PHI) == 0 else "failed",
                           f"lim_(m->oo) g*/m = {sp.nsimplify(lim_phi)} = {float(lim_phi):.6f}"))
    # against the paper's bounds at α = 1/m
    rows, inside = [], True
    for mv in (1, 2, 3, 4, 8, 16, 64, 256):
        g_v = G_STAR.subs(m, mv)
        lo = AMAX_LOWER.subs(alpha, sp.Rational(1, mv))
        hi = AMAX_UPPER.subs(alpha, sp.Rational(1, mv))
        inside &= bool(sp.simplify(hi - g_v) >= 0)
        rows.append(f"alpha=1/{mv}: g*={float(g_v):.4f}, paper lower {float(lo):.4f}, upper {float(hi):.4f}")
    out.append(CheckResult("amax-long-short's limit g* lies below the paper's upper bound alpha^-1(1+alpha^-1)/2",
                           "proved" if inside else "failed", "; ".join(rows)
                           + "; g* exceeds the paper's lower bound at alpha = 1/2 only among these (g* ~ phi/alpha "
                           "against ~ alpha^(-3/2)/2)"))
    return out


def quasi_quadratic(values: dict[int, int], max_period: int = 8) -> tuple[int, list[tuple[Fraction, Fraction, Fraction]]] | None:
    """The smallest period ``p <= max_period`` on whose residue classes the values are quadratics in ``n``.

    On every residue class ``n ≡ ρ (mod p)`` (counted from the least n given) the values must be one quadratic
    ``a n² + b n + c`` (exact Fractions), fitted on the class's first three points and checked on the rest; each
    class needs at least four points. An **empirical** pattern over the given n only, not a derivation.

    Parameters
    ----------
    values : dict of int to int
        n to an exact value, over consecutive n.
    max_period : int
        The largest period tried.

    Returns
    -------
    tuple of (int, list of tuple of Fraction) or None
        ``(p, [(a, b, c) per class])``; ``None`` when no period fits, or a class has fewer than four points first.
    """
    ns = sorted(values)
    for p in range(1, max_period + 1):
        coeffs = []
        for rho in range(p):
            pts = [n_ for n_ in ns if (n_ - ns[0]) % p == rho]
            if len(pts) < 4:
                return None
            x = sp.Symbol("x")
            poly = sp.interpolate([(q, values[q]) for q in pts[:3]], x)
            if any(poly.subs(x, q) != values[q] for q in pts[3:]):
                break
            pc = sp.Poly(poly, x).all_coeffs()
            pc = [sp.Integer(0)] * (3 - len(pc)) + pc
            coeffs.append(tuple(Fraction(int(sp.numer(v)), int(sp.denom(v))) for v in pc))
        else:
            return p, coeffs
    return None


def _tels(policy: str, inst: Instance) -> int:
    return int(FastEngine.build(inst, policy).tel_many(np.array([inst.outputs], dtype=np.int64))[0])


def probe_amin_equal(cases=((8, 2), (16, 2), (16, 4), (32, 4)), n_range: tuple[int, int] = (9, 48)) -> list[str]:
    """What can be said about A_min's equal family with ``v = u/2 + 1`` (``M = u``, ``s = 0``, default reading).

    TEL(A_min) and TEL(H-SF) on each ``n`` in ``n_range`` (fast engine), each tested for a quasi-quadratic pattern
    (:func:`quasi_quadratic`). Where both have one with a single leading coefficient, the ratio of the leading
    coefficients is the ratio's limit **if** the pattern continues: a conjecture from exact data, not a proof.

    Parameters
    ----------
    cases : iterable of tuple of (int, int)
        ``(u, l)`` pairs.
    n_range : tuple of (int, int)
        The least and the largest n.

    Returns
    -------
    list of str
        One line per case: the patterns found (or not), the conjectured limit, and the exact ratio at the
        largest n.
    """
    rows = []
    for u_, l_ in cases:
        v = u_ // 2 + 1
        alg, hsf = {}, {}
        for n_ in range(n_range[0], n_range[1] + 1):
            inst = uniform_instance(u_, 0, l_, u_, [v] * n_)
            alg[n_], hsf[n_] = _tels("amin", inst), _tels("hsf", inst)
        qa, qh = quasi_quadratic(alg), quasi_quadratic(hsf)
        text = f"u={u_}, l={l_}, v={v}, n in {list(n_range)}: "
        if qa is None or qh is None:
            text += (f"A_min {'has no' if qa is None else 'has a'} and H-SF {'no' if qh is None else 'a'} "
                     "quasi-quadratic pattern of period <= 8")
        else:
            lead_a = {co[0] for co in qa[1]}
            lead_h = {co[0] for co in qh[1]}
            text += (f"A_min quasi-quadratic, period {qa[0]}, leading {[str(x) for x in sorted(lead_a)]}; "
                     f"H-SF period {qh[0]}, leading {[str(x) for x in sorted(lead_h)]}")
            if len(lead_a) == 1 and len(lead_h) == 1:
                lim = next(iter(lead_a)) / next(iter(lead_h))
                text += f"; conjectured limit of the ratio {lim} = {float(lim):.4f}"
        rows.append(text + f"; exact ratio at n={n_range[1]}: {Fraction(alg[n_range[1]], hsf[n_range[1]])}")
    return rows


def classify_unfinished(inst: Instance, policy: str, factor: int = 16, **options) -> tuple:
    """What a run that may outlive the default round limit does, on the reference engine, up to ``factor`` times it.

    A round-start state (:func:`verify.explore.state_key`: per job status, progress, revealed bound, run age, and
    the scheduler's own state) that repeats with no arrival pending means the run is periodic and **never** ends:
    a proof.

    Parameters
    ----------
    inst : Instance
        The instance.
    policy : str
        The policy.
    factor : int
        Multiple of the default round limit to run to.
    **options
        The policy's options.

    Returns
    -------
    tuple
        ``("ends", rounds, tel)``; ``("livelock", t0, period)`` on a repeated state; or ``("unfinished",
        rounds)`` when neither happens within the bound (nothing proven).

    Raises
    ------
    ModelViolation
        A decision of the policy breaks an engine rule.
    """
    limit = default_round_limit(inst) * factor
    run = Execution(inst, make_scheduler(policy, inst, **options), round_limit=limit)
    seen: dict[tuple, int] = {}
    tel = 0
    while not run.finished and run.t < limit:
        key = state_key(run)
        if key[0] == -1:  # time-invariant scheduler, no arrival pending: the key determines the future
            if key in seen:
                return ("livelock", seen[key], run.t - seen[key])
            seen[key] = run.t
        run.step()
    if run.finished:
        tel = simulate(inst, make_scheduler(policy, inst, **options), round_limit=limit).tel
        return ("ends", run.t, tel)
    return ("unfinished", run.t)


def check_equal_u_slow_not_stuck(cases=((3, 16), (4, 16), (8, 16), (3, 32), (8, 32))) -> CheckResult:
    """The equal family under most-progress and largest-lower-bound eviction: slow, not stuck.

    The family ``o = u`` at ``M = u``, ``s = 0``, ``l = 2``: every run ends (no livelock), the most-progress ones
    only after the default round limit; the evidence gives the exact ratios against H-SF.

    Parameters
    ----------
    cases : iterable of tuple of (int, int)
        ``(n, u)`` pairs.

    Returns
    -------
    CheckResult
        ``proved`` if every run ends as stated, else ``failed``.
    """
    rows, ok = [], True
    for n_, u_ in cases:
        inst = uniform_instance(u_, 0, 2, u_, [u_] * n_)
        hsf = simulate(inst, make_scheduler("hsf", inst)).tel
        for ev in ("most-progress", "largest-lower-bound"):
            kind, *rest = classify_unfinished(inst, "amin", eviction=ev)
            if kind != "ends":  # a livelock (t0, period) or a run unfinished at the bound: the claim fails
                ok = False
                rows.append(f"n={n_}, u={u_}, {ev}: {kind} {tuple(rest)}")
                continue
            rounds, tel = rest
            ok &= ev != "most-progress" or rounds > default_round_limit(inst)
            rows.append(f"n={n_}, u={u_}, {ev}: {kind} after {rounds} rounds (default limit "
                        f"{default_round_limit(inst)}), ratio vs H-SF {Fraction(tel, hsf)}")
    return CheckResult("amin-equal-u under most-progress / largest-lower-bound: slow, not stuck (every run ends, "
                       "most-progress only beyond the default round limit)", "proved" if ok else "failed", "; ".join(rows))


def all_checks() -> list[CheckResult]:
    """Every check of this module: the closed forms on both simulators, at large n, and their limits.

    Returns
    -------
    list of CheckResult
        The ``amax-long-short`` grid and large-n checks, the limits of :func:`check_limits`, the
        ``amin-equal-u`` check, and the slow-not-stuck check.
    """
    checks = [check_long_short().result(
                  f"amax-long-short closed forms TEL_Amax = {sp.factor(TEL_AMAX_LS)}, "
                  f"TEL_HSF = {sp.factor(TEL_HSF_LS)} match both simulators"),
              check_long_short_large_n()]
    checks += check_limits()
    checks.append(check_equal_u().result(
        f"amin-equal-u: TEL(A_min) = TEL(H-SF) = {sp.factor(TEL_EQUAL_U)} (n = cN + r) on both simulators"))
    checks.append(check_equal_u_slow_not_stuck())
    return checks


OPEN = (("A_min (every reading): harmonic, geometric, long-short and equal with v < u have no closed form here; "
        "their large-n values come from the growth study's exact simulations (see probe below)"),
        ("A_min most-progress / largest-lower-bound: the equal family at M = u is a liveness witness from u = 16, "
        "n = 3 on; no closed form for its TEL where it ends"),
        "fcfs-recompute (geometric, harmonic): no closed form here")

__all__ = ["G_LS", "G_STAR", "KAPPA_STAR", "OPEN", "RATIO_LS", "TEL_AMAX_LS", "TEL_EQUAL_U", "TEL_HSF_LS",
           "all_checks", "best_long_short", "check_equal_u", "check_limits", "check_long_short",
           "check_long_short_large_n", "long_short_instance", "probe_amin_equal", "ratio_long_short"]
