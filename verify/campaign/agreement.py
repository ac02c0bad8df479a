"""Agreement of a proving strategy (Z3 or the state graph) with exhaustive enumeration, point by point.

A point is a configuration of the search grid: ``policy``, ``n`` jobs with one interval ``[l, u]``, prompt
``s``, capacity ``M``, arrivals 0. Exhaustive enumeration gives the maximum ratio against OPT; the proving
strategy then runs on the same point (Z3 starts from exhaustive's witness, so its first question is whether
anything beats it). The verdict is ``agree`` (the strategy closed its bracket on exhaustive's maximum),
``disagree`` (it closed on another value, or found a better instance than exhaustive: either is a bug to
report, with the witness), or ``open`` (not closed within the budget).

Long grids are worth keeping: with a results file (SQLite), every point's result is written in one transaction
as it finishes, so an interrupted run loses only the points in flight. Running again with the same file skips
the points already closed and re-tries an open point only when the new budget is larger than the one it had.
With ``workers > 1`` the points run as tasks on a Dask ``LocalCluster``, one single-threaded process per worker.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from models.errors import InvalidInput
from verify.campaign.db import open_versioned

if TYPE_CHECKING:
    from verify.search import Problem

VERDICTS = ("agree", "disagree", "open")
SCHEMA_VERSION = 1


@dataclass(frozen=True, order=True)
class GridPoint:
    policy: str
    n: int
    u: int
    l: int  # noqa: E741
    s: int
    M: int

    @property
    def label(self) -> str:
        return f"{self.policy} n={self.n} u={self.u} l={self.l} s={self.s} M={self.M}"

    def problem(self) -> Problem:
        """The search problem of this point: one interval for all jobs, arrivals 0, default options, vs OPT."""
        from models.shape import Shape
        from verify.search import Problem

        return Problem(Shape.uniform(self.M, self.s, self.l, self.u, self.n), self.policy, {}, "opt")


@dataclass(frozen=True)
class PointResult:
    """``proved``: the proving strategy's best ratio (its proven maximum when ``verdict`` is not ``open``)."""

    point: GridPoint
    strategy: str
    verdict: str
    proved: Fraction
    exhaustive: Fraction
    seconds: float
    budget: float


def check_point(point: GridPoint, strategy: str, budget: float) -> PointResult:
    """Exhaustive enumeration, then ``strategy`` (``z3`` or ``statespace``) within ``budget`` seconds."""
    from verify.search import run_search

    problem = point.problem()
    ex = run_search(problem, "exhaustive")
    proving = run_search(problem, strategy, budget=budget,
                         start=ex.best.instance.outputs if strategy == "z3" else None)
    if not proving.closed:
        verdict = "open"
    else:
        verdict = "agree" if proving.best_ratio == ex.best_ratio else "disagree"
    return PointResult(point, strategy, verdict, proving.best_ratio, ex.best_ratio, proving.seconds, budget)


CSV_FIELDS = ("policy", "n", "u", "l", "s", "M", "strategy", "verdict", "exhaustive", "proved", "seconds", "budget")


def results_csv(results: Iterable[PointResult]) -> str:
    """One CSV row per point (sorted), ratios exact as ``p/q``; ``seconds`` is the proving strategy's time."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for r in sorted(results, key=lambda r: r.point):
        p = r.point
        writer.writerow([p.policy, p.n, p.u, p.l, p.s, p.M, r.strategy, r.verdict, r.exhaustive, r.proved,
                         f"{r.seconds:.2f}", f"{r.budget:g}"])
    return out.getvalue()


def read_results_csv(text: str) -> list[PointResult]:
    """The inverse of :func:`results_csv` (seconds rounded to hundredths)."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != CSV_FIELDS:
        raise InvalidInput(f"agreement CSV: columns must be {','.join(CSV_FIELDS)}, "
                         f"got {','.join(reader.fieldnames or ())}")
    return [PointResult(GridPoint(r["policy"], int(r["n"]), int(r["u"]), int(r["l"]), int(r["s"]), int(r["M"])),
                        r["strategy"], r["verdict"], Fraction(r["proved"]), Fraction(r["exhaustive"]),
                        float(r["seconds"]), float(r["budget"])) for r in reader]


class ResultStore:
    """One row per (strategy, point): its latest result. SQLite in WAL mode, one transaction per result; a file
    of another schema version raises :class:`~verify.campaign.db.IncompatibleDatabase`."""

    def __init__(self, path: str | Path) -> None:
        self.conn = open_versioned(path, "agreement_schema", SCHEMA_VERSION, ["""CREATE TABLE points (
            strategy TEXT NOT NULL, policy TEXT NOT NULL, n INTEGER NOT NULL, u INTEGER NOT NULL,
            l INTEGER NOT NULL, s INTEGER NOT NULL, M INTEGER NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('agree', 'disagree', 'open')),
            proved TEXT NOT NULL, exhaustive TEXT NOT NULL, seconds REAL NOT NULL, budget REAL NOT NULL,
            finished_at REAL NOT NULL, PRIMARY KEY (strategy, policy, n, u, l, s, M))"""])

    def get(self, strategy: str, point: GridPoint) -> PointResult | None:
        row = self.conn.execute(
            "SELECT verdict, proved, exhaustive, seconds, budget FROM points WHERE strategy = ? AND policy = ? "
            "AND n = ? AND u = ? AND l = ? AND s = ? AND M = ?",
            (strategy, point.policy, point.n, point.u, point.l, point.s, point.M)).fetchone()
        if row is None:
            return None
        verdict, proved, exhaustive, seconds, budget = row
        return PointResult(point, strategy, verdict, Fraction(proved), Fraction(exhaustive), seconds, budget)

    def record(self, result: PointResult) -> None:
        p = result.point
        with self.conn:
            self.conn.execute("BEGIN")
            self.conn.execute("INSERT OR REPLACE INTO points VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              (result.strategy, p.policy, p.n, p.u, p.l, p.s, p.M, result.verdict,
                               str(result.proved), str(result.exhaustive), result.seconds, result.budget,
                               time.time()))

    def close(self) -> None:
        self.conn.close()


def _settled(previous: PointResult | None, budget: float) -> bool:
    """Nothing to gain from running the point again: it is closed, or it stayed open on at least this budget."""
    return previous is not None and (previous.verdict != "open" or previous.budget >= budget)


def run_agreement(points: Iterable[GridPoint], strategy: str, budget: float, *, results: str | Path | None = None,
                  workers: int = 1, on_result: Callable[[PointResult, bool], None] | None = None,
                  ) -> dict[str, int]:
    """Check every point, smallest first; returns the verdict counts over all of ``points``.

    ``on_result(result, stored)`` is called once per point; ``stored`` is true for a result read back from
    ``results`` instead of computed now.
    """
    if strategy not in ("z3", "statespace"):
        raise InvalidInput(f"strategy: must be z3 or statespace, got {strategy!r}")
    if workers < 1:
        raise InvalidInput(f"workers: must be at least 1, got {workers}")
    points = sorted(set(points), key=lambda p: (p.n * p.u, p))
    counts = dict.fromkeys(VERDICTS, 0)
    store = ResultStore(results) if results is not None else None

    def finished(result: PointResult, stored: bool) -> None:
        if store is not None and not stored:
            store.record(result)
        counts[result.verdict] += 1
        if on_result is not None:
            on_result(result, stored)

    try:
        todo: list[GridPoint] = []
        for point in points:
            previous = store.get(strategy, point) if store is not None else None
            if _settled(previous, budget):
                finished(previous, True)
            else:
                todo.append(point)
        if workers == 1:
            for point in todo:
                finished(check_point(point, strategy, budget), False)
        else:
            _run_on_dask(todo, strategy, budget, workers, finished)
    finally:
        if store is not None:
            store.close()
    return counts


def _run_on_dask(points: Sequence[GridPoint], strategy: str, budget: float, workers: int,
                 finished: Callable[[PointResult, bool], None]) -> None:
    from distributed import Client, LocalCluster, as_completed

    cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                           processes=True, dashboard_address=None)
    client = Client(cluster)
    try:
        futures = [client.submit(check_point, p, strategy, budget, pure=False) for p in points]
        for future in as_completed(futures):
            finished(future.result(), False)
    finally:
        client.close()
        cluster.close()
