"""``kvsched bench agreement``: Z3's (or statespace's) proven maximum against exhaustive enumeration at every
point of the search grid (:mod:`verify.campaign.agreement`)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from rich.console import Console

from models.atomic import write_atomic
from models.grid import Grid
from verify.campaign.agreement import results_csv, run_agreement
from verify.campaign.points import AgreementVerdict, GridPoint, PointResult


def search_grid_points(ns=range(2, 6), us=range(2, 7), ls=None):
    """The issue's agreement grid: n in 2..5, u in 2..6, l in 1..u, s in {0,1}, M in s+u..s+u+6.

    Parameters
    ----------
    ns : iterable of int
        The values of n (narrowing the grid).
    us : iterable of int
        The values of u.
    ls : container of int or None
        The values of l kept (``None``: every l in 1..u).

    Yields
    ------
    tuple of int
        ``(n, u, l, s, M)``, in that nesting order.
    """
    for p in Grid.product(n=ns, s=(0, 1), u=us, l=ls, M_slack=range(7)):
        yield p.n, p.u, p.l, p.s, p.M


def bench_agreement(policies: Sequence[str], points: Sequence[tuple[int, ...]], budget: float, console: Console,
                    strategy: str = "z3", *, results: str | None = None, workers: int = 1,
                    csv_path: str | None = None) -> dict:
    """A proving strategy's maximum (Z3 or statespace) against exhaustive enumeration's at every grid point.

    Points run smallest first (:mod:`verify.campaign.agreement`): one line per point, then the verdict counts.
    With ``results`` (a SQLite file) points already closed there are read back, not run again.

    Parameters
    ----------
    policies : sequence of str
        Policies, each run on every point.
    points : sequence of tuple of int
        Grid points ``(n, u, l, s, M)`` (:func:`search_grid_points`).
    budget : float
        Seconds per point for the proving strategy.
    console : rich.console.Console
        Where the lines go.
    strategy : str
        ``"z3"`` or ``"statespace"``.
    results : str or None
        SQLite file that keeps every point's result.
    workers : int
        Worker processes (Dask LocalCluster when > 1).
    csv_path : str or None
        Every point's result, computed now or read back, written as CSV
        (:func:`verify.campaign.agreement.results_csv`) at the end.

    Returns
    -------
    dict
        Verdict (``agree``, ``disagree``, ``open``) to number of points.
    """
    began = time.perf_counter()
    running = {v.value: 0 for v in AgreementVerdict}  # totals so far, for the progress lines
    collected = []

    def line(r: PointResult, stored: bool) -> None:
        collected.append(r)
        running[r.verdict] += 1
        if r.verdict == AgreementVerdict.AGREE:
            verdict = "agree"
        elif r.verdict == AgreementVerdict.OPEN:
            verdict = f"{strategy} open (found {r.proved}, exhaustive {r.exhaustive})"
        else:
            verdict = f"DISAGREE {strategy} {r.proved} vs exhaustive {r.exhaustive}"
        source = f"stored, budget {r.budget:g}s" if stored else f"{r.seconds:.2f}s"
        console.print(f"{r.point.label}: max {r.exhaustive} {strategy} {source} {verdict}   totals {running}  "
                      f"elapsed {time.perf_counter() - began:.0f}s", markup=False, highlight=False)

    grid = [GridPoint(policy, *p) for policy in policies for p in points]
    counts = run_agreement(grid, strategy, budget, results=results, workers=workers, on_result=line)
    console.print(f"agreement ({strategy}, {len(grid)} points): {counts}")
    if csv_path is not None:
        console.print(f"wrote {write_atomic(csv_path, results_csv(collected))}")
    return counts
