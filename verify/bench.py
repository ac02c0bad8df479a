"""Benchmarks (run by hand, never timed inside tests): ``kvsched bench <what>``.

``opt``: for each OPT solver, the largest n solved to proven optimality within a time limit on a fixed family
(one interval [4, 16], all arrivals 0, s = 1, o drawn uniformly in [4, 16] from a seed derived from n, M = 48).
Each solver climbs n = 2, 3, … and stops after two consecutive failures.

``search``: every search strategy on A_min at several α and n, one budget each: best ratio, time to it, proof.

``agreement``: Z3's proven maximum against exhaustive enumeration at every point of the search grid
(:mod:`verify.campaign.agreement`; ``--results FILE`` keeps each point's result, ``--workers N`` runs points in parallel).

``z3-tactics``: the search's Z3 pipeline with and without ``elim-term-ite`` on fixed search queries.

``parent-scaling`` / ``parent-table``: the parent paper's family (issue #25): the largest n each OPT solver
proves within each limit, and H-SF / A_min / A_max / fcfs-recompute against OPT over fixed-seed trials.

``serving-grid``: every instance of a small exhaustive grid against exact OPT for vllm-v1, sglang,
fcfs-recompute and A_min: worst and least ratio, worst preemption count of one job, most recomputed tokens,
each with a certified witness file (:mod:`verify.search.serving_grid`).

``engine``: the reference and fast engines, side by side in one run, for each policy given (``--policies``,
default A_min, vllm-v1 and sglang): (a) the paper-like workload of
:mod:`verify.workload` at several n, (b) tiny search instances as simulations per second.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

from rich.console import Console
from rich.table import Table

from models.instance import Instance, uniform_instance
from models.atomic import write_atomic
from verify.campaign.agreement import VERDICTS, GridPoint, results_csv, run_agreement
from verify.campaign.db import IncompatibleDatabase
from verify.oneline_parser import OneLineParser, positive_int, seconds

OPT_FAMILY = {"M": 48, "s": 1, "l": 4, "u": 16}


def opt_family_instance(n: int, seed: int = 0) -> Instance:
    rng = random.Random(10_007 * n + seed)
    f = OPT_FAMILY
    return uniform_instance(f["M"], f["s"], f["l"], f["u"], [rng.randint(f["l"], f["u"]) for _ in range(n)])


def largest_proven(solve, limits: Sequence[float], max_n: int, first_n: int = 2) -> dict[float, int]:
    """The climb both OPT benchmarks run: ``solve(n)`` (an :class:`~verify.opt.result.OptResult`) for
    n = first_n, first_n + 1, ... up to ``max_n``, stopping after two consecutive failures (not optimal).
    Returns, per limit L, the largest n proven optimal in at most L seconds of that run (0 if none)."""
    failures, best = 0, dict.fromkeys(limits, 0)
    for n in range(first_n, max_n + 1):
        res = solve(n)
        if res.status == "optimal":
            failures = 0
            for lim in limits:
                if res.seconds <= lim:
                    best[lim] = n
        else:
            failures += 1
            if failures == 2:
                break
    return best


def bench_opt(solvers: Sequence[str], limit: float, max_n: int, console: Console) -> dict[str, int]:
    from verify.opt import solve_opt

    table = Table(title=f"OPT solvers: proven optimal within {limit:g} s (s=1, o in [4,16], M=48, a=0)")
    for col in ("solver", "n", "status", "TEL", "lower", "LP bound", "seconds"):
        table.add_column(col, justify="right")
    largest: dict[str, int] = {}
    for solver in solvers:
        def solve(n: int, solver=solver):
            res = solve_opt(opt_family_instance(n), solver, timeout=limit)
            table.add_row(solver, str(n), res.status, str(res.tel), str(res.lower_bound),
                          str(res.stats.get("lp_bound", "")), f"{res.seconds:.2f}")
            console.log(f"{solver} n={n}: {res.status} TEL {res.tel} (lower {res.lower_bound}) in {res.seconds:.2f}s")
            return res

        largest[solver] = largest_proven(solve, [limit], max_n)[limit]
    console.print(table)
    summary = Table(title="Largest n proven optimal")
    summary.add_column("solver")
    summary.add_column("largest n", justify="right")
    for solver, n in largest.items():
        summary.add_row(solver, str(n))
    console.print(summary)
    return largest


def _timed(fn, *args, **kw):
    began = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - began


def bench_engine(ref_sizes: Sequence[int], fast_sizes: Sequence[int], tiny_count: int, console: Console,
                 policies: Sequence[str] = ("amin",)) -> list[dict]:
    """Reference vs fast engine for each policy (default options), measured side by side in this run: every
    timed pair runs on the same instance, and ``identical`` compares every integer of the two summaries."""
    import numpy as np

    from models.engine_fast import Configuration, simulate_fast
    from models.engine_reference import simulate
    from models.instance import Instance, Request
    from models.schedulers import make_scheduler
    from verify.workload import paper_like_instance

    rows: list[dict] = []
    table = Table(title="(a) paper-like workload: lognormal mean 200 in [1,1024], s=64, M=16384, alpha=1/4")
    for col in ("policy", "n", "reference s", "fast s", "speed-up", "identical", "evictions", "preemptions"):
        table.add_column(col, justify="right")
    t2 = Table(title="(b) tiny search instances: n=6, u=8, s=1 (one core)")
    for col in ("policy", "engine", "simulations", "seconds", "simulations / s", "vs reference"):
        t2.add_column(col, justify="right")
    for policy in policies:
        simulate_fast(paper_like_instance(10), policy)  # compile (or load the numba cache) outside the timings
        for n in sorted(set(ref_sizes) | set(fast_sizes)):
            inst = paper_like_instance(n)
            try:
                fast, t_fast = _timed(simulate_fast, inst, policy)
            except OverflowError as exc:  # sglang's exact ratio products would leave int64: refused, not inexact
                table.add_row(policy, str(n), "-", "refused", "-", "-", "-", "-")
                console.log(f"{policy}, n={n}: {exc}")
                rows.append({"policy": policy, "n": n, "fast_refused": str(exc)})
                continue
            row = {"policy": policy, "n": n, "fast_seconds": t_fast}
            if n in ref_sizes:
                console.log(f"reference engine, {policy}, n={n} ...")
                ref, t_ref = _timed(simulate, inst, make_scheduler(policy, inst))
                same = ref.summary() == fast.summary()
                row |= {"reference_seconds": t_ref, "identical": same}
                table.add_row(policy, str(n), f"{t_ref:.2f}", f"{t_fast:.4f}", f"{t_ref / t_fast:.0f}x", str(same),
                              str(fast.evictions), str(fast.preemptions))
            else:
                table.add_row(policy, str(n), "-", f"{t_fast:.4f}", "-", "-", str(fast.evictions),
                              str(fast.preemptions))
            rows.append(row)

        rng = random.Random(0)
        tiny = []
        for _ in range(tiny_count):
            u = 8
            l = rng.randint(1, u)  # noqa: E741
            reqs = tuple(Request(1, rng.randint(l, u), l, u, 0) for _ in range(6))
            tiny.append(Instance(1 + u + rng.randint(0, 8), reqs))
        _, t_ref = _timed(lambda: [simulate(i, make_scheduler(policy, i)) for i in tiny])
        _, t_fast = _timed(lambda: [simulate_fast(i, policy) for i in tiny])
        cfg = Configuration.build(tiny[0], policy)
        batch = np.array([rng.choices(range(tiny[0].requests[0].l, 9), k=6) for _ in range(tiny_count * 10)])
        cfg.tel_many(batch[:2])  # compile outside the timing
        _, t_batch = _timed(cfg.tel_many, batch)
        rate_ref = len(tiny) / t_ref
        for name, count, secs in (("reference", len(tiny), t_ref), ("fast, one call each", len(tiny), t_fast),
                                  ("fast, batch API (one configuration)", len(batch), t_batch)):
            t2.add_row(policy, name, str(count), f"{secs:.3f}", f"{count / secs:,.0f}",
                       f"{count / secs / rate_ref:.0f}x")
    console.print(table)
    console.print(t2)
    return rows


def bench_serving_grid(grid, policies: Sequence[str], out: Path, console: Console) -> list:
    """The serving grid's table; its witnesses and a ``summary.json`` written to ``out``."""
    import json

    from models.witness import format_ratio
    from verify.search.serving_grid import describe_witness, run_serving_grid, save_grid_witnesses

    began = time.perf_counter()
    results = run_serving_grid(grid, policies, progress=console.log)
    save_grid_witnesses(results, out)
    seconds = time.perf_counter() - began
    from rich.markup import escape

    table = Table(title=escape(f"Serving grid against exact OPT ({grid.describe()}; default options; "
                               f"{seconds:.1f}s)"))
    for col in ("policy", "instances", "worst ratio", "witness", "least ratio", "ratio < 1", "worst preemptions "
                "of one job", "witness ", "most recomputed tokens"):
        table.add_column(col, justify="right")
    summary = {"grid": grid.describe(), "seconds": round(seconds, 1), "policies": []}
    for r in results:
        table.add_row(r.policy, str(r.instances), format_ratio(r.worst_ratio.ratio), describe_witness(r.worst_ratio),
                      format_ratio(r.least_ratio.ratio), str(r.below_one), str(r.worst_preemptions.objective_value),
                      describe_witness(r.worst_preemptions), str(r.worst_recomputed.objective_value))
        summary["policies"].append({
            "policy": r.policy, "instances": r.instances, "below_one": r.below_one,
            "worst_ratio": format_ratio(r.worst_ratio.ratio), "least_ratio": format_ratio(r.least_ratio.ratio),
            "worst_preemptions_of_one_job": r.worst_preemptions.objective_value,
            "most_recomputed_tokens": r.worst_recomputed.objective_value,
            "witnesses": {kind: str(path) for kind, path in r.paths.items()}})
    Console(width=max(console.width, 230)).print(table)
    write_atomic(out / "summary.json", json.dumps(summary, indent=1) + "\n")
    console.print(f"witnesses and summary.json in {out}/ (check any with: kvsched replay FILE)")
    return results


def search_grid_points(ns=range(2, 6), us=range(2, 7), ls=None):
    """The issue's agreement grid: n in 2..5, u in 2..6, l in 1..u, s in {0,1}, M in s+u..s+u+6 (``ns``, ``us``,
    ``ls`` narrow it; ``ls=None``: every l in 1..u)."""
    for n in ns:
        for u in us:
            for l in range(1, u + 1):  # noqa: E741
                if ls is not None and l not in ls:
                    continue
                for s in (0, 1):
                    for M in range(s + u, s + u + 7):
                        yield n, u, l, s, M


def bench_agreement(policies: Sequence[str], points: Sequence[tuple[int, ...]], budget: float, console: Console,
                    strategy: str = "z3", *, results: str | None = None, workers: int = 1,
                    csv_path: str | None = None) -> dict:
    """A proving strategy's maximum (Z3 or statespace) vs exhaustive enumeration's at every grid point, smallest
    first (:mod:`verify.campaign.agreement`): one line per point, then the verdict counts. With ``results`` (a SQLite
    file) points already closed there are read back, not run again. ``csv_path``: every point's result, computed
    now or read back, written as CSV (:func:`verify.campaign.agreement.results_csv`) at the end."""
    began = time.perf_counter()
    running = dict.fromkeys(VERDICTS, 0)  # totals so far, for the progress lines
    collected = []

    def line(r, stored: bool) -> None:
        collected.append(r)
        running[r.verdict] += 1
        if r.verdict == "agree":
            verdict = "agree"
        elif r.verdict == "open":
            verdict = f"{strategy} open (found {r.proved}, exhaustive {r.exhaustive})"
        else:
            verdict = f"DISAGREE {strategy} {r.proved} vs exhaustive {r.exhaustive}"
        source = f"stored, budget {r.budget:g}s" if stored else f"{r.seconds:.2f}s"
        console.print(f"{r.point.label}: max {r.exhaustive} {strategy} {source} {verdict}   totals {running}  "
                      f"elapsed {time.perf_counter() - began:.0f}s", markup=False, highlight=False)

    grid = [GridPoint(policy, *p) for policy in policies for p in points]
    counts = run_agreement(grid, strategy, budget, results=results, workers=workers, on_result=line)
    console.print(f"agreement ({strategy}, {len(grid)} points): {counts}")
    if csv_path is not None:
        console.print(f"wrote {write_atomic(csv_path, results_csv(collected))}")
    return counts


def bench_search(alphas: Sequence[Fraction], sizes: Sequence[int], budget: float, u: int, console: Console) -> None:
    """Best A_min ratio reached by each strategy on one budget, and time to the proven worst case."""
    from models.instance import uniform_instance
    from verify.search import STRATEGIES, Problem, run_search

    table = Table(title=f"A_min vs OPT: best ratio per strategy, budget {budget:g}s each (s=1, u={u}, M=2(s+u))")
    for col in ("alpha", "n", "strategy", "best ratio", "found at s", "proof", "seconds"):
        table.add_column(col, justify="right")
    target = Table(title="Portfolio vs exhaustive where exhaustive finishes (target: its maximum, in under a tenth "
                         "of exhaustive's time at n >= 6)")
    for col in ("alpha", "n", "exhaustive max", "exhaustive s", "portfolio best", "portfolio found at s",
                "fraction of exhaustive's time"):
        target.add_column(col, justify="right")
    for alpha in alphas:
        l = max(1, int(u * alpha))  # noqa: E741
        for n in sizes:
            problem = Problem(uniform_instance(2 * (1 + u), 1, l, u, [l] * n), "amin", {}, "opt")
            outs = {}
            for strategy in STRATEGIES:
                console.log(f"alpha={alpha} n={n} {strategy} ...")
                out = outs[strategy] = run_search(problem, strategy, budget=budget, seed=0)
                table.add_row(str(alpha), str(n), strategy, f"{out.best_ratio} = {float(out.best_ratio):.4f}",
                              f"{out.found_at:.2f}", out.proof_status, f"{out.seconds:.1f}")
            ex, pf = outs["exhaustive"], outs["portfolio"]
            if ex.closed:
                target.add_row(str(alpha), str(n), str(ex.best_ratio), f"{ex.seconds:.2f}", str(pf.best_ratio),
                               f"{pf.found_at:.3f}", f"{pf.found_at / ex.seconds:.3f}")
    console.print(table)
    console.print(target)


def bench_statespace(limit: float, max_n: int, console: Console) -> None:
    """Compression of the state graph, and the largest n whose proven worst A_min ratio closes within the limit
    (s = 1, l = 1, u = 8, M = 2(s + u)) by statespace, Z3 and plain enumeration."""
    from models.instance import uniform_instance
    from verify.search import Problem, run_search
    from verify.explore import build_graph

    table = Table(title="A_min state graph vs output vectors (s=1, l=1, u=8, M=18)")
    for col in ("n", "states", "edges", "depth", "(u-l+1)^n", "compression", "build s"):
        table.add_column(col, justify="right")
    for n in range(4, max_n + 1):
        sg = build_graph(uniform_instance(18, 1, 1, 8, [1] * n), "amin")
        st = sg.stats
        table.add_row(str(n), str(st["states"]), str(st["edges"]), str(st["depth"]), str(st["output_vectors"]),
                      f"{st['compression']}x", f"{st['seconds']:.1f}")
        console.log(f"graph n={n}: {st}")
    console.print(table)
    closes = Table(title=f"Proven worst A_min ratio within {limit:g}s (s=1, l=1, u=8, M=18)")
    for col in ("strategy", "n", "worst ratio", "status", "seconds"):
        closes.add_column(col, justify="right")
    largest = {}
    for strategy in ("statespace", "exhaustive", "z3"):
        largest[strategy] = 0
        for n in range(2, max_n + 1):
            out = run_search(Problem(uniform_instance(18, 1, 1, 8, [1] * n), "amin", {}, "opt"), strategy,
                             budget=limit)
            closes.add_row(strategy, str(n), str(out.best_ratio), out.proof_status, f"{out.seconds:.1f}")
            console.log(f"{strategy} n={n}: {out.best_ratio} {out.proof_status} in {out.seconds:.1f}s")
            if not out.closed:
                break
            largest[strategy] = n
    console.print(closes)
    console.print(f"largest n closed within {limit:g}s: {largest}")


def bench_campaign(spec_path: str, console: Console) -> None:
    """Wall time of one CPU-bound campaign on 1 and on 2 worker processes (fresh databases), and the speed-up."""
    import tempfile

    from verify.campaign.run import run_campaign
    from verify.campaign.spec import load_spec

    spec = load_spec(spec_path)
    times = {}
    with tempfile.TemporaryDirectory() as tmp:
        for workers in (1, 2):
            summary = run_campaign(spec, f"{tmp}/w{workers}.db", workers=workers)
            times[workers] = summary.seconds
            console.log(f"{workers} worker(s): {summary.seconds:.1f}s, {summary.counts}")
    table = Table(title=f"Campaign {spec.name} ({len(spec.cells)} cells): LocalCluster speed-up")
    for col in ("workers", "seconds", "speed-up"):
        table.add_column(col, justify="right")
    for w, t in times.items():
        table.add_row(str(w), f"{t:.1f}", f"{times[1] / t:.2f}x")
    console.print(table)


def _tactic_queries():
    """Fixed Z3 queries from the search: horizon checks (sat/unsat) and ratio checks at exhaustive search's
    maximum (unsat) and at 9/10 of it (sat), on grid points that took Z3 longest."""
    import itertools

    import z3

    from models.engine_reference import simulate
    from models.schedulers import make_scheduler
    from verify.symbolic.opt_table import encode_opt_table
    from verify.symbolic.scheduler_z3 import encode
    from verify.search import Problem, run_search

    cfg = uniform_instance(7, 0, 1, 6, [1] * 4)
    for H in (20, 22):
        run = encode(cfg, "amin", {}, horizon=H)
        yield f"amin n=4 u=6 l=1 s=0 M=7: not finished in {H} rounds", [*run.constraints, z3.Not(run.finished)]
    points = [(5, 5, 2, 0, 7, "amin"), (5, 5, 1, 1, 8, "amin"), (4, 6, 1, 0, 7, "amax"), (5, 4, 1, 0, 5, "amin")]
    for n, u, l, s, M, policy in points:  # noqa: E741
        cfg = uniform_instance(M, s, l, u, [l] * n)
        best = run_search(Problem(cfg, policy, {}, "opt"), "exhaustive").best_ratio
        horizon = max(max(simulate(i, make_scheduler(policy, i)).completion)
                      for i in (cfg.with_outputs(o) for o in itertools.product(range(l, u + 1), repeat=n)))
        run = encode(cfg, policy, {}, horizon=horizon)
        bench = encode_opt_table(cfg, run.o)
        name = f"{policy} n={n} u={u} l={l} s={s} M={M}"
        yield f"{name}: ratio > {best}", [*run.constraints, run.finished, best.denominator * run.tel >
                                          best.numerator * bench]
        r = best * Fraction(9, 10)
        yield f"{name}: ratio >= {r}", [*run.constraints, run.finished, r.denominator * run.tel >= r.numerator * bench]


def bench_z3_tactics(limit: float, seeds: Sequence[int], console: Console) -> None:
    """The search's solver pipeline against the same pipeline without ``elim-term-ite``, query by query."""
    from verify.symbolic.scheduler_z3 import SOLVER_TACTICS, make_solver

    pipelines = {"with elim-term-ite": SOLVER_TACTICS,
                 "without": tuple(t for t in SOLVER_TACTICS if t != "elim-term-ite")}
    table = Table(title=f"Z3 solver pipelines, seconds per query (limit {limit:g}s, seeds {list(seeds)})")
    table.add_column("query")
    for name in pipelines:
        table.add_column(name, justify="right")
    totals = dict.fromkeys(pipelines, 0.0)
    for query, formulas in _tactic_queries():
        cells = []
        for name, tactics in pipelines.items():
            runs = []
            for seed in seeds:
                solver = make_solver(seed, tactics)
                solver.set("timeout", int(limit * 1000))
                solver.add(formulas)
                verdict, seconds = _timed(solver.check)
                totals[name] += seconds
                runs.append(f"{verdict} {seconds:.1f}")
            cells.append(", ".join(runs))
        table.add_row(query, *cells)
        console.log(query)
    table.add_row("total", *(f"{t:.1f}" for t in totals.values()))
    first, second = totals.values()
    table.add_row("ratio", f"{second / first:.2f}x faster", "1.00x")
    console.print(table)


# --- the parent paper's family (issue #25): OPT scaling and the hindsight-optimum table ----------------------

PARENT_ALPHAS = (Fraction(1), Fraction(1, 2), Fraction(1, 4))
PARENT_POLICIES = ("amin", "amax", "fcfs-recompute")
PARENT_SETS = ("zero", "poisson")
PARENT_FIELDS = ("set", "seed", "n", "M", "hsf", "status", "lower", "upper", "solver", "seconds",
                 *(f"{p}@{a}" for p in PARENT_POLICIES for a in PARENT_ALPHAS))


def bench_parent_scaling(solvers: Sequence[str], limits: Sequence[float], max_n: int, poisson: bool,
                         console: Console) -> dict[str, dict[float, int]]:
    """Largest n each solver proves optimal within each limit on the parent family at fixed n (seed 0), all
    solvers in this one run. Each solver gets the largest limit per instance and climbs n = 2, 3, ... until two
    consecutive failures; "within L s" counts the n proven in at most L seconds of that run."""
    from verify.opt import solve_opt
    from verify.opt.families import parent_instance

    top = max(limits)
    arrivals = "Poisson arrivals" if poisson else "all arrivals 0"
    table = Table(title=f"OPT on the parent family (M~U[30,50], s~U[1,5], o~U[1,M-s], {arrivals}, seed 0), "
                        f"limit {top:g} s")
    for col in ("solver", "n", "M", "status", "TEL", "lower", "gap %", "seconds"):
        table.add_column(col, justify="right")
    largest: dict[str, dict[float, int]] = {}
    for solver in solvers:
        def solve(n: int, solver=solver):
            inst = parent_instance(0, n=n, poisson=poisson)
            res = solve_opt(inst, solver, timeout=top)
            gap = 100 * (res.tel - res.lower_bound) / res.tel
            table.add_row(solver, str(n), str(inst.M), res.status, str(res.tel), str(res.lower_bound), f"{gap:.1f}",
                          f"{res.seconds:.2f}")
            console.log(f"{solver} n={n}: {res.status} {res.lower_bound}..{res.tel} in {res.seconds:.2f}s")
            return res

        largest[solver] = largest_proven(solve, limits, max_n)
    console.print(table)
    summary = Table(title=f"Largest n proven optimal, parent family ({arrivals}), one run")
    summary.add_column("solver")
    for lim in limits:
        summary.add_column(f"within {lim:g} s", justify="right")
    for solver, best in largest.items():
        summary.add_row(solver, *(str(best[lim]) for lim in limits))
    console.print(summary)
    return largest


def parent_trial(which: str, seed: int, limit: float, solver: str = "auto") -> dict[str, str]:
    """One trial of the parent table: the instance of ``(which, seed)``, H-SF's TEL, OPT's bracket within
    ``limit`` seconds, and the TEL of each online policy with intervals of ratio α around the true lengths."""
    from models.engine_fast import simulate_fast
    from verify.opt import solve_opt
    from verify.opt.families import parent_instance, with_intervals

    inst = parent_instance(seed, poisson=which == "poisson")
    opt = solve_opt(inst, solver, timeout=limit)
    row = {"set": which, "seed": seed, "n": inst.n, "M": inst.M, "hsf": simulate_fast(inst, "hsf").tel,
           "status": opt.status, "lower": opt.lower_bound, "upper": opt.upper_bound, "solver": opt.solver,
           "seconds": f"{opt.seconds:.3f}"}
    for a in PARENT_ALPHAS:
        widened = with_intervals(inst, a, seed)
        for p in PARENT_POLICIES:
            row[f"{p}@{a}"] = simulate_fast(widened, p).tel
    return {k: str(v) for k, v in row.items()}


def _frac(x: Fraction) -> str:
    """An exact fraction and its decimal; a fraction too long to read (a mean over many trials) is shown by
    its decimal and its denominator's number of digits."""
    text = str(x)
    if len(text) > 30:
        return f"{float(x):.4f} (exact, denominator of {len(str(x.denominator))} digits)"
    return f"{text} = {float(x):.4f}"


def parent_table(rows: Sequence[dict[str, str]], console: Console) -> None:
    """The table of issue #25 from per-trial rows (:func:`parent_trial`), one block per arrival set."""
    for which in PARENT_SETS:
        mine = [r for r in rows if r["set"] == which]
        if not mine:
            continue
        closed = [r for r in mine if r["status"] == "optimal"]
        open_ = [r for r in mine if r["status"] != "optimal"]
        t = Table(title=f"Parent family, {'all arrivals 0' if which == 'zero' else 'Poisson arrivals'}: "
                        f"{len(mine)} trials, OPT closed in {len(closed)}")
        t.add_column("quantity")
        t.add_column("value", justify="right")
        t.add_row("trials closed exactly", f"{len(closed)} / {len(mine)}")
        if closed:
            ratios = [Fraction(int(r["hsf"]), int(r["upper"])) for r in closed]
            t.add_row("TEL(H-SF)/TEL(OPT), mean over closed", _frac(sum(ratios) / len(ratios)))
            t.add_row("TEL(H-SF)/TEL(OPT), best (smallest)", _frac(min(ratios)))
            t.add_row("TEL(H-SF)/TEL(OPT), worst (largest)", _frac(max(ratios)))
            t.add_row("H-SF exactly optimal (closed trials)", str(sum(1 for x in ratios if x == 1)))
        hi = [Fraction(int(r["hsf"]), int(r["lower"])) for r in mine]
        lo = [Fraction(int(r["hsf"]), int(r["upper"])) for r in mine]
        t.add_row("TEL(H-SF)/TEL(OPT), mean over all: proven bracket",
                  f"[{float(sum(lo) / len(lo)):.4f}, {float(sum(hi) / len(hi)):.4f}]")
        t.add_row("TEL(H-SF)/TEL(OPT), worst over all: proven bracket", f"[{float(max(lo)):.4f}, {float(max(hi)):.4f}]")
        t.add_row("H-SF proven optimal (H-SF TEL = lower bound)", str(sum(1 for r in mine if r["hsf"] == r["lower"])))
        if open_:
            widest = max(open_, key=lambda r: Fraction(int(r["upper"]) - int(r["lower"]), int(r["upper"])))
            rel = [Fraction(int(r["upper"]) - int(r["lower"]), int(r["upper"])) for r in open_]
            t.add_row("open trials: mean relative bracket (upper-lower)/upper", f"{float(sum(rel) / len(rel)):.4f}")
            t.add_row("open trials: widest bracket", f"seed {widest['seed']} n={widest['n']} M={widest['M']}: "
                      f"[{widest['lower']}, {widest['upper']}] ({float(max(rel)) * 100:.1f} %)")
        for p in PARENT_POLICIES:
            for a in PARENT_ALPHAS:
                vs_hsf = [Fraction(int(r[f"{p}@{a}"]), int(r["hsf"])) for r in mine]
                cell = f"mean {_frac(sum(vs_hsf) / len(vs_hsf))}, worst {float(max(vs_hsf)):.4f}"
                if closed:
                    vs_opt = [Fraction(int(r[f"{p}@{a}"]), int(r["upper"])) for r in closed]
                    cell += f"; vs OPT (closed) mean {float(sum(vs_opt) / len(vs_opt)):.4f}"
                t.add_row(f"{p}, alpha={a}: TEL/TEL(H-SF)", cell)
        console.print(t)
        if open_:
            b = Table(title=f"{which}: brackets of the trials not closed (lower..upper = H-SF's schedule or better)")
            for col in ("seed", "n", "M", "lower", "upper", "H-SF", "width %"):
                b.add_column(col, justify="right")
            for r in open_:
                width = 100 * (int(r["upper"]) - int(r["lower"])) / int(r["upper"])
                b.add_row(r["seed"], r["n"], r["M"], r["lower"], r["upper"], r["hsf"], f"{width:.1f}")
            console.print(b)


def bench_parent_table(trials: int, limit: float, solver: str, results: str | None, workers: int,
                       console: Console, markdown: str | None = None) -> list[dict[str, str]]:
    """Run (or resume from ``results``, a CSV of per-trial rows) the parent table's trials and print it;
    with ``markdown``, also write the report section of :mod:`verify.report.parent_table` to that file."""
    import csv
    import io

    done: dict[tuple[str, int], dict[str, str]] = {}
    if results is not None and Path(results).exists():
        with open(results, newline="") as fh:
            for r in csv.DictReader(fh):
                done[(r["set"], int(r["seed"]))] = r
        console.log(f"read {len(done)} stored trials from {results}")
    todo = [(w, seed) for w in PARENT_SETS for seed in range(trials) if (w, seed) not in done]

    def save() -> None:
        if results is None:
            return
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=PARENT_FIELDS)
        writer.writeheader()
        for key in sorted(done):
            writer.writerow(done[key])
        write_atomic(results, buf.getvalue())

    began = time.perf_counter()
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers) as pool:
            futures = {pool.submit(parent_trial, w, seed, limit, solver): (w, seed) for w, seed in todo}
            from concurrent.futures import as_completed

            for k, fut in enumerate(as_completed(futures)):
                row = fut.result()
                done[(row["set"], int(row["seed"]))] = row
                console.log(f"{k + 1}/{len(todo)} {row['set']} seed {row['seed']}: {row['status']} "
                            f"{row['lower']}..{row['upper']} (H-SF {row['hsf']})  {time.perf_counter() - began:.0f}s")
                if k % 10 == 9:
                    save()
    else:
        for k, (w, seed) in enumerate(todo):
            row = parent_trial(w, seed, limit, solver)
            done[(w, seed)] = row
            console.log(f"{k + 1}/{len(todo)} {w} seed {seed}: {row['status']} {row['lower']}..{row['upper']} "
                        f"(H-SF {row['hsf']})  {time.perf_counter() - began:.0f}s")
            if k % 10 == 9:
                save()
    save()
    rows = [done[(w, seed)] for w in PARENT_SETS for seed in range(trials) if (w, seed) in done]
    console.print(f"parent table: {trials} trials per set, OPT by {solver!r} with {limit:g} s per trial"
                  + (f", results in {results}" if results else ""))
    parent_table(rows, console)
    if markdown is not None:
        from verify.report.parent_table import parent_table_markdown

        write_atomic(markdown, parent_table_markdown(rows, limit=limit, solver=solver))
        console.print(f"report section written to {markdown}")
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = OneLineParser(prog="kvsched bench", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True, parser_class=OneLineParser)
    p = sub.add_parser("opt", help="largest n each OPT solver proves within the limit")
    p.add_argument("--solvers", default="exhaustive,milp,z3")
    p.add_argument("--limit", type=seconds("--limit"), default=10.0, help="seconds per instance")
    p.add_argument("--max-n", type=int, default=40)
    p = sub.add_parser("engine", help="reference vs fast engine on the paper-like workload and tiny instances")
    p.add_argument("--reference-sizes", default="1000,2000,10000",
                   help="n at which the reference engine is also run (10000 takes about 20 minutes)")
    p.add_argument("--fast-sizes", default="1000,2000,10000,100000")
    p.add_argument("--tiny", type=int, default=2000, help="number of tiny instances")
    p.add_argument("--policies", default="amin,vllm-v1,sglang", help="policies measured, default options")
    p = sub.add_parser("serving-grid", help="worst ratio against exact OPT, worst preemptions of one job and "
                                            "most recomputed tokens on a small exhaustive grid, with witnesses")
    p.add_argument("--policies", default="vllm-v1,sglang,fcfs-recompute,amin")
    p.add_argument("--n", default="2..4", help="range of n")
    p.add_argument("--s", default="0..2", help="range of each job's prompt s_j (every vector)")
    p.add_argument("--l", type=int, default=1, help="l of every job")
    p.add_argument("--u", default="4", help="range of u")
    p.add_argument("--slack", type=int, default=4, help="M in max(s)+u .. max(s)+u+slack")
    p.add_argument("--out", default="reports/serving_grid")
    p = sub.add_parser("agreement", help="Z3's (or statespace's) proven maximum vs exhaustive enumeration on the "
                                         "search grid")
    p.add_argument("--strategy", choices=("z3", "statespace"), default="z3")
    p.add_argument("--policies", default="amin,amax")
    p.add_argument("--n", default="2..5", help="range of n (the grid: 2..5)")
    p.add_argument("--u", default="2..6", help="range of u (the grid: 2..6)")
    p.add_argument("--l", default=None, help="range of l (default: every l in 1..u)")
    p.add_argument("--budget", type=seconds("--budget"), default=60.0, help="seconds per grid point for the proving strategy")
    p.add_argument("--results", default=None, help="SQLite file that keeps every point's result; points closed "
                                                   "there are not run again")
    p.add_argument("--workers", type=int, default=1, help="worker processes (Dask LocalCluster when > 1)")
    p.add_argument("--csv", default=None, help="write every point's result (run now or read back) to this CSV")
    p = sub.add_parser("search", help="strategies compared on one budget for A_min")
    p.add_argument("--alphas", default="1/2,1/4,1/8")
    p.add_argument("--sizes", default="4,6,8")
    p.add_argument("--u", type=int, default=8)
    p.add_argument("--budget", type=seconds("--budget"), default=30.0)
    p = sub.add_parser("z3-tactics", help="the Z3 solver pipeline with and without elim-term-ite")
    p.add_argument("--limit", type=seconds("--limit"), default=120.0, help="seconds per query")
    p.add_argument("--seeds", default="0,1")
    p = sub.add_parser("campaign", help="1 vs 2 worker processes on a CPU-bound campaign")
    p.add_argument("--spec", default="reports/specs/quick.toml")
    p = sub.add_parser("statespace", help="state-graph compression and the largest n proven per method")
    p.add_argument("--limit", type=seconds("--limit"), default=60.0)
    p.add_argument("--max-n", type=int, default=8)
    p = sub.add_parser("parent-scaling", help="largest n each OPT solver proves on the parent paper's family")
    p.add_argument("--solvers", default="exhaustive,milp,bnb")
    p.add_argument("--limits", default="10,60", help="seconds; each instance gets the largest")
    p.add_argument("--max-n", type=int, default=60)
    p.add_argument("--poisson", action="store_true", help="Poisson arrivals instead of all arrivals 0")
    p = sub.add_parser("parent-table", help="H-SF and online policies against OPT on the parent paper's family")
    p.add_argument("--trials", type=positive_int, default=200, help="trials per arrival set")
    p.add_argument("--limit", type=float, default=60.0, help="OPT solver seconds per trial")
    p.add_argument("--solver", default="auto")
    p.add_argument("--results", default=None, help="CSV of per-trial results; trials stored there are not rerun")
    p.add_argument("--workers", type=int, default=1, help="worker processes")
    p.add_argument("--markdown", default=None, help="write the table as a Markdown report section to this file")
    args = parser.parse_args(argv)
    console = Console(width=max(Console().width, 130))
    try:
        return _dispatch(parser, args, console)
    except _ListError as exc:
        parser.error(str(exc))


class _ListError(ValueError):
    pass


def _list(text: str, flag: str, convert=int) -> list:
    """A comma-separated list for ``flag``; a malformed item is one line, exit status 2."""
    try:
        values = [convert(x) for x in text.split(",") if x.strip()]
    except (ValueError, ZeroDivisionError):
        raise _ListError(f"{flag}: must be a comma-separated list of numbers, got {text!r}") from None
    if not values:
        raise _ListError(f"{flag}: must not be empty")
    return values


def _dispatch(parser, args, console) -> int:
    if args.what == "opt":
        from verify.opt import SOLVERS

        unknown = [s for s in args.solvers.split(",") if s and s not in ("auto", *SOLVERS)]
        if unknown:
            parser.error(f"--solvers: unknown solver {unknown[0]!r} (choose from auto, {', '.join(SOLVERS)})")
        bench_opt([s for s in args.solvers.split(",") if s], args.limit, args.max_n, console)
    elif args.what == "engine":
        from models.schedulers import POLICIES

        unknown = [p for p in args.policies.split(",") if p not in POLICIES or p == "hsf"]
        if unknown or not args.policies:
            parser.error(f"--policies: unknown policy {(unknown or [''])[0]!r} (online built-ins: "
                         f"{', '.join(p for p in POLICIES if p != 'hsf')})")
        if args.tiny < 1:
            parser.error(f"--tiny: must be an integer >= 1, got {args.tiny}")
        bench_engine(_list(args.reference_sizes, "--reference-sizes"), _list(args.fast_sizes, "--fast-sizes"),
                     args.tiny, console, args.policies.split(","))
    elif args.what == "serving-grid":
        from models.schedulers import POLICY_OPTIONS
        from verify.ranges import RangeError, check_grid_size, parse_range
        from verify.search.serving_grid import ServingGrid

        unknown = [p for p in args.policies.split(",") if p not in POLICY_OPTIONS]
        if unknown or not args.policies:
            parser.error(f"--policies: unknown policy {(unknown or [''])[0]!r} (built-in: {', '.join(POLICY_OPTIONS)})")
        try:
            ns, ss, us = parse_range(args.n, "--n", 1), parse_range(args.s, "--s", 0), parse_range(args.u, "--u", 1)
            check_grid_size("--n/--s/--u", [len(ns), len(ss) ** ns.hi, len(us)], ns.hi)
            grid = ServingGrid(tuple(ns), tuple(ss), args.l, tuple(us), args.slack)
        except (RangeError, ValueError) as exc:
            parser.error(str(exc))
        out = Path(args.out)
        if out.exists() and not out.is_dir():
            parser.error(f"--out: {args.out} is a file; it must be a folder")
        bench_serving_grid(grid, args.policies.split(","), out, console)
    elif args.what == "agreement":
        from verify.ranges import RangeError, parse_range

        try:
            points = list(search_grid_points(parse_range(args.n, "--n", 1), parse_range(args.u, "--u", 1),
                                             None if args.l is None else parse_range(args.l, "--l", 1)))
        except RangeError as exc:
            parser.error(str(exc))  # one line, exit status 2
        if args.workers < 1:
            parser.error(f"--workers: must be at least 1, got {args.workers}")
        from models.schedulers import POLICY_OPTIONS

        unknown = [p for p in args.policies.split(",") if p not in POLICY_OPTIONS]
        if unknown:
            parser.error(f"--policies: unknown policy {unknown[0]!r} (built-in: {', '.join(POLICY_OPTIONS)})")
        if args.results is not None and not Path(args.results).resolve().parent.is_dir():
            parser.error(f"--results: directory of {args.results} does not exist")
        try:
            counts = bench_agreement(args.policies.split(","), points, args.budget, console, args.strategy,
                                     results=args.results, workers=args.workers, csv_path=args.csv)
        except IncompatibleDatabase as exc:
            parser.error(str(exc))
        return 1 if counts["disagree"] else 0
    elif args.what == "parent-scaling":
        bench_parent_scaling([x for x in args.solvers.split(",") if x], [float(x) for x in args.limits.split(",")],
                             args.max_n, args.poisson, console)
    elif args.what == "parent-table":
        if args.markdown is not None and not Path(args.markdown).resolve().parent.is_dir():
            parser.error(f"--markdown: directory of {args.markdown} does not exist")
        bench_parent_table(args.trials, args.limit, args.solver, args.results, args.workers, console,
                           markdown=args.markdown)
    elif args.what == "z3-tactics":
        bench_z3_tactics(args.limit, _list(args.seeds, "--seeds"), console)
    elif args.what == "campaign":
        bench_campaign(args.spec, console)
    elif args.what == "statespace":
        bench_statespace(args.limit, args.max_n, console)
    elif args.what == "search":
        bench_search(_list(args.alphas, "--alphas", Fraction), _list(args.sizes, "--sizes"),
                     args.budget, args.u, console)
    return 0


if __name__ == "__main__":
    sys.exit(main())
