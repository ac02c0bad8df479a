"""Exact OPT with Z3: integer start rounds, one memory constraint per round, bisection on a TEL bound.

Variables ``p_j`` (integers) range over the start windows of :mod:`verify.opt.bounds`. For every round ``t`` in
the horizon, ``Σ_j If(p_j <= t < p_j + o_j, s_j + t - p_j + 1, 0) <= M``. Interchangeable jobs (equal ``s, o,
a``) are ordered ``p_i <= p_j`` for ``i < j``, which loses no schedule. The optimum is found by bisection on
``Σ (p_j + o_j - a_j) <= bound``: ``sat`` gives a schedule (re-checked exactly), ``unsat`` a proven lower bound.
A check that times out leaves the result ``unknown`` with the bounds proven so far.
"""

from __future__ import annotations

import time
from collections import defaultdict

import z3

from models.instance import Instance
from verify.z3check import check_interruptible
from verify.opt.bounds import PreparationTimeout, start_window
from verify.opt.result import OptResult, out_of_time, schedule_tel


def solve_z3(instance: Instance, *, timeout: float | None = None) -> OptResult:
    """Minimum TEL over non-preemptive schedules (MODEL.md, "OPT") by Z3 and bisection (module docstring).

    Parameters
    ----------
    instance : Instance
        Any valid instance; ``l`` and ``u`` are not read.
    timeout : float, optional
        Seconds for the whole call, H-SF's run and building the memory rows included (``None``: no limit).

    Returns
    -------
    OptResult
        ``optimal`` when the bisection closed; otherwise ``unknown`` with the bounds proven so far.

    Raises
    ------
    KeyboardInterrupt
        A check was interrupted (:func:`verify.z3check.check_interruptible`), never read as a timeout.
    """
    began = time.perf_counter()
    try:
        window = start_window(instance, deadline=None if timeout is None else began + timeout)
    except PreparationTimeout as exc:
        return out_of_time("z3", instance, began, str(exc))
    reqs = instance.requests
    p = [z3.Int(f"p{j}") for j in range(instance.n)]
    solver = z3.Solver()
    for j, r in enumerate(reqs):
        solver.add(p[j] >= r.a, p[j] <= window.latest[j])
    groups: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for j, r in enumerate(reqs):
        groups[(r.s, r.o, r.a)].append(j)
    for members in groups.values():
        for i, k in zip(members, members[1:]):
            solver.add(p[i] <= p[k])
    for t in _busy_rounds(instance, window.latest):
        if timeout is not None and t % 256 == 0 and time.perf_counter() - began > timeout:
            return out_of_time("z3", instance, began, "building the memory rows")
        terms = [
            z3.If(z3.And(p[j] <= t, p[j] > t - r.o), r.s + t + 1 - p[j], 0)
            for j, r in enumerate(reqs)
            if r.a <= t < window.latest[j] + r.o
        ]
        if terms:
            solver.add(z3.Sum(terms) <= instance.M)
    tel_expr = z3.Sum([p[j] + r.o - r.a for j, r in enumerate(reqs)])

    lo, hi, best = window.lower_tel, window.upper_tel, window.upper_starts
    checks = 0
    status = "optimal"
    while lo < hi:
        remaining = None if timeout is None else timeout - (time.perf_counter() - began)
        if remaining is not None and remaining <= 0:
            status = "unknown"
            break
        mid = (lo + hi) // 2
        solver.push()
        solver.add(tel_expr <= mid)
        if remaining is not None:
            solver.set("timeout", max(1, int(remaining * 1000)))
        verdict = check_interruptible(solver)
        checks += 1
        if verdict == z3.sat:
            model = solver.model()
            starts = tuple(model.eval(v, model_completion=True).as_long() for v in p)
            hi, best = schedule_tel(instance, starts), starts  # exact re-check of Z3's model
        elif verdict == z3.unsat:
            lo = mid + 1
        else:
            status = "unknown"
            solver.pop()
            break
        solver.pop()
    if lo < hi:
        status = "unknown"
    return OptResult("z3", status, hi, tuple(best), lo, hi, time.perf_counter() - began, {"checks": checks})


def _busy_rounds(instance: Instance, latest: list[int] | tuple[int, ...]):
    """The rounds in which some job may run (``a_j <= t < latest_j + o_j``), in order: a far-off arrival leaves
    a long stretch in which no memory row is needed."""
    spans = sorted((r.a, latest[j] + r.o) for j, r in enumerate(instance.requests))
    end = 0
    for lo, hi in spans:
        yield from range(max(lo, end), hi)
        end = max(end, hi)
