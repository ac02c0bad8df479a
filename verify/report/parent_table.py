"""The parent paper's table (issue #25) as a Markdown report section, from the per-trial rows of
``kvsched bench parent-table`` (one dict of strings per trial, the fields of ``verify.benchmarks.parent.PARENT_FIELDS``).

Per arrival set: how many trials OPT closed, TEL(H-SF)/TEL(OPT) over the closed trials (exact fractions),
the proven bracket of that ratio over all trials (``H-SF / upper`` .. ``H-SF / lower``), the relative width
``(upper - lower) / upper`` of the open trials' OPT brackets (mean and widest, with the seed), and each online
policy's TEL against H-SF. Nothing is recomputed: every figure is read from the rows, so a table rendered from
stored trials says exactly what the runs proved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

SET_TITLES = {"zero": "all arrivals 0", "poisson": "Poisson arrivals (rate U[0.5, 1.5] per round)"}


@dataclass(frozen=True)
class SetSummary:
    """The figures of one arrival set (every ratio exact).

    Parameters
    ----------
    which : str
        The arrival set, ``"zero"`` or ``"poisson"``.
    trials : int
        Trials of the set.
    closed : int
        Trials whose OPT was proven.
    ratio_mean : Fraction or None
        TEL(H-SF)/TEL(OPT), mean over the closed trials (``None``: none closed).
    ratio_best : Fraction or None
        Its least value over the closed trials.
    ratio_worst : Fraction or None
        Its largest value over the closed trials.
    hsf_optimal : int
        Trials where H-SF's TEL equals the proven lower bound.
    bracket_mean : tuple of (Fraction, Fraction)
        Mean over all trials of ``H-SF/upper`` and of ``H-SF/lower``.
    bracket_worst : tuple of (Fraction, Fraction)
        Largest over all trials of ``H-SF/upper`` and of ``H-SF/lower``.
    open_width_mean : Fraction or None
        ``(upper - lower) / upper``, mean over the open trials (``None``: none open).
    open_width_widest : Fraction or None
        Its largest value.
    widest_seed : str or None
        The seed of the widest open trial.
    policies : dict of str to tuple of (Fraction, Fraction)
        ``"policy@alpha"`` to the mean and the worst of TEL / TEL(H-SF).
    """

    which: str
    trials: int
    closed: int
    ratio_mean: Fraction | None  # TEL(H-SF)/TEL(OPT) over the closed trials
    ratio_best: Fraction | None
    ratio_worst: Fraction | None
    hsf_optimal: int  # trials where H-SF's TEL equals the proven lower bound
    bracket_mean: tuple[Fraction, Fraction]  # mean over all trials of H-SF/upper and of H-SF/lower
    bracket_worst: tuple[Fraction, Fraction]
    open_width_mean: Fraction | None  # (upper - lower) / upper over the open trials
    open_width_widest: Fraction | None
    widest_seed: str | None
    policies: dict[str, tuple[Fraction, Fraction]]  # "policy@alpha": (mean, worst) of TEL / TEL(H-SF)


def summarize(rows: Sequence[dict[str, str]], which: str) -> SetSummary | None:
    """The summary of the rows of arrival set ``which``.

    Every figure is read from the rows; nothing is recomputed.

    Parameters
    ----------
    rows : sequence of dict of str to str
        Per-trial rows (the fields of ``verify.benchmarks.parent.PARENT_FIELDS``).
    which : str
        The arrival set.

    Returns
    -------
    SetSummary or None
        The summary; ``None`` when no row is of that set.
    """
    mine = [r for r in rows if r["set"] == which]
    if not mine:
        return None
    closed = [r for r in mine if r["status"] == "optimal"]
    open_ = [r for r in mine if r["status"] != "optimal"]
    ratios = [Fraction(int(r["hsf"]), int(r["upper"])) for r in closed]
    lo = [Fraction(int(r["hsf"]), int(r["upper"])) for r in mine]
    hi = [Fraction(int(r["hsf"]), int(r["lower"])) for r in mine]
    widths = [Fraction(int(r["upper"]) - int(r["lower"]), int(r["upper"])) for r in open_]
    widest = max(range(len(open_)), key=lambda k: widths[k]) if open_ else None
    policies = {}
    for key in (k for k in mine[0] if "@" in k):
        vs = [Fraction(int(r[key]), int(r["hsf"])) for r in mine]
        policies[key] = (sum(vs) / len(vs), max(vs))
    return SetSummary(
        which=which, trials=len(mine), closed=len(closed),
        ratio_mean=sum(ratios) / len(ratios) if ratios else None,
        ratio_best=min(ratios) if ratios else None, ratio_worst=max(ratios) if ratios else None,
        hsf_optimal=sum(1 for r in mine if r["hsf"] == r["lower"]),
        bracket_mean=(sum(lo) / len(lo), sum(hi) / len(hi)), bracket_worst=(max(lo), max(hi)),
        open_width_mean=sum(widths) / len(widths) if widths else None,
        open_width_widest=widths[widest] if widest is not None else None,
        widest_seed=open_[widest]["seed"] if widest is not None else None,
        policies=policies,
    )


def _dec(x: Fraction | None, digits: int = 4) -> str:
    return "–" if x is None else f"{float(x):.{digits}f}"


def _pct(x: Fraction | None) -> str:
    return "–" if x is None else f"{float(x) * 100:.1f} %"


def parent_table_markdown(rows: Sequence[dict[str, str]], *, limit: float | None = None,
                          solver: str | None = None) -> str:
    """The report section: one Markdown table of figures per arrival set, then the policies against H-SF.

    Parameters
    ----------
    rows : sequence of dict
        Per-trial rows of ``kvsched bench parent-table`` (run now or read back from its ``--db``).
    limit : float or None
        The OPT solver's seconds per trial, stated in the heading.
    solver : str or None
        The OPT solver, stated in the heading.

    Returns
    -------
    str
        Markdown, ending with a newline.
    """
    how = ", ".join(x for x in (f"OPT by `{solver}`" if solver else "", f"{limit:g} s per trial" if limit else "")
                    if x)
    out = ["## The parent paper's family: H-SF against OPT", "",
           "M ~ U[30, 50], s ~ U[1, 5], o ~ U[1, M − s], n ~ U[40, 60] (Jaillet et al., arXiv 2502.07115)"
           + (f"; {how}" if how else "") + ". A trial is *closed* when OPT is proven; otherwise OPT is only "
           "bracketed, `lower ≤ OPT ≤ upper`, and the ratio TEL(H-SF)/TEL(OPT) lies in "
           "`[H-SF/upper, H-SF/lower]`.", ""]
    sums = [s for s in (summarize(rows, w) for w in SET_TITLES) if s is not None]
    if not sums:
        return "\n".join(out + ["No trials.", ""])
    out.append("| quantity | " + " | ".join(SET_TITLES[s.which] for s in sums) + " |")
    out.append("|---|" + "---:|" * len(sums))

    def line(label: str, cells) -> None:
        out.append(f"| {label} | " + " | ".join(cells) + " |")

    line("trials closed exactly", [f"{s.closed} / {s.trials}" for s in sums])
    line("TEL(H-SF)/TEL(OPT), mean over closed", [_dec(s.ratio_mean) for s in sums])
    line("TEL(H-SF)/TEL(OPT), best / worst over closed",
         [f"{_dec(s.ratio_best)} / {_dec(s.ratio_worst)}" for s in sums])
    line("TEL(H-SF)/TEL(OPT), mean over all: proven bracket",
         [f"[{_dec(s.bracket_mean[0])}, {_dec(s.bracket_mean[1])}]" for s in sums])
    line("TEL(H-SF)/TEL(OPT), worst over all: proven bracket",
         [f"[{_dec(s.bracket_worst[0])}, {_dec(s.bracket_worst[1])}]" for s in sums])
    line("H-SF proven optimal (TEL = lower bound)", [str(s.hsf_optimal) for s in sums])
    line("open trials: mean bracket (upper − lower)/upper", [_pct(s.open_width_mean) for s in sums])
    line("open trials: widest bracket", [f"{_pct(s.open_width_widest)} (seed {s.widest_seed})"
                                         if s.widest_seed is not None else "–" for s in sums])
    out += ["", "Online policies with intervals of ratio α around the true lengths, TEL / TEL(H-SF) "
            "(mean / worst):", ""]
    out.append("| policy | " + " | ".join(SET_TITLES[s.which] for s in sums) + " |")
    out.append("|---|" + "---:|" * len(sums))
    for key in sums[0].policies:
        line(f"`{key}`", [f"{_dec(s.policies[key][0])} / {_dec(s.policies[key][1])}" if key in s.policies else "–"
                          for s in sums])
    return "\n".join(out) + "\n"
