"""The report's PNG plots (matplotlib, Agg). Floats appear here only: every number in the tables is exact."""

from __future__ import annotations

import io
from fractions import Fraction

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from models.engine_reference import simulate  # noqa: E402
from models.schedulers import make_scheduler  # noqa: E402
from proofs.bounds import AMAX_LOWER, AMAX_UPPER, alpha  # noqa: E402
from verify.report.verdicts import worst_by_k  # noqa: E402


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


def ratio_vs_alpha(result, labels) -> bytes:
    """Worst ratio found against OPT per reading, by log2(1/α), with the paper's A_max bounds (log scale).

    Parameters
    ----------
    result : SweepResult
        The sweep (its cells against OPT).
    labels : iterable of str
        The readings plotted.

    Returns
    -------
    bytes
        The PNG.
    """
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ks = sorted({c.k for c in result.cells})
    for label in labels:
        pts = worst_by_k(result, label)
        if pts:
            ax.plot(list(pts), [float(r) for r in pts.values()], marker="o", label=label)
    fine = [k / 10 for k in range(0, 10 * max(ks) + 1)]
    for expr, name, style in ((AMAX_UPPER, "A_max upper bound (paper)", "--"),
                              (AMAX_LOWER, "A_max lower bound (paper)", ":")):
        ax.plot(fine, [float(expr.subs(alpha, 2.0 ** -k)) for k in fine], style, color="grey", label=name)
    ax.set_xlabel("log2(1/alpha)")
    ax.set_ylabel("worst ratio found vs OPT")
    ax.set_yscale("log")
    ax.set_title("Worst ratio found per policy, with the paper's A_max bounds")
    ax.legend(fontsize=7)
    return _png(fig)


def amin_fit(result, fit: tuple[Fraction, Fraction] | None) -> bytes:
    """A_min's worst ratio against OPT (default reading) by log2(1/α), with the fitted ``C·log2(1/α) + C0``.

    Parameters
    ----------
    result : SweepResult
        The sweep.
    fit : tuple of (Fraction, Fraction) or None
        ``(C, C0)``; ``None``: no line drawn.

    Returns
    -------
    bytes
        The PNG.
    """
    fig, ax = plt.subplots(figsize=(6, 4))
    pts = worst_by_k(result, "A_min")
    ax.plot(list(pts), [float(r) for r in pts.values()], "o", label="A_min worst ratio (default reading)")
    if fit:
        C, C0 = fit
        ks = [k / 10 for k in range(0, 10 * max(pts) + 1)] if pts else []
        ax.plot(ks, [float(C) * k + float(C0) for k in ks], "-",
                label=f"fit {float(C):.3f}*log2(1/alpha) + {float(C0):.3f}")
    ax.set_xlabel("log2(1/alpha)")
    ax.set_ylabel("worst ratio vs OPT")
    ax.set_title("A_min: fitted C*log2(1/alpha) + C0")
    ax.legend(fontsize=8)
    return _png(fig)


def readings(result, labels) -> bytes:
    """A_min's worst ratio against OPT under every [reading] of MODEL.md, ``skip`` admission dashed.

    Parameters
    ----------
    result : SweepResult
        The sweep.
    labels : sequence of str
        The readings plotted.

    Returns
    -------
    bytes
        The PNG.
    """
    fig, ax = plt.subplots(figsize=(7, 4.5))
    markers = "os^Dvx"
    for i, label in enumerate(labels):
        pts = worst_by_k(result, label)
        # "skip" readings dashed and drawn thinner on top: with one prompt size they coincide with "stop"
        ax.plot(list(pts), [float(r) for r in pts.values()], marker=markers[i % len(markers)],
                linestyle="--" if "skip" in label else "-", linewidth=1 if "skip" in label else 2.5,
                markersize=5 if "skip" in label else 8, label=label)
    ax.set_xlabel("log2(1/alpha)")
    ax.set_ylabel("worst ratio found vs OPT")
    ax.set_title("A_min under every [reading] of MODEL.md (skip dashed; equal to stop when s is uniform)")
    ax.legend(fontsize=7)
    return _png(fig)


def memory_of_witnesses(cells) -> bytes:
    """Memory per round of each cell's worst witness, re-run on the reference engine, against ``M``.

    Parameters
    ----------
    cells : sequence of Cell
        Cells with a witness, one panel each.

    Returns
    -------
    bytes
        The PNG.

    Raises
    ------
    ModelViolation
        A witness's run breaks a rule of the model.
    """
    fig, axes = plt.subplots(len(cells), 1, figsize=(7, 2.2 * len(cells)), squeeze=False)
    for ax, cell in zip(axes[:, 0], cells, strict=True):
        w = cell.worst
        inst = w.instance
        trace = simulate(inst, make_scheduler(w.policy, inst, **w.options))
        ax.step([r.t for r in trace.rounds], [r.memory for r in trace.rounds], where="post", label="memory")
        ax.axhline(inst.M, color="red", linestyle="--", label=f"M = {inst.M}")
        ax.set_title(f"{cell.label}: worst witness, ratio {w.ratio} (o = {list(inst.outputs)})", fontsize=8)
        ax.set_ylabel("tokens")
        ax.legend(fontsize=7, loc="upper right")
    axes[-1, 0].set_xlabel("round")
    return _png(fig)


def workload(rows) -> bytes:
    """Mean TEL / TEL(H-SF) per policy by 1/α (log scale), from the workload section's rows.

    Parameters
    ----------
    rows : sequence of WorkloadRow
        The rows of :func:`verify.report.workload_mode.run_workload`.

    Returns
    -------
    bytes
        The PNG.
    """
    fig, ax = plt.subplots(figsize=(6, 4))
    for policy in sorted({r.policy for r in rows}):
        pts = sorted((r.alpha, r.mean_ratio) for r in rows if r.policy == policy)
        ax.plot([float(1 / a) for a, _ in pts], [float(m) for _, m in pts], marker="o", label=policy)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("1/alpha (interval width)")
    ax.set_ylabel("mean TEL / TEL(H-SF)")
    ax.set_title("Workload mode (ShareGPT lengths)")
    ax.legend(fontsize=8)
    return _png(fig)


def growth_vs_alpha(study, benchmark: str, verdicts) -> bytes:
    """Worst ratio at the largest n against log2(1/α) per policy/reading, with the fitted models and the bounds.

    The chosen model is drawn solid; the paper's A_max bounds in grey; against H-SF, whiskers show the certified
    OPT bracket of each witness.

    Parameters
    ----------
    study : GrowthStudy
        The finished growth study.
    benchmark : str
        ``"hsf"`` or ``"opt"``.
    verdicts : iterable of GrowthVerdict
        The verdicts against that benchmark (their chosen fits).

    Returns
    -------
    bytes
        The PNG.
    """
    import math

    from verify.report.growth import worst_table

    fig, ax = plt.subplots(figsize=(8, 5))
    by_label = {v.label: v for v in verdicts}
    kmax = 0.0
    for i, label in enumerate(study.labels()):
        table = worst_table(study.results, label, benchmark)
        if not table:
            continue
        xs = [math.log2(float(1 / a)) for a in table]
        ys = [float(row[max(row)].ratio) for row in table.values()]
        kmax = max(kmax, max(xs))
        line, = ax.plot(xs, ys, marker="o", linestyle="none", label=label)
        v = by_label.get(label)
        if v is not None and v.chosen is not None:
            fine = [k / 20 for k in range(0, int(20 * max(xs)) + 1)]
            ax.plot(fine, [v.chosen.predict(2.0 ** -k) for k in fine], "-", color=line.get_color(), linewidth=1,
                    label=f"  fit ({v.chosen.name}): {v.chosen.formula()}")
        if benchmark == "hsf":
            for a, row in table.items():
                br = study.brackets.get((label, a))
                if br is not None:
                    x = math.log2(float(1 / a)) + 0.06 * (i - 3)
                    lo, hi = float(br.lower), float(br.upper)
                    ax.errorbar([x], [lo], yerr=[[0], [hi - lo]], fmt="_", color=line.get_color(), capsize=3,
                                alpha=0.6)
    fine = [k / 20 for k in range(0, int(20 * kmax) + 1)]
    for expr, name, style in ((AMAX_UPPER, "A_max upper bound (paper)", "--"),
                              (AMAX_LOWER, "A_max lower bound (paper)", ":")):
        ax.plot(fine, [float(expr.subs(alpha, 2.0 ** -k)) for k in fine], style, color="grey", label=name)
    ax.set_yscale("log")
    ax.set_xlabel("log2(1/alpha)")
    ax.set_ylabel(f"worst ratio found vs {'H-SF' if benchmark == 'hsf' else 'exact OPT'} (lower bound)")
    ax.set_title(f"Growth study vs {'H-SF' if benchmark == 'hsf' else 'exact OPT'}: worst ratio at the largest n"
                 + ("; whiskers: certified OPT bracket of each witness" if benchmark == "hsf" else ""), fontsize=9)
    ax.legend(fontsize=6, ncol=2)
    return _png(fig)


def growth_vs_n(study, benchmark: str = "hsf") -> bytes:
    """Saturation: worst ratio against n, one line per α, one panel per policy/reading.

    Parameters
    ----------
    study : GrowthStudy
        The finished growth study.
    benchmark : str
        ``"hsf"`` or ``"opt"``.

    Returns
    -------
    bytes
        The PNG.
    """
    from verify.report.growth import worst_table

    labels = [lab for lab in study.labels() if worst_table(study.results, lab, benchmark)]
    cols = 3
    rows = max(1, -(-len(labels) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(11, 3.2 * rows), squeeze=False)
    for ax, label in zip(axes.flat, labels):
        for a, row in worst_table(study.results, label, benchmark).items():
            ax.plot(list(row), [float(w.ratio) for w in row.values()], marker=".", label=f"alpha={a}")
        ax.set_xscale("log", base=2)
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("n")
        ax.set_ylabel("worst ratio")
    for ax in list(axes.flat)[len(labels):]:
        ax.axis("off")
    if labels:
        axes.flat[0].legend(fontsize=6)
    fig.suptitle(f"Saturation in n (vs {'H-SF' if benchmark == 'hsf' else 'exact OPT'}): plateau iff < 2 % "
                 "change from n/2 to n", fontsize=10)
    return _png(fig)
