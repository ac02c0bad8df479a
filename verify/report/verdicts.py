"""A verdict per claim: violated (exact witness, replay command), a growth verdict for asymptotic claims
(:mod:`verify.report.growth_fit`; never "holds"), or, for the bounded proofs, holds/inconclusive (a bounded proof
is a proof of exactly that configuration). A violation is reported with the regime it lives in."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from proofs.bounds import fit_log2
from verify.report.sweep import SweepResult


@dataclass
class Verdict:
    claim: str
    verdict: str  # "holds" | "violated" | "inconclusive"
    detail: str
    witnesses: list[str] = field(default_factory=list)  # file names of violating witnesses


def worst_by_k(result: SweepResult, label: str, benchmark: str = "opt") -> dict[int, Fraction]:
    out: dict[int, Fraction] = {}
    for c in result.cells:
        if c.label == label and c.benchmark == benchmark and c.worst is not None:
            out[c.k] = max(out.get(c.k, Fraction(0)), c.worst.ratio)
    return dict(sorted(out.items()))


def sweep_amax_points(result: SweepResult) -> list:
    """The dyadic sweep's A_max cells as :class:`~verify.report.amax_alpha.AlphaPoint` (exact maxima where the
    cell was closed, lower bounds otherwise), for the A_max verdicts of :mod:`verify.report.growth_report`."""
    from verify.report.amax_alpha import AlphaPoint

    pts = []
    for c in result.cells:
        if c.label == "A_max" and c.worst is not None:
            r = c.config.requests[0]
            pts.append(AlphaPoint(r.l, r.u, c.config.n, r.s, c.config.M, c.benchmark, c.worst.ratio,
                                  c.worst.instance.outputs))
    return pts


def amin_log(result: SweepResult, label: str) -> tuple[Verdict, tuple[Fraction, Fraction] | None]:
    """``CR(label) = O(log 1/alpha)`` on the dyadic sweep (against exact OPT), by the growth rule of
    :mod:`verify.report.growth_fit`: saturation in n per alpha, then log / power / inverse fits. An asymptotic
    claim is never said to hold; on the sweep's small n the verdict is usually "sweep too small". The exact
    least-squares line ``C·log2(1/alpha) + C0`` is still returned for the plot."""
    from verify.report.growth_fit import growth_verdict

    series: dict[Fraction, dict[int, Fraction]] = {}
    for c in result.cells:
        if c.label == label and c.benchmark == "opt" and c.worst is not None:
            row = series.setdefault(c.alpha, {})
            row[c.config.n] = max(row.get(c.config.n, Fraction(0)), c.worst.ratio)
    pts = list(worst_by_k(result, label).items())
    claim = f"CR({label}) = O(log 1/alpha)"
    if len(series) < 3:
        return Verdict(claim, "sweep too small", "fewer than 3 alpha values"), None
    cfg = result.config
    v = growth_verdict(label, series, benchmark="opt",
                       regime=f"M/(s+u) in {{{', '.join(str(f) for f in cfg.M_factors)}}}, s in {set(cfg.s_values)}, "
                              f"u = {cfg.u}")
    fit = fit_log2(pts) if len(pts) >= 2 else None
    return Verdict(claim, v.words, f"scope: {v.scope}. {v.detail}"
                   + ("" if v.could_fail else " This check could not have failed on the data it saw.")), fit


def memory_proofs(proofs) -> Verdict:
    bad = [p for p in proofs if p.status == "counterexample"]
    unknown = [p for p in proofs if p.status == "unknown"]
    claim = "memory safety and liveness (bounded Z3 proofs)"
    summary = f"{sum(p.status == 'proved' for p in proofs)} proved, {len(bad)} counterexamples, {len(unknown)} unknown"
    if bad:
        return Verdict(claim, "violated", summary + "; " + "; ".join(
            f"{p.policy} {p.claim} n={p.n} M={p.M} o={list(p.counterexample)}" for p in bad))
    return Verdict(claim, "inconclusive" if unknown else "holds", summary)
