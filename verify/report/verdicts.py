"""A verdict per claim: violated (exact witness, replay command), a growth verdict for asymptotic claims
(:mod:`verify.report.growth_fit`; never "holds"), or, for the bounded proofs, holds/inconclusive (a bounded proof
is a proof of exactly that configuration). A violation is reported with the regime it lives in."""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field
from enum import StrEnum
from fractions import Fraction

from models.errors import InvalidInput
from models.status import ClaimStatus, in_vocabulary
from proofs.bounds import fit_log2
from verify.report.sweep import SweepResult


class BoundVerdict(StrEnum):
    """A bound check's verdict on a bounded claim: ``holds`` (proved for exactly the configurations checked),
    ``violated`` (an exact counterexample) or ``inconclusive`` (a solver's timeout left a configuration open)."""

    HOLDS = "holds"
    VIOLATED = "violated"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True)
class Verdict:
    """A claim's verdict. ``verdict`` is a :class:`BoundVerdict` (a word outside it is refused), or, for an
    ``asymptotic`` claim, a growth verdict's words (:mod:`verify.report.growth_fit`), which are never ``holds``.
    ``witnesses``: the file names of violating witnesses."""

    claim: str
    verdict: BoundVerdict | str
    detail: str
    witnesses: list[str] = field(default_factory=list)
    asymptotic: InitVar[bool] = False

    def __post_init__(self, asymptotic: bool) -> None:
        if not asymptotic:
            object.__setattr__(self, "verdict", in_vocabulary(BoundVerdict, self.verdict, "verdict"))
        elif self.verdict == BoundVerdict.HOLDS:
            raise InvalidInput(f"verdict: an asymptotic claim never holds on a finite sweep ({self.claim})")


def worst_by_k(result: SweepResult, label: str, benchmark: str = "opt") -> dict[int, Fraction]:
    """The worst ratio found per ``k`` (α = 2⁻ᵏ) for one policy/reading and benchmark, over the sweep's cells.

    Parameters
    ----------
    result : SweepResult
        The dyadic sweep.
    label : str
        The policy and reading, e.g. ``"A_min"``.
    benchmark : str
        ``"opt"`` or ``"hsf"``: the cells to read.

    Returns
    -------
    dict of int to Fraction
        ``{k: worst ratio}`` in increasing ``k``, the maximum over the cells of that ``k`` that found a witness;
        each is a lower bound on the true worst ratio unless its cell was closed.
    """
    out: dict[int, Fraction] = {}
    for c in result.cells:
        if c.label == label and c.benchmark == benchmark and c.worst is not None:
            out[c.k] = max(out.get(c.k, Fraction(0)), c.worst.ratio)
    return dict(sorted(out.items()))


def sweep_amax_points(result: SweepResult) -> list:
    """The dyadic sweep's A_max cells as :class:`~verify.report.amax_alpha.AlphaPoint`.

    Each point is an exact maximum where its cell was closed and a lower bound otherwise; they feed the A_max
    verdicts of :mod:`verify.report.growth_report`.

    Parameters
    ----------
    result : SweepResult
        The dyadic sweep.

    Returns
    -------
    list of AlphaPoint
        One per A_max cell that found a witness, with the cell's configuration, benchmark, ratio and outputs.
    """
    from verify.report.amax_alpha import AlphaPoint

    pts = []
    for c in result.cells:
        if c.label == "A_max" and c.worst is not None:
            r = c.config.requests[0]
            pts.append(AlphaPoint(r.l, r.u, c.config.n, r.s, c.config.M, c.benchmark, c.worst.ratio,
                                  c.worst.instance.outputs))
    return pts


def amin_log(result: SweepResult, label: str) -> tuple[Verdict, tuple[Fraction, Fraction] | None]:
    """The verdict on ``CR(label) = O(log 1/alpha)`` from the dyadic sweep, against exact OPT.

    The verdict follows the growth rule of :mod:`verify.report.growth_fit`: saturation in n per alpha, then
    log / power / inverse fits. An asymptotic claim is never said to hold; on the sweep's small n the verdict is
    usually "sweep too small". The exact least-squares line ``C·log2(1/alpha) + C0`` is still returned for the
    plot.

    Parameters
    ----------
    result : SweepResult
        The dyadic sweep.
    label : str
        The policy and reading, e.g. ``"A_min"``.

    Returns
    -------
    tuple of (Verdict, tuple of (Fraction, Fraction) or None)
        The asymptotic verdict, and the fitted ``(C, C0)`` (``None`` with fewer than 3 alphas, or fewer than 2
        values of k).
    """
    from verify.report.growth_fit import growth_verdict

    series: dict[Fraction, dict[int, Fraction]] = {}
    for c in result.cells:
        if c.label == label and c.benchmark == "opt" and c.worst is not None:
            row = series.setdefault(c.alpha, {})
            row[c.config.n] = max(row.get(c.config.n, Fraction(0)), c.worst.ratio)
    pts = list(worst_by_k(result, label).items())
    claim = f"CR({label}) = O(log 1/alpha)"
    if len(series) < 3:
        return Verdict(claim, "sweep too small", "fewer than 3 alpha values", asymptotic=True), None
    cfg = result.config
    v = growth_verdict(label, series, benchmark="opt",
                       regime=f"M/(s+u) in {{{', '.join(str(f) for f in cfg.M_factors)}}}, s in {set(cfg.s_values)}, "
                              f"u = {cfg.u}")
    fit = fit_log2(pts) if len(pts) >= 2 else None
    return Verdict(claim, v.words, f"scope: {v.scope}. {v.detail}"
                   + ("" if v.could_fail else " This check could not have failed on the data it saw."),
                   asymptotic=True), fit


def memory_proofs(proofs) -> Verdict:
    """One verdict on memory safety and liveness from the bounded Z3 proofs.

    Violated if any proof found a counterexample (each is listed); otherwise inconclusive if any proof is
    unknown, and holds (for exactly the configurations proved) if every one is proved.

    Parameters
    ----------
    proofs : iterable
        The bounded proofs' results, each with a ``status`` (:class:`~models.status.ClaimStatus`), ``policy``,
        ``claim``, ``n``, ``M`` and ``counterexample``.

    Returns
    -------
    Verdict
        The bounded verdict, with the counts of proved, counterexample and unknown results.
    """
    bad = [p for p in proofs if p.status == ClaimStatus.COUNTEREXAMPLE]
    unknown = [p for p in proofs if p.status == ClaimStatus.UNKNOWN]
    claim = "memory safety and liveness (bounded Z3 proofs)"
    summary = (f"{sum(p.status == ClaimStatus.PROVED for p in proofs)} proved, {len(bad)} counterexamples, "
               f"{len(unknown)} unknown")
    if bad:
        return Verdict(claim, BoundVerdict.VIOLATED, summary + "; " + "; ".join(
            f"{p.policy} {p.claim} n={p.n} M={p.M} o={list(p.counterexample)}" for p in bad))
    return Verdict(claim, BoundVerdict.INCONCLUSIVE if unknown else BoundVerdict.HOLDS, summary)
