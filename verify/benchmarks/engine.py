"""``kvsched bench engine``: the reference and fast engines side by side in one run, for each policy given:
(a) the paper-like workload of :mod:`verify.workload` at several n, (b) tiny search instances as simulations per second."""

from __future__ import annotations

import random
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from verify.benchmarks.timing import timed as _timed


def bench_engine(ref_sizes: Sequence[int], fast_sizes: Sequence[int], tiny_count: int, console: Console,
                 policies: Sequence[str] = ("amin",)) -> list[dict]:
    """Reference against fast engine for each policy (default options), measured side by side in this run.

    Every timed pair runs on the same instance, and ``identical`` compares every integer of the two summaries:
    (a) the paper-like workload of :mod:`verify.workload` at each size, (b) tiny search instances (n = 6,
    u = 8, s = 1) as simulations per second, one call each and through the batch API. A size the fast engine
    refuses (an exact product that would leave int64) is reported as refused.

    Parameters
    ----------
    ref_sizes : sequence of int
        Sizes n at which the reference engine is also run.
    fast_sizes : sequence of int
        Sizes n run on the fast engine only.
    tiny_count : int
        Number of tiny instances.
    console : rich.console.Console
        Where the tables go.
    policies : sequence of str
        Online built-in policies.

    Returns
    -------
    list of dict
        One row per policy and size: seconds on each engine, ``identical``, or ``fast_refused``.
    """
    import numpy as np

    from models.engine_fast import FastEngine, simulate_fast
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
        cfg = FastEngine.build(tiny[0], policy)
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
