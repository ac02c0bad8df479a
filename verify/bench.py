"""Benchmarks (run by hand, never timed inside tests): ``python -m verify.bench opt``.

``opt``: for each OPT solver, the largest n solved to proven optimality within a time limit on a fixed family
(one interval [4, 16], all arrivals 0, s = 1, o drawn uniformly in [4, 16] from a seed derived from n, M = 48).
Each solver climbs n = 2, 3, … and stops after two consecutive failures.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from models.instance import Instance, uniform_instance

OPT_FAMILY = {"M": 48, "s": 1, "l": 4, "u": 16}


def opt_family_instance(n: int, seed: int = 0) -> Instance:
    rng = random.Random(10_007 * n + seed)
    f = OPT_FAMILY
    return uniform_instance(f["M"], f["s"], f["l"], f["u"], [rng.randint(f["l"], f["u"]) for _ in range(n)])


def bench_opt(solvers: Sequence[str], limit: float, max_n: int, console: Console) -> dict[str, int]:
    from verify.opt import solve_opt

    table = Table(title=f"OPT solvers: proven optimal within {limit:g} s (s=1, o in [4,16], M=48, a=0)")
    for col in ("solver", "n", "status", "TEL", "lower", "seconds"):
        table.add_column(col, justify="right")
    largest: dict[str, int] = {}
    for solver in solvers:
        failures, best = 0, 0
        for n in range(2, max_n + 1):
            res = solve_opt(opt_family_instance(n), solver, timeout=limit)
            ok = res.status == "optimal"
            table.add_row(solver, str(n), res.status, str(res.tel), str(res.lower_bound), f"{res.seconds:.2f}")
            console.log(f"{solver} n={n}: {res.status} TEL {res.tel} (lower {res.lower_bound}) in {res.seconds:.2f}s")
            if ok:
                best, failures = n, 0
            else:
                failures += 1
                if failures == 2:
                    break
        largest[solver] = best
    console.print(table)
    summary = Table(title="Largest n proven optimal")
    summary.add_column("solver")
    summary.add_column("largest n", justify="right")
    for solver, n in largest.items():
        summary.add_row(solver, str(n))
    console.print(summary)
    return largest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m verify.bench", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("opt", help="largest n each OPT solver proves within the limit")
    p.add_argument("--solvers", default="exhaustive,milp,z3")
    p.add_argument("--limit", type=float, default=10.0, help="seconds per instance")
    p.add_argument("--max-n", type=int, default=40)
    args = parser.parse_args(argv)
    console = Console()
    if args.what == "opt":
        bench_opt([s for s in args.solvers.split(",") if s], args.limit, args.max_n, console)
    return 0


if __name__ == "__main__":
    sys.exit(main())
