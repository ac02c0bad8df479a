"""``kvsched report``: the sweep, the symbolic checks, bounded proofs and workload mode, rendered as Markdown
and self-contained HTML with PNG plots, witnesses and a verdict per claim."""

from __future__ import annotations

import base64
import html
import json
import re
import time
from fractions import Fraction
from pathlib import Path

from models.atomic import building_dir, write_atomic
from models.witness import format_ratio, save_witness
from proofs import amax_family
from proofs.bounds import all_checks
from proofs.memory_safety import prove_memory_safety
from verify.report import plots
from verify.report.sweep import PRESETS, READINGS, SweepResult, run_sweep
from verify.report.growth import GROWTH_PRESETS, GrowthStudy, run_study
from verify.report.growth_report import (amax_alpha_markdown, amax_verdicts, growth_markdown, run_amax_alpha,
                                         save_growth_witnesses)
from verify.report.verdicts import amin_log, memory_proofs, sweep_amax_points, worst_by_k
from verify.report.workload_mode import run_workload

AMIN_LABELS = [label for label, policy, _ in READINGS if policy == "amin"]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


GROWTH_FOR = {"quick": "quick", "full": "growth", "growth": "growth"}
"""The growth study (and all-alpha A_max enumeration) each report preset includes."""


def _growth_part(preset: str, out: Path, progress) -> tuple[GrowthStudy, list, list[str], dict[str, bytes]]:
    """Run the growth study and the all-alpha A_max enumeration of ``preset``; return the study, the A_max
    verdicts, the Markdown lines and the plots."""
    gname = GROWTH_FOR.get(preset, "quick")
    gcfg = GROWTH_PRESETS[gname]
    progress(f"growth study '{gname}': {gcfg.name}, alpha = 2^-k for k in {gcfg.ks}, n in {gcfg.ns}, "
             f"M/(s+u) in {[str(f) for f in gcfg.M_factors]}, s in {gcfg.s_rules}, {gcfg.budget:g}s per cell")
    study = run_study(gcfg, progress=progress)
    names = save_growth_witnesses(study, out)
    progress("A_max at every alpha = l/u (exhaustive) ...")
    points, acfg = run_amax_alpha(gname, progress)
    md = growth_markdown(study, names, preset) + amax_alpha_markdown(points, acfg)
    images = {"growth_vs_alpha_hsf.png": plots.growth_vs_alpha(study, "hsf", study.verdicts_hsf),
              "growth_vs_n_hsf.png": plots.growth_vs_n(study, "hsf")}
    if any(r.cell.benchmark == "opt" for r in study.results):
        images["growth_vs_alpha_opt.png"] = plots.growth_vs_alpha(study, "opt", study.verdicts_opt)
    return study, points, md, images


def _growth_verdict_dicts(study: GrowthStudy) -> list[dict]:
    return [{"claim": f"{v.claim} [growth, vs {'H-SF' if v.scope.startswith('vs H-SF') else 'OPT'}]",
             "verdict": v.words, "detail": f"scope: {v.scope}. {v.detail}",
             "could_fail": v.could_fail, "witnesses": []} for v in study.verdicts_hsf + study.verdicts_opt]


def run_growth_report(out: Path, progress=print, final: Path | None = None) -> dict:
    """``kvsched report --preset growth``: the growth study, the all-alpha A_max check and the symbolic checks.

    Writes ``report.md``, ``report.html``, the plots, the witnesses and ``verdicts.json`` into ``out``.

    Parameters
    ----------
    out : Path
        The folder to write into (created if missing).
    progress : callable
        Called with one line of text per step.
    final : Path or None
        The folder the report will end up in, as ``verdicts.json`` names it (``None``: ``out``).

    Returns
    -------
    dict
        The summary written to ``verdicts.json``: the folder, every verdict, the number of growth cells and the
        seconds taken (in all and by the growth study).
    """
    began = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    study, points, md_growth, images = _growth_part("growth", out, progress)
    verdicts = [v.__dict__ for v in amax_verdicts(points, study, out)] + _growth_verdict_dicts(study)
    symbolic = all_checks() + [amax_family.check_closed_forms(), amax_family.check_against_paper_lower_bound()]
    seconds = time.perf_counter() - began
    L = ["# Bound-check report (growth) against the model of `models/MODEL.md`", "",
         "Model: `models/MODEL.md` (exact integers). Paper: Chen, Ye & Zhou, arXiv 2508.14544. Every ratio is "
         "`TEL(policy) / TEL(benchmark)` with the benchmark named; floats appear only in plots and fits.", "",
         f"Built in {seconds:.0f}s.", ""] + _verdict_table(verdicts) + md_growth
    L += ["## Plots", ""] + [f"![{n}]({n})" for n in images] + [""]
    L += ["## Symbolic checks (sympy)", ""] + [f"- **{c.status}** {c.claim}: {c.evidence}" for c in symbolic] + [""]
    md = "\n".join(L) + "\n"
    for name, data in images.items():
        write_atomic(out / name, data)
    write_atomic(out / "report.md", md)
    write_atomic(out / "report.html", render_html(md, images))
    summary = {"out": str(final or out), "verdicts": verdicts, "cells": len(study.results), "seconds": round(seconds, 1),
               "growth_seconds": round(study.seconds, 1)}
    write_atomic(out / "verdicts.json", json.dumps(summary, indent=1, default=str))
    return summary


def _verdict_table(verdicts: list[dict]) -> list[str]:
    L = ["## Verdicts", "", "| claim | verdict | detail |", "|---|---|---|"]
    for v in verdicts:
        extra = "".join(f" [witness]({w}) (`kvsched replay {w}`)" for w in v.get("witnesses", ()))
        L.append(f"| {v['claim']} | **{v['verdict']}** | {v['detail']}{extra} |")
    return L + [""]


def run_report(preset: str, out: Path, progress=print) -> dict:
    """The whole report in ``out``, built in a temporary sibling folder and renamed into place when complete.

    An interrupt leaves ``out`` as it was (no report without its witnesses, no witnesses without a report).
    Preset ``growth`` is :func:`run_growth_report`; the others run the dyadic sweep, the bounded Z3 proofs,
    workload mode, the symbolic checks and the growth study of :data:`GROWTH_FOR`.

    Parameters
    ----------
    preset : str
        A sweep preset's name (a key of :data:`~verify.report.sweep.PRESETS`) or ``"growth"``.
    out : Path
        The report's folder.
    progress : callable
        Called with one line of text per step.

    Returns
    -------
    dict
        The summary written to ``verdicts.json``: the folder, every verdict, the number of cells and the seconds
        taken.
    """
    with building_dir(out) as work:
        if preset == "growth":
            return run_growth_report(work, progress, final=out)
        return _run_report(preset, work, progress, final=out)


def _run_report(preset: str, out: Path, progress, final: Path) -> dict:
    cfg = PRESETS[preset]
    began = time.perf_counter()
    progress(f"sweep '{preset}': alpha = 2^-k for k in {cfg.ks}, u = {cfg.u}, n in {cfg.ns}, s in {cfg.s_values}, "
             f"M = {[str(f) for f in cfg.M_factors]} x (s+u), {cfg.budget:g}s per cell")
    sweep = run_sweep(cfg, progress=progress)
    out.mkdir(parents=True, exist_ok=True)
    names: dict[int, str] = {}
    for c in sweep.cells:
        if c.worst is not None:
            r0 = c.config.requests[0]
            name = f"witnesses/{_slug(c.label)}-k{c.k}-n{c.config.n}-M{c.config.M}-s{r0.s}.json"
            save_witness(c.worst, out / name)
            names[id(c)] = name

    progress("bounded Z3 proofs ...")
    proofs = []
    for policy in ("amax", "amin"):
        proofs += prove_memory_safety(policy, {}, cfg.proof_n, range(cfg.proof_u, 2 * cfg.proof_u + 3), (0, 1), 1,
                                      cfg.proof_u, timeout=60)
    progress("workload mode ...")
    alphas = [Fraction(1, 2**k) for k in cfg.ks]
    workload_rows = run_workload(cfg.workload_n, alphas, cfg.workload_seeds)

    symbolic = all_checks() + [amax_family.check_closed_forms(), amax_family.check_against_paper_lower_bound()]
    study, points, md_growth, growth_images = _growth_part(preset, out, progress)
    fits = {}
    verdicts = list(amax_verdicts(points, study, out, sweep=sweep_amax_points(sweep)))
    for label in AMIN_LABELS:
        verdict, fit = amin_log(sweep, label)
        verdicts.append(verdict)
        fits[label] = fit
    verdicts.append(memory_proofs(proofs))
    verdicts = [v.__dict__ for v in verdicts] + _growth_verdict_dicts(study)

    worst_cells = []
    for label in ("A_min", "A_max", "H-SF", "fcfs-recompute"):
        cands = [c for c in sweep.cells if c.label == label and c.worst is not None]
        if cands:
            worst_cells.append(max(cands, key=lambda c: (c.worst.ratio, -c.config.n)))
    images = {
        "ratio_vs_alpha.png": plots.ratio_vs_alpha(sweep, ["A_min", "A_max", "H-SF", "fcfs-recompute"]),
        "amin_fit.png": plots.amin_fit(sweep, fits.get("A_min")),
        "amin_readings.png": plots.readings(sweep, AMIN_LABELS),
        "memory_worst_witnesses.png": plots.memory_of_witnesses(worst_cells),
        "workload.png": plots.workload(workload_rows),
    }
    images |= growth_images
    for name, data in images.items():
        write_atomic(out / name, data)

    md = _markdown(preset, sweep, verdicts, symbolic, proofs, workload_rows, names, images, time.perf_counter() - began,
                   md_growth)
    write_atomic(out / "report.md", md)
    write_atomic(out / "report.html", render_html(md, images))
    summary = {"out": str(final), "verdicts": verdicts, "cells": len(sweep.cells) + len(study.results),
               "seconds": round(time.perf_counter() - began, 1)}
    write_atomic(out / "verdicts.json", json.dumps(summary, indent=1, default=str))
    return summary


def _markdown(preset, sweep: SweepResult, verdicts, symbolic, proofs, workload_rows, names, images, seconds,
              md_growth=()) -> str:
    cfg = sweep.config
    ks = sorted({c.k for c in sweep.cells})
    L = [f"# Bound-check report ({preset}) against the model of `models/MODEL.md`", "",
         "Model: `models/MODEL.md` in the kvsched-verify repository (exact integers). Paper: Chen, Ye & Zhou, arXiv 2508.14544. Every ratio below is "
         "`TEL(policy) / TEL(benchmark)` recomputed by the reference engine and exact OPT; floats appear only in plots.",
         "",
         f"Sweep: alpha = 2^-k for k in {list(cfg.ks)}, u = {cfg.u} (l = u*alpha), one interval, arrivals 0, "
         f"n in {list(cfg.ns)}, s in {list(cfg.s_values)}, M in {[str(f) for f in cfg.M_factors]} x (s+u); "
         f"{cfg.budget:g}s search budget per cell (exhaustive where the space has at most "
         f"{cfg.exhaustive_max_space} vectors, else the portfolio); benchmark exact OPT for n <= {cfg.opt_max_n}, "
         f"H-SF beyond. {len(sweep.cells)} cells in {sweep.seconds:.0f}s; report built in {seconds:.0f}s.", ""]
    L += _verdict_table(verdicts)
    L += ["## Worst ratio found per policy and alpha (vs exact OPT)", "",
          "Entries are `worst ratio (proof)`: *closed* means the exhaustive search proved it the maximum of every "
          "configuration in that column's cells.", "",
          "| policy | " + " | ".join(f"alpha = 1/{2**k}" for k in ks) + " |", "|---|" + "---|" * len(ks)]
    for label, _, _ in READINGS:
        row = []
        for k in ks:
            cells = [c for c in sweep.cells if c.label == label and c.k == k and c.worst is not None]
            if not cells:
                row.append("-")
                continue
            worst = max(cells, key=lambda c: c.worst.ratio)
            closed = all(c.outcome.closed for c in cells)
            row.append(f"[{format_ratio(worst.worst.ratio)}]({names[id(worst)]}) "
                       f"({'closed' if closed else 'open'}; {worst.regime.split(', alpha')[0]})")
        L.append(f"| {label} | " + " | ".join(row) + " |")
    hsf_gaps = [c for c in sweep.cells if c.label == "H-SF" and c.worst is not None and c.worst.ratio > 1]
    L += ["", f"H-SF against exact OPT: {len(hsf_gaps)} of {sum(c.label == 'H-SF' for c in sweep.cells)} cells "
          "contain an instance where the paper's benchmark is not optimal (worst "
          f"{max((c.worst.ratio for c in hsf_gaps), default=Fraction(1))}). Ratios reported against H-SF would be "
          "smaller than against OPT by that factor.", ""]
    L += list(md_growth)
    L += ["## Plots", ""] + [f"![{n}]({n})" for n in images] + [""]
    L += ["## Symbolic checks (sympy)", ""] + [f"- **{c.status}** {c.claim}: {c.evidence}" for c in symbolic] + [""]
    L += ["## Bounded proofs (Z3)", "", "| policy | n | s | M | u | claim | horizon | status | seconds |",
          "|---|---|---|---|---|---|---|---|---|"]
    L += [f"| {p.policy} | {p.n} | {p.s} | {p.M} | {p.u} | {p.claim} | {p.horizon} | {p.status} | {p.seconds:.2f} |"
          for p in proofs]
    L += ["", "Each `proved` holds for exactly that configuration (every o in [l,u]^n) and horizon.", "",
          "## Workload mode", "",
          "Real lengths: ShareGPT V3 prompt and output token counts (package data `verify/data/sharegpt_lengths.csv`, "
          "cl100k_base; vLLM's benchmark filter), each request with its own prompt size, standing in for "
          "LMSYS-Chat-1M, which cannot be fetched here. M = 16384, all arrivals 0, intervals of ratio alpha around "
          f"the true length, n = {cfg.workload_n}, {cfg.workload_seeds} seeds per alpha, fast engine. "
          "`kvsched workload` adds the serving policies, Poisson arrivals and a second load.", "",
          "| alpha | policy | mean TEL / TEL(H-SF) |", "|---|---|---|"]
    L += [f"| {r.alpha} | {r.policy} | {float(r.mean_ratio):.4f} |" for r in workload_rows]
    amin = {r.alpha: r.mean_ratio for r in workload_rows if r.policy == "amin"}
    amax = {r.alpha: r.mean_ratio for r in workload_rows if r.policy == "amax"}
    widest = min(amin)
    L += ["", f"The paper's claim is that A_min stays close to the hindsight scheduler while A_max degrades as the "
          f"interval widens. Here, at the widest interval (alpha = {widest}), A_min's mean ratio is "
          f"{float(amin[widest]):.3f} and A_max's {float(amax[widest]):.3f}: "
          + ("this agrees with the paper." if amin[widest] < amax[widest] and amax[widest] > amax[max(amax)]
             else "this does not show the paper's ordering; see the table."), ""]
    L += ["## Readings side by side", "",
          "MODEL.md leaves A_min's eviction order and the admission rule open; the sweep runs every combination. "
          "See `amin_readings.png` and the A_min rows of the table above. With one prompt size for all jobs the "
          "admission rules coincide: candidates come in ascending assumed length, so once one fails every later "
          "one (same s, longer or equal plan) fails too, and `skip` admits exactly what `stop` does. The eviction "
          "order is what separates the readings.", ""]
    for label in AMIN_LABELS:
        pts = worst_by_k(sweep, label)
        L.append(f"- {label}: " + ", ".join(f"alpha=1/{2**k}: {format_ratio(r)}" for k, r in pts.items()))
    L += ["", "## Replay", "", "Every witness file replays with `kvsched replay FILE` (exit 0 iff every integer matches).",
          ""]
    return "\n".join(L) + "\n"


def render_html(md: str, images: dict[str, bytes]) -> str:
    """A self-contained page: the Markdown's tables and lists as HTML, the PNGs inlined as base64.

    Only the Markdown the report writes is rendered: tables, image lines, ``#``/``##`` headings, ``-`` items and
    paragraphs, with bold, code and links inline.

    Parameters
    ----------
    md : str
        The report's Markdown.
    images : dict of str to bytes
        PNG data by file name; every image line of ``md`` must name one.

    Returns
    -------
    str
        The HTML document.
    """
    body, in_table = [], False
    for line in md.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(set(c) <= {"-"} for c in cells):
                continue
            if not in_table:
                body.append("<table>")
                in_table = True
            body.append("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in cells) + "</tr>")
            continue
        if in_table:
            body.append("</table>")
            in_table = False
        if line.startswith("!["):
            name = line[line.index("(") + 1:-1]
            data = base64.b64encode(images[name]).decode()
            body.append(f'<p><img alt="{html.escape(name)}" src="data:image/png;base64,{data}"></p>')
        elif line.startswith("# "):
            body.append(f"<h1>{html.escape(line[2:])}</h1>")
        elif line.startswith("## "):
            body.append(f"<h2>{html.escape(line[3:])}</h2>")
        elif line.startswith("- "):
            body.append(f"<li>{_inline(line[2:])}</li>")
        elif line.strip():
            body.append(f"<p>{_inline(line)}</p>")
    if in_table:
        body.append("</table>")
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;line-height:1.4}"
             "table{border-collapse:collapse;font-size:13px}td{border:1px solid #ccc;padding:3px 6px}"
             "img{max-width:100%}")
    return f"<!doctype html><html><head><meta charset='utf-8'><title>Bound-check report</title><style>{style}" \
           f"</style></head><body>{''.join(body)}</body></html>\n"


def _inline(text: str) -> str:
    text = html.escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    text = re.sub(r"`(.+?)`", r"<code>\1</code>", text)
    return re.sub(r"\[(.+?)\]\((.+?)\)", r'<a href="\2">\1</a>', text)
