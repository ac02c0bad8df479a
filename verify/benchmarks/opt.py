"""``kvsched bench opt``: for each OPT solver, the largest n solved to proven optimality within a time limit on a
fixed family (one interval [4, 16], all arrivals 0, s = 1, o uniform in [4, 16] from a seed derived from n, M = 48).
Each solver climbs n = 2, 3, ... and stops after two consecutive failures."""

from __future__ import annotations

import random
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from models.instance import Instance, uniform_instance


OPT_FAMILY = {"M": 48, "s": 1, "l": 4, "u": 16}


def opt_family_instance(n: int, seed: int = 0) -> Instance:
    """The benchmark's instance at size ``n``: :data:`OPT_FAMILY` with ``o`` uniform in ``[l, u]``.

    Parameters
    ----------
    n : int
        Number of requests.
    seed : int
        Offset of the seed, which is derived from ``n``.

    Returns
    -------
    Instance
        ``M = 48``, ``s = 1``, ``[l, u] = [4, 16]``, arrivals 0.
    """
    rng = random.Random(10_007 * n + seed)
    f = OPT_FAMILY
    return uniform_instance(f["M"], f["s"], f["l"], f["u"], [rng.randint(f["l"], f["u"]) for _ in range(n)])


def largest_proven(solve, limits: Sequence[float], max_n: int, first_n: int = 2) -> dict[float, int]:
    """The climb both OPT benchmarks run: ``solve(n)`` for n = first_n, first_n + 1, ... up to ``max_n``.

    The climb stops after two consecutive failures (results not optimal).

    Parameters
    ----------
    solve : callable
        ``solve(n) -> OptResult`` (:class:`~verify.opt.result.OptResult`).
    limits : sequence of float
        Seconds.
    max_n : int
        The largest n tried.
    first_n : int
        The first n tried.

    Returns
    -------
    dict of float to int
        Per limit L, the largest n proven optimal in at most L seconds of that run (0 if none).
    """
    failures, best = 0, dict.fromkeys(limits, 0)
    for n in range(first_n, max_n + 1):
        res = solve(n)
        if res.status == "optimal":
            failures = 0
            for lim in limits:
                if res.seconds <= lim:
                    best[lim] = n
        else:
            failures += 1
            if failures == 2:
                break
    return best


def bench_opt(solvers: Sequence[str], limits: Sequence[float], max_n: int, console: Console) -> dict[str, dict[float, int]]:
    """For each OPT solver, the largest n of :func:`opt_family_instance` proven optimal within each limit.

    All solvers run in this one run; each instance gets the largest limit, and "within L s" counts the n proven
    in at most L seconds of that run (:func:`largest_proven`).

    Parameters
    ----------
    solvers : sequence of str
        OPT solvers (``auto`` or a name of :data:`verify.opt.SOLVERS`).
    limits : sequence of float
        Seconds; each instance gets the largest.
    max_n : int
        The largest n tried.
    console : rich.console.Console
        Where the tables go.

    Returns
    -------
    dict of str to dict of float to int
        Per solver, per limit, the largest n proven optimal (0 if none).
    """
    from verify.opt import solve_opt

    top = max(limits)
    table = Table(title=f"OPT solvers: proven optimal within {top:g} s (s=1, o in [4,16], M=48, a=0)")
    for col in ("solver", "n", "status", "TEL", "lower", "LP bound", "seconds"):
        table.add_column(col, justify="right")
    largest: dict[str, dict[float, int]] = {}
    for solver in solvers:
        def solve(n: int, solver=solver):
            res = solve_opt(opt_family_instance(n), solver, timeout=top)
            table.add_row(solver, str(n), res.status, str(res.tel), str(res.lower_bound),
                          str(res.stats.get("lp_bound", "")), f"{res.seconds:.2f}")
            console.log(f"{solver} n={n}: {res.status} TEL {res.tel} (lower {res.lower_bound}) in {res.seconds:.2f}s")
            return res

        largest[solver] = largest_proven(solve, limits, max_n)
    console.print(table)
    console.print(largest_table("Largest n proven optimal (s=1, o in [4,16], M=48, a=0), one run", largest, limits))
    return largest


def largest_table(title: str, largest: dict[str, dict[float, int]], limits: Sequence[float]) -> Table:
    """The summary both OPT benchmarks print: per solver, the largest n proven within each limit.

    Parameters
    ----------
    title : str
        The table's title (the family and its run).
    largest : dict of str to dict of float to int
        Per solver, :func:`largest_proven`'s result.
    limits : sequence of float
        The limits, one column each.

    Returns
    -------
    rich.table.Table
        One row per solver.
    """
    summary = Table(title=title)
    summary.add_column("solver")
    for lim in limits:
        summary.add_column(f"within {lim:g} s", justify="right")
    for solver, best in largest.items():
        summary.add_row(solver, *(str(best[lim]) for lim in limits))
    return summary
