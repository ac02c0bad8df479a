"""``kvsched hsf-gap``: search small instances for the largest TEL(H-SF)/TEL(OPT)."""

from __future__ import annotations

import argparse

from models.witness import format_ratio
from verify.oneline_parser import seconds as _seconds
from verify.ranges import parse_range
from verify.cli.common import (UsageError, int_at_least, output_dir)


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The ``hsf-gap`` subparser: its flags and their checks.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The top-level parser's subcommands.

    Returns
    -------
    argparse.ArgumentParser
        The subparser; :func:`verify.cli.build_parser` sets its handler.
    """
    p = sub.add_parser("hsf-gap", help="search small instances for the largest TEL(H-SF)/TEL(OPT)")
    p.add_argument("--n", default="2..6", help="number of requests, e.g. 6 or 2..6")
    p.add_argument("--s", default="0..1")
    p.add_argument("--l", default="1..4")
    p.add_argument("--u", default="2..5")
    p.add_argument("--M-slack", default="0..4", help="M = max(s+u) + slack")
    p.add_argument("--mixed", action="store_true", help="per-request s and [l,u] instead of one for all")
    p.add_argument("--samples", type=int_at_least(1, "--samples"), default=2000)
    p.add_argument("--budget", type=_seconds("--budget"), default=None, help="stop after this many seconds")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="reports/hsf_gap")
    return p


def run(args: argparse.Namespace) -> int:
    """``kvsched hsf-gap``: draw small instances from the ranges and report the largest ``TEL(H-SF) / TEL(OPT)``.

    Prints the counts and the smallest and worst gap instances, whose witnesses are written to ``--out``
    (:func:`verify.search.hsf_gap.search_hsf_gap`).

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
    UsageError
        The lower end of ``--l`` is above the largest ``--u``, or ``--out`` is not a writable folder.
    RangeError
        A range flag is malformed or below its minimum.
    """
    from verify.search.hsf_gap import GapConfig, search_hsf_gap

    cfg = GapConfig(
        n=parse_range(args.n, "--n", 1), s=parse_range(args.s, "--s", 0), l=parse_range(args.l, "--l", 1),
        u=parse_range(args.u, "--u", 1), M_slack=parse_range(args.M_slack, "--M-slack", 0),
        uniform=not args.mixed, samples=args.samples, seed=args.seed,
    )
    if cfg.l.lo > cfg.u.hi:
        raise UsageError(f"--l: lower end {cfg.l.lo} above the largest u {cfg.u.hi}")
    res = search_hsf_gap(cfg, output_dir(args.out, "--out"), budget=args.budget)
    print(f"tried {res.tried} instances (seed {cfg.seed}); {res.gaps} with TEL(H-SF) > TEL(OPT)")
    for label, w in (("smallest", res.smallest), ("worst", res.worst)):
        if w is None:
            continue
        print(f"{label}: n={w.instance.n} M={w.instance.M} outputs={list(w.instance.outputs)} "
              f"H-SF {w.tel} / OPT {w.benchmark_tel} = {format_ratio(w.ratio)}")
    if res.worst is not None:
        print(f"witnesses in {args.out}: hsf_gap_worst.json, hsf_gap_smallest.json")
    return 0


