"""``kvsched bench z3-tactics``: the search's Z3 pipeline with and without ``elim-term-ite`` on fixed queries."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from rich.console import Console
from rich.table import Table

from models.shape import Shape
from verify.benchmarks.timing import timed as _timed


def _tactic_queries():
    """Fixed Z3 queries from the search: horizon checks (sat/unsat) and ratio checks at exhaustive search's
    maximum (unsat) and at 9/10 of it (sat), on grid points that took Z3 longest."""
    import itertools

    import z3

    from models.engine_reference import simulate
    from models.schedulers import make_scheduler
    from verify.symbolic.opt_table import encode_opt_table
    from verify.symbolic.scheduler_z3 import encode
    from verify.search import Problem, run_search

    cfg = Shape.uniform(7, 0, 1, 6, 4)
    for H in (20, 22):
        run = encode(cfg, "amin", {}, horizon=H)
        yield f"amin n=4 u=6 l=1 s=0 M=7: not finished in {H} rounds", [*run.constraints, z3.Not(run.finished)]
    points = [(5, 5, 2, 0, 7, "amin"), (5, 5, 1, 1, 8, "amin"), (4, 6, 1, 0, 7, "amax"), (5, 4, 1, 0, 5, "amin")]
    for n, u, l, s, M, policy in points:  # noqa: E741
        cfg = Shape.uniform(M, s, l, u, n)
        best = run_search(Problem(cfg, policy, {}, "opt"), "exhaustive").best_ratio
        horizon = max(max(simulate(i, make_scheduler(policy, i)).completion)
                      for i in (cfg.with_outputs(o) for o in itertools.product(range(l, u + 1), repeat=n)))
        run = encode(cfg, policy, {}, horizon=horizon)
        bench = encode_opt_table(cfg, run.o)
        name = f"{policy} n={n} u={u} l={l} s={s} M={M}"
        yield f"{name}: ratio > {best}", [*run.constraints, run.finished, best.denominator * run.tel >
                                          best.numerator * bench]
        r = best * Fraction(9, 10)
        yield f"{name}: ratio >= {r}", [*run.constraints, run.finished, r.denominator * run.tel >= r.numerator * bench]


def bench_z3_tactics(limit: float, seeds: Sequence[int], console: Console) -> None:
    """The search's solver pipeline against the same pipeline without ``elim-term-ite``, query by query.

    The queries are fixed: horizon checks and ratio checks at (and at 9/10 of) exhaustive search's maximum, on
    grid points that took Z3 longest.

    Parameters
    ----------
    limit : float
        Seconds per query.
    seeds : sequence of int
        Solver seeds; every query runs once per seed and pipeline.
    console : rich.console.Console
        Where the table goes.
    """
    from verify.symbolic.scheduler_z3 import SOLVER_TACTICS, make_solver

    pipelines = {"with elim-term-ite": SOLVER_TACTICS,
                 "without": tuple(t for t in SOLVER_TACTICS if t != "elim-term-ite")}
    table = Table(title=f"Z3 solver pipelines, seconds per query (limit {limit:g}s, seeds {list(seeds)})")
    table.add_column("query")
    for name in pipelines:
        table.add_column(name, justify="right")
    totals = dict.fromkeys(pipelines, 0.0)
    for query, formulas in _tactic_queries():
        cells = []
        for name, tactics in pipelines.items():
            runs = []
            for seed in seeds:
                solver = make_solver(seed, tactics)
                solver.set("timeout", int(limit * 1000))
                solver.add(formulas)
                verdict, seconds = _timed(solver.check)
                totals[name] += seconds
                runs.append(f"{verdict} {seconds:.1f}")
            cells.append(", ".join(runs))
        table.add_row(query, *cells)
        console.log(query)
    table.add_row("total", *(f"{t:.1f}" for t in totals.values()))
    first, second = totals.values()
    table.add_row("ratio", f"{second / first:.2f}x faster", "1.00x")
    console.print(table)
