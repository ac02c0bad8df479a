"""``kvsched bench <what>``: the performance benchmarks (:mod:`verify.benchmarks`), run by hand, never timed inside
tests. Each benchmark is a real subparser (``kvsched bench opt --help``)."""

from __future__ import annotations

import argparse
import os
from fractions import Fraction
from importlib import resources
from pathlib import Path

from rich.console import Console

from verify.benchmarks.engine import bench_engine
from verify.benchmarks.opt import bench_opt
from verify.benchmarks.parent import bench_parent_scaling, bench_parent_table
from verify.benchmarks.search import bench_search
from verify.benchmarks.serving_grid import bench_serving_grid
from verify.benchmarks.statespace import bench_statespace
from verify.benchmarks.z3_tactics import bench_z3_tactics
from verify.cli.common import UsageError, check_scheduler_address, choice_list, output_file, seconds_list
from verify.oneline_parser import OneLineParser, positive_int, seconds
from verify.opt import SOLVERS

QUICK_SPEC = resources.files("verify.benchmarks").joinpath("specs", "quick.toml")
"""The campaign SPEC ``bench campaign`` runs by default (package data, a copy of reports/specs/quick.toml)."""


def add_parser(top: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The ``bench`` subparser, and one subparser per benchmark under it.

    Parameters
    ----------
    top : argparse._SubParsersAction
        The top-level parser's subcommands.

    Returns
    -------
    argparse.ArgumentParser
        The subparser; :func:`verify.cli.build_parser` sets its handler.
    """
    parser = top.add_parser("bench", help="benchmarks: kvsched bench opt|engine|search|agreement|... [options]",
                            description="Benchmarks (run by hand, never timed inside tests): kvsched bench <what>.")
    sub = parser.add_subparsers(dest="what", required=True, parser_class=OneLineParser)
    p = sub.add_parser("opt", help="largest n each OPT solver proves within each limit")
    p.add_argument("--solvers", type=choice_list("--solvers", ("auto", *SOLVERS)),
                   default=("exhaustive", "milp", "z3"), help=f"comma-separated, from auto, {', '.join(SOLVERS)}")
    p.add_argument("--limits", type=seconds_list("--limits"), default=(10.0,),
                   help="seconds, comma-separated; each instance gets the largest")
    p.add_argument("--max-n", type=positive_int, default=40)
    p = sub.add_parser("engine", help="reference vs fast engine on the paper-like workload and tiny instances")
    p.add_argument("--reference-sizes", default="1000,2000,10000",
                   help="n at which the reference engine is also run (10000 takes about 20 minutes)")
    p.add_argument("--fast-sizes", default="1000,2000,10000,100000")
    p.add_argument("--tiny", type=positive_int, default=2000, help="number of tiny instances")
    p.add_argument("--policies", default="amin,vllm-v1,sglang", help="policies measured, default options")
    p = sub.add_parser("serving-grid", help="worst ratio against exact OPT, worst preemptions of one job and "
                                            "most recomputed tokens on a small exhaustive grid, with witnesses")
    p.add_argument("--policies", default="vllm-v1,sglang,fcfs-recompute,amin")
    p.add_argument("--n", default="2..4", help="range of n")
    p.add_argument("--s", default="0..2", help="range of each job's prompt s_j (every vector)")
    p.add_argument("--l", type=int, default=1, help="l of every job")
    p.add_argument("--u", default="4", help="range of u")
    p.add_argument("--slack", type=int, default=4, help="M in max(s)+u .. max(s)+u+slack")
    p.add_argument("--out", default="reports/serving_grid")
    p = sub.add_parser("agreement", help="Z3's (or statespace's) proven maximum vs exhaustive enumeration on the "
                                         "search grid")
    p.add_argument("--strategy", choices=("z3", "statespace"), default="z3")
    p.add_argument("--policies", default="amin,amax")
    p.add_argument("--n", default="2..5", help="range of n (the grid: 2..5)")
    p.add_argument("--u", default="2..6", help="range of u (the grid: 2..6)")
    p.add_argument("--l", default=None, help="range of l (default: every l in 1..u)")
    p.add_argument("--budget", type=seconds("--budget"), default=60.0, help="seconds per grid point for the proving strategy")
    p.add_argument("--results", default=None, help="SQLite file that keeps every point's result; points closed "
                                                   "there are not run again")
    p.add_argument("--workers", type=positive_int, default=1, help="worker processes (Dask LocalCluster when > 1)")
    p.add_argument("--csv", default=None, help="write every point's result (run now or read back) to this CSV")
    p = sub.add_parser("search", help="strategies compared on one budget for A_min")
    p.add_argument("--alphas", default="1/2,1/4,1/8")
    p.add_argument("--sizes", default="4,6,8")
    p.add_argument("--u", type=positive_int, default=8)
    p.add_argument("--budget", type=seconds("--budget"), default=30.0)
    p = sub.add_parser("z3-tactics", help="the Z3 solver pipeline with and without elim-term-ite")
    p.add_argument("--limit", type=seconds("--limit"), default=120.0, help="seconds per query")
    p.add_argument("--seeds", default="0,1")
    p = sub.add_parser("campaign", help="1 vs 2 worker processes on a CPU-bound campaign")
    p.add_argument("--spec", default=str(QUICK_SPEC),
                   help="campaign SPEC (default: the shipped quick.toml, package data)")
    p = sub.add_parser("statespace", help="state-graph compression and the largest n proven per method")
    p.add_argument("--limit", type=seconds("--limit"), default=60.0)
    p.add_argument("--max-n", type=positive_int, default=8)
    p = sub.add_parser("parent-scaling", help="largest n each OPT solver proves on the parent paper's family")
    p.add_argument("--solvers", type=choice_list("--solvers", ("auto", *SOLVERS)), default=("exhaustive", "milp", "bnb"),
                   help=f"comma-separated, from auto, {', '.join(SOLVERS)}")
    p.add_argument("--limits", type=seconds_list("--limits"), default=(10.0, 60.0),
                   help="seconds, comma-separated; each instance gets the largest")
    p.add_argument("--max-n", type=positive_int, default=60)
    p.add_argument("--poisson", action="store_true", help="Poisson arrivals instead of all arrivals 0")
    p = sub.add_parser("lp", help="the certified LP bound, whole model vs column generation, on the parent family")
    p.add_argument("--seeds", default="0,1,2,3,4", help="comma-separated trial seeds")
    p.add_argument("--n", type=positive_int, default=None, help="jobs per instance (default: drawn in [40, 60])")
    p.add_argument("--poisson", action="store_true", help="Poisson arrivals instead of all arrivals 0")
    p = sub.add_parser("parent-table", help="H-SF and online policies against OPT on the parent paper's family")
    p.add_argument("--trials", type=positive_int, default=200, help="trials per arrival set")
    p.add_argument("--limit", type=seconds("--limit"), default=60.0, help="OPT solver seconds per trial")
    p.add_argument("--solver", choices=("auto", *SOLVERS), default="auto")
    p.add_argument("--db", default=None, help="SQLite file that keeps every trial's result as it arrives; a trial "
                                              "stored optimal, or run by the same --solver with at least --limit, "
                                              "is not run again")
    p.add_argument("--workers", type=positive_int, default=1,
                   help="worker processes: 1 runs in this process, more a Dask LocalCluster")
    p.add_argument("--scheduler", default=None,
                   help="address of an existing Dask scheduler to run the trials on, e.g. tcp://host:8786")
    p.add_argument("--csv", default=None, help="also write every trial's row (run now or read back) to this CSV")
    p.add_argument("--markdown", default=None, help="write the table as a Markdown report section to this file")
    return parser


def _list(text: str, flag: str, convert=int) -> list:
    """A comma-separated list for ``flag``; a malformed item is one line, exit status 2."""
    try:
        values = [convert(x) for x in text.split(",") if x.strip()]
    except (ValueError, ZeroDivisionError):
        raise UsageError(f"{flag}: must be a comma-separated list of numbers, got {text!r}") from None
    if not values:
        raise UsageError(f"{flag}: must not be empty")
    return values



def run(args: argparse.Namespace) -> int:
    """``kvsched bench <what>``: run the benchmark ``args.what`` on a wide console.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed flags; ``args.what`` names the benchmark.

    Returns
    -------
    int
        0; for ``agreement``, 1 if the proving strategy and enumeration disagree on some point.

    Raises
    ------
    UsageError
        A policy list names an unknown policy, a range or list is malformed or empty, the serving grid is too
        large or breaks a rule, ``--out`` is a file, the folder of ``--results`` or ``--markdown`` does not exist,
        ``--results`` or ``--db`` is a database of another kind or schema, the folder of ``--db`` or ``--csv``
        cannot be created or written, or ``--scheduler`` is not an address where a Dask scheduler answers.
    """
    console = Console(width=max(Console().width, 130))
    if args.what == "opt":
        bench_opt(list(args.solvers), list(args.limits), args.max_n, console)
    elif args.what == "engine":
        from models.schedulers import POLICIES

        unknown = [p for p in args.policies.split(",") if p not in POLICIES or p == "hsf"]
        if unknown or not args.policies:
            raise UsageError(f"--policies: unknown policy {(unknown or [''])[0]!r} (online built-ins: "
                         f"{', '.join(p for p in POLICIES if p != 'hsf')})")
        bench_engine(_list(args.reference_sizes, "--reference-sizes"), _list(args.fast_sizes, "--fast-sizes"),
                     args.tiny, console, args.policies.split(","))
    elif args.what == "serving-grid":
        from models.schedulers import POLICY_OPTIONS
        from verify.ranges import RangeError, check_grid_size, parse_range
        from verify.search.serving_grid import ServingGrid

        unknown = [p for p in args.policies.split(",") if p not in POLICY_OPTIONS]
        if unknown or not args.policies:
            raise UsageError(f"--policies: unknown policy {(unknown or [''])[0]!r} (built-in: {', '.join(POLICY_OPTIONS)})")
        try:
            ns, ss, us = parse_range(args.n, "--n", 1), parse_range(args.s, "--s", 0), parse_range(args.u, "--u", 1)
            check_grid_size("--n/--s/--u", [len(ns), len(ss) ** ns.hi, len(us)], ns.hi)
            grid = ServingGrid(tuple(ns), tuple(ss), args.l, tuple(us), args.slack)
        except (RangeError, ValueError) as exc:
            raise UsageError(str(exc))
        out = Path(args.out)
        if out.exists() and not out.is_dir():
            raise UsageError(f"--out: {args.out} is a file; it must be a folder")
        bench_serving_grid(grid, args.policies.split(","), out, console)
    elif args.what == "agreement":
        # the agreement and campaign benchmarks load the search stack (about half a second): imported when run
        from verify.benchmarks.agreement import bench_agreement, search_grid_points
        from verify.campaign.store import IncompatibleDatabase
        from verify.ranges import RangeError, parse_range

        try:
            points = list(search_grid_points(parse_range(args.n, "--n", 1), parse_range(args.u, "--u", 1),
                                             None if args.l is None else parse_range(args.l, "--l", 1)))
        except RangeError as exc:
            raise UsageError(str(exc))  # one line, exit status 2
        from models.schedulers import POLICY_OPTIONS

        unknown = [p for p in args.policies.split(",") if p not in POLICY_OPTIONS]
        if unknown:
            raise UsageError(f"--policies: unknown policy {unknown[0]!r} (built-in: {', '.join(POLICY_OPTIONS)})")
        if args.results is not None and not Path(args.results).resolve().parent.is_dir():
            raise UsageError(f"--results: directory of {args.results} does not exist")
        try:
            counts = bench_agreement(args.policies.split(","), points, args.budget, console, args.strategy,
                                     results=args.results, workers=args.workers, csv_path=args.csv)
        except IncompatibleDatabase as exc:
            raise UsageError(str(exc))
        return 1 if counts["disagree"] else 0
    elif args.what == "parent-scaling":
        bench_parent_scaling(list(args.solvers), list(args.limits), args.max_n, args.poisson, console)
    elif args.what == "lp":
        from verify.benchmarks.lp import bench_lp

        bench_lp(_list(args.seeds, "--seeds"), args.poisson, console, args.n)
    elif args.what == "parent-table":
        from verify.campaign.executor import SchedulerUnreachable
        from verify.campaign.store import IncompatibleDatabase

        if args.markdown is not None and not Path(args.markdown).resolve().parent.is_dir():
            raise UsageError(f"--markdown: directory of {args.markdown} does not exist")
        if args.db is not None:
            db = output_file(args.db, "--db")
            if db.exists() and not os.access(db, os.W_OK):
                raise UsageError(f"--db: {args.db} is not writable")
        if args.csv is not None:
            output_file(args.csv, "--csv")
        if args.scheduler:
            check_scheduler_address(args.scheduler)
        try:
            bench_parent_table(args.trials, args.limit, args.solver, console, db=args.db, workers=args.workers,
                               scheduler=args.scheduler, csv_path=args.csv, markdown=args.markdown)
        except (IncompatibleDatabase, SchedulerUnreachable) as exc:
            raise UsageError(str(exc)) from None
    elif args.what == "z3-tactics":
        bench_z3_tactics(args.limit, _list(args.seeds, "--seeds"), console)
    elif args.what == "campaign":
        from verify.benchmarks.campaign import bench_campaign

        bench_campaign(args.spec, console)
    elif args.what == "statespace":
        bench_statespace(args.limit, args.max_n, console)
    elif args.what == "search":
        bench_search(_list(args.alphas, "--alphas", Fraction), _list(args.sizes, "--sizes"),
                     args.budget, args.u, console)
    return 0
