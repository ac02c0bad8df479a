"""Exact OPT as a time-indexed MILP over job classes, solved by HiGHS (``scipy.optimize.milp``).

Jobs with equal ``(s, o, a)`` are interchangeable, so the model counts starts per class instead of naming jobs:
``x[c, p]`` = number of class-``c`` jobs starting in round ``p``, for ``p`` in the start window of
:mod:`verify.opt.bounds` (H-SF's TEL minus a lower bound on the other jobs bounds each job's delay).
Constraints:

- ``Σ_p x[c, p] = N_c`` for every class;
- memory, every round ``t``: ``Σ_{c, p <= t < p + o_c} (s_c + t - p + 1) · x[c, p] <= M``;
- objective ``Σ (p + o_c - a_c) · x[c, p]``, with the valid bound ``objective >= lower_bound(instance)``.

The solution is rounded to integers and re-checked exactly by :func:`verify.opt.result.schedule_tel`; the
proof of optimality is HiGHS's dual bound, rounded up to the next integer after a 1e-6 tolerance (objective
coefficients are integers). ``mip_rel_gap`` is 0 so HiGHS does not stop at a near-optimal solution.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from models.instance import Instance
from verify.opt.bounds import start_window
from verify.opt.result import OptResult, schedule_tel

_TOL = 1e-6


def solve_milp(instance: Instance, *, timeout: float | None = None) -> OptResult:
    began = time.perf_counter()
    window = start_window(instance)
    lower_root = window.lower_tel
    if window.upper_tel == lower_root:  # H-SF meets the lower bound: nothing to solve
        return OptResult("milp", "optimal", window.upper_tel, window.upper_starts, lower_root,
                         window.upper_tel, time.perf_counter() - began, {"variables": 0})

    members: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for j, r in enumerate(instance.requests):
        members[(r.s, r.o, r.a)].append(j)
    classes = sorted(members)
    var_class, var_start, cost = [], [], []
    for ci, c in enumerate(classes):
        s, o, a = c
        for p in range(a, window.latest[members[c][0]] + 1):
            var_class.append(ci)
            var_start.append(p)
            cost.append(p + o - a)
    nv = len(cost)
    horizon = window.horizon

    rows, cols, vals = [], [], []
    for v in range(nv):  # class counts
        rows.append(var_class[v]); cols.append(v); vals.append(1.0)
    base = len(classes)
    for v in range(nv):  # memory rows
        s, o, _ = classes[var_class[v]]
        p = var_start[v]
        for k in range(o):
            rows.append(base + p + k); cols.append(v); vals.append(float(s + k + 1))
    A = coo_matrix((vals, (rows, cols)), shape=(base + horizon, nv)).tocsr()
    lo = np.concatenate([[len(members[c]) for c in classes], np.full(horizon, -np.inf)])
    hi = np.concatenate([[len(members[c]) for c in classes], np.full(horizon, instance.M)])
    objective_row = LinearConstraint(np.array([cost], dtype=float), lower_root, window.upper_tel)
    res = milp(
        c=np.array(cost, dtype=float),
        constraints=[LinearConstraint(A, lo, hi), objective_row],
        integrality=np.ones(nv),
        bounds=Bounds(0, [len(members[classes[var_class[v]]]) for v in range(nv)]),
        options={"disp": False, "mip_rel_gap": 0.0, **({"time_limit": max(timeout, 0.01)} if timeout else {})},
    )

    tel, starts = window.upper_tel, window.upper_starts
    if res.x is not None:
        counts = np.rint(res.x).astype(int)
        queues = {c: list(js) for c, js in members.items()}
        found = [0] * instance.n
        for v in np.flatnonzero(counts):
            for _ in range(counts[v]):
                found[queues[classes[var_class[v]]].pop()] = var_start[v]
        found_tel = schedule_tel(instance, found)  # exact re-check of the float solution
        if found_tel < tel:
            tel, starts = found_tel, tuple(found)
    dual = getattr(res, "mip_dual_bound", None)
    lower = lower_root
    if dual is not None and math.isfinite(dual):
        lower = max(lower, math.ceil(dual - _TOL))
    if res.status == 0 and res.x is not None:
        lower = max(lower, min(tel, math.ceil(res.fun - _TOL)))
    status = "optimal" if lower >= tel else "unknown"
    return OptResult("milp", status, tel, tuple(starts), min(lower, tel), tel, time.perf_counter() - began,
                     {"variables": nv, "rows": base + horizon, "highs_status": int(res.status)})
