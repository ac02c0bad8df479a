"""``kvsched campaign``: run a SPEC on Dask, or read a results database (status, export)."""

from __future__ import annotations

import argparse
import json
import sys

from models.atomic import write_atomic
from verify.cli.common import UsageError, check_scheduler_address, output_file


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The ``campaign`` subparser: its flags and their checks.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The top-level parser's subcommands.

    Returns
    -------
    argparse.ArgumentParser
        The subparser; :func:`verify.cli.build_parser` sets its handler.
    """
    p = sub.add_parser("campaign", help="campaigns on Dask: run SPEC, status DB, export DB --csv")
    p.add_argument("action", choices=("run", "status", "export"))
    p.add_argument("target", help="run: the SPEC (TOML); status/export: the database")
    p.add_argument("--db", default="campaign.db", help="run: the SQLite results database")
    p.add_argument("--scheduler", help="run: address of an existing Dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--workers", type=int, help="run: worker processes of the embedded LocalCluster (default: cores)")
    p.add_argument("--csv", action="store_true", help="export: CSV (the only format)")
    p.add_argument("--out", help="export: write to this file instead of stdout")
    p.add_argument("--json", action="store_true")
    return p


def run(args: argparse.Namespace) -> int:
    """``kvsched campaign run|status|export``: run a SPEC on Dask, or read a results database.

    ``run`` loads and checks the SPEC, checks ``--scheduler`` (a reachable ``tcp://host:port``) and ``--workers``,
    then runs every cell not already done into ``--db``; ``status`` prints the cell counts and the worst ratio so
    far; ``export`` writes the database as CSV to ``--out`` or stdout. Status and export never write to the
    database.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed flags.

    Returns
    -------
    int
        0; for ``run``, 1 if a cell failed and 130 if interrupted.

    Raises
    ------
    UsageError
        ``--workers`` below 1, a ``--scheduler`` that is not an address or does not answer, or ``--out`` not a
        writable file path.
    InvalidInput
        The SPEC is invalid (:class:`~verify.campaign.spec.SpecError`), or the database is not a campaign
        database of this schema.
    """
    if args.action == "run":
        from rich.console import Console

        from verify.campaign.executor import SchedulerUnreachable
        from verify.campaign.run import run_campaign
        from verify.campaign.spec import load_spec

        spec = load_spec(args.target)
        if args.scheduler:
            check_scheduler_address(args.scheduler)
        if args.workers is not None and args.workers < 1:
            raise UsageError(f"--workers: must be an integer >= 1, got {args.workers}")
        console = Console(stderr=True)
        try:
            summary = run_campaign(spec, args.db, scheduler=args.scheduler, workers=args.workers,
                                   progress=lambda line: console.print(line, markup=False, highlight=False))
        except SchedulerUnreachable as exc:
            raise UsageError(str(exc)) from None
        print(f"campaign {spec.name}: {summary.planned} cells, {summary.skipped_done} already done, "
              f"{summary.recorded} recorded now, {summary.failed} failed; database {args.db}: {summary.counts} "
              f"({summary.seconds:.1f}s){' INTERRUPTED: run again to resume' if summary.interrupted else ''}")
        return 130 if summary.interrupted else (1 if summary.counts["failed"] else 0)
    # imported when run, as above: the results store loads the search stack (about half a second)
    from verify.campaign.status import campaign_status, export_csv

    out = output_file(args.out, "--out") if args.action == "export" and args.out else None
    if args.action == "status":  # status and export never write to the database
        status = campaign_status(args.target)
        counts = status.counts
        print(json.dumps(counts) if args.json else "  ".join(f"{k} {v}" for k, v in counts.items()))
        if status.worst is not None and not args.json:
            w = status.worst
            print(f"worst ratio so far {w.ratio} ({w.proof}) at {w.params}")
        return 0
    text = export_csv(args.target)
    if out is not None:
        write_atomic(out, text)
    else:
        sys.stdout.write(text)
    return 0
