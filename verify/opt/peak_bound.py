"""A lower bound on OPT that sees each job's memory ramp: the *peak-interval* bound.

MODEL.md, "OPT": a job started at ``p`` holds ``s + (t - p) + 1`` in round ``t``, so in its last round,
``C_j - 1``, it holds its peak ``P_j = s_j + o_j``. Call ``j`` *big* when ``2 P_j > M``.

**Lemma.** For two jobs with ``C_i <= C_j``: ``C_j - C_i >= min(o_j, P_i + P_j - M)``.
Either ``j`` starts at ``p_j >= C_i`` and ``C_j >= C_i + o_j``; or ``j`` runs in round ``C_i - 1``, where ``i``
holds ``P_i`` and ``j`` holds ``s_j + C_i - p_j``, so ``P_i + s_j + C_i - p_j <= M`` and
``C_j = p_j + o_j >= C_i + P_i + P_j - M``.

**Intervals.** Let ``σ`` be at least the ``s`` of every big job considered, ``λ_j = 2 P_j - M`` and
``ρ_j = min(2 P_j - M, M - 2σ)`` (needs ``M >= 2σ``). For big ``i, j`` with ``C_i <= C_j``: ``C_i = C_j`` is
impossible (both would hold their peaks in one round, ``P_i + P_j > M``); if ``C_j - C_i >= P_i + P_j - M`` then
``2(C_j - C_i) >= (2 P_i - M) + (2 P_j - M) >= ρ_i + λ_j``; otherwise by the lemma ``C_j - C_i >= o_j`` and
``2 o_j = 2 P_j - 2 s_j >= λ_j + (M - 2σ) >= λ_j + ρ_i``. Either way ``2 C_j - λ_j >= 2 C_i + ρ_i``: in doubled
time the intervals ``[2 C_j - λ_j, 2 C_j + ρ_j)`` are pairwise disjoint — a single machine. Only the right arm
``ρ`` needs the cap (the previous version capped both arms, ``h_j = min(2 P_j - M, M - 2σ)`` on each side,
and was lower by up to 7 % on the parent family). Job ``j``'s interval is released at ``2 e_j - λ_j`` for any
``e_j <= C_j`` (``a_j + o_j``, or later when memory already committed delays ``j``), and
``Σ 2 C_j = Σ (F_j - ρ_j)`` with ``F_j`` the interval's end. The non-preemptive interval schedule is one
preemptive schedule, so the shortest-remaining-processing-time rule (SRPT, optimal for ``Σ F_j`` on one machine
with release dates and preemption) bounds ``Σ F_j`` from below. ``σ`` is taken over the big jobs of the set
bounded (a subset's jobs are all the lemma needs).

Jobs that are not big get :func:`verify.opt.ramp_bound.ramp_area_bound` (at the root; at search nodes
:func:`verify.opt.bounds.completion_area_bound`, which sees the committed memory) on their own (a bound on their own
``Σ C_j``); the two parts bound disjoint sets of jobs, so their sum bounds ``Σ C_j``. Everything is integer.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from models.instance import Instance
from verify.opt.ramp_bound import ramp_area_bound


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
    """``σ``: the largest prompt of the instance (valid for every subset of its jobs).

    Parameters
    ----------
    instance : Instance
        Any valid instance.

    Returns
    -------
    int
        ``max_j s_j``.
    """
    return max(r.s for r in instance.requests)


def peak_cap(big_prompts: Sequence[int], M: int, sigma: int | None = None) -> int:
    """The cap ``M - 2σ`` of every right arm, ``σ`` the largest prompt of the big jobs bounded (module docstring).

    Parameters
    ----------
    big_prompts : sequence of int
        The ``s`` of every big job bounded.
    M : int
        The memory limit.
    sigma : int, optional
        A known upper bound on those prompts (:func:`peak_sigma`); ``σ`` is the smaller of the two.

    Returns
    -------
    int
        ``M - 2σ``; negative when no right arm is valid (then no interval may be used).
    """
    top = max(big_prompts, default=0)
    return M - 2 * (top if sigma is None else min(sigma, top))


def peak_arms(s: int, o: int, M: int, cap: int) -> tuple[int, int] | None:
    """A job's doubled-time arms ``(λ, ρ)``: its interval is ``[2 C - λ, 2 C + ρ)`` (module docstring).

    Parameters
    ----------
    s, o : int
        The job's prompt and output length.
    M : int
        The memory limit.
    cap : int
        :func:`peak_cap` of the big jobs bounded (``>= 0``).

    Returns
    -------
    (int, int) or None
        ``λ = 2 P - M`` and ``ρ = min(λ, cap)``; ``None`` when the job is not big (``2 P <= M``).
    """
    lam = 2 * (s + o) - M
    return (lam, min(lam, cap)) if lam > 0 else None


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
        The bound on twice the big jobs' total completion, and the positions of the jobs that are not big (``2 P_j <= M``, or every job when ``M < 2σ``).
    """
    big = [k for k, (s, o, _) in enumerate(jobs) if 2 * (s + o) > M]
    rest = [k for k in range(len(jobs)) if 2 * (jobs[k][0] + jobs[k][1]) <= M]
    if not big:
        return 0, rest
    cap = peak_cap([jobs[k][0] for k in big], M, sigma)
    if cap < 0:  # no right arm is valid: every job is bounded by the other bound
        return 0, list(range(len(jobs)))
    intervals, shift = [], 0
    for k in big:
        s, o, e = jobs[k]
        lam, rho = peak_arms(s, o, M, cap)
        intervals.append((2 * e - lam, lam + rho))
        shift += rho
    return srpt_total_completion(intervals) - shift, rest


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
        small = ramp_area_bound(ends, areas, instance.M)
    big_ends = sum(r.a + r.o for k, r in enumerate(reqs) if k not in set(rest))
    return max(-(-twice // 2), big_ends) + small - sum(r.a for r in reqs)
