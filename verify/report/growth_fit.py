"""Growth verdicts that can fail: competing models fitted to the worst ratio as α shrinks, and saturation in n.

The claim ``CR = O(log 1/α)`` is asymptotic, so no finite sweep proves it; what a sweep *can* do is tell a
series that grows like ``log(1/α)`` from one that grows like a power of ``1/α``. With ``x = 1/α`` three models
are fitted by least squares to the points ``(α, worst ratio)``:

- ``log``:     ``c0 + c1·log2(x)``              (2 parameters)
- ``power``:   ``c0 + c1·x^β``, β fitted         (3 parameters; β by a grid over (0, 2] refined by
  ``scipy.optimize.minimize_scalar``; for each β, c0 and c1 are linear least squares)
- ``inverse``: ``c0 + c1·x``                     (2 parameters: the power model with β = 1 fixed)

and compared by the **Bayesian information criterion** on the residuals, ``BIC = m·ln(RSS/m) + p·ln(m)`` for m
points and p parameters (RSS floored at ``(RSS_FLOOR · mean ratio)²·m``, since exact data can fit exactly). A model
other than ``log`` is chosen only if its BIC is lower than the log model's by more than :data:`BIC_MARGIN`
(positive evidence), and the power model is taken as "faster than log" only when its β is at least
:data:`BETA_MIN`. The points are exact ``Fraction``s; the fit is statistics and uses floats.

Saturation (:func:`saturation`): for each α the worst ratio against n; it has **plateaued** iff it changes by
less than 2 % from the largest n' ≤ n/2 in the sweep to the largest n (exact comparison). The verdict
(:func:`growth_verdict`) fits only the α's whose series plateaued, from α = 1 down to the first that did not
(``α >= 2^-k``), and says "sweep too small" when fewer than :data:`MIN_POINTS` remain or the series is not
saturated at all. Its words are exactly

- ``consistent with O(log 1/α) for α ≥ 2^-k, n ≤ N`` — never "holds": the claim is asymptotic;
- ``grows faster than log (β = …)``;
- ``violated (witness)`` — only when a structured family with a closed form, checked against the simulator,
  proves super-logarithmic growth (:func:`growth_verdict`'s ``family_proof``): a family is a lower bound on the
  worst ratio at every α it covers;
- ``sweep too small (…)``.

Each verdict also says whether the rule *could* have failed on the α's it saw (:func:`discriminates`): it
re-runs itself on synthetic series growing like ``(1/α)^½`` and ``1/α`` over the same α's, spanning the same
range of ratios; if either is classified as logarithmic, the α range is too narrow to tell log from a power,
and the verdict says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.optimize import minimize_scalar
from models.errors import InvalidInput

PLATEAU = Fraction(1, 50)
"""Relative change from n/2 to n below which a worst ratio has plateaued (2 %)."""
MIN_POINTS = 4
"""Fewest α values a fit needs (3 parameters for the power model, plus one)."""
BIC_MARGIN = 2.0
"""BIC difference a faster model needs over the log model to be chosen ("positive evidence")."""
BETA_MIN = 0.2
"""Smallest fitted β the power model may have to count as growing faster than log."""
RSS_FLOOR = 1e-6
"""Relative residual floor: exact data can fit a model exactly, and ln(0) is not a BIC."""
BETA_GRID = tuple(b / 100 for b in range(1, 201))


@dataclass(frozen=True)
class ModelFit:
    """One fitted model. ``beta`` is the exponent of ``1/α`` (``None`` for the log model, 1 for inverse)."""

    name: str  # "log" | "power" | "inverse"
    c0: float
    c1: float
    beta: float | None
    rss: float
    parameters: int
    bic: float

    def formula(self) -> str:
        """The fitted model as text, in ``alpha``, its coefficients to 4 significant digits.

        Returns
        -------
        str
            ``c0 + c1*log2(1/alpha)``, ``c0 + c1/alpha`` or ``c0 + c1*(1/alpha)^beta`` with the fitted values.
        """
        if self.name == "log":
            return f"{self.c0:.4g} + {self.c1:.4g}*log2(1/alpha)"
        if self.name == "inverse":
            return f"{self.c0:.4g} + {self.c1:.4g}/alpha"
        return f"{self.c0:.4g} + {self.c1:.4g}*(1/alpha)^{self.beta:.3g}"

    def predict(self, alpha: float) -> float:
        """The fitted model's value at ``alpha``.

        Parameters
        ----------
        alpha : float
            The interval ratio ``l/u``, in ``(0, 1]``.

        Returns
        -------
        float
            ``c0 + c1·log2(1/alpha)`` for the log model, else ``c0 + c1·(1/alpha)^beta`` (``beta`` 1 if unset).
        """
        x = 1.0 / alpha
        if self.name == "log":
            return self.c0 + self.c1 * math.log2(x)
        return self.c0 + self.c1 * x ** (self.beta if self.beta is not None else 1.0)


def _linear(basis: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Least squares ``y ≈ c0 + c1·basis``: (c0, c1, RSS)."""
    A = np.column_stack([np.ones_like(basis), basis])
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    rss = float(np.sum((A @ coef - y) ** 2))
    return float(coef[0]), float(coef[1]), rss


def _bic(rss: float, m: int, p: int, scale: float) -> float:
    floor = (RSS_FLOOR * scale) ** 2 * m
    return m * math.log(max(rss, floor) / m) + p * math.log(m)


def fit_models(points: Sequence[tuple[Fraction, Fraction]]) -> dict[str, ModelFit]:
    """Fit the log, power and inverse models to ``(α, ratio)`` points (at least 3 distinct α).

    Parameters
    ----------
    points
        ``(alpha, worst ratio)`` pairs, exact.

    Returns
    -------
    dict
        ``{"log": ModelFit, "power": ModelFit, "inverse": ModelFit}``.

    Raises
    ------
    InvalidInput
        If the points have fewer than 3 distinct α values.
    """
    if len({a for a, _ in points}) < 3:
        raise InvalidInput("points: need at least 3 distinct alpha values to fit")
    x = np.array([float(1 / a) for a, _ in points])
    y = np.array([float(r) for _, r in points])
    m = len(points)
    scale = float(np.mean(np.abs(y))) or 1.0
    c0, c1, rss = _linear(np.log2(x), y)
    fits = {"log": ModelFit("log", c0, c1, None, rss, 2, _bic(rss, m, 2, scale))}
    c0, c1, rss = _linear(x, y)
    fits["inverse"] = ModelFit("inverse", c0, c1, 1.0, rss, 2, _bic(rss, m, 2, scale))

    def rss_at(beta: float) -> float:
        return _linear(x**beta, y)[2]

    grid = [(rss_at(b), b) for b in BETA_GRID]
    _, b0 = min(grid)
    lo, hi = max(0.005, b0 - 0.01), min(2.5, b0 + 0.01)
    best = minimize_scalar(rss_at, bounds=(lo, hi), method="bounded", options={"xatol": 1e-5})
    beta = float(best.x) if best.fun <= rss_at(b0) else b0
    c0, c1, rss = _linear(x**beta, y)
    fits["power"] = ModelFit("power", c0, c1, beta, rss, 3, _bic(rss, m, 3, scale))
    return fits


def choose(fits: Mapping[str, ModelFit]) -> ModelFit:
    """The model the information criterion picks (see the module docstring).

    Log, unless a faster model (power or inverse) has a BIC lower than the log model's by more than
    :data:`BIC_MARGIN`, a positive ``c1`` and ``beta`` at least :data:`BETA_MIN`; between power and inverse, the
    lower BIC (inverse on a tie: fewer parameters).

    Parameters
    ----------
    fits : mapping of str to ModelFit
        The fits of :func:`fit_models`, by name (``"log"``, ``"power"``, ``"inverse"``).

    Returns
    -------
    ModelFit
        The chosen fit.
    """
    log = fits["log"]
    faster = [f for f in (fits["inverse"], fits["power"])
              if f.bic < log.bic - BIC_MARGIN and f.c1 > 0 and (f.beta or 0) >= BETA_MIN]
    if not faster:
        return log
    return min(faster, key=lambda f: (f.bic, f.parameters))


@dataclass(frozen=True)
class Plateau:
    """The worst ratio at α against n: ``plateaued`` iff |r(n) - r(n')| < 2 % of r(n'), n' the largest n <= n/2."""

    alpha: Fraction
    by_n: tuple[tuple[int, Fraction], ...]
    n_max: int
    n_half: int | None
    change: Fraction | None  # (r(n_max) - r(n_half)) / r(n_half), exact
    plateaued: bool

    def describe(self) -> str:
        """The series and its saturation, as the report prints it.

        Returns
        -------
        str
            The worst ratio per n at this α, and the relative change from ``n_half`` to ``n_max`` with whether it
            plateaued (or that no n is at most half the largest).
        """
        series = ", ".join(f"n={n}: {r}" for n, r in self.by_n)
        if self.n_half is None:
            return f"alpha={self.alpha}: {series}; no n <= {self.n_max}/2 to compare with"
        return (f"alpha={self.alpha}: {series}; change from n={self.n_half} to n={self.n_max}: "
                f"{float(self.change) * 100:+.2f}% ({'plateau' if self.plateaued else 'not plateaued'})")


def saturation(alpha: Fraction, by_n: Mapping[int, Fraction]) -> Plateau:
    """Whether the worst ratio at ``alpha`` has stopped growing in n (see the module docstring).

    It has plateaued iff it changes by less than :data:`PLATEAU` (2 %), relative and exact, from the largest
    ``n' <= n/2`` to the largest ``n``; with no such ``n'`` it has not.

    Parameters
    ----------
    alpha : Fraction
        The α of the series.
    by_n : mapping of int to Fraction
        ``{n: worst ratio found}``, exact; at least one entry.

    Returns
    -------
    Plateau
        The series in increasing n, the two n compared, the relative change and whether it plateaued.
    """
    series = tuple(sorted(by_n.items()))
    n_max, r_max = series[-1]
    halves = [(n, r) for n, r in series if 2 * n <= n_max]
    if not halves:
        return Plateau(alpha, series, n_max, None, None, False)
    n_half, r_half = halves[-1]
    change = (r_max - r_half) / r_half
    return Plateau(alpha, series, n_max, n_half, change, abs(change) < PLATEAU)


@dataclass(frozen=True)
class GrowthVerdict:
    """A verdict on ``CR(label) = O(log 1/α)`` with its scope. ``kind``: ``consistent-log``, ``faster-than-log``,
    ``violated`` or ``sweep-too-small``; ``words`` is the verdict as the report prints it."""

    label: str
    kind: str
    words: str
    scope: str
    chosen: ModelFit | None
    fits: tuple[ModelFit, ...]
    points: tuple[tuple[Fraction, Fraction], ...]
    could_fail: bool
    detail: str

    @property
    def claim(self) -> str:
        """The claim judged: ``CR(label) = O(log 1/alpha)``."""
        return f"CR({self.label}) = O(log 1/alpha)"


def _classify(points: Sequence[tuple[Fraction, Fraction]]) -> ModelFit:
    return choose(fit_models(points))


def discriminates(alphas: Sequence[Fraction], low: Fraction = Fraction(1), high: Fraction = Fraction(4)) -> bool:
    """Whether the rule could have said "grows faster than log" on these α's.

    Synthetic series ``low + c·((1/α)^½ - 1)`` and ``low + c·(1/α - 1)``, scaled to reach ``high`` at the
    smallest α, must both be classified as faster than log; with fewer than :data:`MIN_POINTS` distinct α's the
    rule cannot fail.

    Parameters
    ----------
    alphas : sequence of Fraction
        The α's the verdict fitted.
    low : Fraction
        The synthetic series' value at α = 1.
    high : Fraction
        The synthetic series' value at the smallest α.

    Returns
    -------
    bool
        True iff both synthetic series are classified as faster than log.
    """
    alphas = sorted(set(alphas), reverse=True)
    if len(alphas) < MIN_POINTS:
        return False
    xmax = float(1 / alphas[-1])
    for beta in (0.5, 1.0):
        c = float(high - low) / (xmax**beta - 1) if xmax > 1 else 0.0
        series = [(a, low + Fraction(c * (float(1 / a) ** beta - 1)).limit_denominator(10**9)) for a in alphas]
        if _classify(series).name == "log":
            return False
    return True


def growth_verdict(label: str, by_alpha_n: Mapping[Fraction, Mapping[int, Fraction]], *, benchmark: str,
                   regime: str, family_proof: str | None = None) -> GrowthVerdict:
    """The growth verdict for one policy/reading.

    Parameters
    ----------
    label
        The policy and reading, e.g. ``"A_min"``.
    by_alpha_n
        ``{alpha: {n: worst ratio found}}``, exact; each worst ratio is a lower bound on the true worst ratio.
    benchmark
        ``"hsf"`` or ``"opt"``: what every ratio is against (stated in the scope).
    regime
        The rest of the scope, e.g. ``"M/(s+u) in {1, 2}, s in {1}"``.
    family_proof
        If a structured family's closed form (checked against the simulator) proves super-logarithmic growth,
        its description: the verdict is then ``violated (witness)``.

    Returns
    -------
    GrowthVerdict
        ``violated`` if ``family_proof`` is given; ``sweep-too-small`` when fewer than :data:`MIN_POINTS` α's,
        from α = 1 down, have plateaued; otherwise ``consistent-log`` or ``faster-than-log`` by the model
        :func:`choose` picks on the plateaued α's, with its scope and whether the rule could have failed.
    """
    plateaus = {a: saturation(a, by_n) for a, by_n in by_alpha_n.items()}
    ordered = sorted(plateaus, reverse=True)  # alpha = 1 first
    prefix = []
    for a in ordered:
        if not plateaus[a].plateaued:
            break
        prefix.append(a)
    n_max = max((p.n_max for p in plateaus.values()), default=0)
    points = tuple((a, plateaus[a].by_n[-1][1]) for a in ordered)
    fitted = tuple((a, plateaus[a].by_n[-1][1]) for a in prefix)
    sat = "; ".join(plateaus[a].describe() for a in ordered)
    base_scope = f"vs {'H-SF' if benchmark == 'hsf' else 'exact OPT'}, {regime}"
    fits: tuple[ModelFit, ...] = ()
    chosen = None
    fit_points = fitted if len(fitted) >= MIN_POINTS else points
    if len({a for a, _ in fit_points}) >= 3:
        all_fits = fit_models(fit_points)
        fits = tuple(all_fits.values())
        chosen = choose(all_fits)
    fit_text = ("fits on " + ("the plateaued alphas" if fit_points is fitted else "all alphas (not all plateaued)")
                + ": " + "; ".join(f"{f.name}: {f.formula()} (RSS {f.rss:.3g}, BIC {f.bic:.2f})" for f in fits)
                + (f"; chosen by BIC: {chosen.name}" if chosen else "")) if fits else "too few alphas to fit"
    if family_proof is not None:
        k = _k(min(by_alpha_n))
        return GrowthVerdict(label, "violated", "violated (witness)", base_scope, chosen, fits, points, True,
                             f"{family_proof}. {fit_text}. Saturation: {sat}")
    if len(fitted) < MIN_POINTS:
        why = (f"the worst ratio has plateaued in n (< 2 % change from n/2 to n) only for "
               f"{len(fitted)} alpha value(s)" + (f" (alpha >= 2^-{_k(prefix[-1])})" if prefix else "")
               + f", fewer than the {MIN_POINTS} a fit needs")
        return GrowthVerdict(label, "sweep-too-small", f"sweep too small ({why})",
                             f"{base_scope}, alpha in [{min(by_alpha_n)}, 1], n <= {n_max}", chosen, fits, points,
                             False, f"{fit_text}. Saturation: {sat}")
    k = _k(prefix[-1])
    scope = f"{base_scope}, alpha >= 2^-{k}, n <= {n_max}"
    could_fail = discriminates([a for a, _ in fitted])
    caveat = ("" if could_fail else " The rule could not have failed on these alphas: a series growing like "
              "(1/alpha)^(1/2) or 1/alpha over them is also classified as logarithmic.")
    unsat = [a for a in ordered if a not in prefix]
    tail = (f" Not plateaued (sweep too small there): alpha = {', '.join(str(a) for a in unsat)}." if unsat else "")
    if chosen is None or chosen.name == "log":
        words = f"consistent with O(log 1/α) for α ≥ 2^-{k}, n ≤ {n_max}"
        kind = "consistent-log"
    else:
        words = f"grows faster than log (β = {chosen.beta:.2f})"
        kind = "faster-than-log"
    return GrowthVerdict(label, kind, words, scope, chosen, fits, fitted, could_fail,
                         f"{fit_text}.{caveat}{tail} Saturation: {sat}")


def _k(a: Fraction) -> int:
    """``k`` with ``a = 2^-k`` (``a`` need not be dyadic: the ceiling of ``log2(1/a)``)."""
    return math.ceil(math.log2(float(1 / a)) - 1e-12)
