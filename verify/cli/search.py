"""``kvsched search``: adversarial output lengths that maximise a policy's ratio (or another objective)."""

from __future__ import annotations

import argparse
import json

from models.grid import Grid
from models.instance import load_instance
from models.run import check_fast_engine
from models.schedulers import PolicySpec
from models.shape import Shape
from models.witness import BENCHMARKS, OBJECTIVES, format_ratio
from verify.oneline_parser import seconds as _seconds
from verify.ranges import check_grid_size, parse_range
from verify.symbolic.scheduler_z3 import check_encodable
from verify.cli.common import (UsageError, add_policy_arguments, output_dir, policy_options)


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The ``search`` subparser: its flags and their checks.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The top-level parser's subcommands.

    Returns
    -------
    argparse.ArgumentParser
        The subparser; :func:`verify.cli.build_parser` sets its handler.
    """
    p = sub.add_parser("search", help="adversarial output lengths that maximise a policy's ratio")
    add_policy_arguments(p, user=True)
    p.set_defaults(policy="amin")
    for name, default in (("n", "4"), ("M", "12"), ("s", "1"), ("l", "1"), ("u", "6")):
        p.add_argument(f"--{name}", default=default, help="an integer or a range a..b")
    p.add_argument("--instance", help="search this instance's configuration instead of a grid (its o is ignored)")
    p.add_argument("--benchmark", choices=BENCHMARKS, default="opt")
    p.add_argument("--objective", choices=OBJECTIVES, default="ratio",
                   help="what to maximise: ratio (default); preemptions = the most departures from memory "
                        "(evictions + preemptions) of any one job; recomputed = the run's recomputed tokens "
                        "(exhaustive and local strategies)")
    p.add_argument("--strategy", choices=("z3", "exhaustive", "local", "hypothesis", "portfolio", "statespace",
                                          "families", "targeted"),
                   default="portfolio")
    p.add_argument("--budget", type=_seconds("--budget"), default=30.0, help="seconds per configuration")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--start", help="o1,o2,...: begin from this output vector (z3, statespace, local; one "
                                   "configuration); z3 then first asks whether anything beats it")
    p.add_argument("--out", default="reports/search")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    return p


def _parse_start(text: str, strategy: str, problems: list) -> tuple[int, ...]:
    """``--start o1,o2,...``: one output vector inside the single configuration being searched."""
    from verify.search import STARTABLE

    if strategy not in STARTABLE:
        raise UsageError(f"--start: only the {', '.join(STARTABLE)} strategies take a start vector, not {strategy}")
    if len(problems) != 1:
        raise UsageError(f"--start: needs exactly one configuration, the ranges give {len(problems)}")
    try:
        start = tuple(int(x) for x in text.split(","))
    except ValueError:
        raise UsageError(f"--start: must be comma-separated integers, got {text!r}") from None
    reqs = problems[0].shape.requests
    if len(start) != len(reqs):
        raise UsageError(f"--start: needs n={len(reqs)} values, got {len(start)}")
    for j, (o, r) in enumerate(zip(start, reqs, strict=True)):
        if not r.l <= o <= r.u:
            raise UsageError(f"--start: value {j} must lie in [l, u] = [{r.l}, {r.u}], got {o}")
    return start


def run(args: argparse.Namespace) -> int:
    """``kvsched search``: adversarial output lengths over a grid of shapes (or one instance's shape).

    Each configuration is searched by ``--strategy`` for ``--budget`` seconds
    (:func:`verify.search.runner.search_grid`); improving witnesses are written to ``--out`` as they are
    found. Prints one line per configuration and the best, or one JSON object.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed flags.

    Returns
    -------
    int
        0, or 130 if interrupted.

    Raises
    ------
    UsageError
        No configuration in the ranges, an objective the strategy does not search, a bad ``--start``, or
        ``--out`` not a writable folder.
    InvalidInput
        A range is malformed or the grid too large, the instance file is invalid, the policy or its options are
        not valid, the policy has no Z3 encoding (``--strategy z3``), or a shape is too large for the fast engine.
    """
    from rich.console import Console

    from verify.search import Problem
    from verify.search.runner import describe_liveness, search_grid

    console = Console(stderr=True)
    options = policy_options(args)
    if args.instance:
        shapes = [Shape.of(load_instance(args.instance))]
    else:
        n, M, s = parse_range(args.n, "--n", 1), parse_range(args.M, "--M", 1), parse_range(args.s, "--s", 0)
        l, u = parse_range(args.l, "--l", 1), parse_range(args.u, "--u", 1)  # noqa: E741
        check_grid_size("--n/--M/--s/--l/--u", [len(n), len(M), len(s), len(l), len(u)], n.hi)
        shapes = list(Grid.product(n=n, s=s, u=u, l=l, M=M).shapes())
        if not shapes:
            raise UsageError("--n/--M/--s/--l/--u: no configuration with l <= u and s + u <= M in these ranges")
    from verify.search import OBJECTIVE_STRATEGIES

    if args.objective != "ratio" and args.strategy not in OBJECTIVE_STRATEGIES:
        raise UsageError(f"--objective: {args.objective} is searched by --strategy "
                         f"{' or '.join(OBJECTIVE_STRATEGIES)} only, not {args.strategy}")
    spec = PolicySpec.parse(args.policy, options)  # validated once for every cell
    if args.strategy == "z3":
        check_encodable(spec)
    problems = [Problem(c, spec, benchmark=args.benchmark, objective=args.objective) for c in shapes]
    start = _parse_start(args.start, args.strategy, problems) if args.start else None
    if spec.traits.fast_engine:
        for p in problems:  # reject instances the fast engine cannot hold before any work
            check_fast_engine(p.shape)
    full = spec.options
    out = output_dir(args.out, "--out")
    console.print(f"searching {len(problems)} configuration(s) with {args.strategy}, budget {args.budget}s each, "
                  f"seed {args.seed}; witnesses in {out}/")
    report = search_grid(problems, args.strategy, budget=args.budget, seed=args.seed, out=out, start=start,
                         progress=lambda line: console.print(line, markup=False, highlight=False))
    rows = [{"cell": c.best_path.name.removesuffix("-best.json") if c.best_path else None,
             "best_ratio": format_ratio(c.outcome.best_ratio) if c.outcome.best else None,
             **({"objective": args.objective, "best_value": c.outcome.best_value if c.outcome.best else None}
                if args.objective != "ratio" else {}),
             "proof": c.outcome.proof_status,
             "proven_upper": format_ratio(c.outcome.proven_upper) if c.outcome.proven_upper else None,
             "witness": str(c.best_path) if c.best_path else None,
             "evaluations": c.outcome.evaluations, "seconds": round(c.outcome.seconds, 3),
             "notes": c.outcome.notes,
             "liveness_witness": str(c.liveness_path) if c.liveness_path else None,
             "liveness": ({"round_limit": c.liveness.round_limit, "unfinished": list(c.liveness.unfinished),
                           "extended_limit": c.liveness.extended_limit, "tel": c.liveness.tel,
                           "ratio": format_ratio(c.liveness.ratio) if c.liveness.ratio else None}
                          if c.liveness else None)} for c in report.cells]
    best = report.best
    summary = {"strategy": args.strategy, "policy": args.policy, "options": full, "benchmark": args.benchmark,
               "objective": args.objective, "cells": rows, "interrupted": report.interrupted,
               "best_ratio": format_ratio(best.outcome.best_ratio) if best else None,
               "best_witness": str(best.best_path) if best else None}
    if args.json:
        print(json.dumps(summary))
    else:
        for row in rows:
            value = f"{row['objective']} {row['best_value']}, ratio " if "objective" in row else ""
            print(f"{row['cell']}: best {value}{row['best_ratio']}  proof {row['proof']}"
                  + (f" (no instance reaches {row['proven_upper']})" if row['proof'] == "bracketed" else "")
                  + f"  witness {row['witness']}")
        for c in report.cells:
            if c.liveness is not None:
                print(f"LIVENESS {c.best_path.name.removesuffix('-best.json') if c.best_path else ''}: "
                      f"{describe_liveness(c.liveness)}  witness {c.liveness_path}")
        if best and args.objective != "ratio":
            print(f"BEST {args.objective} {best.outcome.best_value} (ratio {summary['best_ratio']})  "
                  f"proof {best.outcome.proof_status}  witness {summary['best_witness']}")
        elif best:
            print(f"BEST {summary['best_ratio']} = {float(best.outcome.best_ratio):.4f}  "
                  f"proof {best.outcome.proof_status}  witness {summary['best_witness']}")
        if report.interrupted:
            print(f"INTERRUPTED after {len(report.cells)} of {len(problems)} configuration(s): the best witness "
                  "so far is above; nothing of the interrupted configuration is proven")
    return 130 if report.interrupted else 0


