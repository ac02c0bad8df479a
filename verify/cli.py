"""The ``kvsched`` command line: parse arguments, call one library function, print its result.

Bad input (an invalid instance, an unknown option, a malformed range) prints one line on stderr naming the
field and the rule, and exits with status 2; no traceback, nothing half-written.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from models.engine_reference import simulate
from models.instance import InstanceError, load_instance
from models.schedulers import POLICIES, OptionError, RoundLimitExceeded, SchedulerViolation, make_scheduler
from models.schedulers.a_min import EVICTION_ORDERS
from models.feasibility import ADMISSION_RULES
from models.witness import BENCHMARKS, format_ratio, load_witness
from verify.certify import UnprovenBenchmark

EXIT_USAGE = 2
DEFAULT_INSTANCE = Path(__file__).resolve().parent.parent / "reports" / "examples" / "amin_evicts.json"


class UsageError(Exception):
    """Bad command-line input; printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not argparse's usage block
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _policy_options(args: argparse.Namespace) -> dict[str, Any]:
    """Only the options the user set; make_scheduler rejects those the policy does not have."""
    options = {}
    if args.admission is not None:
        options["admission"] = args.admission
    if args.eviction is not None:
        options["eviction"] = args.eviction
    return options


def _add_policy_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--policy", choices=POLICIES, default="amin")
    p.add_argument("--admission", choices=ADMISSION_RULES, help="[reading] greedy admission rule (default stop)")
    p.add_argument("--eviction", choices=tuple(EVICTION_ORDERS), help="[reading] A_min eviction order")


def cmd_simulate(args: argparse.Namespace) -> int:
    instance = load_instance(args.file)
    options = _policy_options(args)
    scheduler = make_scheduler(args.policy, instance, **options)
    trace = simulate(instance, scheduler)
    result: dict[str, Any] = {**trace.summary(), "options": dict(scheduler.options)}
    if args.benchmark:
        from fractions import Fraction

        from verify.certify import benchmark_tel
        bench = benchmark_tel(instance, args.benchmark, timeout=args.timeout)
        result.update(benchmark=args.benchmark, benchmark_tel=bench, ratio=format_ratio(Fraction(trace.tel, bench)))
    if args.json:
        print(json.dumps(result))
        return 0
    _print_trace_table(instance, trace, result)
    return 0


def _print_trace_table(instance, trace, result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{trace.policy} {result['options'] or ''}  (M = {instance.M})")
    for col in ("job", "s", "o", "l", "u", "a", "C", "latency"):
        table.add_column(col, justify="right")
    for j, (r, c, lat) in enumerate(zip(instance.requests, trace.completion, trace.latency, strict=True)):
        table.add_row(*map(str, (j, r.s, r.o, r.l, r.u, r.a, c, lat)))
    console = Console()
    console.print(table)
    line = (f"TEL {trace.tel}   evictions {trace.evictions}   peak memory {trace.peak_memory}   "
            f"wasted tokens {trace.wasted_tokens}   rounds {len(trace.rounds)}")
    if "ratio" in result:
        line += f"   {result['benchmark']} TEL {result['benchmark_tel']}   ratio {result['ratio']}"
    console.print(line)


def cmd_replay(args: argparse.Namespace) -> int:
    from verify.certify import replay

    witness = load_witness(args.witness)
    problems = replay(witness)
    for line in problems:
        print(f"MISMATCH {line}")
    if problems:
        return 1
    print(f"OK {args.witness}: {witness.policy} tel {witness.tel}, {witness.benchmark} tel "
          f"{witness.benchmark_tel}, ratio {format_ratio(witness.ratio)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kvsched", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("simulate", help="run one policy on an instance with the reference engine")
    p.add_argument("file", nargs="?", default=str(DEFAULT_INSTANCE),
                   help="instance JSON (default: the shipped example reports/examples/amin_evicts.json)")
    _add_policy_arguments(p)
    p.add_argument("--benchmark", choices=BENCHMARKS, help="add benchmark_tel and the exact ratio")
    p.add_argument("--timeout", type=float, default=None, help="seconds allowed to prove OPT")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=cmd_simulate)

    p = sub.add_parser("replay", help="re-run a witness file; exit 1 if any stored integer differs")
    p.add_argument("witness")
    p.set_defaults(run=cmd_replay)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (InstanceError, OptionError, UsageError) as exc:
        print(f"kvsched: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (SchedulerViolation, RoundLimitExceeded, UnprovenBenchmark) as exc:
        print(f"kvsched: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("kvsched: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
