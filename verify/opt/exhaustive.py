"""Exact OPT by exhaustive branch and bound over start rounds: the oracle for the other OPT solvers.

Rounds are decided in order. In round ``t`` the search picks how many jobs of each class (equal ``s, o, a``,
hence interchangeable) start now, among those arrived and not started. The state is the *committed profile*:
the memory the started jobs will hold in rounds ``t, t+1, ...`` (a started job never stops, so this is exact),
and a choice is kept only if the profile stays within ``M``. The cost of a schedule is ``Σ (p_j + o_j - a_j)``,
so each start adds its share at once. A branch is cut when

- its cost so far plus :func:`_rest_bound` reaches the best schedule known (H-SF's seeds it);
- the same ``(t, profile, unstarted jobs)`` was already reached at no greater cost (the future depends on
  nothing else, so this is exact);
- it idles with nothing running and every job arrived: shifting the rest one round earlier is feasible and
  cheaper, so such a branch is never better.
"""

from __future__ import annotations

import time
from collections import Counter

from models.errors import Inconsistency, Unproven
from models.instance import Instance
from verify.opt.bounds import PreparationTimeout, completion_area_bound, start_window
from verify.opt.result import OptResult, out_of_time, schedule_tel


class SearchLimit(Unproven):
    """The search reached its node budget or deadline (caught inside :func:`solve_exhaustive`)."""


def _rest_bound(t: int, profile: list[int], classes, remaining, M: int) -> int:
    """A lower bound on ``Σ (C_j - a_j)`` over the unstarted jobs when none starts before round ``t`` and
    ``profile[i]`` of the memory is taken in round ``t + i`` (:func:`verify.opt.bounds.completion_area_bound`,
    with the rounds already taken by running jobs removed)."""
    ends, areas, arrived_sum = [], [], 0
    for (s, o, a), cnt in zip(classes, remaining, strict=True):
        if cnt:
            ends.extend([max(t, a) + o] * cnt)
            areas.extend([o * s + o * (o + 1) // 2] * cnt)
            arrived_sum += a * cnt
    if not ends:
        return 0
    ends.sort()
    areas.sort()
    return completion_area_bound(ends, areas, M, t=t, profile=profile) - arrived_sum


def start_choices(t: int, profile: list[int], remaining: tuple[int, ...], classes, shapes, M: int,
                  check=None, allowed=None) -> list[tuple[tuple, list[int]]]:
    """Every ``((class, count), ...)`` choice of starts in round ``t`` that fits beside ``profile``.

    Lexicographic over the arrived classes, most jobs first per class. Feasibility is monotone, so the counts
    tried per class stop at the first that does not fit.

    Shared by :mod:`verify.opt.exhaustive` and :mod:`verify.opt.bnb`. Only classes that have arrived by
    round ``t`` (``a <= t``) are started.

    Parameters
    ----------
    t : int
        The round.
    profile : list of int
        Memory committed in rounds ``t, t + 1, ...`` by the jobs started already.
    remaining : tuple of int
        ``remaining[i]``: how many jobs of class ``i`` are unstarted.
    classes : sequence of (int, int, int)
        ``classes[i]``: the class's ``(s, o, a)``.
    shapes : sequence of tuple of int
        ``shapes[i]``: the memory ``(s + 1, ..., s + o)`` a job of class ``i`` holds over its run.
    M : int
        The capacity.
    check : callable, optional
        Called with no arguments once per class tried: a solver's deadline check (the choices multiply when
        many small jobs wait beside an empty profile); what it raises propagates.
    allowed : callable, optional
        ``allowed(i, t)``: may a job of class ``i`` start in round ``t``? Classes it refuses are not started
        (branch and bound's reduced-cost fixing); ``None``: every arrived class may start.

    Returns
    -------
    list of (tuple, list of int)
        Each choice as ``((class, count), ...)`` with the profile from round ``t`` on that it leaves; the
        empty choice (start nothing) is among them.
    """
    out: list[tuple[tuple, list[int]]] = [((), profile)]
    for i, cnt in enumerate(remaining):
        if not cnt or classes[i][2] > t or (allowed is not None and not allowed(i, t)):
            continue
        shape, o = shapes[i], len(shapes[i])
        grown = []
        if check is not None:
            check()
        for chosen, prof in out:
            stack = [prof]
            while len(stack) <= cnt:
                cur = stack[-1]
                if len(cur) < o:
                    cur = cur + [0] * (o - len(cur))
                if any(c + w > M for c, w in zip(cur, shape)):
                    break
                stack.append([c + w for c, w in zip(cur, shape)] + cur[o:])
            for c in range(len(stack) - 1, 0, -1):
                grown.append((chosen + ((i, c),), stack[c]))
            grown.append((chosen, prof))
        out = grown
    return out


def solve_exhaustive(instance: Instance, *, timeout: float | None = None, max_nodes: int | None = None) -> OptResult:
    """Minimum TEL over non-preemptive schedules (MODEL.md, "OPT"), with a schedule that attains it.

    Parameters
    ----------
    instance : Instance
        Any valid instance; ``l`` and ``u`` are not read.
    timeout : float, optional
        Seconds (``None``: no limit). The deadline also bounds the preparation (H-SF's run).
    max_nodes : int, optional
        Search-node budget (``None``: no limit).

    Returns
    -------
    OptResult
        ``optimal`` when the search finished; when it stopped early, ``unknown`` with the best schedule
        found as upper bound and the root bound as lower bound.

    Raises
    ------
    Inconsistency
        The schedule found does not attain the TEL the search computed for it (a defect of the solver).
    """
    began = time.perf_counter()
    deadline = None if timeout is None else began + timeout
    reqs = instance.requests
    M = instance.M
    classes = sorted(Counter((r.s, r.o, r.a) for r in reqs))
    members: dict[tuple[int, int, int], list[int]] = {c: [] for c in classes}
    for j, r in enumerate(reqs):
        members[(r.s, r.o, r.a)].append(j)
    shapes = [tuple(s + k + 1 for k in range(o)) for s, o, _ in classes]

    try:
        window = start_window(instance, deadline=deadline)
    except PreparationTimeout as exc:
        return out_of_time("exhaustive", instance, began, str(exc))
    best_tel, best_starts = window.upper_tel, list(window.upper_starts)
    full = tuple(len(members[c]) for c in classes)
    root_lb = window.lower_tel
    seen: dict[tuple, int] = {}
    nodes = 0

    def check_deadline() -> None:
        if deadline is not None and time.perf_counter() > deadline:
            raise SearchLimit

    def picks(t: int, profile: list[int], remaining: tuple[int, ...]) -> list[tuple[tuple, list[int]]]:
        # one node's choices can take long (many classes beside an empty profile): the deadline is checked
        # inside them too, not only every 256 nodes
        return start_choices(t, profile, remaining, classes, shapes, M, check_deadline)

    def search(t: int, profile: list[int], remaining: tuple[int, ...], cost: int, starts: list) -> None:
        nonlocal best_tel, best_starts, nodes
        nodes += 1
        if max_nodes is not None and nodes > max_nodes:
            raise SearchLimit
        if deadline is not None and nodes % 256 == 0 and time.perf_counter() > deadline:
            raise SearchLimit
        if not any(remaining):
            if cost < best_tel:
                best_tel, best_starts = cost, _assign(starts, members)
            return
        if not profile and all(a > t for (_, _, a), cnt in zip(classes, remaining, strict=True) if cnt):
            t = min(a for (_, _, a), cnt in zip(classes, remaining, strict=True) if cnt)  # idle until an arrival
        key = (t, tuple(profile), remaining)
        if seen.get(key, best_tel) <= cost:
            return
        seen[key] = cost
        # with nothing running and every job arrived, idling is dominated: shift the rest one round earlier
        idle_dominated = not profile and all(a <= t for (_, _, a), cnt in zip(classes, remaining, strict=True) if cnt)
        for pick, prof in picks(t, profile, remaining):
            if idle_dominated and not pick:
                continue
            add = 0
            rest = list(remaining)
            for i, c in pick:
                add += c * (t + classes[i][1] - classes[i][2])
                rest[i] -= c
            rest_t = tuple(rest)
            nxt = prof[1:]
            while nxt and nxt[-1] == 0:
                nxt.pop()
            if cost + add + _rest_bound(t + 1, nxt, classes, rest_t, M) >= best_tel:
                continue
            search(t + 1, nxt, rest_t, cost + add, starts + [(classes[i], t) for i, c in pick for _ in range(c)])

    status = "optimal"
    try:
        if root_lb < best_tel:
            search(0, [], full, 0, [])
    except SearchLimit:
        status = "unknown"
    starts = tuple(best_starts)
    if schedule_tel(instance, starts) != best_tel:  # the schedule must attain the value it claims
        raise Inconsistency("exhaustive OPT: schedule does not attain its TEL")
    return OptResult(
        solver="exhaustive",
        status=status,
        tel=best_tel,
        starts=starts,
        lower_bound=best_tel if status == "optimal" else min(root_lb, best_tel),
        upper_bound=best_tel,
        seconds=time.perf_counter() - began,
        stats={"nodes": nodes},
    )


def _assign(starts: list[tuple[tuple[int, int, int], int]], members: dict) -> list[int]:
    """Hand class start rounds to concrete jobs (any order within a class: they are interchangeable)."""
    queues = {c: list(js) for c, js in members.items()}
    out = [0] * sum(len(js) for js in members.values())
    for c, p in sorted(starts, key=lambda x: x[1]):
        out[queues[c].pop(0)] = p
    return out
