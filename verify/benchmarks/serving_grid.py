"""``kvsched bench serving-grid``: every instance of a small exhaustive grid against exact OPT for the serving
policies: worst and least ratio, worst preemptions of one job, most recomputed tokens, each with a witness file."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from models.atomic import write_atomic


def bench_serving_grid(grid, policies: Sequence[str], out: Path, console: Console) -> list:
    """The serving grid's table; its witnesses and a ``summary.json`` written to ``out``.

    Parameters
    ----------
    grid : ServingGrid
        The grid (:class:`verify.search.serving_grid.ServingGrid`).
    policies : sequence of str
        Built-in policies with a fast engine.
    out : Path
        The folder for the witnesses and ``summary.json``.
    console : rich.console.Console
        Where the progress and the table go.

    Returns
    -------
    list of PolicyResult
        One per policy (:func:`verify.search.serving_grid.run_serving_grid`).
    """
    import json

    from models.witness import format_ratio
    from verify.search.serving_grid import describe_witness, run_serving_grid, save_grid_witnesses

    began = time.perf_counter()
    results = run_serving_grid(grid, policies, progress=console.log)
    save_grid_witnesses(results, out)
    seconds = time.perf_counter() - began
    from rich.markup import escape

    table = Table(title=escape(f"Serving grid against exact OPT ({grid.describe()}; default options; "
                               f"{seconds:.1f}s)"))
    for col in ("policy", "instances", "worst ratio", "witness", "least ratio", "ratio < 1", "worst preemptions "
                "of one job", "witness ", "most recomputed tokens"):
        table.add_column(col, justify="right")
    summary = {"grid": grid.describe(), "seconds": round(seconds, 1), "policies": []}
    for r in results:
        table.add_row(r.policy, str(r.instances), format_ratio(r.worst_ratio.ratio), describe_witness(r.worst_ratio),
                      format_ratio(r.least_ratio.ratio), str(r.below_one), str(r.worst_preemptions.objective_value),
                      describe_witness(r.worst_preemptions), str(r.worst_recomputed.objective_value))
        summary["policies"].append({
            "policy": r.policy, "instances": r.instances, "below_one": r.below_one,
            "worst_ratio": format_ratio(r.worst_ratio.ratio), "least_ratio": format_ratio(r.least_ratio.ratio),
            "worst_preemptions_of_one_job": r.worst_preemptions.objective_value,
            "most_recomputed_tokens": r.worst_recomputed.objective_value,
            "witnesses": {kind: str(path) for kind, path in r.paths.items()}})
    Console(width=max(console.width, 230)).print(table)
    write_atomic(out / "summary.json", json.dumps(summary, indent=1) + "\n")
    console.print(f"witnesses and summary.json in {out}/ (check any with: kvsched replay FILE)")
    return results
