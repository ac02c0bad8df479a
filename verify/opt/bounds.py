"""Bounds every OPT solver starts from: an upper bound (H-SF's schedule), lower bounds, and start windows.

Lower bound (:func:`lower_bound`). Let ``C_(k)`` be the k-th smallest completion time of any schedule. Then
``C_(k) >= `` the k-th smallest ``a_j + o_j``, and, since a job occupies ``A_j = o_j·s_j + o_j(o_j+1)/2``
token-rounds of memory and a round offers at most ``M``, ``C_(k) >= ⌈(sum of the k smallest A_j) / M⌉``. So
``TEL >= Σ_k max(both) - Σ_j a_j``; it is at least ``Σ o_j``.

Start windows (:func:`start_window`). In a schedule no worse than one of TEL ``U``, job ``j``'s latency is at
most ``U - LB(other jobs)``, so it starts no later than ``a_j + U - LB(others) - o_j``, with ``LB(others)`` the
largest of the area, peak-interval and ramp-waste bounds of the other jobs. That keeps the time-indexed MILP
and the Z3 encoding small.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from models.errors import Unproven
from models.engine_reference import simulate
from models.instance import Instance, Request
from models.schedulers import HSF
from models.schedulers.interface import Scheduler


def trivial_lower_bound(instance: Instance) -> int:
    """``Σ o_j``: no job finishes sooner than ``o_j`` rounds after it arrives (OPT's value when M is huge).

    Parameters
    ----------
    instance : Instance
        Any valid instance.

    Returns
    -------
    int
        A lower bound on every schedule's TEL.
    """
    return sum(r.o for r in instance.requests)


def job_area(r: Request) -> int:
    """Token-rounds of KV cache a job holds over an uninterrupted run: ``Σ_{k<o} (s + k + 1)``.

    Parameters
    ----------
    r : Request
        The job; its ``s`` and true ``o`` are read.

    Returns
    -------
    int
        ``o·s + o(o+1)/2``.
    """
    return r.o * r.s + r.o * (r.o + 1) // 2


def completion_area_bound(ends: list[int], areas: list[int], M: int, *, t: int = 0,
                          profile: Sequence[int] = ()) -> int:
    """``Σ_k`` of a lower bound on the k-th smallest completion round of jobs that start at ``t`` or later.

    ``profile[i]`` of the memory is already taken in round ``t + i``.
    The k-th smallest completion is at least ``ends[k]``, and at least the first round by which the free
    memory from ``t`` on holds the k smallest areas (module docstring).

    Parameters
    ----------
    ends : list of int
        Each job's earliest completion, ``max(t, a_j) + o_j``, sorted ascending.
    areas : list of int
        Each job's area ``o_j·s_j + o_j(o_j+1)/2``, sorted ascending.
    M : int
        The capacity.
    t : int
        The first round any of these jobs may run in.
    profile : sequence of int
        Memory already taken in rounds ``t, t + 1, ...`` (by jobs running already); empty: none.

    Returns
    -------
    int
        A lower bound on ``Σ_j C_j`` over these jobs (not yet minus their arrivals).
    """
    total, prefix, d, free = 0, 0, 0, 0
    horizon = len(profile)
    for end, area in zip(ends, areas):
        prefix += area
        while free < prefix and d < horizon:
            free += M - profile[d]
            d += 1
        rounds = d if free >= prefix else horizon + -(-(prefix - free) // M)
        total += max(end, t + rounds)
    return total


def lower_bound_raw(s: list[int], o: list[int], a: list[int], M: int) -> int:
    """:func:`lower_bound` on plain lists (no Instance built): hot loops such as branch and bound call this.

    Parameters
    ----------
    s : list of int
        Prompt sizes, one per job.
    o : list of int
        Output lengths (true, or any lengths the bound is wanted for), in the same order.
    a : list of int
        Arrival rounds, in the same order.
    M : int
        The capacity.

    Returns
    -------
    int
        A lower bound on the least TEL of these jobs.
    """
    ends = sorted(aj + oj for aj, oj in zip(a, o, strict=True))
    areas = sorted(oj * sj + oj * (oj + 1) // 2 for sj, oj in zip(s, o, strict=True))
    return completion_area_bound(ends, areas, M) - sum(a)


def _lower_bound(requests: list[Request], M: int) -> int:
    return lower_bound_raw([r.s for r in requests], [r.o for r in requests], [r.a for r in requests], M)


def _others_bound(requests: list[Request], M: int) -> int:
    """The best combinatorial bound on the least TEL of ``requests`` alone: the area bound above, the
    peak-interval bound and the ramp-waste bound (each a lower bound on OPT of that sub-instance, and the other
    jobs of a schedule only take memory from them). The stronger it is, the narrower every start window: on
    the parent family at n = 40-51 the windows hold 6-38 % fewer starts than with the area bound alone."""
    from verify.opt.peak_bound import peak_lower_bound
    from verify.opt.ramp_bound import ramp_lower_bound

    sub = Instance(M, tuple(requests))
    return max(_lower_bound(requests, M), peak_lower_bound(sub), ramp_lower_bound(sub))


def lower_bound(instance: Instance) -> int:
    """A valid lower bound on OPT's TEL (completion-order and memory-area argument above).

    Parameters
    ----------
    instance : Instance
        Any valid instance; its true lengths are read.

    Returns
    -------
    int
        At least :func:`trivial_lower_bound` and at most OPT.
    """
    return _lower_bound(list(instance.requests), instance.M)


@dataclass(frozen=True)
class StartWindow:
    """H-SF's schedule as upper bound and, per job, the latest start any no-worse schedule can use."""

    upper_tel: int
    upper_starts: tuple[int, ...]
    lower_tel: int
    latest: tuple[int, ...]
    horizon: int  # rounds 0 .. horizon-1 contain every round of every schedule in the window


class PreparationTimeout(Unproven, TimeoutError):
    """The deadline passed while the start window was being prepared (H-SF's run)."""


class _Deadlined(Scheduler):
    """A scheduler that checks a deadline each round it is asked to decide, then defers to ``inner``: the
    preparation's simulation keeps the solver's deadline without any change to the engine."""

    def __init__(self, inner: Scheduler, deadline: float) -> None:
        self.inner, self.deadline = inner, deadline
        self.name = inner.name

    def start(self, M: int) -> None:
        self.inner.start(M)

    def decide(self, view):
        if time.perf_counter() >= self.deadline:
            raise PreparationTimeout(f"deadline reached in round {view.t} of H-SF's run (start window)")
        return self.inner.decide(view)

    @property
    def options(self):
        return self.inner.options


def sequential_schedule(instance: Instance) -> tuple[int, tuple[int, ...]]:
    """A feasible schedule in ``O(n log n)``, with no simulation: one job at a time in arrival order.

    Each job fits alone (MODEL.md, "Instance": ``s + u <= M``), so the schedule is valid. It is the upper
    bound of a solver out of time.

    Parameters
    ----------
    instance : Instance
        Any valid instance.

    Returns
    -------
    tuple of (int, tuple of int)
        The schedule's TEL and its start round per job.
    """
    order = sorted(range(instance.n), key=lambda j: (instance.requests[j].a, j))
    starts = [0] * instance.n
    free = 0
    for j in order:
        r = instance.requests[j]
        starts[j] = max(r.a, free)
        free = starts[j] + r.o
    tel = sum(p + r.o - r.a for p, r in zip(starts, instance.requests, strict=True))
    return tel, tuple(starts)


def start_window(instance: Instance, *, deadline: float | None = None) -> StartWindow:
    """H-SF's schedule as the upper bound ``U``, the lower bound, and each job's latest useful start.

    Job ``j`` starts no later than ``a_j + U - LB(other jobs) - o_j`` in any schedule no worse than H-SF's
    (module docstring); a single job's latest start is its arrival.

    Parameters
    ----------
    instance : Instance
        Any valid instance.
    deadline : float, optional
        A ``time.perf_counter()`` value by which H-SF's run must be done (``None``: no limit).

    Returns
    -------
    StartWindow
        Every schedule no worse than H-SF's starts each job within ``[a_j, latest[j]]``.

    Raises
    ------
    PreparationTimeout
        ``deadline`` passed before or during H-SF's run.
    """
    hsf = HSF(instance.outputs)
    if deadline is not None:
        if time.perf_counter() >= deadline:
            raise PreparationTimeout("deadline reached before H-SF's run (start window)")
        hsf = _Deadlined(hsf, deadline)
    seed = simulate(instance, hsf)
    reqs = list(instance.requests)
    latest = tuple(
        r.a + seed.tel - _others_bound(reqs[:j] + reqs[j + 1:], instance.M) - r.o if len(reqs) > 1 else r.a
        for j, r in enumerate(reqs)
    )
    horizon = max(p + r.o for p, r in zip(latest, reqs, strict=True))
    return StartWindow(seed.tel, seed.final_starts, lower_bound(instance), latest, horizon)
