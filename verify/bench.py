"""Deprecated: the benchmarks moved to :mod:`verify.benchmarks` (one module per benchmark) and their command line
to :mod:`verify.cli.bench` (``kvsched bench <what>``). This module re-exports the old names for callers not yet
moved; it sits above the command line in the layer contract, and nothing in the package imports it."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from verify.benchmarks.agreement import bench_agreement, search_grid_points
from verify.benchmarks.campaign import bench_campaign
from verify.benchmarks.engine import bench_engine
from verify.benchmarks.opt import OPT_FAMILY, bench_opt, largest_proven, opt_family_instance
from verify.benchmarks.parent import (PARENT_ALPHAS, PARENT_FIELDS, PARENT_POLICIES, PARENT_SETS, bench_parent_scaling,
                                      bench_parent_table, parent_table, parent_trial)
from verify.benchmarks.search import bench_search
from verify.benchmarks.serving_grid import bench_serving_grid
from verify.benchmarks.statespace import bench_statespace
from verify.benchmarks.z3_tactics import bench_z3_tactics
from verify.cli import main as cli_main
from verify.oneline_parser import EXIT_USAGE

__all__ = ["OPT_FAMILY", "PARENT_ALPHAS", "PARENT_FIELDS", "PARENT_POLICIES", "PARENT_SETS", "bench_agreement",
           "bench_campaign", "bench_engine", "bench_opt", "bench_parent_scaling", "bench_parent_table",
           "bench_search", "bench_serving_grid", "bench_statespace", "bench_z3_tactics", "largest_proven", "main",
           "opt_family_instance", "parent_table", "parent_trial", "search_grid_points"]


def main(argv: Sequence[str] | None = None) -> int:
    """``kvsched bench ARGV`` as the old entry point ran it.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after ``bench``.

    Returns
    -------
    int
        The benchmark's exit status (0, or 1 when ``agreement`` finds a disagreement).

    Raises
    ------
    SystemExit
        With status 2 for bad input (one line on stderr), as the old entry point did.
    """
    code = cli_main(["bench", *(sys.argv[1:] if argv is None else argv)])
    if code == EXIT_USAGE:
        raise SystemExit(EXIT_USAGE)
    return code


if __name__ == "__main__":
    sys.exit(main())
