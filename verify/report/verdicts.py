"""A verdict per claim: holds (no violation found, with the search budget and bounded proofs), violated (exact
witness, replay command), or inconclusive. A violation is reported with the regime it lives in."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import sympy as sp

from proofs.bounds import AMAX_LOWER, AMAX_UPPER, evaluate, exceeds, fit_log2
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


def amax_upper(result: SweepResult, names: dict) -> Verdict:
    bad = [c for c in result.cells if c.label == "A_max" and c.benchmark == "opt" and c.worst is not None
           and exceeds(c.worst.ratio, evaluate(AMAX_UPPER, c.alpha))]
    if bad:
        clean = sorted({c.regime for c in result.cells if c.label == "A_max" and c.benchmark == "opt"}
                       - {c.regime for c in bad})
        note = ("; at alpha = 1 A_max plans with u = o, so it is H-SF, which is not optimal in this model: the bound "
                "read against H-SF (the paper's benchmark) is 1, against exact OPT it fails"
                if any(c.k == 0 for c in bad) else "")
        return Verdict("CR(A_max) <= alpha^-1 (1 + alpha^-1)/2", "violated",
                       "; ".join(f"{c.worst.ratio} > {evaluate(AMAX_UPPER, c.alpha)} at {c.regime}" for c in bad)
                       + note + f". No violation in the regimes: {' | '.join(clean)}",
                       [names[id(c)] for c in bad])
    cells = [c for c in result.cells if c.label == "A_max" and c.benchmark == "opt"]
    closed = sum(c.outcome.closed for c in cells)
    return Verdict("CR(A_max) <= alpha^-1 (1 + alpha^-1)/2", "holds",
                   f"no A_max witness above the bound in {len(cells)} cells vs exact OPT ({closed} searched "
                   f"exhaustively: their maxima are exact)")


def amax_lower(result: SweepResult, family_gap: str) -> Verdict:
    reach = [c for c in result.cells if c.label == "A_max" and c.worst is not None and c.k > 0
             and sp.Rational(c.worst.ratio.numerator, c.worst.ratio.denominator) >= evaluate(AMAX_LOWER, c.alpha)]
    worst = worst_by_k(result, "A_max")
    rows = ", ".join(f"alpha=1/{2**k}: {r} (bound {sp.nsimplify(evaluate(AMAX_LOWER, Fraction(1, 2**k)))})"
                     for k, r in worst.items())
    if reach:
        return Verdict("CR(A_max) >= alpha^-1 (1 + alpha^-1/2)/2 (instances reaching it exist)", "holds",
                       f"witnesses reach the lower bound: {rows}")
    return Verdict("CR(A_max) >= alpha^-1 (1 + alpha^-1/2)/2 (instances reaching it exist)", "inconclusive",
                   f"worst found per alpha: {rows}. A lower bound is about the supremum over all n; small "
                   f"instances need not reach it. The parametric family of proofs/amax_family.py: {family_gap}")


def amin_log(result: SweepResult, label: str) -> tuple[Verdict, tuple[Fraction, Fraction] | None]:
    """Out-of-sample check: fit C·k + C₀ on the smaller half of k, shift it up by its largest residual there;
    a worst ratio above that line at larger k is super-logarithmic growth in the sampled range."""
    pts = list(worst_by_k(result, label).items())
    if len(pts) < 3:
        return Verdict(f"CR({label}) = O(log 1/alpha)", "inconclusive", "fewer than 3 alpha values"), None
    C, C0 = fit_log2(pts)
    half = pts[: (len(pts) + 1) // 2]
    c1, c10 = fit_log2(half)
    slack = max(r - (c1 * k + c10) for k, r in half)
    above = [(k, r) for k, r in pts[len(half):] if r > c1 * k + c10 + slack]
    detail = (f"least-squares fit over all alpha: {float(C):.4f}*log2(1/alpha) + {float(C0):.4f} "
              f"(exact C = {C}, C0 = {C0}); worst ratios {', '.join(f'k={k}: {r}' for k, r in pts)}")
    if above:
        return Verdict(f"CR({label}) = O(log 1/alpha)", "inconclusive",
                       detail + f"; grows faster than the line fitted on small k at k = {[k for k, _ in above]}"), (C, C0)
    return Verdict(f"CR({label}) = O(log 1/alpha)", "holds",
                   detail + "; no point above the line extrapolated from the smaller half of k"), (C, C0)


def memory_proofs(proofs) -> Verdict:
    bad = [p for p in proofs if p.status == "counterexample"]
    unknown = [p for p in proofs if p.status == "unknown"]
    claim = "memory safety and liveness (bounded Z3 proofs)"
    summary = f"{sum(p.status == 'proved' for p in proofs)} proved, {len(bad)} counterexamples, {len(unknown)} unknown"
    if bad:
        return Verdict(claim, "violated", summary + "; " + "; ".join(
            f"{p.policy} {p.claim} n={p.n} M={p.M} o={list(p.counterexample)}" for p in bad))
    return Verdict(claim, "inconclusive" if unknown else "holds", summary)
