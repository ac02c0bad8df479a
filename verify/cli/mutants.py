"""``kvsched mutants``: seeded bugs in copies of the model; exit 1 if a suite misses one."""

from __future__ import annotations

import argparse

from verify.cli.common import int_at_least


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The ``mutants`` subparser: its flags and their checks.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The top-level parser's subcommands.

    Returns
    -------
    argparse.ArgumentParser
        The subparser; :func:`verify.cli.build_parser` sets its handler.
    """
    p = sub.add_parser("mutants", help="seeded bugs in copies of the model; exit 1 if a suite misses one")
    p.add_argument("--max-examples", type=int_at_least(1, "--max-examples"), default=60,
                   help="Hypothesis examples per suite and mutant (>= 1)")
    return p


def run(args: argparse.Namespace) -> int:
    """``kvsched mutants``: run every property suite on every seeded mutant of the model, and tabulate the kills.

    Every suite is first run on the unmutated model (the baseline); a mutant survives when no suite kills it.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed flags (``max_examples``).

    Returns
    -------
    int
        1 if some mutant survived, else 0.

    Raises
    ------
    BaselineFailure
        A suite fails on the unmutated model (an :class:`~models.errors.Inconsistency`: exit status 1).
    """
    from rich.console import Console
    from rich.table import Table

    from verify.testing.mutants import run_mutants
    from verify.testing.properties import SUITES

    console = Console(width=max(Console().width, 150))

    def show(r) -> None:
        errs = f"; harness errors (not kills): {', '.join(r.errors)}" if r.errors else ""
        console.print(f"{r.mutant.name}: {'killed' if r.killed_by else 'SURVIVED'} ({r.seconds:.1f}s){errs}",
                      markup=False)

    console.print("baseline: every suite on the unmutated model ...", markup=False)
    results = run_mutants(max_examples=args.max_examples, progress=show)  # a BaselineFailure exits 1
    table = Table(title="Mutants and the suites that kill them (x = killed, E = harness error, not a kill)")
    table.add_column("mutant")
    for name in SUITES:
        table.add_column(name, justify="center")
    table.add_column("verdict")
    for r in results:
        table.add_row(r.mutant.name, *("x" if s in r.killed_by else "E" if s in r.errors else "." for s in SUITES),
                      "SURVIVED" if r.survived else "killed")
    console.print(table)
    survivors = [r.mutant.name for r in results if r.survived]
    print(f"{len(results) - len(survivors)} of {len(results)} mutants killed" +
          (f"; survivors: {', '.join(survivors)}" if survivors else ""))
    return 1 if survivors else 0


