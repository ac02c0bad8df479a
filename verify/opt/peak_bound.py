"""A lower bound on OPT that sees each job's memory ramp: the *peak-interval* bound.

MODEL.md, "OPT": a job started at ``p`` holds ``s + (t - p) + 1`` in round ``t``, so in its last round,
``C_j - 1``, it holds its peak ``P_j = s_j + o_j``. Call ``j`` *big* when ``2 P_j > M``.

**Lemma.** For two jobs with ``C_i <= C_j``: ``C_j - C_i >= min(o_j, P_i + P_j - M)``.
Either ``j`` starts at ``p_j >= C_i`` and ``C_j >= C_i + o_j``; or ``j`` runs in round ``C_i - 1``, where ``i``
holds ``P_i`` and ``j`` holds ``s_j + C_i - p_j``, so ``P_i + s_j + C_i - p_j <= M`` and
``C_j = p_j + o_j >= C_i + P_i + P_j - M``.

**Intervals.** Let ``σ`` be at least every big job's ``s`` and ``h_j = min(2 P_j - M, M - 2σ)``. For big ``i, j``
with ``C_i <= C_j``, ``h_i + h_j <= 2(P_i + P_j - M)`` and ``h_i + h_j <= (M - 2σ) + (2 P_j - M) <= 2 o_j``, so by
the lemma ``2 C_j - h_j >= 2 C_i + h_i``: in doubled time the intervals ``[2 C_j - h_j, 2 C_j + h_j)`` of the jobs
with ``h_j > 0`` are pairwise disjoint — a single machine. Job ``j``'s interval is released at
``2 e_j - h_j`` for any ``e_j <= C_j`` (``a_j + o_j``, or later when memory already committed delays ``j``), and
``Σ 2 C_j = Σ (F_j - h_j)`` with ``F_j`` the interval's end. The non-preemptive interval schedule is one
preemptive schedule, so the shortest-remaining-processing-time rule (SRPT, optimal for ``Σ F_j`` on one machine
with release dates and preemption) bounds ``Σ F_j`` from below.

Jobs that are not big get :func:`verify.opt.bounds.completion_area_bound` on their own (a bound on their own
``Σ C_j``); the two parts bound disjoint sets of jobs, so their sum bounds ``Σ C_j``. Everything is integer.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from models.instance import Instance
from verify.opt.bounds import completion_area_bound


def srpt_total_completion(jobs: Sequence[tuple[int, int]]) -> int:
    """``Σ F_j`` of the SRPT schedule of ``(release, length)`` jobs on one machine (preemptive; the minimum).

    Parameters
    ----------
    jobs : sequence of (int, int)
        Release date and positive processing time per job.

    Returns
    -------
    int
        The least total completion time over preemptive one-machine schedules.
    """
    order = sorted(jobs)
    heap: list[int] = []
    total, i, n, done = 0, 0, len(order), 0
    if not n:
        return 0
    tau = order[0][0]
    while done < n:
        while i < n and order[i][0] <= tau:
            heapq.heappush(heap, order[i][1])
            i += 1
        if not heap:
            tau = order[i][0]
            continue
        rem = heapq.heappop(heap)
        stop = tau + rem if i >= n else min(tau + rem, order[i][0])
        rem -= stop - tau
        tau = stop
        if rem == 0:
            total += tau
            done += 1
        else:
            heapq.heappush(heap, rem)
    return total


def peak_sigma(instance: Instance) -> int:
    """``σ``: the largest prompt of the instance (valid for every subset of its jobs)."""
    return max(r.s for r in instance.requests)


def peak_interval_sum(jobs: Sequence[tuple[int, int, int]], M: int, sigma: int) -> tuple[int, list[int]]:
    """Lower bound on ``Σ 2 C_j`` over the big jobs of ``jobs`` and the indices of the others.

    Parameters
    ----------
    jobs : sequence of (int, int, int)
        ``(s_j, o_j, e_j)`` per job, ``e_j`` a lower bound on its completion round.
    M : int
        The memory limit.
    sigma : int
        At least every job's ``s`` (see the module docstring).

    Returns
    -------
    (int, list of int)
        The bound on twice the big jobs' total completion, and the positions of the jobs with ``h_j <= 0``.
    """
    intervals, rest, shift = [], [], 0
    cap = M - 2 * sigma
    for k, (s, o, e) in enumerate(jobs):
        h = min(2 * (s + o) - M, cap)
        if h > 0:
            intervals.append((2 * e - h, 2 * h))
            shift += h
        else:
            rest.append(k)
    return (srpt_total_completion(intervals) - shift if intervals else 0), rest


def peak_lower_bound(instance: Instance) -> int:
    """The peak-interval lower bound on OPT's TEL (module docstring), from the empty schedule.

    Parameters
    ----------
    instance : Instance
        Any valid instance.

    Returns
    -------
    int
        A proven lower bound on ``min Σ (C_j - a_j)``; at least ``Σ o_j``.
    """
    reqs = instance.requests
    twice, rest = peak_interval_sum([(r.s, r.o, r.a + r.o) for r in reqs], instance.M, peak_sigma(instance))
    others = [reqs[k] for k in rest]
    small = 0
    if others:
        ends = sorted(r.a + r.o for r in others)
        areas = sorted(r.o * r.s + r.o * (r.o + 1) // 2 for r in others)
        small = completion_area_bound(ends, areas, instance.M)
    big_ends = sum(r.a + r.o for k, r in enumerate(reqs) if k not in set(rest))
    return max(-(-twice // 2), big_ends) + small - sum(r.a for r in reqs)
