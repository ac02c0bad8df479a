"""``kvsched report``: the bound-check report (sweep, proofs, plots, verdicts), or one from a campaign database."""

from __future__ import annotations

import argparse

from verify.cli.common import (report_dir)


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The ``report`` subparser: its flags and their checks.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The top-level parser's subcommands.

    Returns
    -------
    argparse.ArgumentParser
        The subparser; :func:`verify.cli.build_parser` sets its handler.
    """
    p = sub.add_parser("report", help="bound-check report: sweep, proofs, workload mode, plots, verdicts")
    p.add_argument("--quick", action="store_true", help="the quick preset (under 3 minutes on 2 cores)")
    p.add_argument("--preset", choices=("quick", "full", "growth"), default="quick")
    p.add_argument("--out", help="output folder (default reports/<preset>/, or reports/campaign/ with --from)")
    p.add_argument("--from", dest="from_db", help="render a campaign's results database instead of running a sweep")
    return p


def run(args: argparse.Namespace) -> int:
    """``kvsched report``: run a preset's bound-check report, or render one from a campaign database (``--from``).

    Writes ``report.md`` and ``report.html`` to ``--out``; prints each claim's verdict.

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
        ``--out`` is a file, or its parent folder cannot be created or written.
    InvalidInput
        ``--from`` is not a campaign database of this schema.
    """
    from rich.console import Console

    from verify.report import run_report
    from verify.report.verdicts import BoundVerdict

    if args.from_db:
        from verify.campaign.store import open_campaign_readonly
        from verify.report.from_db import report_from_db

        open_campaign_readonly(args.from_db).close()  # one line, before any output, for what is not a campaign
        out = report_dir(args.out or "reports/campaign")
        summary = report_from_db(args.from_db, out)
        print(f"report: {out / 'report.md'} and {out / 'report.html'} ({summary['cells']} cells, {summary['counts']}, "
              f"worst ratio {summary['worst']})")
        return 0
    preset = "quick" if args.quick else args.preset
    out = report_dir(args.out or f"reports/{preset}")
    console = Console(stderr=True)
    summary = run_report(preset, out, progress=lambda line: console.print(line, markup=False, highlight=False))
    for v in summary["verdicts"]:
        word = v["verdict"].upper() if v["verdict"] in tuple(BoundVerdict) else v["verdict"]
        print(f"{word:12s} {v['claim']}")
    print(f"report: {out / 'report.md'} and {out / 'report.html'} ({summary['cells']} cells, {summary['seconds']}s)")
    return 0


