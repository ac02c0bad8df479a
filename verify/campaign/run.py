"""Run a campaign's cells as Dask tasks and store each result as it arrives.

By default an embedded ``LocalCluster`` (one single-threaded worker process per core) runs the cells; with
``scheduler="tcp://host:port"`` the same campaign runs on an existing Dask cluster (its workers need this
package installed). Cells already ``done`` in the database are skipped, so re-running a SPEC resumes it. A
worker that dies mid-cell has its cell rescheduled by Dask up to ``retries`` times; after that the cell is
recorded as ``failed`` with the error, and a later run tries it again.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from models.errors import InvalidInput
from models.witness import format_ratio
from verify.campaign import db
from verify.campaign.spec import Cell, Spec


def run_cell(params: dict, sources: tuple[tuple[int, ...], ...] = ()) -> dict:
    """One cell, on a worker: search it and return everything the database stores (plain JSON values).
    ``sources``: output vectors of stored smaller-n witnesses of the cell's column (a growth SPEC seeding in n,
    :meth:`Spec.seed_sources`), lengthened to the cell's n and given to the strategy as starts."""
    from models.instance import uniform_instance
    from verify.search import Problem, run_search
    from verify.search.families import Shape, replicated_starts

    cell = Cell.from_params(params)
    sh = Shape(cell.n, cell.s, cell.l, cell.u, cell.M)
    starts = tuple(dict.fromkeys(v for o in reversed(sources) for _, v in replicated_starts(tuple(o), sh)))
    config = uniform_instance(cell.M, cell.s, cell.l, cell.u, [cell.l] * cell.n)
    witnesses: list[dict] = []
    liveness: list[dict] = []  # liveness witnesses the search certified (runs unfinished at the round limit)
    problem = Problem(config, cell.policy, dict(cell.options), cell.benchmark,
                      on_liveness=lambda w: liveness.append(w.to_dict()))
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
    """The output vectors of the stored witnesses of ``cell``'s seed sources (done cells only), smaller n first."""
    import json

    out = []
    for src in spec.seed_sources(cell):
        row = conn.execute("SELECT witness FROM cells WHERE cell_id = ? AND status = 'done'", (src.cell_id,)).fetchone()
        if row and row[0]:
            out.append(tuple(int(r["o"]) for r in json.loads(row[0])["requests"]))
    return tuple(out)


class SchedulerUnreachable(InvalidInput, RuntimeError):
    """``--scheduler`` names an address where no Dask scheduler answers."""


@dataclass
class CampaignSummary:
    planned: int
    skipped_done: int
    recorded: int
    failed: int
    interrupted: bool
    seconds: float
    counts: dict


def run_campaign(spec: Spec, db_path: str | Path, *, scheduler: str | None = None, workers: int | None = None,
                 progress: Callable[[str], None] | None = None, client=None) -> CampaignSummary:
    import dask
    from distributed import Client, LocalCluster, as_completed

    began = time.perf_counter()
    conn = db.open_db(db_path)
    db.plan(conn, spec.name, spec.cells)
    todo = db.unfinished(conn, spec.cells)
    skipped = len(spec.cells) - len(todo)
    if progress:
        progress(f"{len(spec.cells)} cells ({spec.excluded} grid points excluded: l > u or s + u > M); "
                 f"{skipped} already done, {len(todo)} to run")
    recorded = failed = 0
    interrupted = False
    own_cluster = None
    with dask.config.set({"distributed.scheduler.allowed-failures": spec.retries}):
        if client is None:
            if scheduler:
                try:
                    client = Client(scheduler, timeout="10s")
                except Exception as exc:  # noqa: BLE001 - refused, timed out, or not a Dask scheduler at all
                    conn.close()
                    raise SchedulerUnreachable(f"--scheduler: no Dask scheduler answers at {scheduler} "
                                               f"({type(exc).__name__}: {str(exc)[:120]})") from None
            else:
                own_cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                           processes=True, dashboard_address=None)
                client = Client(own_cluster)
        try:
            for wave in spec.waves(todo):  # a growth SPEC: one wave per n, seeded from the stored smaller n
                futures = {client.submit(run_cell, c.params, _stored_sources(conn, spec, c), key=f"cell-{c.cell_id}",
                                         pure=False): c for c in wave}
                for future in as_completed(futures):
                    cell = futures[future]
                    try:
                        result = future.result()
                    except Exception as exc:  # KilledWorker after the retries, or the cell's own error
                        db.record_failure(conn, cell.cell_id, f"{type(exc).__name__}: {exc}"[:500])
                        failed += 1
                        if progress:
                            progress(f"cell {cell.cell_id} FAILED: {type(exc).__name__}: {exc}")
                        continue
                    if db.record_result(conn, result):
                        recorded += 1
                    if progress:
                        progress(f"[{recorded + failed}/{len(todo)}] {cell.policy} n={cell.n} M={cell.M} s={cell.s} "
                                 f"l={cell.l} u={cell.u} {cell.strategy}: {result['best_ratio']} ({result['proof']})")
        except KeyboardInterrupt:
            interrupted = True
        finally:
            if own_cluster is not None:
                client.close()
                own_cluster.close()
    counts = db.status_counts(conn)
    conn.close()
    return CampaignSummary(len(spec.cells), skipped, recorded, failed, interrupted,
                           time.perf_counter() - began, counts)
