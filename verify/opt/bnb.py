"""Exact OPT by branch and bound with ramp-aware bounds and a no-fit dominance rule: solver ``"bnb"``.

The search is :mod:`verify.opt.exhaustive`'s (rounds in order; per round, how many jobs of each class of equal
``(s, o, a)`` start; the state is the committed memory profile; equal states at no smaller cost are cut; idling
with nothing running and every job arrived is cut), with two additions that matter when few jobs fit at once.

**Node bound.** For the unstarted jobs at round ``t`` with committed profile ``profile``, each job's earliest
completion ``e_j`` is the earliest start ``p >= max(t, a_j)`` at which it fits beside ``profile`` alone, plus
``o_j`` (memory only grows as more jobs start, so no schedule starts it sooner). The bound is the larger of
:func:`verify.opt.bounds.completion_area_bound` with those ends and the peak-interval bound of
:mod:`verify.opt.peak_bound` (big jobs on a single machine, the others by area).

**No-fit dominance.** MODEL.md, "OPT": a schedule is one start ``p_j >= a_j`` per job. If some job ``j`` and
round ``t0`` in ``[a_j, p_j)`` have ``j`` fitting in every round of ``[t0, t0 + o_j)`` beside the memory of all
*other* jobs of the schedule, moving ``j`` to ``t0`` keeps every round within ``M`` (rounds from ``t0 + o_j``
on only lose ``j``) and lowers the TEL by ``p_j - t0``. So no optimal schedule has such a pair. When the
search leaves a job of a class unstarted in round ``t0`` although it fits beside the committed profile, it
records that pending pair; once every round of ``[t0, t0 + o)`` is final and none of them blocked the job
(class members started inside the window are excluded: their own memory is not "other"), the branch is
cut. Only non-optimal schedules are cut, so some optimal schedule survives the state cut as well (the one
reaching each state first), and the search stays exact.

**LP pricing.** With ``lp=True`` the root's certified LP (:mod:`verify.opt.lp_bound`, memory rows and peak
cliques) also prices every start: its certificate says every schedule has TEL at least
``K + Σ_j r(class of j, p_j)`` (``K`` the certificate's constant, ``r`` the reduced costs). Below a node at
round ``t`` the started jobs' ``r`` are known and each unstarted job's is at least its class's least ``r`` over
starts ``>= t``; a node whose sum cannot beat the best schedule is cut, and so is a start whose ``r`` alone
rules it out (reduced-cost fixing). Measured on the parent family with Poisson arrivals, seed 0, n = 17:
proven in 52.4 s with the node sum against 57.2 s with fixing alone (the same run, side by side).

**Upper bound.** From ``IMPROVE_FROM_N`` jobs on, H-SF's schedule is first improved by large-neighbourhood
search (:mod:`verify.opt.neighbourhood`, 3/4 of the time left after the LP), and the search starts from that
schedule. Below, the search has the whole time: on the parent family it closes instances up to n = 20 in
51 s (Poisson n = 17), which the 3/4 would have cut (measured: the largest n proven within 60 s fell from 20
to 15); above, it has closed none (n = 40-60, 400 trials) and had improved H-SF's schedule on one.

On a timeout or node budget the status is ``unknown`` with the best schedule as upper bound and the root bound
(the largest of the combinatorial bounds — area, peak-interval, and the ramp-waste bound of
:mod:`verify.opt.ramp_bound`, which is used at the root only and, with ``lp=True``, the certified LP bound of
:mod:`verify.opt.lp_bound`) as lower bound. Every schedule is re-checked by :func:`verify.opt.result.schedule_tel`.
"""

from __future__ import annotations

import sys
import time
from bisect import bisect_left
from collections import Counter

from models.errors import Inconsistency
from models.instance import Instance
from verify.opt.bounds import PreparationTimeout, completion_area_bound, start_window
from verify.opt.exhaustive import start_choices
from verify.opt.lp_bound import SCALE, lp_lower_bound
from verify.opt.neighbourhood import improve_schedule
from verify.opt.ramp_bound import ramp_lower_bound
from verify.opt.peak_bound import peak_interval_sum, peak_lower_bound, peak_sigma
from verify.opt.result import OptResult, out_of_time, schedule_tel
from verify.opt.time_indexed import build_model


IMPROVE_FROM_N = 30  # jobs from which the neighbourhood search runs by default (module docstring)
_NEVER = 1 << 200  # a reduced cost for a start outside the window: no schedule below a node uses it


class _Stop(RuntimeError):
    """The node budget or the deadline was reached."""


def _earliest_shifts(profile: list[int], t: int, classes, remaining, M: int, floors=None) -> list[int]:
    """Per class with jobs left, the least ``d >= max(0, a - t, floor - t)`` such that a job started at ``t + d``
    fits beside ``profile`` (``profile[i]`` taken in round ``t + i``); ``-1`` for classes with none left."""
    L = len(profile)
    v = [p + i for i, p in enumerate(profile)]
    suf = [0] * (L + 1)
    suf[L] = -1 << 60
    for i in range(L - 1, -1, -1):
        suf[i] = v[i] if v[i] > suf[i + 1] else suf[i + 1]
    out = []
    for k, ((s, o, a), cnt) in enumerate(zip(classes, remaining, strict=True)):
        if not cnt:
            out.append(-1)
            continue
        d = max(a, t if floors is None else floors[k]) - t
        room = M - s - 1
        while d < L:
            if d + o >= L and suf[d] <= room + d:
                break
            # the first round of the window that overflows, if any: every shift before min(i + 1, v[i] - room)
            # still has round i in the window and still overflows it, so the search jumps there
            lim = room + d
            for i in range(d, min(d + o, L)):
                if v[i] > lim:
                    d = min(i + 1, v[i] - room)
                    break
            else:
                break
        out.append(d)
    return out


def node_bound(t: int, profile: list[int], classes, remaining, M: int, sigma: int, floors=None) -> int:
    """A lower bound on ``Σ (C_j - a_j)`` over the unstarted jobs of a search node.

    The larger of the area bound and the peak-interval bound, each with the earliest completions described
    in the module docstring.

    Parameters
    ----------
    t : int
        The first round any unstarted job may start in.
    profile : list of int
        ``profile[i]``: memory committed in round ``t + i`` by the jobs started already.
    classes : sequence of (int, int, int)
        Each class's ``(s, o, a)``.
    remaining : sequence of int
        How many jobs of each class are unstarted.
    M : int
        The capacity.
    sigma : int
        At least every job's ``s`` (:func:`verify.opt.peak_bound.peak_sigma` of the instance).
    floors : sequence of int, optional
        Per class, a round before which no job of the class starts in the schedules bounded (reduced-cost
        fixing); ``None``: ``t``.

    Returns
    -------
    int
        The bound; 0 when no job is left.
    """
    shifts = _earliest_shifts(profile, t, classes, remaining, M, floors)
    ends, areas, jobs, arrived = [], [], [], 0
    for (s, o, a), cnt, d in zip(classes, remaining, shifts, strict=True):
        if cnt:
            e = t + d + o
            area = o * s + o * (o + 1) // 2
            ends.extend([e] * cnt)
            areas.extend([area] * cnt)
            jobs.extend([(s, o, e, area)] * cnt)
            arrived += a * cnt
    if not ends:
        return 0
    ends.sort()
    areas.sort()
    area_bound = completion_area_bound(ends, areas, M, t=t, profile=profile)
    twice, rest = peak_interval_sum([(s, o, e) for s, o, e, _ in jobs], M, sigma)
    small = 0
    if rest:
        small = completion_area_bound(sorted(jobs[k][2] for k in rest), sorted(jobs[k][3] for k in rest), M,
                                      t=t, profile=profile)
    return max(area_bound, -(-twice // 2) + small) - arrived


def solve_bnb(instance: Instance, *, timeout: float | None = None, max_nodes: int | None = None,
              lp: bool = True, improve: bool | None = None) -> OptResult:
    """Minimum TEL over non-preemptive schedules (MODEL.md, "OPT") by branch and bound.

    Parameters
    ----------
    instance : Instance
        Any valid instance; ``u`` and ``l`` are not read.
    timeout : float, optional
        Seconds; when reached the result is ``unknown`` with certified bounds.
    max_nodes : int, optional
        Search-node budget, same effect as ``timeout``.
    lp : bool
        Also compute the certified LP bound at the root (worth it beyond a handful of jobs); it gets 80 % of
        the time left.
    improve : bool, optional
        Before the search, improve H-SF's schedule by :func:`verify.opt.neighbourhood.improve_schedule`, with
        3/4 of the time left after the LP; ``None``: only from :data:`IMPROVE_FROM_N` jobs on.
    Returns
    -------
    OptResult
        ``optimal`` only when the search finished or a root bound meets the best schedule.

    Raises
    ------
    Inconsistency
        The schedule found does not attain the TEL the search computed for it (a defect of the solver).
    """
    began = time.perf_counter()
    deadline = None if timeout is None else began + timeout
    reqs = instance.requests
    M = instance.M
    sigma = peak_sigma(instance)
    classes = sorted(Counter((r.s, r.o, r.a) for r in reqs))
    members: dict[tuple[int, int, int], list[int]] = {c: [] for c in classes}
    for j, r in enumerate(reqs):
        members[(r.s, r.o, r.a)].append(j)
    shapes = [tuple(s + k + 1 for k in range(o)) for s, o, _ in classes]
    try:
        window = start_window(instance, deadline=deadline)
    except PreparationTimeout as exc:
        return out_of_time("bnb", instance, began, str(exc))
    best_tel, best_starts = window.upper_tel, list(window.upper_starts)
    full = tuple(len(members[c]) for c in classes)
    stats: dict = {"area_bound": window.lower_tel, "peak_bound": peak_lower_bound(instance),
                   "ramp_bound": ramp_lower_bound(instance)}
    root_lb = max(stats["area_bound"], stats["peak_bound"], stats["ramp_bound"])
    # the LP certificate's reduced cost per class and start and its value and constant, all times 2**40 (exact:
    # certify rounds to 2**-40); empty without the LP, when every start stays allowed
    priced: list[dict[int, int]] = [{} for _ in classes]
    lp_value = lp_base = 0
    if lp and root_lb < best_tel and instance.n > 1:
        # most of what is left for the LP solve alone (the model and its certificate come on top): where the
        # search can close an instance the LP takes a fraction of a second (n <= 20 on the parent family), and
        # where it cannot (n = 40-60, an LP of 4-10 s) the LP is the bound the result reports
        lp_timeout = None if deadline is None else max((deadline - time.perf_counter()) * 0.8, 0.01)
        model = build_model(instance, window)
        bound = lp_lower_bound(model, timeout=lp_timeout, around=window.upper_starts)
        # a certificate cut short by the time limit (the duals of a master still missing columns) can be far below
        # the combinatorial bound (measured: -5940 against 348 after one master at n = 8); then its prices would
        # only slow the search down
        if bound is not None and (bound.converged or bound.tel > root_lb):
            stats["lp_bound"] = bound.tel
            stats["lp_converged"] = bound.converged
            root_lb = max(root_lb, bound.tel)
            index = {c: i for i, c in enumerate(classes)}
            for c, p, r in zip(model.var_class, model.var_start, bound.reduced, strict=True):
                priced[index[model.classes[c]]][p] = r
            lp_value, lp_base = int(bound.value * SCALE), int(bound.base * SCALE)
    wanted = instance.n >= IMPROVE_FROM_N if improve is None else improve
    if wanted and root_lb < best_tel and instance.n > 1:
        began_improving = time.perf_counter()
        until = None if deadline is None else began_improving + (deadline - began_improving) * 3 / 4
        tel, better = improve_schedule(instance, best_starts, deadline=until)
        stats["improve_seconds"] = round(time.perf_counter() - began_improving, 3)
        if tel < best_tel:
            stats["improved_from"] = best_tel
            best_tel, best_starts = tel, list(better)
    seen: dict[tuple, int] = {}
    nodes = 0
    use_fixing = any(priced)
    # suffix minima of the reduced costs per class: least[i][p] = min over starts q >= p of class i's r
    least: list[list[int]] = []
    for f in priced:
        top = max(f, default=-1)
        row = [_NEVER] * (top + 2)
        for p in range(top, -1, -1):
            row[p] = min(f.get(p, _NEVER), row[p + 1])
        least.append(row)

    def priced_bound(t: int, rest: tuple[int, ...], rsum: int) -> int:
        """The certificate's bound on the TEL of every schedule below a node (times 2**40; module docstring)."""
        total = lp_base + rsum
        for i, cnt in enumerate(rest):
            if cnt:
                row = least[i]
                total += cnt * (row[t] if t < len(row) else _NEVER)
        return total
    allowed_at: dict = {"tel": None, "starts": []}

    def beats_best(r: int) -> bool:
        """Reduced-cost fixing (:meth:`verify.opt.lp_bound.LpBound.usable`): may a schedule starting a job where
        the reduced cost is ``r`` (times 2**40) have TEL below the best one's?"""
        return lp_value + r <= (best_tel - 1) * SCALE

    def allowed(i: int, t: int) -> bool:
        r = priced[i].get(t)
        return r is not None and beats_best(r)

    def first_allowed(t: int, rest: tuple[int, ...]) -> list[int] | None:
        """Per class, the first start ``>= t`` that a schedule better than the best one may use (``t`` for a
        class with none left in ``rest``: it is not read); ``None`` when some class with jobs left has none."""
        if allowed_at["tel"] != best_tel:  # the allowed starts only shrink, as the best TEL falls
            allowed_at["tel"] = best_tel
            allowed_at["starts"] = [sorted(p for p, r in f.items() if beats_best(r)) for f in priced]
        out = []
        for starts_i, left in zip(allowed_at["starts"], rest, strict=True):
            if not left:
                out.append(t)
                continue
            k = bisect_left(starts_i, t)
            if k == len(starts_i):
                return None
            out.append(starts_i[k])
        return out

    def check_deadline() -> None:
        if deadline is not None and time.perf_counter() > deadline:
            raise _Stop

    def picks(t: int, profile: list[int], remaining: tuple[int, ...]) -> list[tuple[tuple, list[int]]]:
        return start_choices(t, profile, remaining, classes, shapes, M, check_deadline,
                             allowed if use_fixing else None)

    def fits_now(i: int, prof: list[int]) -> bool:
        shape = shapes[i]
        return all(c + w <= M for c, w in zip(prof, shape))

    def search(t: int, profile: list[int], remaining: tuple[int, ...], cost: int, starts: list,
               pending: tuple, rsum: int) -> None:
        nonlocal best_tel, best_starts, nodes
        nodes += 1
        if max_nodes is not None and nodes > max_nodes:
            raise _Stop
        if deadline is not None and nodes % 64 == 0 and time.perf_counter() > deadline:
            raise _Stop
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
        idle_dominated = not profile and all(a <= t for (_, _, a), cnt in zip(classes, remaining, strict=True) if cnt)
        children = []
        for number, (pick, prof) in enumerate(picks(t, profile, remaining)):
            if idle_dominated and not pick:
                continue
            if deadline is not None and number % 256 == 255 and time.perf_counter() > deadline:
                raise _Stop
            add = 0
            rest = list(remaining)
            started = [0] * len(classes)
            for i, c in pick:
                add += c * (t + classes[i][1] - classes[i][2])
                rest[i] -= c
                started[i] = c
            used = prof[0] if prof else 0
            # pending no-fit pairs: round t is now final
            kept, cut = [], False
            for i, t0, cnt in pending:
                cnt -= started[i]
                if cnt <= 0:
                    continue
                s, o, _ = classes[i]
                if used + s + (t - t0 + 1) > M:
                    continue  # blocked in round t: resolved
                if t == t0 + o - 1:
                    cut = True
                    break
                kept.append((i, t0, cnt))
            if cut:
                continue
            for i, cnt in enumerate(rest):
                if cnt and classes[i][2] <= t and fits_now(i, prof):
                    if classes[i][1] == 1:
                        cut = True  # a one-round job that fits now and waits: never optimal
                        break
                    kept.append((i, t, cnt))
            if cut:
                continue
            rest_t = tuple(rest)
            nxt = prof[1:]
            while nxt and nxt[-1] == 0:
                nxt.pop()
            floors = None
            if use_fixing:
                floors = first_allowed(t + 1, rest_t)
                if floors is None:
                    continue  # some job has no start left that could beat the best schedule
            lb = node_bound(t + 1, nxt, classes, rest_t, M, sigma, floors)
            if cost + add + lb >= best_tel:
                continue
            child_rsum = rsum
            if use_fixing:
                child_rsum += sum(c * priced[i][t] for i, c in pick)
                if priced_bound(t + 1, rest_t, child_rsum) > (best_tel - 1) * SCALE:
                    continue
            children.append((cost + add + lb, pick, nxt, rest_t, cost + add, tuple(kept), child_rsum))
        children.sort(key=lambda c: c[0])  # best bound first
        for _, pick, nxt, rest_t, new_cost, kept, child_rsum in children:
            if new_cost + 0 >= best_tel:
                continue
            search(t + 1, nxt, rest_t, new_cost,
                   starts + [(classes[i], t) for i, c in pick for _ in range(c)], kept, child_rsum)

    status = "optimal"
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, 20_000))
    try:
        if root_lb < best_tel:
            search(0, [], full, 0, [], (), 0)
    except _Stop:
        status = "unknown"
    finally:
        sys.setrecursionlimit(old_limit)
    if status == "unknown" and root_lb >= best_tel:
        status = "optimal"
    starts = tuple(best_starts)
    if schedule_tel(instance, starts) != best_tel:  # the schedule must attain the value it claims
        raise Inconsistency("bnb OPT: schedule does not attain its TEL")
    return OptResult(
        solver="bnb",
        status=status,
        tel=best_tel,
        starts=starts,
        lower_bound=best_tel if status == "optimal" else min(root_lb, best_tel),
        upper_bound=best_tel,
        seconds=time.perf_counter() - began,
        stats=stats | {"nodes": nodes},
    )


def _assign(starts: list[tuple[tuple[int, int, int], int]], members: dict) -> list[int]:
    """Hand class start rounds to concrete jobs (any order within a class: they are interchangeable)."""
    queues = {c: list(js) for c, js in members.items()}
    out = [0] * sum(len(js) for js in members.values())
    for c, p in sorted(starts, key=lambda x: x[1]):
        out[queues[c].pop(0)] = p
    return out
