"""``kvsched replay``: re-run a witness file and compare every stored integer; exit 1 on any mismatch."""

from __future__ import annotations

import argparse

from models.schedulers.spec import names_user_scheduler
from models.witness import LivenessWitness, Witness, format_ratio
from verify.cli.common import (UsageError)


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The ``replay`` subparser: its flags and their checks.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The top-level parser's subcommands.

    Returns
    -------
    argparse.ArgumentParser
        The subparser; :func:`verify.cli.build_parser` sets its handler.
    """
    p = sub.add_parser("replay", help="re-run a witness file; exit 1 if any stored integer differs")
    p.add_argument("witness")
    p.add_argument("--trust-policy", action="store_true",
                   help="allow a witness naming a user scheduler (module:Class): replaying imports and runs it")
    return p


def run(args: argparse.Namespace) -> int:
    """``kvsched replay FILE``: re-run a witness and compare every stored integer (MODEL.md, *Witness files*).

    ``tel`` (and an objective value) is recomputed on the reference engine and ``benchmark_tel`` with exact OPT or
    H-SF; a liveness witness is re-run to its limits. Each integer that differs is printed as ``MISMATCH``.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed flags.

    Returns
    -------
    int
        1 on any mismatch, else 0.

    Raises
    ------
    UsageError
        The witness names a user scheduler (``module:Class``) and ``--trust-policy`` is not given.
    InvalidInput
        The file is not valid JSON or not a valid witness.
    """
    from verify.certify import replay

    from models.instance import read_json_file
    from models.witness import parse_ratio, witness_from_dict

    data = read_json_file(args.witness)
    if isinstance(data, dict) and "kind" not in data:
        witness = Witness.from_dict(data, check_ratio=False)  # a stored ratio that disagrees is a MISMATCH below
    else:
        witness = witness_from_dict(data)
    if names_user_scheduler(witness.policy) and not args.trust_policy:
        raise UsageError(f"policy: the witness names the user scheduler {witness.policy!r}; replaying it imports and "
                         f"runs module {witness.policy.partition(':')[0]!r}: pass --trust-policy to allow that")
    problems = replay(witness, stored_ratio=parse_ratio(data["ratio"]) if isinstance(witness, Witness) else None)
    for line in problems:
        print(f"MISMATCH {line}")
    if problems:
        return 1
    if isinstance(witness, LivenessWitness):
        from verify.search.runner import describe_liveness

        print(f"OK {args.witness}: liveness witness of {witness.policy}: {describe_liveness(witness)}")
        return 0
    print(f"OK {args.witness}: {witness.policy} tel {witness.tel}, {witness.benchmark} tel "
          f"{witness.benchmark_tel}, ratio {format_ratio(witness.ratio)}"
          + (f", {witness.objective} {witness.objective_value}" if witness.objective else ""))
    return 0


