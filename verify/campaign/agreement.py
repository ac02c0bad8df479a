"""Agreement of a proving strategy (Z3 or the state graph) with exhaustive enumeration, point by point.

Exhaustive enumeration gives a point's (:class:`~verify.campaign.points.GridPoint`) maximum ratio against OPT;
the proving strategy then runs on the same point (Z3 starts from exhaustive's witness, so its first question is
whether anything beats it). The verdict (:class:`~verify.campaign.points.AgreementVerdict`) is ``agree`` (the
strategy closed its bracket on exhaustive's maximum), ``disagree`` (it closed on another value, or found a
better instance than exhaustive: either is a bug to report, with the witness), or ``open`` (not closed within
the budget).

Long grids are worth keeping: with a results file (:class:`~verify.campaign.store.AgreementStore`), every
point's result is written in one transaction as it finishes, so an interrupted run loses only the points in
flight. Running again with the same file skips the points already closed and re-tries an open point only when
the new budget is larger than the one it had (:func:`~verify.campaign.store.settled`). With ``workers > 1`` the
points run on a Dask ``LocalCluster``, one single-threaded process per worker
(:func:`~verify.campaign.executor.run_tasks`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from fractions import Fraction
from pathlib import Path

from models.errors import InvalidInput
from verify.campaign.executor import SERIAL, Where, run_tasks
from verify.campaign.points import AgreementVerdict, GridPoint, PointResult
from verify.campaign.store import AgreementStore, settled
from verify.search import run_search


def check_point(point: GridPoint, strategy: str, budget: float) -> PointResult:
    """Exhaustive enumeration, then ``strategy`` on the same point.

    Parameters
    ----------
    point : GridPoint
        The configuration.
    strategy : str
        ``z3`` (started from exhaustive's witness) or ``statespace``.
    budget : float
        Seconds for ``strategy`` (exhaustive enumeration has no budget).

    Returns
    -------
    PointResult
        The verdict, both maxima, and the proving strategy's time.
    """
    problem = point.problem()
    ex = run_search(problem, "exhaustive")
    proving = run_search(problem, strategy, budget=budget,
                         start=ex.best.instance.outputs if strategy == "z3" else None)
    if not proving.closed:
        verdict = AgreementVerdict.OPEN
    else:
        verdict = AgreementVerdict.AGREE if proving.best_ratio == ex.best_ratio else AgreementVerdict.DISAGREE
    return PointResult(point, strategy, verdict, proving.best_ratio, ex.best_ratio, proving.seconds, budget)


CSV_FIELDS = ("policy", "n", "u", "l", "s", "M", "strategy", "verdict", "exhaustive", "proved", "seconds", "budget")


def results_csv(results: Iterable[PointResult]) -> str:
    """Results as CSV text.

    Parameters
    ----------
    results : iterable of PointResult
        Any results.

    Returns
    -------
    str
        A header (:data:`CSV_FIELDS`), then one row per point, sorted by point; ratios exact as ``p/q``,
        ``seconds`` (the proving strategy's time) to hundredths.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for r in sorted(results, key=lambda r: r.point):
        p = r.point
        writer.writerow([p.policy, p.n, p.u, p.l, p.s, p.M, r.strategy, r.verdict.value, r.exhaustive, r.proved,
                         f"{r.seconds:.2f}", f"{r.budget:g}"])
    return out.getvalue()


def read_results_csv(text: str) -> list[PointResult]:
    """The inverse of :func:`results_csv` (seconds rounded to hundredths).

    Parameters
    ----------
    text : str
        CSV text as :func:`results_csv` writes it.

    Returns
    -------
    list of PointResult
        One per row, in file order.

    Raises
    ------
    models.errors.InvalidInput
        The header is not :data:`CSV_FIELDS`, or a verdict is outside :class:`AgreementVerdict`.
    """
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != CSV_FIELDS:
        raise InvalidInput(f"agreement CSV: columns must be {','.join(CSV_FIELDS)}, "
                           f"got {','.join(reader.fieldnames or ())}")
    return [PointResult(GridPoint(r["policy"], int(r["n"]), int(r["u"]), int(r["l"]), int(r["s"]), int(r["M"])),
                        r["strategy"], r["verdict"], Fraction(r["proved"]), Fraction(r["exhaustive"]),
                        float(r["seconds"]), float(r["budget"])) for r in reader]


def run_agreement(points: Iterable[GridPoint], strategy: str, budget: float, *, results: str | Path | None = None,
                  workers: int = 1, on_result: Callable[[PointResult, bool], None] | None = None,
                  ) -> dict[str, int]:
    """Check every point, smallest first (by ``n * u``, then the point).

    Parameters
    ----------
    points : iterable of GridPoint
        The grid (a repeated point is checked once).
    strategy : str
        ``z3`` or ``statespace``.
    budget : float
        Seconds per point for ``strategy``.
    results : str or Path, optional
        A results file: points settled there are read back instead of run, every new result is stored.
    workers : int
        1: in this process; more: a Dask ``LocalCluster`` of that many single-threaded worker processes.
    on_result : callable, optional
        ``on_result(result, stored)``, once per point; ``stored`` is true for a result read back from
        ``results`` instead of computed now.

    Returns
    -------
    dict
        The verdict counts over all of ``points``: ``agree``, ``disagree``, ``open``.

    Raises
    ------
    models.errors.InvalidInput
        ``strategy`` or ``workers`` breaks its rule.
    verify.campaign.store.IncompatibleDatabase
        ``results`` is not an agreement results file, or of another schema version.
    KeyboardInterrupt
        Ctrl-C: every result finished before it is stored.
    """
    if strategy not in ("z3", "statespace"):
        raise InvalidInput(f"strategy: must be z3 or statespace, got {strategy!r}")
    if workers < 1:
        raise InvalidInput(f"workers: must be at least 1, got {workers}")
    points = sorted(set(points), key=lambda p: (p.n * p.u, p))
    counts = {v.value: 0 for v in AgreementVerdict}
    store = AgreementStore(results) if results is not None else None

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
            if settled(previous, budget):
                finished(previous, True)
            else:
                todo.append(point)
        ran = run_tasks(check_point, todo, lambda p: (p, strategy, budget),
                        on_result=lambda _, result: finished(result, False),
                        where=SERIAL if workers == 1 else Where(workers=workers))
    finally:
        if store is not None:
            store.close()
    if ran.interrupted:
        raise KeyboardInterrupt
    return counts
