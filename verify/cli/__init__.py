"""The ``kvsched`` command line: parse arguments, call one library function, print its result.

Bad input (an invalid instance, an unknown option, a malformed range) prints one line on stderr naming the
field and the rule, and exits with status 2; no traceback, nothing half-written.

One module per subcommand (``verify.cli.<name>``), each with ``add_parser(sub)`` and ``run(args) -> int``;
this module builds the top-level parser, dispatches, and maps errors to exit codes: :class:`InvalidInput` → 2,
any other :class:`KvschedError` → 1, an argparse error → 2, an interrupt → 130.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from models.errors import InvalidInput, KvschedError
from verify.cli import (bench, campaign, hsf_gap, mutants, opt, prove, replay, report, search, simulate,
                        workload)
from verify.cli.common import UsageError
from verify.cli.simulate import DEFAULT_INSTANCE
from verify.oneline_parser import EXIT_USAGE, OneLineParser

__all__ = ["COMMANDS", "DEFAULT_INSTANCE", "UsageError", "build_parser", "main"]

COMMANDS = {"simulate": simulate, "replay": replay, "opt": opt, "search": search, "bench": bench, "prove": prove,
            "mutants": mutants, "report": report, "workload": workload, "campaign": campaign, "hsf-gap": hsf_gap}
"""Subcommand name → its module (``add_parser(sub)``, ``run(args) -> int``), in the order ``--help`` lists them."""

# The handler of each subcommand, looked up by build_parser when it builds the parser (so replacing one here,
# e.g. in a test, takes effect on the next main()).
cmd_simulate = simulate.run
cmd_replay = replay.run
cmd_opt = opt.run
cmd_search = search.run
cmd_bench = bench.run
cmd_prove = prove.run
cmd_mutants = mutants.run
cmd_report = report.run
cmd_workload = workload.run
cmd_campaign = campaign.run
cmd_hsf_gap = hsf_gap.run


def build_parser() -> argparse.ArgumentParser:
    """The top-level ``kvsched`` parser with every subcommand's subparser.

    Returns
    -------
    argparse.ArgumentParser
        A :class:`~verify.oneline_parser.OneLineParser`: a usage error is one line and exit status 2. Each
        subcommand's namespace carries ``run``, its handler.
    """
    parser = OneLineParser(prog="kvsched", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    handlers = globals()
    for name, module in COMMANDS.items():
        p = module.add_parser(sub)
        p.set_defaults(run=handlers[f"cmd_{name.replace('-', '_')}"])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``kvsched`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name (default ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: the command's own (0, 1 for a finding, 130 if interrupted), 2 for bad input
        (:class:`~models.errors.InvalidInput`: one line ``kvsched: error: field: rule`` on stderr), 1 for any
        other :class:`~models.errors.KvschedError` (one line naming its kind).

    Notes
    -----
    Every outcome is a returned status, usage errors too: argparse's one line on stderr and 2 (0 after ``--help``),
    so a caller never has to catch :class:`SystemExit`.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed its one line (or the help)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return int(args.run(args))
    except InvalidInput as exc:  # a field broke a rule: one line, exit 2
        print(f"kvsched: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KvschedError as exc:  # ModelViolation, Unproven, Inconsistency: a finding or a defect, exit 1
        print(f"kvsched: {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("kvsched: interrupted", file=sys.stderr)
        return 130
    except SystemError as exc:  # numba's compiled code, interrupted, reports the KeyboardInterrupt this way
        from verify.search.runner import is_interrupt

        if not is_interrupt(exc):
            raise
        print("kvsched: interrupted", file=sys.stderr)
        return 130


def _one_line(exc: BaseException) -> str:
    """An error's message on one line (a message that spans lines would break the one-line contract)."""
    return " ".join(str(exc).split("\n"))
