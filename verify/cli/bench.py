"""``kvsched bench``: the benchmarks (run by hand, never timed inside tests)."""

from __future__ import annotations

import argparse

from verify.bench import main as bench_main


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The ``bench`` subparser: everything after ``bench`` goes to the benchmark parser untouched."""
    p = sub.add_parser("bench", help="benchmarks: kvsched bench opt|engine|search|agreement [options]",
                       add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    return p


def run(args: argparse.Namespace) -> int:
    return bench_main(args.rest)
