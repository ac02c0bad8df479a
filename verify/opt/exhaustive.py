"""Exact OPT by exhaustive branch and bound over start rounds: the oracle for the other OPT solvers.

Rounds are decided in order. In round ``t`` the search picks how many jobs of each class (equal ``s, o, a``,
hence interchangeable) start now, among those arrived and not started; a choice is kept only if the started
jobs fit in ``M`` in every later round (later starts only add memory, so this is exact). A branch is cut when
its TEL so far plus the least its unstarted jobs can add (start no earlier than ``t + 1``) reaches the best
schedule known; H-SF's schedule seeds that bound.
"""

from __future__ import annotations

import time
from collections import Counter

from models.feasibility import is_feasible
from models.instance import Instance
from verify.opt.bounds import start_window
from verify.opt.result import OptResult, schedule_tel


class SearchLimit(RuntimeError):
    pass


def solve_exhaustive(instance: Instance, *, timeout: float | None = None) -> OptResult:
    """Minimum TEL over non-preemptive schedules, with a schedule that attains it.

    With ``timeout`` (seconds) the search may stop early; it then returns ``status="unknown"`` with the best
    schedule found as upper bound and the root bound as lower bound.
    """
    began = time.perf_counter()
    deadline = None if timeout is None else began + timeout
    reqs = instance.requests
    classes = sorted(Counter((r.s, r.o, r.a) for r in reqs))
    members: dict[tuple[int, int, int], list[int]] = {c: [] for c in classes}
    for j, r in enumerate(reqs):
        members[(r.s, r.o, r.a)].append(j)

    window = start_window(instance)
    best_tel, best_starts = window.upper_tel, list(window.upper_starts)
    nodes = 0

    def lower_rest(remaining: tuple[int, ...], t: int) -> int:
        return sum(cnt * (max(t, a) + o - a) for (s, o, a), cnt in zip(classes, remaining, strict=True))

    root_lb = lower_rest(tuple(len(members[c]) for c in classes), 0)

    # started: tuple of (s, k, o) for jobs still running at the start of round t, with class starts recorded.
    def search(t: int, running: list[tuple[int, int, int]], remaining: tuple[int, ...],
               cost: int, starts: list[tuple[tuple[int, int, int], int]]) -> None:
        nonlocal best_tel, best_starts, nodes
        nodes += 1
        if not any(remaining):
            if cost < best_tel:
                best_tel = cost
                best_starts = _assign(starts, members)
            return
        if cost + lower_rest(remaining, t) >= best_tel:
            return
        avail = [cnt if a <= t else 0 for (s, o, a), cnt in zip(classes, remaining, strict=True)]
        for pick, new in _feasible_picks(running, classes, avail, instance.M):
            if deadline is not None and time.perf_counter() > deadline:
                raise SearchLimit
            add = sum(c * (t + o - a) for (s, o, a), c in zip(classes, pick, strict=True))
            rest = tuple(r - c for r, c in zip(remaining, pick, strict=True))
            if cost + add + lower_rest(rest, t + 1) >= best_tel and any(rest):
                continue
            after = [(s, k + 1, e) for s, k, e in running + new if k + 1 < e]
            search(t + 1, after, rest, cost + add,
                   starts + [(c, t) for c, cnt in zip(classes, pick, strict=True) for _ in range(cnt)])

    status = "optimal"
    try:
        search(0, [], tuple(len(members[c]) for c in classes), 0, [])
    except SearchLimit:
        status = "unknown"
    starts = tuple(best_starts)
    if schedule_tel(instance, starts) != best_tel:  # the schedule must attain the value it claims
        raise AssertionError("exhaustive OPT: schedule does not attain its TEL")
    return OptResult(
        solver="exhaustive",
        status=status,
        tel=best_tel,
        starts=starts,
        lower_bound=best_tel if status == "optimal" else root_lb,
        upper_bound=best_tel,
        seconds=time.perf_counter() - began,
        stats={"nodes": nodes},
    )


def _feasible_picks(running, classes, avail, M):
    """Every count vector ``pick <= avail`` whose new jobs fit beside ``running``, most jobs first per class.

    Feasibility is monotone (adding a job never lowers memory), so for each class the counts tried stop at the
    first that does not fit.
    """
    def extend(i, chosen, new):
        if i == len(classes):
            yield tuple(chosen), new
            return
        s, o, _ = classes[i]
        fitting = 0
        while fitting < avail[i] and is_feasible(running + new + [(s, 0, o)] * (fitting + 1), M):
            fitting += 1
        for c in range(fitting, -1, -1):
            yield from extend(i + 1, chosen + [c], new + [(s, 0, o)] * c)

    yield from extend(0, [], [])


def _assign(starts: list[tuple[tuple[int, int, int], int]], members: dict) -> list[int]:
    """Hand class start rounds to concrete jobs (any order within a class: they are interchangeable)."""
    queues = {c: list(js) for c, js in members.items()}
    out = [0] * sum(len(js) for js in members.values())
    for c, p in sorted(starts, key=lambda x: x[1]):
        out[queues[c].pop(0)] = p
    return out
