"""``kvsched opt``: the exact hindsight optimum of an instance (a timeout is ``unknown``, never optimal)."""

from __future__ import annotations

import argparse
import json

from models.instance import load_instance
from verify.oneline_parser import seconds as _seconds
from verify.opt import SOLVERS


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The ``opt`` subparser: its flags and their checks.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The top-level parser's subcommands.

    Returns
    -------
    argparse.ArgumentParser
        The subparser; :func:`verify.cli.build_parser` sets its handler.
    """
    p = sub.add_parser("opt", help="exact hindsight optimum of an instance")
    p.add_argument("file")
    p.add_argument("--solver", choices=("auto", *SOLVERS), default="auto",
                   help="auto: exhaustive for n <= 7; beyond, exhaustive within a node budget, then the MILP")
    p.add_argument("--timeout", type=_seconds("--timeout"), default=None, help="seconds; on expiry status is 'unknown'")
    p.add_argument("--json", action="store_true")
    return p


def run(args: argparse.Namespace) -> int:
    """``kvsched opt FILE``: the exact hindsight optimum of an instance, as a line or one JSON object.

    A solver that runs out of ``--timeout`` reports the bounds it proved and status ``unknown``, never a value as
    optimal (MODEL.md, *The paper's schedulers*, OPT).

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
        The file is not a valid instance (:func:`models.instance.load_instance`).
    """
    from verify.opt import solve_opt

    result = solve_opt(load_instance(args.file), args.solver, timeout=args.timeout)
    if args.json:
        print(json.dumps(result.to_dict()))
    else:
        print(f"{result.solver}: {result.status} TEL {result.tel} (bounds {result.lower_bound}..{result.upper_bound}) "
              f"in {result.seconds:.3f}s; starts {list(result.starts)}")
    return 0


