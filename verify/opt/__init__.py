"""Exact hindsight optimum (MODEL.md, "OPT") by four solvers that must agree (two share the search of
:mod:`verify.opt.exhaustive`; ``bnb`` adds ramp-aware bounds and a dominance rule to it)."""

from __future__ import annotations

import time

from models.errors import InvalidInput
from models.instance import Instance
from verify.opt.exhaustive import solve_exhaustive
from verify.opt.bounds import trivial_lower_bound
from verify.opt.result import InvalidSchedule, OptResult, schedule_tel

SOLVERS = ("exhaustive", "bnb", "milp", "z3")


AUTO_EXHAUSTIVE_N = 7
AUTO_EXHAUSTIVE_NODES = 4_000
AUTO_FEW_AT_ONCE = 3  # "few fit at once": the mean peak s + o is at least M / 3


def few_at_once(instance: Instance) -> bool:
    """Whether memory holds few jobs at a time: the jobs' mean peak ``s + o`` is at least ``M / 3``.

    MODEL.md, "Rounds and memory": a job holds ``s + o`` in its last round. This is the regime where
    :mod:`verify.opt.bnb`'s peak-interval bound and no-fit dominance pay (the parent family's mean peak is
    about ``M / 2``; the ``bench opt`` family's about ``M / 4``).

    Parameters
    ----------
    instance : Instance
        Any valid instance; its true lengths ``o`` are read.

    Returns
    -------
    bool
        ``True`` when ``3 · Σ_j (s_j + o_j) >= n · M``.
    """
    return AUTO_FEW_AT_ONCE * sum(r.s + r.o for r in instance.requests) >= instance.n * instance.M


def solve_opt(instance: Instance, solver: str = "auto", *, timeout: float | None = None) -> OptResult:
    """OPT (MODEL.md, "OPT": the least TEL over non-preemptive schedules) by the named solver.

    ``"auto"`` takes exhaustive search for n <= 7; beyond, when few jobs fit at once (:func:`few_at_once`) it
    takes branch and bound (``"bnb"``, :mod:`verify.opt.bnb`) for the whole budget (measured with
    ``kvsched bench parent-scaling``); otherwise it first gives exhaustive search a fixed budget of
    search nodes (deterministic, so the same instance always gets the same solver) and hands the instance to
    the MILP if that does not prove it. Why both: on ``kvsched bench opt``-style instances exhaustive search
    wins when few jobs fit in ``M`` at once (n = 8, M = 18: 11 ms vs 24 ms) and the MILP when many do (n = 10,
    M = 48: 43 ms vs 8.9 s); the node budget costs at most a fraction of a second.

    Parameters
    ----------
    instance : Instance
        Any valid instance; only ``M`` and each job's ``s``, ``o``, ``a`` are read.
    solver : {"auto", "exhaustive", "bnb", "milp", "z3"}
        The solver (:data:`SOLVERS`), or ``"auto"`` to choose as above.
    timeout : float, optional
        Seconds for the whole call (``None``: no limit). A solver out of time returns ``status="unknown"``
        with the bounds it proved, never a value claimed optimal.

    Returns
    -------
    OptResult
        ``status="optimal"`` when ``tel`` is proven to be OPT; otherwise ``lower_bound <= OPT <= tel``.

    Raises
    ------
    InvalidInput
        ``solver`` is not ``"auto"`` nor one of :data:`SOLVERS`.
    """
    if solver == "auto":
        if instance.n <= AUTO_EXHAUSTIVE_N:
            return solve_exhaustive(instance, timeout=timeout)
        if few_at_once(instance):
            from verify.opt.bnb import solve_bnb

            return solve_bnb(instance, timeout=timeout)
        began = time.perf_counter()
        first = solve_exhaustive(instance, timeout=timeout, max_nodes=AUTO_EXHAUSTIVE_NODES)
        if first.status == "optimal":
            return first
        from verify.opt.milp import solve_milp

        rest = None if timeout is None else max(timeout - (time.perf_counter() - began), 0.01)
        second = solve_milp(instance, timeout=rest)
        return second if second.status == "optimal" else _tighter(first, second)
    if solver == "exhaustive":
        return solve_exhaustive(instance, timeout=timeout)
    if solver == "bnb":
        from verify.opt.bnb import solve_bnb

        return solve_bnb(instance, timeout=timeout)
    if solver == "milp":
        from verify.opt.milp import solve_milp

        return solve_milp(instance, timeout=timeout)
    if solver == "z3":
        from verify.opt.z3_opt import solve_z3

        return solve_z3(instance, timeout=timeout)
    raise InvalidInput(f"solver: must be one of auto, {', '.join(SOLVERS)}, got {solver!r}")


def _tighter(a: OptResult, b: OptResult) -> OptResult:
    """The better bracket of two unproven results (largest lower bound, best schedule)."""
    best = a if a.tel <= b.tel else b
    lower = max(a.lower_bound, b.lower_bound)
    return OptResult(best.solver, "optimal" if lower >= best.tel else "unknown", best.tel, best.starts,
                     min(lower, best.tel), best.tel, a.seconds + b.seconds, best.stats)


__all__ = ["InvalidSchedule", "OptResult", "SOLVERS", "few_at_once", "schedule_tel", "solve_opt", "trivial_lower_bound"]
