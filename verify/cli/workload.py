"""``kvsched workload``: workload mode, every policy's mean TEL / TEL(H-SF) on real or lognormal lengths."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from models.feasibility import ADMISSION_RULES
from models.schedulers.a_min import EVICTION_ORDERS
from verify.cli.common import (UsageError, choice_list, fraction_list, fraction_one,
                               int_at_least, int_list)


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The ``workload`` subparser: its flags and their checks.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The top-level parser's subcommands.

    Returns
    -------
    argparse.ArgumentParser
        The subparser; :func:`verify.cli.build_parser` sets its handler.
    """
    p = sub.add_parser("workload", help="workload mode: real (ShareGPT) or lognormal lengths, arrivals, every "
                                         "policy's mean TEL / TEL(H-SF), preemptions and recomputed tokens")
    p.add_argument("--source", choices=("sharegpt", "lognormal"), default="sharegpt",
                   help="sharegpt (default): shipped ShareGPT V3 (prompt, output) token counts; lognormal: synthetic")
    p.add_argument("--arrivals", type=choice_list("--arrivals", ("zero", "poisson")), default=("zero", "poisson"),
                   help="zero, poisson or both (default zero,poisson)")
    p.add_argument("--rate", type=fraction_one("--rate"), default="1/7",
                   help="Poisson arrivals per round, an exact fraction (default 1/7)")
    p.add_argument("--alphas", type=fraction_list("--alphas"), default="1,1/2,1/4,1/8",
                   help="interval ratios l/u (default 1,1/2,1/4,1/8)")
    p.add_argument("--M", type=int_list("--M", 1), default="16384,32768",
                   help="KV capacities, one load each (default 16384,32768: the smaller is the higher load)")
    p.add_argument("--policies", type=choice_list("--policies", ("amin", "amax", "fcfs-recompute", "vllm-v1",
                                                                  "sglang")),
                   default=("amin", "amax", "fcfs-recompute", "vllm-v1", "sglang"),
                   help="compared with H-SF (default amin,amax,fcfs-recompute,vllm-v1,sglang)")
    p.add_argument("--n", type=int_at_least(1, "--n"), default=1000, help="requests per instance (default 1000)")
    p.add_argument("--seeds", type=int_at_least(1, "--seeds"), default=3, help="instances per cell (default 3)")
    p.add_argument("--seed", type=int_at_least(0, "--seed"), default=0, help="first seed (default 0)")
    p.add_argument("--length-filter", choices=("vllm", "none"), default="vllm",
                   help="sharegpt: vLLM's benchmark filter (default) or every row")
    p.add_argument("--s", type=int_at_least(0, "--s"), default=64, help="lognormal: the one prompt size (default 64)")
    p.add_argument("--hsf-admission", choices=ADMISSION_RULES,
                   help="the benchmark H-SF's [reading] admission rule (default stop)")
    p.add_argument("--admission", choices=ADMISSION_RULES, help="amin, amax: [reading] admission rule")
    p.add_argument("--eviction", choices=tuple(EVICTION_ORDERS), help="amin: [reading] eviction order")
    p.add_argument("--max-num-seqs", type=int_at_least(1, "--max-num-seqs"), help="vllm-v1 (default unbounded)")
    p.add_argument("--watermark", help="vllm-v1: exact fraction in [0, 1), e.g. 1/100 (default 0)")
    p.add_argument("--sglang-policy", choices=("fcfs", "lof"), help="sglang queue order (default fcfs)")
    p.add_argument("--schedule-conservativeness", help="sglang: exact fraction > 0 (default 1)")
    p.add_argument("--max-running-requests", type=int_at_least(1, "--max-running-requests"),
                   help="sglang (default unbounded)")
    p.add_argument("--json", action="store_true", help="print one JSON object (exact fractions as strings)")
    return p


def run(args: argparse.Namespace) -> int:
    """``kvsched workload``: every policy's mean TEL / TEL(H-SF) on ShareGPT or lognormal lengths.

    One row per source, arrival process, ``alpha`` and ``M``, over ``--seeds`` instances of ``--n`` requests, on
    the fast engine (:func:`verify.report.workload_mode.run_serving_workload`); a Markdown table or one JSON object.

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
        An ``alpha`` outside ``(0, 1]``, a ``--rate`` not above 0, or a workload the policies or options refuse.
    """
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


