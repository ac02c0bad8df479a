"""``kvsched prove``: bounded proofs of memory safety and liveness, and the growth families' closed forms."""

from __future__ import annotations

import argparse
import json

from models.schedulers import PolicySpec
from models.status import ClaimStatus
from verify.oneline_parser import seconds as _seconds
from verify.ranges import check_grid_size, parse_range
from verify.cli.common import (UsageError, add_policy_arguments, output_dir, policy_options)


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The ``prove`` subparser: its flags and their checks.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The top-level parser's subcommands.

    Returns
    -------
    argparse.ArgumentParser
        The subparser; :func:`verify.cli.build_parser` sets its handler.
    """
    p = sub.add_parser("prove", help="bounded Z3 proofs: kvsched prove memory-safety --policy amax --n 5 --u 6 --M 8..20")
    p.add_argument("property", choices=("memory-safety", "liveness", "growth-families"),
                   help="liveness: every run finishes within max a + n max u (state graph, every o), and for the "
                        "serving policies by max a + sum o; every prompt vector in --s^n (statespace only); "
                        "growth-families: closed forms of the growth study's families, checked on both simulators "
                        "(ignores the other options except --json)")
    add_policy_arguments(p)
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
    return p


def _growth_families(args: argparse.Namespace) -> int:
    """``kvsched prove growth-families``: the closed forms of :mod:`proofs.growth_families`, checked against
    both simulators; exit 1 if any check fails."""
    from proofs import growth_families
    from proofs.bounds import CheckStatus

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
        print(f"{sum(r.status == CheckStatus.PROVED for r in results)} proved, "
              f"{sum(r.status == CheckStatus.FAILED for r in results)} failed")
    return 1 if any(r.status == CheckStatus.FAILED for r in results) else 0


def run(args: argparse.Namespace) -> int:
    """``kvsched prove memory-safety|liveness|growth-families``: bounded proofs over a grid of configurations.

    Memory safety (Z3 unrolling, or ``--method statespace``) and liveness (state graph only, online policies) for
    ``n`` jobs with ``[l, u]``, every prompt in ``--s`` and capacity in ``--M``, arrivals 0; growth-families
    checks the closed forms of :mod:`proofs.growth_families` on both simulators. A liveness counterexample is
    written as a witness to ``--out``.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed flags.

    Returns
    -------
    int
        1 if some claim has a counterexample (or a growth-family check failed), else 0.

    Raises
    ------
    UsageError
        ``--n`` below 1, ``l`` outside ``1..u``, no configuration with ``s + u <= M`` in the ranges, ``--method
        z3`` or a hindsight policy for liveness, or ``--out`` not a writable folder.
    OptionError
        The policy or its options are not valid.
    RangeError
        ``--M`` or ``--s`` is malformed, or the grid is too large.
    """
    from rich.console import Console
    from rich.table import Table

    from proofs.memory_safety import prove_memory_safety

    if args.property == "growth-families":
        return _growth_families(args)

    options = policy_options(args)
    PolicySpec.parse(args.policy, options)  # reject bad options first
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
        counts = {k: sum(r.status == k for r in results) for k in ClaimStatus}
        print(f"{counts[ClaimStatus.PROVED]} proved, {counts[ClaimStatus.COUNTEREXAMPLE]} counterexample, "
              f"{counts[ClaimStatus.UNKNOWN]} unknown")
    return 1 if any(r.status == ClaimStatus.COUNTEREXAMPLE for r in results) else 0


def _prove_liveness(args, options, n, ss, l, u, Ms) -> int:  # noqa: E741
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from models.witness import save_witness
    from proofs.liveness import liveness_configurations, prove_liveness

    if args.method == "z3":
        raise UsageError("--method: liveness is proved by statespace only (every reachable state), not z3")
    if PolicySpec.parse(args.policy, options).traits.hindsight:
        raise UsageError(f"--policy: {args.policy} is a hindsight scheduler; liveness is checked for online policies")
    check_grid_size("--M/--s", [len(Ms), len(ss) ** n], n)
    if not liveness_configurations(n, ss, l, u, Ms):
        raise UsageError("--M/--s: no configuration with max s + u <= M in these ranges")
    out = output_dir(args.out, "--out")
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
            bad = [r for r in rs if r.status == ClaimStatus.COUNTEREXAMPLE]
            bound = ("max a + n max u" if claim == "finishes" else "max a + sum o")
            first = (f"M={bad[0].M} s={bad[0].s} o={bad[0].counterexample}: {bad[0].detail}" if bad else "")
            table.add_row(claim, str(len(rs)), str(len(rs) - len(bad)), str(len(bad)),
                          f"{bound} (<= {max(r.bound for r in rs)})", str(max(r.longest for r in rs)), escape(first))
        Console(width=max(Console().width, 160)).print(table)
        counts = {k: sum(r.status == k for r in results) for k in (ClaimStatus.PROVED, ClaimStatus.COUNTEREXAMPLE)}
        print(f"{counts[ClaimStatus.PROVED]} proved, {counts[ClaimStatus.COUNTEREXAMPLE]} counterexample")
    return 1 if any(r.status == ClaimStatus.COUNTEREXAMPLE for r in results) else 0


