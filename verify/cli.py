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
from typing import Any

from models.errors import InvalidInput, KvschedError
from models.run import ENGINES, check_fast_engine, run_policy
from models.instance import load_instance
from models.schedulers import (POLICIES, PolicySpec, make_scheduler)
from models.schedulers.spec import names_user_scheduler
from models.schedulers.a_min import EVICTION_ORDERS
from models.feasibility import ADMISSION_RULES
from models.witness import BENCHMARKS, OBJECTIVES, LivenessWitness, Witness, format_ratio
from verify.symbolic.scheduler_z3 import check_encodable
from verify.oneline_parser import EXIT_USAGE, OneLineParser, seconds as _seconds
from verify.opt import SOLVERS
from verify.ranges import check_grid_size, parse_range

DEFAULT_INSTANCE = Path(__file__).resolve().parent.parent / "reports" / "examples" / "amin_evicts.json"


class UsageError(InvalidInput):
    """Bad command-line input; printed as one line, exit status 2."""


def _policy_options(args: argparse.Namespace) -> dict[str, Any]:
    """Only the options the user set; make_scheduler rejects those the policy does not have."""
    options = dict(getattr(args, "option", None) or [])
    if args.admission is not None:
        options["admission"] = args.admission
    if args.eviction is not None:
        options["eviction"] = args.eviction
    return options


def _option_pair(text: str) -> tuple[str, Any]:
    """``--option key=value``: any named option of the policy (e.g. vllm-v1's ``max_num_seqs=2``,
    ``watermark=1/100``; sglang's ``policy=lof``). A value of decimal digits is an integer, ``none`` is None
    (unbounded), anything else a string (exact fractions such as ``1/100`` stay strings; the policy parses them)."""
    import re

    key, sep, value = text.partition("=")
    if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
        raise argparse.ArgumentTypeError(f"must be key=value with an option name as key, got {text!r}")
    if re.fullmatch(r"-?[0-9]+", value):
        return key, int(value)
    return key, None if value == "none" else value


def _add_policy_arguments(p: argparse.ArgumentParser, user: bool = False) -> None:
    p.add_argument("--policy", default="amin", type=_policy_name,
                   help=f"one of {', '.join(POLICIES)}" + (", or module:Class for your own scheduler" if user else ""))
    p.add_argument("--admission", choices=ADMISSION_RULES, help="[reading] greedy admission rule (default stop)")
    p.add_argument("--eviction", choices=tuple(EVICTION_ORDERS), help="[reading] A_min eviction order")
    p.add_argument("--option", action="append", type=_option_pair, metavar="KEY=VALUE",
                   help="any named option of the policy, repeatable: e.g. --option max_num_seqs=2 "
                        "--option watermark=1/100 (vllm-v1), --option policy=lof (sglang)")


def _int_at_least(minimum: int, flag: str, maximum: int | None = None):
    """An argparse type: an integer in [minimum, maximum]; the error names the flag and the rule."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None
        if value < minimum or (maximum is not None and value > maximum):
            rule = f">= {minimum}" if maximum is None else f"in {minimum}..{maximum}"
            raise argparse.ArgumentTypeError(f"must be an integer {rule}, got {value}")
        return value
    parse.__name__ = flag
    return parse


def _policy_name(text: str) -> str:
    from models.witness import POLICY_SYNTAX

    if text in POLICIES or POLICY_SYNTAX.fullmatch(text):
        return text
    if ":" in text:
        raise argparse.ArgumentTypeError(f"must be module:Class with Python identifiers (e.g. mypkg.mod:MyScheduler), "
                                         f"got {text!r}")
    raise argparse.ArgumentTypeError(f"invalid choice: {text!r} (choose from {', '.join(POLICIES)} or module:Class)")


def cmd_simulate(args: argparse.Namespace) -> int:
    instance = load_instance(args.file)
    options = _policy_options(args)
    scheduler = make_scheduler(args.policy, instance, **options)  # validates options, gives their full form
    trace = run_policy(instance, args.policy, options, engine=args.engine)
    result: dict[str, Any] = {**trace.summary(), "options": dict(scheduler.options), "engine": args.engine}
    if args.benchmark:
        from fractions import Fraction

        from verify.certify import benchmark_tel, check_ratio
        bench = benchmark_tel(instance, args.benchmark, timeout=args.timeout)
        check_ratio(trace.tel, bench, args.benchmark, args.policy)
        result.update(benchmark=args.benchmark, benchmark_tel=bench, ratio=format_ratio(Fraction(trace.tel, bench)))
    if args.json:
        print(json.dumps(result))
        return 0
    _print_trace_table(instance, trace, result)
    return 0


def _print_trace_table(instance, trace, result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{trace.policy} {result['options'] or ''}  (M = {instance.M}, {result['engine']} engine)")
    for col in ("job", "s", "o", "l", "u", "a", "C", "latency"):
        table.add_column(col, justify="right")
    for j, (r, c, lat) in enumerate(zip(instance.requests, trace.completion, trace.latency, strict=True)):
        table.add_row(*map(str, (j, r.s, r.o, r.l, r.u, r.a, c, lat)))
    console = Console()
    console.print(table)
    line = (f"TEL {trace.tel}   evictions {trace.evictions}   peak memory {trace.peak_memory}   "
            f"wasted tokens {trace.wasted_tokens}   makespan {max(trace.completion)}   preemptions "
            f"{trace.preemptions}   recomputed tokens {trace.recomputed_tokens}   most departures of one job "
            f"{trace.max_departures}")
    if "ratio" in result:
        line += f"   {result['benchmark']} TEL {result['benchmark_tel']}   ratio {result['ratio']}"
    console.print(line)


def cmd_replay(args: argparse.Namespace) -> int:
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


def cmd_opt(args: argparse.Namespace) -> int:
    from verify.opt import solve_opt

    result = solve_opt(load_instance(args.file), args.solver, timeout=args.timeout)
    if args.json:
        print(json.dumps(result.to_dict()))
    else:
        print(f"{result.solver}: {result.status} TEL {result.tel} (bounds {result.lower_bound}..{result.upper_bound}) "
              f"in {result.seconds:.3f}s; starts {list(result.starts)}")
    return 0


def cmd_hsf_gap(args: argparse.Namespace) -> int:
    from verify.search.hsf_gap import GapConfig, search_hsf_gap

    cfg = GapConfig(
        n=parse_range(args.n, "--n", 1), s=parse_range(args.s, "--s", 0), l=parse_range(args.l, "--l", 1),
        u=parse_range(args.u, "--u", 1), M_slack=parse_range(args.M_slack, "--M-slack", 0),
        uniform=not args.mixed, samples=args.samples, seed=args.seed,
    )
    if cfg.l.lo > cfg.u.hi:
        raise UsageError(f"--l: lower end {cfg.l.lo} above the largest u {cfg.u.hi}")
    res = search_hsf_gap(cfg, _output_dir(args.out, "--out"), budget=args.budget)
    print(f"tried {res.tried} instances (seed {cfg.seed}); {res.gaps} with TEL(H-SF) > TEL(OPT)")
    for label, w in (("smallest", res.smallest), ("worst", res.worst)):
        if w is None:
            continue
        print(f"{label}: n={w.instance.n} M={w.instance.M} outputs={list(w.instance.outputs)} "
              f"H-SF {w.tel} / OPT {w.benchmark_tel} = {format_ratio(w.ratio)}")
    if res.worst is not None:
        print(f"witnesses in {args.out}: hsf_gap_worst.json, hsf_gap_smallest.json")
    return 0


def _parse_start(text: str, strategy: str, problems: list) -> tuple[int, ...]:
    """``--start o1,o2,...``: one output vector inside the single configuration being searched."""
    from verify.search import STARTABLE

    if strategy not in STARTABLE:
        raise UsageError(f"--start: only the {', '.join(STARTABLE)} strategies take a start vector, not {strategy}")
    if len(problems) != 1:
        raise UsageError(f"--start: needs exactly one configuration, the ranges give {len(problems)}")
    try:
        start = tuple(int(x) for x in text.split(","))
    except ValueError:
        raise UsageError(f"--start: must be comma-separated integers, got {text!r}") from None
    reqs = problems[0].config.requests
    if len(start) != len(reqs):
        raise UsageError(f"--start: needs n={len(reqs)} values, got {len(start)}")
    for j, (o, r) in enumerate(zip(start, reqs, strict=True)):
        if not r.l <= o <= r.u:
            raise UsageError(f"--start: value {j} must lie in [l, u] = [{r.l}, {r.u}], got {o}")
    return start


def _output_dir(text: str, flag: str) -> Path:
    """An output folder, checked (and created) before any work starts: not a file, not under a file, writable."""
    import os

    out = Path(text)
    for parent in (out, *out.parents):
        if parent.exists() and not parent.is_dir():
            what = "is a file" if parent == out else f"is under the file {parent}"
            raise UsageError(f"{flag}: {text} {what}; it must be a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{flag}: cannot create folder {text} ({exc.strerror})") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise UsageError(f"{flag}: folder {text} is not writable")
    return out


def _report_dir(text: str) -> Path:
    """A report's folder, checked before the work: not a file, its parent creatable and writable (the report
    is built beside it and renamed into place)."""
    out = Path(text)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out: {text} is a file; it must be a folder")
    _output_dir(str(out.parent), "--out")
    return out


def _output_file(text: str, flag: str) -> Path:
    """An output file, checked before any work starts: not a folder, its folder creatable and writable."""
    path = Path(text)
    if path.is_dir() or text.endswith(("/", "\\")):
        raise UsageError(f"{flag}: {text} is a folder; it must be a file name")
    _output_dir(str(path.parent), flag)
    return path


def cmd_search(args: argparse.Namespace) -> int:
    from rich.console import Console

    from verify.search import Problem
    from verify.search.runner import Grid, describe_liveness, search_grid

    console = Console(stderr=True)
    options = _policy_options(args)
    if args.instance:
        configs = [load_instance(args.instance)]
    else:
        grid = Grid(parse_range(args.n, "--n", 1), parse_range(args.M, "--M", 1), parse_range(args.s, "--s", 0),
                    parse_range(args.l, "--l", 1), parse_range(args.u, "--u", 1))
        check_grid_size("--n/--M/--s/--l/--u", [len(grid.n), len(grid.M), len(grid.s), len(grid.l), len(grid.u)],
                        grid.n.hi)
        configs = list(grid.configurations())
        if not configs:
            raise UsageError("--n/--M/--s/--l/--u: no configuration with l <= u and s + u <= M in these ranges")
    from verify.search import OBJECTIVE_STRATEGIES

    if args.objective != "ratio" and args.strategy not in OBJECTIVE_STRATEGIES:
        raise UsageError(f"--objective: {args.objective} is searched by --strategy "
                         f"{' or '.join(OBJECTIVE_STRATEGIES)} only, not {args.strategy}")
    spec = PolicySpec.parse(args.policy, options)  # validated once for every cell
    if args.strategy == "z3":
        check_encodable(spec)
    problems = [Problem(c, spec, benchmark=args.benchmark, objective=args.objective) for c in configs]
    start = _parse_start(args.start, args.strategy, problems) if args.start else None
    if spec.traits.fast_engine:
        for p in problems:  # reject instances the fast engine cannot hold before any work
            check_fast_engine(p.config)
    full = spec.options
    out = _output_dir(args.out, "--out")
    console.print(f"searching {len(problems)} configuration(s) with {args.strategy}, budget {args.budget}s each, "
                  f"seed {args.seed}; witnesses in {out}/")
    report = search_grid(problems, args.strategy, budget=args.budget, seed=args.seed, out=out, start=start,
                         progress=lambda line: console.print(line, markup=False, highlight=False))
    rows = [{"cell": c.best_path.name.removesuffix("-best.json") if c.best_path else None,
             "best_ratio": format_ratio(c.outcome.best_ratio) if c.outcome.best else None,
             **({"objective": args.objective, "best_value": c.outcome.best_value if c.outcome.best else None}
                if args.objective != "ratio" else {}),
             "proof": c.outcome.proof_status,
             "proven_upper": format_ratio(c.outcome.proven_upper) if c.outcome.proven_upper else None,
             "witness": str(c.best_path) if c.best_path else None,
             "evaluations": c.outcome.evaluations, "seconds": round(c.outcome.seconds, 3),
             "notes": c.outcome.notes,
             "liveness_witness": str(c.liveness_path) if c.liveness_path else None,
             "liveness": ({"round_limit": c.liveness.round_limit, "unfinished": list(c.liveness.unfinished),
                           "extended_limit": c.liveness.extended_limit, "tel": c.liveness.tel,
                           "ratio": format_ratio(c.liveness.ratio) if c.liveness.ratio else None}
                          if c.liveness else None)} for c in report.cells]
    best = report.best
    summary = {"strategy": args.strategy, "policy": args.policy, "options": full, "benchmark": args.benchmark,
               "objective": args.objective, "cells": rows, "interrupted": report.interrupted,
               "best_ratio": format_ratio(best.outcome.best_ratio) if best else None,
               "best_witness": str(best.best_path) if best else None}
    if args.json:
        print(json.dumps(summary))
    else:
        for row in rows:
            value = f"{row['objective']} {row['best_value']}, ratio " if "objective" in row else ""
            print(f"{row['cell']}: best {value}{row['best_ratio']}  proof {row['proof']}"
                  + (f" (no instance reaches {row['proven_upper']})" if row['proof'] == "bracketed" else "")
                  + f"  witness {row['witness']}")
        for c in report.cells:
            if c.liveness is not None:
                print(f"LIVENESS {c.best_path.name.removesuffix('-best.json') if c.best_path else ''}: "
                      f"{describe_liveness(c.liveness)}  witness {c.liveness_path}")
        if best and args.objective != "ratio":
            print(f"BEST {args.objective} {best.outcome.best_value} (ratio {summary['best_ratio']})  "
                  f"proof {best.outcome.proof_status}  witness {summary['best_witness']}")
        elif best:
            print(f"BEST {summary['best_ratio']} = {float(best.outcome.best_ratio):.4f}  "
                  f"proof {best.outcome.proof_status}  witness {summary['best_witness']}")
        if report.interrupted:
            print(f"INTERRUPTED after {len(report.cells)} of {len(problems)} configuration(s): the best witness "
                  "so far is above; nothing of the interrupted configuration is proven")
    return 130 if report.interrupted else 0


def cmd_prove_growth_families(args: argparse.Namespace) -> int:
    """``kvsched prove growth-families``: the closed forms of :mod:`proofs.growth_families`, checked against
    both simulators; exit 1 if any check fails."""
    from proofs import growth_families

    results = growth_families.all_checks()
    probe = growth_families.probe_amin_equal()
    if args.json:
        print(json.dumps({"checks": [{"claim": r.claim, "status": r.status, "evidence": str(r.evidence)}
                                     for r in results], "open": list(growth_families.OPEN), "probe": probe}))
    else:
        for r in results:
            print(r)
        print("not closed (stated, not hidden):")
        for text in growth_families.OPEN:
            print(f"  - {text}")
        print("probe (empirical, a conjecture where it names a limit):")
        for text in probe:
            print(f"  - {text}")
        print(f"{sum(r.status == 'proved' for r in results)} proved, {sum(r.status == 'failed' for r in results)} failed")
    return 1 if any(r.status == "failed" for r in results) else 0


def cmd_prove(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from proofs.memory_safety import prove_memory_safety

    if args.property == "growth-families":
        return cmd_prove_growth_families(args)

    options = _policy_options(args)
    make_scheduler(args.policy, _probe_instance(), **options)  # reject bad options first
    n, u, l = args.n, args.u, args.l  # noqa: E741
    if n < 1:
        raise UsageError(f"--n: must be >= 1, got {n}")
    if not 1 <= l <= u:
        raise UsageError(f"--l: must satisfy 1 <= l <= u, got l={l}, u={u}")
    Ms, ss = parse_range(args.M, "--M", 1), parse_range(args.s, "--s", 0)
    if args.property == "liveness":
        return _prove_liveness(args, options, n, list(ss), l, u, list(Ms))
    args.method = args.method or "z3"
    check_grid_size("--M/--s", [len(Ms), len(ss)], n)
    if args.method == "statespace":
        from proofs.statespace_safety import prove_memory_safety_statespace

        results = prove_memory_safety_statespace(args.policy, options, n, Ms, ss, l, u, dot=args.dot)
    else:
        results = prove_memory_safety(args.policy, options, n, Ms, ss, l, u, timeout=args.timeout)
    if not results:
        raise UsageError("--M/--s: no configuration with s + u <= M in these ranges")
    if args.json:
        print(json.dumps([r.to_dict() for r in results]))
    else:
        from rich.markup import escape

        table = Table(title=escape(f"{args.policy} {options or ''}: n={n}, [l,u]=[{l},{u}], all arrivals 0 "
                                   f"({args.method}, bounded)"))
        for col in ("s", "M", "claim", "horizon", "status", "seconds", "counterexample"):
            table.add_column(col, justify="right")
        for r in results:
            table.add_row(str(r.s), str(r.M), r.claim, str(r.horizon), r.status, f"{r.seconds:.2f}",
                          f"{list(r.counterexample)} {r.detail}" if r.counterexample else r.detail)
        Console(width=max(Console().width, 150)).print(table)
        counts = {k: sum(r.status == k for r in results) for k in ("proved", "counterexample", "unknown")}
        print(f"{counts['proved']} proved, {counts['counterexample']} counterexample, {counts['unknown']} unknown")
    return 1 if any(r.status == "counterexample" for r in results) else 0


def _prove_liveness(args, options, n, ss, l, u, Ms) -> int:  # noqa: E741
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from models.witness import save_witness
    from proofs.liveness import liveness_configurations, prove_liveness

    if args.method == "z3":
        raise UsageError("--method: liveness is proved by statespace only (every reachable state), not z3")
    if args.policy == "hsf":
        raise UsageError("--policy: hsf is a hindsight scheduler; liveness is checked for online policies")
    check_grid_size("--M/--s", [len(Ms), len(ss) ** n], n)
    if not liveness_configurations(n, ss, l, u, Ms):
        raise UsageError("--M/--s: no configuration with max s + u <= M in these ranges")
    out = _output_dir(args.out, "--out")
    results = prove_liveness(args.policy, options, n, ss, l, u, Ms)
    for r in results:
        if r.witness is not None:
            name = f"{args.policy}-n{n}-M{r.M}-s{'_'.join(map(str, r.s))}-l{l}-u{u}-liveness.json"
            r.detail += f"; witness {save_witness(r.witness, out / name)}"
    if args.json:
        print(json.dumps([r.to_dict() for r in results]))
    else:
        full = results[0].options
        table = Table(title=escape(f"liveness of {args.policy} {full}: n={n}, every s_j in {ss}, [l,u]=[{l},{u}], "
                                   f"M in {Ms} (max s + u <= M), arrivals 0, every o (statespace, bounded)"))
        for col in ("claim", "configurations", "proved", "counterexample", "bound", "longest run", "first "
                    "counterexample"):
            table.add_column(col, justify="right")
        for claim in dict.fromkeys(r.claim for r in results):
            rs = [r for r in results if r.claim == claim]
            bad = [r for r in rs if r.status == "counterexample"]
            bound = ("max a + n max u" if claim == "finishes" else "max a + sum o")
            first = (f"M={bad[0].M} s={bad[0].s} o={bad[0].counterexample}: {bad[0].detail}" if bad else "")
            table.add_row(claim, str(len(rs)), str(len(rs) - len(bad)), str(len(bad)),
                          f"{bound} (<= {max(r.bound for r in rs)})", str(max(r.longest for r in rs)), escape(first))
        Console(width=max(Console().width, 160)).print(table)
        counts = {k: sum(r.status == k for r in results) for k in ("proved", "counterexample")}
        print(f"{counts['proved']} proved, {counts['counterexample']} counterexample")
    return 1 if any(r.status == "counterexample" for r in results) else 0


def _probe_instance():
    from models.instance import uniform_instance

    return uniform_instance(2, 0, 1, 1, [1])


def cmd_mutants(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from verify.testing.mutants import run_mutants
    from verify.testing.properties import SUITES

    console = Console(width=max(Console().width, 150))
    from verify.testing.mutants import BaselineFailure

    def show(r) -> None:
        errs = f"; harness errors (not kills): {', '.join(r.errors)}" if r.errors else ""
        console.print(f"{r.mutant.name}: {'killed' if r.killed_by else 'SURVIVED'} ({r.seconds:.1f}s){errs}",
                      markup=False)

    console.print("baseline: every suite on the unmutated model ...", markup=False)
    try:
        results = run_mutants(max_examples=args.max_examples, progress=show)
    except BaselineFailure as exc:
        raise UsageError(str(exc)) from None
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


def cmd_report(args: argparse.Namespace) -> int:
    from rich.console import Console

    from verify.report import run_report

    if args.from_db:
        from verify.report.from_db import report_from_db

        from verify.campaign import db

        db.open_readonly(args.from_db).close()  # one line, before any output, for what is not a campaign
        out = _report_dir(args.out or "reports/campaign")
        summary = report_from_db(args.from_db, out)
        print(f"report: {out / 'report.md'} and {out / 'report.html'} ({summary['cells']} cells, {summary['counts']}, "
              f"worst ratio {summary['worst']})")
        return 0
    preset = "quick" if args.quick else args.preset
    out = _report_dir(args.out or f"reports/{preset}")
    console = Console(stderr=True)
    summary = run_report(preset, out, progress=lambda line: console.print(line, markup=False, highlight=False))
    for v in summary["verdicts"]:
        word = v["verdict"].upper() if v["verdict"] in ("holds", "violated", "inconclusive") else v["verdict"]
        print(f"{word:12s} {v['claim']}")
    print(f"report: {out / 'report.md'} and {out / 'report.html'} ({summary['cells']} cells, {summary['seconds']}s)")
    return 0


def _fraction_list(flag: str):
    """An argparse type: comma-separated exact fractions (``1,1/2,0.25``); floats in exponent form are refused."""
    from fractions import Fraction

    def parse(text: str):
        out = []
        for item in text.split(","):
            try:
                out.append(Fraction(item.strip()))
            except (ValueError, ZeroDivisionError):
                raise argparse.ArgumentTypeError(f"must be comma-separated exact fractions such as 1/2, got {item!r}"
                                                 ) from None
        return tuple(out)
    parse.__name__ = flag
    return parse


def _fraction_one(flag: str):
    """An argparse type: one exact fraction (``1/7``, ``0.25``)."""
    many = _fraction_list(flag)

    def parse(text: str):
        values = many(text)
        if len(values) != 1:
            raise argparse.ArgumentTypeError(f"must be one exact fraction, got {text!r}")
        return values[0]
    parse.__name__ = flag
    return parse


def _choice_list(flag: str, choices: Sequence[str]):
    """An argparse type: a comma-separated list of names from ``choices``, no repeats."""
    def parse(text: str) -> tuple[str, ...]:
        items = tuple(x.strip() for x in text.split(","))
        for x in items:
            if x not in choices:
                raise argparse.ArgumentTypeError(f"{x!r} is not one of {', '.join(choices)}")
        if len(set(items)) != len(items):
            raise argparse.ArgumentTypeError(f"names a value twice: {text!r}")
        return items
    parse.__name__ = flag
    return parse


def _int_list(flag: str, minimum: int):
    def parse(text: str) -> tuple[int, ...]:
        one = _int_at_least(minimum, flag)
        return tuple(one(x.strip()) for x in text.split(","))
    parse.__name__ = flag
    return parse


def cmd_workload(args: argparse.Namespace) -> int:
    import time

    from verify.report.workload_mode import (WorkloadError, WorkloadSpec, run_serving_workload, serving_row_dict,
                                             serving_rows_markdown)

    for a in args.alphas:
        if not 0 < a <= 1:
            raise UsageError(f"--alphas: each alpha must be in (0, 1], got {a}")
    if not args.rate > 0:
        raise UsageError(f"--rate: must be > 0, got {args.rate}")
    options: dict[str, dict[str, Any]] = {"hsf": {}, "amin": {}, "amax": {}, "vllm-v1": {}, "sglang": {}}
    for flag, policy, key in (("hsf_admission", "hsf", "admission"),
                              ("admission", "amin", "admission"), ("admission", "amax", "admission"),
                              ("eviction", "amin", "eviction"), ("max_num_seqs", "vllm-v1", "max_num_seqs"),
                              ("watermark", "vllm-v1", "watermark"), ("sglang_policy", "sglang", "policy"),
                              ("schedule_conservativeness", "sglang", "schedule_conservativeness"),
                              ("max_running_requests", "sglang", "max_running_requests")):
        value = getattr(args, flag)
        if value is not None:
            options[policy][key] = value
    spec = WorkloadSpec(source=args.source, n=args.n, seeds=args.seeds, alphas=args.alphas, arrivals=args.arrivals,
                        Ms=args.M, rate=args.rate, policies=args.policies, options=options,
                        length_filter=args.length_filter, s=args.s, base_seed=args.seed)
    began = time.perf_counter()
    try:
        rows = run_serving_workload(spec, progress=None if args.json else
                                    (lambda line: print(line, file=sys.stderr)))
    except WorkloadError as exc:
        raise UsageError(str(exc)) from None
    seconds = time.perf_counter() - began
    if args.json:
        print(json.dumps({"spec": {"source": spec.source, "n": spec.n, "seeds": spec.seeds, "seed": spec.base_seed,
                                   "alphas": [str(a) for a in spec.alphas], "arrivals": list(spec.arrivals),
                                   "M": list(spec.Ms), "rate": str(spec.rate), "policies": list(spec.policies),
                                   "options": spec.options, "length_filter": spec.length_filter,
                                   "benchmark": "hsf", "engine": "fast"},
                          "rows": [serving_row_dict(r) for r in rows], "seconds": round(seconds, 1)}))
        return 0
    print("\n".join(serving_rows_markdown(rows)))
    print(f"{len(rows)} rows, {spec.seeds} seed(s) from {spec.base_seed}, n = {spec.n}, benchmark H-SF, fast engine, "
          f"{seconds:.1f}s")
    return 0


def _check_scheduler_address(address: str, timeout: float = 5.0) -> None:
    """``--scheduler``: a Dask address ``tcp://host:port`` that accepts a connection, checked before any work
    (Dask itself waits 30 s and then raises)."""
    import socket
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(address if "://" in address else f"tcp://{address}")
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise UsageError(f"--scheduler: not an address tcp://host:port ({exc}), got {address!r}") from None
    if parts.scheme not in ("tcp", "tls") or not host or port is None:
        raise UsageError(f"--scheduler: must be tcp://host:port (or tls://host:port), got {address!r}")
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        raise UsageError(f"--scheduler: cannot connect to {host}:{port} within {timeout:g}s "
                         f"({exc.strerror or type(exc).__name__})") from None


def cmd_campaign(args: argparse.Namespace) -> int:
    from verify.campaign import db

    if args.action == "run":
        from rich.console import Console

        from verify.campaign.run import SchedulerUnreachable, run_campaign
        from verify.campaign.spec import load_spec

        spec = load_spec(args.target)
        if args.scheduler:
            _check_scheduler_address(args.scheduler)
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
    out = _output_file(args.out, "--out") if args.action == "export" and args.out else None
    conn = db.open_readonly(args.target)  # status and export never write to the database
    if args.action == "status":
        counts = db.status_counts(conn)
        print(json.dumps(counts) if args.json else "  ".join(f"{k} {v}" for k, v in counts.items()))
        best = conn.execute("SELECT params, best_ratio, proof FROM cells WHERE status = 'done'").fetchall()
        if best and not args.json:
            from fractions import Fraction

            params, ratio, proof = max(best, key=lambda r: Fraction(r[1]) if r[1] else Fraction(0))
            print(f"worst ratio so far {ratio} ({proof}) at {params}")
        return 0
    text = db.export_csv(conn)
    if args.out:
        from models.atomic import write_atomic

        write_atomic(out, text)
    else:
        sys.stdout.write(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="kvsched", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    p = sub.add_parser("simulate", help="run one policy on an instance (fast engine by default; --engine reference)")
    p.add_argument("file", nargs="?", default=str(DEFAULT_INSTANCE),
                   help="instance JSON (default: the shipped example reports/examples/amin_evicts.json)")
    _add_policy_arguments(p)
    p.add_argument("--engine", choices=ENGINES, default="fast", help="fast (default) or the per-round reference")
    p.add_argument("--benchmark", choices=BENCHMARKS, help="add benchmark_tel and the exact ratio")
    p.add_argument("--timeout", type=_seconds("--timeout"), default=None, help="seconds allowed to prove OPT")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=cmd_simulate)

    p = sub.add_parser("replay", help="re-run a witness file; exit 1 if any stored integer differs")
    p.add_argument("witness")
    p.add_argument("--trust-policy", action="store_true",
                   help="allow a witness naming a user scheduler (module:Class): replaying imports and runs it")
    p.set_defaults(run=cmd_replay)

    p = sub.add_parser("opt", help="exact hindsight optimum of an instance")
    p.add_argument("file")
    p.add_argument("--solver", choices=("auto", *SOLVERS), default="auto",
                   help="auto: exhaustive for n <= 7; beyond, exhaustive within a node budget, then the MILP")
    p.add_argument("--timeout", type=_seconds("--timeout"), default=None, help="seconds; on expiry status is 'unknown'")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_opt)

    p = sub.add_parser("search", help="adversarial output lengths that maximise a policy's ratio")
    _add_policy_arguments(p, user=True)
    p.set_defaults(policy="amin")
    for name, default in (("n", "4"), ("M", "12"), ("s", "1"), ("l", "1"), ("u", "6")):
        p.add_argument(f"--{name}", default=default, help="an integer or a range a..b")
    p.add_argument("--instance", help="search this instance's configuration instead of a grid (its o is ignored)")
    p.add_argument("--benchmark", choices=BENCHMARKS, default="opt")
    p.add_argument("--objective", choices=OBJECTIVES, default="ratio",
                   help="what to maximise: ratio (default); preemptions = the most departures from memory "
                        "(evictions + preemptions) of any one job; recomputed = the run's recomputed tokens "
                        "(exhaustive and local strategies)")
    p.add_argument("--strategy", choices=("z3", "exhaustive", "local", "hypothesis", "portfolio", "statespace",
                                          "families", "targeted"),
                   default="portfolio")
    p.add_argument("--budget", type=_seconds("--budget"), default=30.0, help="seconds per configuration")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--start", help="o1,o2,...: begin from this output vector (z3, statespace, local; one "
                                   "configuration); z3 then first asks whether anything beats it")
    p.add_argument("--out", default="reports/search")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.set_defaults(run=cmd_search)

    # handled in main() before parsing, so that its own options pass through untouched
    sub.add_parser("bench", help="benchmarks: kvsched bench opt|engine|search|agreement [options]")

    p = sub.add_parser("prove", help="bounded Z3 proofs: kvsched prove memory-safety --policy amax --n 5 --u 6 --M 8..20")
    p.add_argument("property", choices=("memory-safety", "liveness", "growth-families"),
                   help="liveness: every run finishes within max a + n max u (state graph, every o), and for the "
                        "serving policies by max a + sum o; every prompt vector in --s^n (statespace only); "
                        "growth-families: closed forms of the growth study's families, checked on both simulators "
                        "(ignores the other options except --json)")
    _add_policy_arguments(p)
    p.add_argument("--method", choices=("z3", "statespace"), default=None,
                   help="z3 (memory-safety default): symbolic unrolling; statespace (liveness): every reachable "
                        "state, explicitly")
    p.add_argument("--out", default="reports/liveness",
                   help="liveness: folder for the witness files of runs that do not finish (written only then)")
    p.add_argument("--dot", help="statespace: write the state graph of the first configuration (Graphviz)")
    p.add_argument("--n", type=int, default=4)
    p.add_argument("--u", type=int, default=6)
    p.add_argument("--l", type=int, default=1)
    p.add_argument("--s", default="0..1", help="prompt size or range")
    p.add_argument("--M", default="8..16", help="capacity or range")
    p.add_argument("--timeout", type=_seconds("--timeout"), default=120.0, help="seconds per claim; on expiry 'unknown'")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_prove)

    p = sub.add_parser("mutants", help="seeded bugs in copies of the model; exit 1 if a suite misses one")
    p.add_argument("--max-examples", type=_int_at_least(1, "--max-examples"), default=60,
                   help="Hypothesis examples per suite and mutant (>= 1)")
    p.set_defaults(run=cmd_mutants)

    p = sub.add_parser("report", help="bound-check report: sweep, proofs, workload mode, plots, verdicts")
    p.add_argument("--quick", action="store_true", help="the quick preset (under 3 minutes on 2 cores)")
    p.add_argument("--preset", choices=("quick", "full", "growth"), default="quick")
    p.add_argument("--out", help="output folder (default reports/<preset>/, or reports/campaign/ with --from)")
    p.add_argument("--from", dest="from_db", help="render a campaign's results database instead of running a sweep")
    p.set_defaults(run=cmd_report)

    p = sub.add_parser("workload", help="workload mode: real (ShareGPT) or lognormal lengths, arrivals, every "
                                         "policy's mean TEL / TEL(H-SF), preemptions and recomputed tokens")
    p.add_argument("--source", choices=("sharegpt", "lognormal"), default="sharegpt",
                   help="sharegpt (default): shipped ShareGPT V3 (prompt, output) token counts; lognormal: synthetic")
    p.add_argument("--arrivals", type=_choice_list("--arrivals", ("zero", "poisson")), default=("zero", "poisson"),
                   help="zero, poisson or both (default zero,poisson)")
    p.add_argument("--rate", type=_fraction_one("--rate"), default="1/7",
                   help="Poisson arrivals per round, an exact fraction (default 1/7)")
    p.add_argument("--alphas", type=_fraction_list("--alphas"), default="1,1/2,1/4,1/8",
                   help="interval ratios l/u (default 1,1/2,1/4,1/8)")
    p.add_argument("--M", type=_int_list("--M", 1), default="16384,32768",
                   help="KV capacities, one load each (default 16384,32768: the smaller is the higher load)")
    p.add_argument("--policies", type=_choice_list("--policies", ("amin", "amax", "fcfs-recompute", "vllm-v1",
                                                                  "sglang")),
                   default=("amin", "amax", "fcfs-recompute", "vllm-v1", "sglang"),
                   help="compared with H-SF (default amin,amax,fcfs-recompute,vllm-v1,sglang)")
    p.add_argument("--n", type=_int_at_least(1, "--n"), default=1000, help="requests per instance (default 1000)")
    p.add_argument("--seeds", type=_int_at_least(1, "--seeds"), default=3, help="instances per cell (default 3)")
    p.add_argument("--seed", type=_int_at_least(0, "--seed"), default=0, help="first seed (default 0)")
    p.add_argument("--length-filter", choices=("vllm", "none"), default="vllm",
                   help="sharegpt: vLLM's benchmark filter (default) or every row")
    p.add_argument("--s", type=_int_at_least(0, "--s"), default=64, help="lognormal: the one prompt size (default 64)")
    p.add_argument("--hsf-admission", choices=ADMISSION_RULES,
                   help="the benchmark H-SF's [reading] admission rule (default stop)")
    p.add_argument("--admission", choices=ADMISSION_RULES, help="amin, amax: [reading] admission rule")
    p.add_argument("--eviction", choices=tuple(EVICTION_ORDERS), help="amin: [reading] eviction order")
    p.add_argument("--max-num-seqs", type=_int_at_least(1, "--max-num-seqs"), help="vllm-v1 (default unbounded)")
    p.add_argument("--watermark", help="vllm-v1: exact fraction in [0, 1), e.g. 1/100 (default 0)")
    p.add_argument("--sglang-policy", choices=("fcfs", "lof"), help="sglang queue order (default fcfs)")
    p.add_argument("--schedule-conservativeness", help="sglang: exact fraction > 0 (default 1)")
    p.add_argument("--max-running-requests", type=_int_at_least(1, "--max-running-requests"),
                   help="sglang (default unbounded)")
    p.add_argument("--json", action="store_true", help="print one JSON object (exact fractions as strings)")
    p.set_defaults(run=cmd_workload)

    p = sub.add_parser("campaign", help="campaigns on Dask: run SPEC, status DB, export DB --csv")
    p.add_argument("action", choices=("run", "status", "export"))
    p.add_argument("target", help="run: the SPEC (TOML); status/export: the database")
    p.add_argument("--db", default="campaign.db", help="run: the SQLite results database")
    p.add_argument("--scheduler", help="run: address of an existing Dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--workers", type=int, help="run: worker processes of the embedded LocalCluster (default: cores)")
    p.add_argument("--csv", action="store_true", help="export: CSV (the only format)")
    p.add_argument("--out", help="export: write to this file instead of stdout")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_campaign)

    p = sub.add_parser("hsf-gap", help="search small instances for the largest TEL(H-SF)/TEL(OPT)")
    p.add_argument("--n", default="2..6", help="number of requests, e.g. 6 or 2..6")
    p.add_argument("--s", default="0..1")
    p.add_argument("--l", default="1..4")
    p.add_argument("--u", default="2..5")
    p.add_argument("--M-slack", default="0..4", help="M = max(s+u) + slack")
    p.add_argument("--mixed", action="store_true", help="per-request s and [l,u] instead of one for all")
    p.add_argument("--samples", type=int, default=2000)
    p.add_argument("--budget", type=_seconds("--budget"), default=None, help="stop after this many seconds")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="reports/hsf_gap")
    p.set_defaults(run=cmd_hsf_gap)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["bench"]:
        from verify.bench import main as bench_main

        return bench_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except InvalidInput as exc:  # a field broke a rule: one line, exit 2
        print(f"kvsched: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KvschedError as exc:  # ModelViolation, Unproven, Inconsistency: a finding or a defect, exit 1
        print(f"kvsched: {type(exc).__name__}: {exc}", file=sys.stderr)
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


if __name__ == "__main__":
    raise SystemExit(main())
