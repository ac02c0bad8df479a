"""``kvsched bench search``: every search strategy on A_min at several alpha and n, one budget each."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from rich.console import Console
from rich.table import Table



def bench_search(alphas: Sequence[Fraction], sizes: Sequence[int], budget: float, u: int, console: Console) -> None:
    """Best A_min ratio reached by each strategy on one budget, and the portfolio's time to the proven worst case.

    Each shape has s = 1, ``l = max(1, floor(u·α))`` and ``M = 2(s + u)``; where exhaustive enumeration closes,
    the portfolio's time to its maximum is compared with exhaustive's.

    Parameters
    ----------
    alphas : sequence of Fraction
        Interval ratios α.
    sizes : sequence of int
        Numbers of jobs n.
    budget : float
        Seconds per strategy and shape.
    u : int
        Every job's upper bound.
    console : rich.console.Console
        Where the tables go.
    """
    from models.shape import Shape
    from verify.search import STRATEGIES, Problem, run_search

    table = Table(title=f"A_min vs OPT: best ratio per strategy, budget {budget:g}s each (s=1, u={u}, M=2(s+u))")
    for col in ("alpha", "n", "strategy", "best ratio", "found at s", "proof", "seconds"):
        table.add_column(col, justify="right")
    target = Table(title="Portfolio vs exhaustive where exhaustive finishes (target: its maximum, in under a tenth "
                         "of exhaustive's time at n >= 6)")
    for col in ("alpha", "n", "exhaustive max", "exhaustive s", "portfolio best", "portfolio found at s",
                "fraction of exhaustive's time"):
        target.add_column(col, justify="right")
    for alpha in alphas:
        l = max(1, int(u * alpha))  # noqa: E741
        for n in sizes:
            problem = Problem(Shape.uniform(2 * (1 + u), 1, l, u, n), "amin", {}, "opt")
            outs = {}
            for strategy in STRATEGIES:
                console.log(f"alpha={alpha} n={n} {strategy} ...")
                out = outs[strategy] = run_search(problem, strategy, budget=budget, seed=0)
                table.add_row(str(alpha), str(n), strategy, f"{out.best_ratio} = {float(out.best_ratio):.4f}",
                              f"{out.found_at:.2f}", out.proof_status, f"{out.seconds:.1f}")
            ex, pf = outs["exhaustive"], outs["portfolio"]
            if ex.closed:
                target.add_row(str(alpha), str(n), str(ex.best_ratio), f"{ex.seconds:.2f}", str(pf.best_ratio),
                               f"{pf.found_at:.3f}", f"{pf.found_at / ex.seconds:.3f}")
    console.print(table)
    console.print(target)
