"""``kvsched bench parent-scaling`` / ``parent-table``: the parent paper's family (issue #25): the largest n each
OPT solver proves within each limit, and H-SF / A_min / A_max / fcfs-recompute against OPT over fixed-seed trials."""

from __future__ import annotations

import time
from collections.abc import Sequence
from fractions import Fraction

from rich.console import Console
from rich.table import Table

from models.atomic import write_atomic
from verify.benchmarks.opt import largest_proven, largest_table


# --- the parent paper's family (issue #25): OPT scaling and the hindsight-optimum table ----------------------

PARENT_ALPHAS = (Fraction(1), Fraction(1, 2), Fraction(1, 4))
PARENT_POLICIES = ("amin", "amax", "fcfs-recompute")
PARENT_SETS = ("zero", "poisson")
PARENT_FIELDS = ("set", "seed", "n", "M", "hsf", "status", "lower", "upper", "solver", "seconds",
                 *(f"{p}@{a}" for p in PARENT_POLICIES for a in PARENT_ALPHAS))


def bench_parent_scaling(solvers: Sequence[str], limits: Sequence[float], max_n: int, poisson: bool,
                         console: Console) -> dict[str, dict[float, int]]:
    """Largest n each solver proves optimal within each limit on the parent family at fixed n (seed 0).

    All solvers run in this one run. Each solver gets the largest limit per instance and climbs n = 2, 3, ...
    until two consecutive failures; "within L s" counts the n proven in at most L seconds of that run.

    Parameters
    ----------
    solvers : sequence of str
        OPT solvers.
    limits : sequence of float
        Seconds; each instance gets the largest.
    max_n : int
        The largest n tried.
    poisson : bool
        Poisson arrivals instead of all arrivals 0.
    console : rich.console.Console
        Where the tables go.

    Returns
    -------
    dict of str to dict of float to int
        Per solver, per limit, the largest n proven optimal (0 if none).
    """
    from verify.opt import solve_opt
    from verify.opt.families import parent_instance

    top = max(limits)
    arrivals = "Poisson arrivals" if poisson else "all arrivals 0"
    table = Table(title=f"OPT on the parent family (M~U[30,50], s~U[1,5], o~U[1,M-s], {arrivals}, seed 0), "
                        f"limit {top:g} s")
    for col in ("solver", "n", "M", "status", "TEL", "lower", "gap %", "seconds"):
        table.add_column(col, justify="right")
    largest: dict[str, dict[float, int]] = {}
    for solver in solvers:
        def solve(n: int, solver=solver):
            inst = parent_instance(0, n=n, poisson=poisson)
            res = solve_opt(inst, solver, timeout=top)
            gap = 100 * (res.tel - res.lower_bound) / res.tel
            table.add_row(solver, str(n), str(inst.M), res.status, str(res.tel), str(res.lower_bound), f"{gap:.1f}",
                          f"{res.seconds:.2f}")
            console.log(f"{solver} n={n}: {res.status} {res.lower_bound}..{res.tel} in {res.seconds:.2f}s")
            return res

        largest[solver] = largest_proven(solve, limits, max_n)
    console.print(table)
    console.print(largest_table(f"Largest n proven optimal, parent family ({arrivals}), one run", largest, limits))
    return largest


def parent_trial(which: str, seed: int, limit: float, solver: str = "auto") -> dict[str, str]:
    """One trial of the parent table: the instance of ``(which, seed)``, H-SF's TEL, OPT's bracket, each policy's TEL.

    Each online policy of :data:`PARENT_POLICIES` runs with intervals of ratio α around the true lengths, for each
    α of :data:`PARENT_ALPHAS`.

    Parameters
    ----------
    which : str
        The arrival set, ``"zero"`` or ``"poisson"``.
    seed : int
        The trial's seed.
    limit : float
        Seconds for the OPT solver.
    solver : str
        The OPT solver.

    Returns
    -------
    dict of str to str
        The row of :data:`PARENT_FIELDS`, every value as text.
    """
    from models.engine_fast import simulate_fast
    from verify.opt import solve_opt
    from verify.opt.families import parent_instance, with_intervals

    inst = parent_instance(seed, poisson=which == "poisson")
    opt = solve_opt(inst, solver, timeout=limit)
    row = {"set": which, "seed": seed, "n": inst.n, "M": inst.M, "hsf": simulate_fast(inst, "hsf").tel,
           "status": opt.status, "lower": opt.lower_bound, "upper": opt.upper_bound, "solver": opt.solver,
           "seconds": f"{opt.seconds:.3f}"}
    for a in PARENT_ALPHAS:
        widened = with_intervals(inst, a, seed)
        for p in PARENT_POLICIES:
            row[f"{p}@{a}"] = simulate_fast(widened, p).tel
    return {k: str(v) for k, v in row.items()}


def _frac(x: Fraction) -> str:
    """An exact fraction and its decimal; a fraction too long to read (a mean over many trials) is shown by
    its decimal and its denominator's number of digits."""
    text = str(x)
    if len(text) > 30:
        return f"{float(x):.4f} (exact, denominator of {len(str(x.denominator))} digits)"
    return f"{text} = {float(x):.4f}"


def parent_table(rows: Sequence[dict[str, str]], console: Console) -> None:
    """Print the table of issue #25 from per-trial rows (:func:`parent_trial`), one block per arrival set.

    Each block: how many trials OPT closed, TEL(H-SF)/TEL(OPT) over the closed trials and its proven bracket
    over all, the brackets of the open trials, and each policy's TEL against H-SF's (and OPT's where closed).

    Parameters
    ----------
    rows : sequence of dict of str to str
        Rows of :func:`parent_trial`.
    console : rich.console.Console
        Where the tables go.
    """
    for which in PARENT_SETS:
        mine = [r for r in rows if r["set"] == which]
        if not mine:
            continue
        closed = [r for r in mine if r["status"] == "optimal"]
        open_ = [r for r in mine if r["status"] != "optimal"]
        t = Table(title=f"Parent family, {'all arrivals 0' if which == 'zero' else 'Poisson arrivals'}: "
                        f"{len(mine)} trials, OPT closed in {len(closed)}")
        t.add_column("quantity")
        t.add_column("value", justify="right")
        t.add_row("trials closed exactly", f"{len(closed)} / {len(mine)}")
        if closed:
            ratios = [Fraction(int(r["hsf"]), int(r["upper"])) for r in closed]
            t.add_row("TEL(H-SF)/TEL(OPT), mean over closed", _frac(sum(ratios) / len(ratios)))
            t.add_row("TEL(H-SF)/TEL(OPT), best (smallest)", _frac(min(ratios)))
            t.add_row("TEL(H-SF)/TEL(OPT), worst (largest)", _frac(max(ratios)))
            t.add_row("H-SF exactly optimal (closed trials)", str(sum(1 for x in ratios if x == 1)))
        hi = [Fraction(int(r["hsf"]), int(r["lower"])) for r in mine]
        lo = [Fraction(int(r["hsf"]), int(r["upper"])) for r in mine]
        t.add_row("TEL(H-SF)/TEL(OPT), mean over all: proven bracket",
                  f"[{float(sum(lo) / len(lo)):.4f}, {float(sum(hi) / len(hi)):.4f}]")
        t.add_row("TEL(H-SF)/TEL(OPT), worst over all: proven bracket", f"[{float(max(lo)):.4f}, {float(max(hi)):.4f}]")
        t.add_row("H-SF proven optimal (H-SF TEL = lower bound)", str(sum(1 for r in mine if r["hsf"] == r["lower"])))
        if open_:
            widest = max(open_, key=lambda r: Fraction(int(r["upper"]) - int(r["lower"]), int(r["upper"])))
            rel = [Fraction(int(r["upper"]) - int(r["lower"]), int(r["upper"])) for r in open_]
            t.add_row("open trials: mean relative bracket (upper-lower)/upper", f"{float(sum(rel) / len(rel)):.4f}")
            t.add_row("open trials: widest bracket", f"seed {widest['seed']} n={widest['n']} M={widest['M']}: "
                      f"[{widest['lower']}, {widest['upper']}] ({float(max(rel)) * 100:.1f} %)")
        for p in PARENT_POLICIES:
            for a in PARENT_ALPHAS:
                vs_hsf = [Fraction(int(r[f"{p}@{a}"]), int(r["hsf"])) for r in mine]
                cell = f"mean {_frac(sum(vs_hsf) / len(vs_hsf))}, worst {float(max(vs_hsf)):.4f}"
                if closed:
                    vs_opt = [Fraction(int(r[f"{p}@{a}"]), int(r["upper"])) for r in closed]
                    cell += f"; vs OPT (closed) mean {float(sum(vs_opt) / len(vs_opt)):.4f}"
                t.add_row(f"{p}, alpha={a}: TEL/TEL(H-SF)", cell)
        console.print(t)
        if open_:
            b = Table(title=f"{which}: brackets of the trials not closed (lower..upper = H-SF's schedule or better)")
            for col in ("seed", "n", "M", "lower", "upper", "H-SF", "width %"):
                b.add_column(col, justify="right")
            for r in open_:
                width = 100 * (int(r["upper"]) - int(r["lower"])) / int(r["upper"])
                b.add_row(r["seed"], r["n"], r["M"], r["lower"], r["upper"], r["hsf"], f"{width:.1f}")
            console.print(b)


PARENT_CSV_FIELDS = (*PARENT_FIELDS, "requested_solver", "limit_seconds")
"""The columns of ``kvsched bench parent-table --csv``: a trial's row, then the solver asked for and the limit it
was run with."""


def parent_csv(trials: Sequence[tuple[dict[str, str], str, float]]) -> str:
    """Trials as CSV text, one row each in the given order.

    Parameters
    ----------
    trials : sequence of tuple
        ``(row, solver asked for, limit in seconds)`` per trial; ``row`` as :func:`parent_trial` returns it.

    Returns
    -------
    str
        A header (:data:`PARENT_CSV_FIELDS`), then one line per trial.
    """
    import csv
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=PARENT_CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row, solver, limit in trials:
        writer.writerow(row | {"requested_solver": solver, "limit_seconds": repr(float(limit))})
    return buf.getvalue()


def bench_parent_table(trials: int, limit: float, solver: str, console: Console, *, db: str | None = None,
                       workers: int = 1, scheduler: str | None = None, csv_path: str | None = None,
                       markdown: str | None = None) -> list[dict[str, str]]:
    """Run the parent table's trials not already settled in ``db`` and print the table.

    The trials are ``(set, seed)`` for each arrival set of :data:`PARENT_SETS` and seeds ``0 .. trials - 1``.
    They run on the one executor (:func:`verify.campaign.executor.run_tasks`): in this process when
    ``workers`` is 1 and no ``scheduler`` is given, else as Dask tasks on an embedded ``LocalCluster`` of
    ``workers`` processes or on the Dask scheduler at ``scheduler``. With ``db`` (the parent table's trials
    file, :class:`verify.campaign.store.ParentStore`) each result is stored in its own transaction as it
    arrives, so an interrupted run loses only the trials in flight, and a run with the same ``db`` resumes. The
    resume rule (:func:`verify.campaign.store.trial_settled`): a trial stored ``optimal``, or stored by the same
    ``solver`` with a limit of at least ``limit``, is read back, not run; any other stored trial (``unknown``
    on a smaller limit, or run by another solver) is run again and its row replaced.

    Parameters
    ----------
    trials : int
        Trials (seeds) per arrival set.
    limit : float
        Seconds of OPT solver per trial.
    solver : str
        The OPT solver.
    console : rich.console.Console
        Where the progress and tables go.
    db : str or None
        The trials file (SQLite; created if missing). ``None``: nothing is kept.
    workers : int
        Worker processes: 1 runs in this process; more, a Dask ``LocalCluster`` (ignored with ``scheduler``).
    scheduler : str or None
        The address of an existing Dask scheduler (``tcp://host:port``) to run the trials on.
    csv_path : str or None
        Also write the trials' rows as CSV (:func:`parent_csv`) to this file, atomically.
    markdown : str or None
        Also write the report section of :mod:`verify.report.parent_table` to this file.

    Returns
    -------
    list of dict of str to str
        The rows, by arrival set and seed.

    Raises
    ------
    KeyboardInterrupt
        Ctrl-C stopped the run: every trial finished before it is stored in ``db``.
    """
    from verify.campaign.executor import SERIAL, Where, run_tasks
    from verify.campaign.store import ParentStore, trial_settled

    keys = [(w, seed) for w in PARENT_SETS for seed in range(trials)]
    done: dict[tuple[str, int], tuple[dict[str, str], str, float]] = {}  # (row, solver asked, limit) per trial
    store = ParentStore(db) if db is not None else None
    try:
        if store is not None:
            for key in keys:
                previous = store.get(*key)
                if trial_settled(previous, solver, limit):
                    done[key] = (previous.row, previous.solver, previous.limit)
            console.log(f"{db}: {len(done)} of {len(keys)} trials settled (optimal, or run by {solver!r} with at "
                        f"least {limit:g} s), not run again")
        todo = [key for key in keys if key not in done]
        began = time.perf_counter()
        ran_now = 0

        def finished(key: tuple[str, int], row: dict[str, str]) -> None:
            nonlocal ran_now
            if store is not None:
                store.record(row, solver, limit)
            done[key] = (row, solver, limit)
            ran_now += 1
            console.log(f"{ran_now}/{len(todo)} {key[0]} seed {key[1]}: {row['status']} {row['lower']}..{row['upper']} "
                        f"(H-SF {row['hsf']})  {time.perf_counter() - began:.0f}s")

        where = (SERIAL if workers == 1 and scheduler is None
                 else Where(workers=None if scheduler else workers, scheduler=scheduler))
        ran = run_tasks(parent_trial, todo, lambda key: (key[0], key[1], limit, solver), on_result=finished,
                        where=where, key=lambda key: f"parent-trial-{key[0]}-{key[1]}-{solver}-{limit!r}")
    finally:
        if store is not None:
            store.close()
    if ran.interrupted:
        console.print(f"parent table INTERRUPTED after {ran_now} of {len(todo)} trials"
                      + (f"; every finished trial is stored in {db}: run again with --db {db} to resume"
                         if db else "; nothing kept (no --db)"))
        raise KeyboardInterrupt
    used = [done[key] for key in keys]
    rows = [row for row, _, _ in used]
    console.print(f"parent table: {trials} trials per set, OPT by {solver!r} with {limit:g} s per trial; "
                  f"{ran_now} run now" + (f", {len(keys) - ran_now} read back from {db}" if db else ""))
    limits, solvers = {lim for _, _, lim in used}, {sol for _, sol, _ in used}
    if len(limits) > 1 or len(solvers) > 1:
        console.print(f"  rows read back were run with other settings: limits "
                      f"{', '.join(f'{x:g}' for x in sorted(limits))} s, solvers {', '.join(sorted(solvers))}")
    parent_table(rows, console)
    if csv_path is not None:
        console.print(f"rows written to {write_atomic(csv_path, parent_csv(used))}")
    if markdown is not None:
        from verify.report.parent_table import parent_table_markdown

        write_atomic(markdown, parent_table_markdown(rows, limit=limit if limits == {limit} else None,
                                                     solver=solver if solvers == {solver} else None))
        console.print(f"report section written to {markdown}")
    return rows
