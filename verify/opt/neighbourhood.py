"""Better schedules by large-neighbourhood search: a few jobs at a time re-placed exactly, the rest kept.

An upper bound on OPT, never a lower one. MODEL.md, "OPT": a schedule is one start ``p_j >= a_j`` per job, each
job running ``o_j`` consecutive rounds under the memory rule. Given such a schedule, a *window* frees the jobs
that start in ``[t0, t0 + WIDTH)`` (at most ``FREE`` of them, the earliest), keeps every other job where it is,
and finds the least-TEL starts for the freed jobs within ``WIDTH / 2`` rounds of the freed starts' span, by a
small time-indexed MILP (HiGHS; memory rows ``Σ (s + k + 1) x <= M − (memory of the kept jobs)``). The current
starts are one of its solutions, so a window never makes the schedule worse. Windows slide over the schedule in
steps of ``WIDTH / 2``, pass after pass, until a pass improves nothing or the deadline passes. Every schedule
taken is re-checked exactly by :func:`verify.opt.result.schedule_tel` (HiGHS works in floating point).

Measured on the parent family (``kvsched bench parent-table``): H-SF's schedule improved by 0.1–4 % within
about 10 s at n = 45–54, where branch and bound's search had improved it on one trial in 400.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from models.instance import Instance
from verify.opt.highs_stdout import c_stdout_to_stderr
from verify.opt.result import InvalidSchedule, busy_memory, schedule_tel

WIDTH = 30  # rounds of start times a window frees; its candidates reach WIDTH / 2 either side
FREE = 8  # jobs a window frees at most (a MILP of at most FREE * (2 WIDTH) start variables)
WINDOW_SECONDS = 2.0  # HiGHS's limit per window: a window out of time keeps what it found


def improve_schedule(instance: Instance, starts: Sequence[int], *,
                     deadline: float | None = None) -> tuple[int, tuple[int, ...]]:
    """The best schedule found from ``starts`` by re-placing a window of jobs at a time (module docstring).

    Parameters
    ----------
    instance : Instance
        Any valid instance; ``s``, ``o``, ``a`` and ``M`` are read.
    starts : sequence of int
        A schedule of the instance (one start per job), e.g. H-SF's.
    deadline : float, optional
        A ``time.perf_counter()`` value after which no window is started (``None``: until a pass improves
        nothing).

    Returns
    -------
    tuple of (int, tuple of int)
        The TEL and starts of the best schedule seen, at most the given schedule's TEL.

    Raises
    ------
    InvalidSchedule
        ``starts`` is not a schedule of ``instance``.
    """
    best = tuple(starts)
    best_tel = schedule_tel(instance, best)
    improved = True
    while improved and not _past(deadline):
        improved = False
        end = max(p + r.o for p, r in zip(best, instance.requests, strict=True))
        for t0 in range(0, end, WIDTH // 2):
            if _past(deadline):
                break
            free = sorted((j for j, p in enumerate(best) if t0 <= p < t0 + WIDTH), key=lambda j: best[j])[:FREE]
            if len(free) < 2:
                continue
            found = _best_in_window(instance, best, free, deadline)
            if found is None:
                continue
            try:
                tel = schedule_tel(instance, found)
            except InvalidSchedule:  # a floating-point answer that breaks a rule: not taken
                continue
            if tel < best_tel:
                best, best_tel, improved = found, tel, True
    return best_tel, best


def _past(deadline: float | None) -> bool:
    return deadline is not None and time.perf_counter() > deadline


def _best_in_window(instance: Instance, starts: tuple[int, ...], free: list[int],
                    deadline: float | None) -> tuple[int, ...] | None:
    """The least-TEL starts of the ``free`` jobs beside the others' fixed memory, or ``None`` if HiGHS found none."""
    reqs = instance.requests
    lo = max(0, min(starts[j] for j in free) - WIDTH // 2)
    hi = max(starts[j] for j in free) + WIDTH // 2
    others = [j for j in range(instance.n) if j not in set(free)]
    kept = {} if not others else busy_memory(Instance(instance.M, tuple(reqs[j] for j in others)),
                                             [starts[j] for j in others])
    columns = [(i, p) for i, j in enumerate(free) for p in range(max(lo, reqs[j].a), hi + 1)]
    rows, cols, vals = [], [], []
    for v, (i, p) in enumerate(columns):
        r = reqs[free[i]]
        rows.extend(range(p, p + r.o))
        cols.extend([v] * r.o)
        vals.extend(range(r.s + 1, r.s + r.o + 1))
    used = np.unique(rows)  # the rounds some freed job may run in, in order
    memory = coo_matrix((vals, (np.searchsorted(used, rows), cols)), shape=(len(used), len(columns))).tocsr()
    room = np.array([instance.M - kept.get(int(t), 0) for t in used], dtype=float)
    one_each = coo_matrix((np.ones(len(columns)), ([i for i, _ in columns], range(len(columns)))),
                          shape=(len(free), len(columns))).tocsr()
    cost = np.array([p + reqs[free[i]].o - reqs[free[i]].a for i, p in columns], dtype=float)
    limit = WINDOW_SECONDS if deadline is None else min(WINDOW_SECONDS, max(deadline - time.perf_counter(), 0.01))
    with c_stdout_to_stderr():
        res = milp(cost, constraints=[LinearConstraint(memory, -np.inf, room),
                                      LinearConstraint(one_each, 1, 1)],
                   integrality=np.ones(len(columns)), bounds=Bounds(0, 1),
                   options={"time_limit": limit, "disp": False})
    if res.x is None:
        return None
    out = list(starts)
    for v in np.flatnonzero(res.x > 0.5):
        i, p = columns[v]
        out[free[i]] = p
    return tuple(out)
