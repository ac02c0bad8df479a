"""``kvsched simulate``: run one policy on an instance (MODEL.md: the round semantics), optionally against a
benchmark with the exact ratio; a table, or one JSON object with ``--json``."""

from __future__ import annotations

import argparse
from importlib import resources
import json
from typing import Any

from models.instance import load_instance
from models.run import ENGINES, run_policy
from models.schedulers import make_scheduler
from models.witness import BENCHMARKS, format_ratio
from verify.oneline_parser import seconds as _seconds
from verify.cli.common import add_policy_arguments, policy_options

DEFAULT_INSTANCE = resources.files("verify.cli").joinpath("examples", "amin_evicts.json")
"""The shipped example instance (package data, so an installed package finds it outside the checkout)."""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The ``simulate`` subparser: its flags and their checks.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The top-level parser's subcommands.

    Returns
    -------
    argparse.ArgumentParser
        The subparser; :func:`verify.cli.build_parser` sets its handler.
    """
    p = sub.add_parser("simulate", help="run one policy on an instance (fast engine by default; --engine reference)")
    p.add_argument("file", nargs="?", default=str(DEFAULT_INSTANCE),
                   help="instance JSON (default: the shipped example amin_evicts.json, package data)")
    add_policy_arguments(p)
    p.add_argument("--engine", choices=ENGINES, default="fast", help="fast (default) or the per-round reference")
    p.add_argument("--benchmark", choices=BENCHMARKS, help="add benchmark_tel and the exact ratio")
    p.add_argument("--timeout", type=_seconds("--timeout"), default=None, help="seconds allowed to prove OPT")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def run(args: argparse.Namespace) -> int:
    """``kvsched simulate``: run one policy on an instance, optionally with the exact ratio.

    The run follows MODEL.md, *Rounds and memory*. Prints a table of completions and the run's totals, or one
    JSON object. With ``--benchmark`` the ratio is checked against ``TEL(ALG) >= TEL(OPT)`` for a policy that
    does not pause jobs.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed flags.

    Returns
    -------
    int
        0.

    Raises
    ------
    InvalidInput
        The instance file is invalid, or the policy or its options are not valid.
    ModelViolation
        The run breaks a rule of the model (a decision, or the round limit).
    Unproven
        OPT was not proven within ``--timeout``.
    ImpossibleRatio
        A ratio below 1 against OPT for a policy that does not pause jobs (an :class:`Inconsistency`).
    """
    instance = load_instance(args.file)
    options = policy_options(args)
    scheduler = make_scheduler(args.policy, instance, **options)  # validates options, gives their full form
    trace = run_policy(instance, args.policy, options, engine=args.engine)
    result: dict[str, Any] = {**trace.summary(), "options": dict(scheduler.options), "engine": args.engine}
    if args.benchmark:
        from fractions import Fraction

        from verify.certify import benchmark_tel, check_ratio
        bench = benchmark_tel(instance, args.benchmark, timeout=args.timeout)
        check_ratio(trace.tel, bench, args.benchmark, args.policy)
        result.update(benchmark=args.benchmark, benchmark_tel=bench, ratio=format_ratio(Fraction(trace.tel, bench)))
    if args.json:
        print(json.dumps(result))
        return 0
    _print_trace_table(instance, trace, result)
    return 0


def _print_trace_table(instance, trace, result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{trace.policy} {result['options'] or ''}  (M = {instance.M}, {result['engine']} engine)")
    prio = instance.has_priorities  # the column only when some request has a priority other than 0
    for col in ("job", "s", "o", "l", "u", "a") + (("priority",) if prio else ()) + ("C", "latency"):
        table.add_column(col, justify="right")
    for j, (r, c, lat) in enumerate(zip(instance.requests, trace.completion, trace.latency, strict=True)):
        table.add_row(*map(str, (j, r.s, r.o, r.l, r.u, r.a) + ((r.priority,) if prio else ()) + (c, lat)))
    console = Console()
    console.print(table)
    line = (f"TEL {trace.tel}   evictions {trace.evictions}   peak memory {trace.peak_memory}   "
            f"wasted tokens {trace.wasted_tokens}   makespan {max(trace.completion)}   preemptions "
            f"{trace.preemptions}   recomputed tokens {trace.recomputed_tokens}   most departures of one job "
            f"{trace.max_departures}")
    if "ratio" in result:
        line += f"   {result['benchmark']} TEL {result['benchmark_tel']}   ratio {result['ratio']}"
    console.print(line)


