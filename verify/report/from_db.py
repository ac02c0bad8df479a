"""``kvsched report --from DB``: a campaign's results as Markdown and self-contained HTML, witnesses included."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

from models.atomic import write_atomic
from models.witness import LivenessWitness, Witness, save_witness
from verify.campaign import store


def report_from_db(db_path: str | Path, out: Path) -> dict:
    """The campaign report in ``out``, built in a temporary sibling folder and renamed into place whole.

    ``report.md`` and ``report.html``: one table row per cell with its worst ratio and proof, the campaign's worst
    ratio, and the liveness witnesses; each witness stored in the database is written under ``witnesses/``.

    Parameters
    ----------
    db_path : str or Path
        The campaign's results database (opened read-only).
    out : Path
        The report's folder.

    Returns
    -------
    dict
        ``cells`` (number of cells), ``counts`` (per status), ``worst`` (the worst ratio as text, or ``None``)
        and ``liveness`` (number of liveness witnesses).

    Raises
    ------
    IncompatibleDatabase
        The file is missing, not a campaign database, or of another schema version.
    """
    from models.atomic import building_dir

    with building_dir(out) as work:
        return _report_from_db(db_path, work)


def _report_from_db(db_path: str | Path, out: Path) -> dict:
    from verify.report import render_html

    conn = store.open_campaign_readonly(db_path)
    rows = store.report_rows(conn)
    counts = store.status_counts(conn)
    live = store.liveness_witnesses(conn)
    conn.close()
    lines = [f"# Campaign report: {db_path}", "",
             "Every ratio is TEL(policy) / TEL(benchmark), certified on the reference engine when the cell ran; "
             "witness files replay with `kvsched replay FILE`.", "",
             f"Cells: {counts['done']} done, {counts['failed']} failed, {counts['pending']} pending.", "",
             "| campaign | policy | options | n | M | s | l | u | strategy | benchmark | worst ratio | proof | witness |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    worst: tuple[Fraction, str] | None = None
    for cell_id, campaign, params, status, ratio, proof, witness, error, seconds in rows:
        p = json.loads(params)
        link = ""
        if witness:
            name = f"witnesses/{cell_id}.json"
            save_witness(Witness.from_dict(json.loads(witness)), out / name)
            link = f"[{cell_id}]({name})"
            if worst is None or Fraction(ratio) > worst[0]:
                worst = (Fraction(ratio), name)
        shown = ratio if status == "done" else f"{status}: {error or ''}"
        lines.append(f"| {campaign} | {p['policy']} | {json.dumps(p['options'])} | {p['n']} | {p['M']} | {p['s']} | "
                     f"{p['l']} | {p['u']} | {p['strategy']} | {p['benchmark']} | {shown} | {proof or ''} | {link} |")
    if worst:
        lines += ["", f"Worst ratio in the campaign: **{worst[0]}** ([witness]({worst[1]}), "
                  f"`kvsched replay {worst[1]}`)."]
    if live:
        lines += ["", "## Liveness witnesses", "",
                  f"{len(live)} run(s) unfinished at their round limit (certified on the reference engine when the "
                  "cell ran; MODEL.md: a finding about a reading without a liveness guarantee, not a ratio). "
                  "Replay: `kvsched replay FILE`.", "",
                  "| cell | policy | options | n | M | o | round limit | unfinished jobs | TEL within extended limit | witness |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for cell_id, seq, data in live:
            lw = LivenessWitness.from_dict(data)
            name = f"witnesses/liveness-{cell_id}-{seq}.json"
            save_witness(lw, out / name)
            lines.append(f"| {cell_id} | {lw.policy} | {json.dumps(lw.options)} | {lw.instance.n} | {lw.instance.M} | "
                         f"{list(lw.instance.outputs)} | {lw.round_limit} | {len(lw.unfinished)} | "
                         f"{lw.tel if lw.tel is not None else f'none within {lw.extended_limit}'} | [{name}]({name}) |")
    md = "\n".join(lines) + "\n"
    write_atomic(out / "report.md", md)
    write_atomic(out / "report.html", render_html(md, {}))
    return {"cells": len(rows), "counts": counts, "worst": str(worst[0]) if worst else None, "liveness": len(live)}
