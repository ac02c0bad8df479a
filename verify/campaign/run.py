"""Run a campaign's cells as Dask tasks and store each result as it arrives.

The cells run on the one executor (:func:`verify.campaign.executor.run_tasks`): by default an embedded
``LocalCluster`` (one single-threaded worker process per core); with ``scheduler="tcp://host:port"`` the same
campaign runs on an existing Dask cluster (its workers need this package installed). Results go to the one store
(:mod:`verify.campaign.store`): cells already ``done`` in the database are skipped, so re-running a SPEC resumes
it. A worker that dies mid-cell has its cell rescheduled by Dask up to ``retries`` times; after that the cell is
recorded as ``failed`` with the error, and a later run tries it again.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.grid import GridPoint
from models.witness import format_ratio
from verify.campaign import store
from verify.campaign.executor import Where, run_tasks
from verify.campaign.spec import Cell, Spec
from verify.search import Problem, run_search
from verify.search.families import replicated_starts


def run_cell(params: dict, sources: tuple[tuple[int, ...], ...] = ()) -> dict:
    """One cell, on a worker: search it and return everything the database stores.

    Parameters
    ----------
    params : dict
        The cell's parameters (:attr:`verify.campaign.spec.Cell.params`).
    sources : tuple of tuple of int
        Output vectors of the stored smaller-n witnesses of the cell's column (a ``[growth]`` SPEC seeding in n,
        :meth:`verify.campaign.spec.Spec.seed_sources`), lengthened to the cell's n
        (:func:`verify.search.families.replicated_starts`) and given to the strategy as starts.

    Returns
    -------
    dict
        Plain JSON values: ``cell_id``, ``best_ratio`` (``p/q`` or ``None``), ``proof``, ``witness`` (the best,
        MODEL.md JSON, or ``None``), ``witnesses`` (every improving one), ``liveness`` (every certified liveness
        witness), ``evaluations``, ``seconds`` and the worker's ``worker_pid``.
    """
    cell = Cell.from_params(params)
    point = GridPoint(cell.n, cell.M, cell.s, cell.l, cell.u)
    starts = tuple(dict.fromkeys(v for o in reversed(sources) for _, v in replicated_starts(tuple(o), point)))
    witnesses: list[dict] = []
    liveness: list[dict] = []  # liveness witnesses the search certified (runs unfinished at the round limit)
    problem = Problem(point.shape(), cell.policy, dict(cell.options),
                      cell.benchmark, on_liveness=lambda w: liveness.append(w.to_dict()))
    outcome = run_search(problem, cell.strategy,
                         budget=cell.budget, seed=cell.seed, on_improve=lambda w, s: witnesses.append(w.to_dict()),
                         starts=starts)
    return {
        "cell_id": cell.cell_id,
        "best_ratio": format_ratio(outcome.best_ratio) if outcome.best else None,
        "proof": outcome.proof_status,
        "witness": outcome.best.to_dict() if outcome.best else None,
        "witnesses": witnesses,
        "liveness": liveness,
        "evaluations": outcome.evaluations,
        "seconds": outcome.seconds,
        "worker_pid": os.getpid(),
    }


def _stored_sources(conn, spec: Spec, cell: Cell) -> tuple[tuple[int, ...], ...]:
    """The output vectors of the stored witnesses of ``cell``'s seed sources (done cells only), smaller n first:
    a cell's starts are derived from stored results only, so a resumed campaign reproduces them."""
    import json

    out = []
    for src in spec.seed_sources(cell):
        row = conn.execute("SELECT witness FROM cells WHERE cell_id = ? AND status = 'done'", (src.cell_id,)).fetchone()
        if row and row[0]:
            out.append(tuple(int(r["o"]) for r in json.loads(row[0])["requests"]))
    return tuple(out)


@dataclass(frozen=True)
class CampaignSummary:
    """What a run did: cells planned, skipped as already done, recorded now, failed now; whether Ctrl-C
    interrupted it; its wall time; and the database's cells per status at the end."""

    planned: int
    skipped_done: int
    recorded: int
    failed: int
    interrupted: bool
    seconds: float
    counts: dict


def run_campaign(spec: Spec, db_path: str | Path, *, scheduler: str | None = None, workers: int | None = None,
                 progress: Callable[[str], None] | None = None, client: Any = None) -> CampaignSummary:
    """Run every cell of ``spec`` not yet done in ``db_path``, storing each result as it arrives.

    Parameters
    ----------
    spec : Spec
        The campaign (:func:`verify.campaign.spec.load_spec`).
    db_path : str or Path
        Its results database; created if missing.
    scheduler : str, optional
        The address of an existing Dask scheduler, instead of an embedded ``LocalCluster``.
    workers : int, optional
        Worker processes of the embedded ``LocalCluster`` (default: one per core).
    progress : callable, optional
        Called with one line for the plan and one per finished or failed cell; a :class:`KeyboardInterrupt`
        it raises interrupts the run, as Ctrl-C does.
    client : distributed.Client, optional
        An existing client to run on (tests).

    Returns
    -------
    CampaignSummary
        The counts of this run and of the database.

    Raises
    ------
    verify.campaign.store.IncompatibleDatabase
        ``db_path`` is not a campaign database, or of another schema version.
    verify.campaign.executor.SchedulerUnreachable
        No Dask scheduler answers at ``scheduler``.
    """
    began = time.perf_counter()
    conn = store.open_campaign(db_path)
    try:
        store.plan(conn, spec.name, spec.cells)
        todo = store.unfinished(conn, spec.cells)
        skipped = len(spec.cells) - len(todo)
        if progress:
            progress(f"{len(spec.cells)} cells ({spec.excluded} grid points excluded: l > u or s + u > M); "
                     f"{skipped} already done, {len(todo)} to run")
        recorded = failed = 0

        def done(cell: Cell, result: dict) -> None:
            nonlocal recorded
            if store.record_result(conn, result):
                recorded += 1
            if progress:
                progress(f"[{recorded + failed}/{len(todo)}] {cell.policy} n={cell.n} M={cell.M} s={cell.s} "
                         f"l={cell.l} u={cell.u} {cell.strategy}: {result['best_ratio']} ({result['proof']})")

        def failure(cell: Cell, exc: Exception) -> None:  # KilledWorker after the retries, or the cell's own error
            nonlocal failed
            store.record_failure(conn, cell.cell_id, f"{type(exc).__name__}: {exc}"[:500])
            failed += 1
            if progress:
                progress(f"cell {cell.cell_id} FAILED: {type(exc).__name__}: {exc}")

        where = Where(workers=workers, scheduler=scheduler, client=client, retries=spec.retries)
        interrupted = False
        for wave in spec.waves(todo):  # a [growth] SPEC: one wave per n, seeded from the stored smaller n
            ran = run_tasks(run_cell, wave, lambda c: (c.params, _stored_sources(conn, spec, c)), on_result=done,
                            on_error=failure, where=where, key=lambda c: f"cell-{c.cell_id}")
            if ran.interrupted:
                interrupted = True
                break
        counts = store.status_counts(conn)
    finally:
        conn.close()
    return CampaignSummary(len(spec.cells), skipped, recorded, failed, interrupted,
                           time.perf_counter() - began, counts)
