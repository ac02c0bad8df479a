"""Good feasible non-preemptive schedules fast: serial schedule generation plus local search.

A *serial schedule* places jobs one at a time, in a given order, each at the earliest round ``p >= a_j`` at which
adding its memory ramp ``s_j + 1, …, s_j + o_j`` keeps every round within ``M`` (the classic serial scheme of
resource-constrained project scheduling). Orders are improved by swaps and moves while TEL falls. The result is
only an upper bound on OPT; the exact solvers use it to narrow their start windows.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence

import numpy as np

from models.instance import Instance


def serial_schedule(instance: Instance, order: Sequence[int], horizon: int) -> tuple[int, list[int]] | None:
    """Place jobs in ``order`` at their earliest feasible starts; ``None`` if one does not fit before ``horizon``."""
    reqs = instance.requests
    load = np.zeros(horizon, dtype=np.int64)
    starts = [0] * instance.n
    tel = 0
    for j in order:
        r = reqs[j]
        ramp = np.arange(r.s + 1, r.s + r.o + 1, dtype=np.int64)
        room = instance.M - ramp
        p = r.a
        while True:
            if p + r.o > horizon:
                return None
            window = load[p:p + r.o]
            bad = np.flatnonzero(window > room)
            if bad.size == 0:
                break
            p += 1
        load[p:p + r.o] += ramp
        starts[j] = p
        tel += p + r.o - r.a
    return tel, starts


def improve_schedule(instance: Instance, horizon: int, *, budget: float = 0.5, seed: int = 0) -> tuple[int, list[int]]:
    """The best serial schedule found within ``budget`` seconds (deterministic for a given ``seed``)."""
    rng = random.Random(seed)
    reqs = instance.requests
    keys = [
        lambda j: (reqs[j].a, reqs[j].o, j),
        lambda j: (reqs[j].a + reqs[j].o, reqs[j].s * reqs[j].o, j),
        lambda j: (reqs[j].o * reqs[j].s + reqs[j].o * (reqs[j].o + 1) // 2, j),
    ]
    best: tuple[int, list[int]] | None = None
    best_order: list[int] = []
    for key in keys:
        order = sorted(range(instance.n), key=key)
        got = serial_schedule(instance, order, horizon)
        if got and (best is None or got[0] < best[0]):
            best, best_order = got, order
    if best is None:
        raise ValueError("no serial schedule fits the horizon")
    deadline = time.perf_counter() + budget
    n = instance.n
    while n > 1 and time.perf_counter() < deadline:
        order = best_order[:]
        i, k = rng.randrange(n), rng.randrange(n)
        if rng.random() < 0.5:
            order[i], order[k] = order[k], order[i]
        else:
            order.insert(k, order.pop(i))
        got = serial_schedule(instance, order, horizon)
        if got and got[0] <= best[0]:
            best, best_order = got, order
    return best
