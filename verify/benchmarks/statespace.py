"""``kvsched bench statespace``: state-graph compression and the largest n proven per method."""

from __future__ import annotations


from rich.console import Console
from rich.table import Table



def bench_statespace(limit: float, max_n: int, console: Console) -> None:
    """Compression of the state graph, and the largest n whose proven worst A_min ratio closes within the limit.

    On ``s = 1, l = 1, u = 8, M = 2(s + u)``: for n = 4..max_n the A_min state graph's states and edges against
    the output vectors; then, for statespace, exhaustive and Z3, n = 2, 3, ... until a search does not close.

    Parameters
    ----------
    limit : float
        Seconds per search.
    max_n : int
        The largest n tried.
    console : rich.console.Console
        Where the tables go.
    """
    from models.shape import Shape
    from verify.search import Problem, run_search
    from verify.explore import build_graph

    table = Table(title="A_min state graph vs output vectors (s=1, l=1, u=8, M=18)")
    for col in ("n", "states", "edges", "depth", "(u-l+1)^n", "compression", "build s"):
        table.add_column(col, justify="right")
    for n in range(4, max_n + 1):
        sg = build_graph(Shape.uniform(18, 1, 1, 8, n), "amin")
        st = sg.stats
        table.add_row(str(n), str(st["states"]), str(st["edges"]), str(st["depth"]), str(st["output_vectors"]),
                      f"{st['compression']}x", f"{st['seconds']:.1f}")
        console.log(f"graph n={n}: {st}")
    console.print(table)
    closes = Table(title=f"Proven worst A_min ratio within {limit:g}s (s=1, l=1, u=8, M=18)")
    for col in ("strategy", "n", "worst ratio", "status", "seconds"):
        closes.add_column(col, justify="right")
    largest = {}
    for strategy in ("statespace", "exhaustive", "z3"):
        largest[strategy] = 0
        for n in range(2, max_n + 1):
            out = run_search(Problem(Shape.uniform(18, 1, 1, 8, n), "amin", {}, "opt"), strategy,
                             budget=limit)
            closes.add_row(strategy, str(n), str(out.best_ratio), out.proof_status, f"{out.seconds:.1f}")
            console.log(f"{strategy} n={n}: {out.best_ratio} {out.proof_status} in {out.seconds:.1f}s")
            if not out.closed:
                break
            largest[strategy] = n
    console.print(closes)
    console.print(f"largest n closed within {limit:g}s: {largest}")
