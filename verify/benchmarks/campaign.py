"""``kvsched bench campaign``: wall time of one CPU-bound campaign on 1 and 2 worker processes."""

from __future__ import annotations

import tempfile

from rich.console import Console
from rich.table import Table

from verify.campaign.run import run_campaign
from verify.campaign.spec import load_spec


def bench_campaign(spec_path: str, console: Console) -> None:
    """Wall time of one CPU-bound campaign on 1 and on 2 worker processes (fresh databases), and the speed-up.

    Parameters
    ----------
    spec_path : str
        The campaign SPEC (TOML).
    console : rich.console.Console
        Where the table goes.

    Raises
    ------
    SpecError
        The SPEC file cannot be read or is not a valid SPEC.
    """
    spec = load_spec(spec_path)
    times = {}
    with tempfile.TemporaryDirectory() as tmp:
        for workers in (1, 2):
            summary = run_campaign(spec, f"{tmp}/w{workers}.db", workers=workers)
            times[workers] = summary.seconds
            console.log(f"{workers} worker(s): {summary.seconds:.1f}s, {summary.counts}")
    table = Table(title=f"Campaign {spec.name} ({len(spec.cells)} cells): LocalCluster speed-up")
    for col in ("workers", "seconds", "speed-up"):
        table.add_column(col, justify="right")
    for w, t in times.items():
        table.add_row(str(w), f"{t:.1f}", f"{times[1] / t:.2f}x")
    console.print(table)
