"""Ratio maximisation with Z3, and proofs of the worst case.

The query at threshold ``r = p/q`` is: ∃ o ∈ Π[l_j, u_j] and ∃ a feasible non-preemptive schedule ``S`` with
``q · TEL(ALG(o)) >= p · TEL(S)`` (``>`` for a strict query). ALG is the unrolled scheduler of
:mod:`verify.symbolic.scheduler_z3`; with benchmark ``hsf`` it is H-SF unrolled on the same ``o`` instead of
``S``. Because ``TEL(S) >= OPT``, ``unsat`` at ``r`` proves that no instance of the configuration reaches
ratio ``r`` against OPT — for this configuration and horizon only. Every ``sat`` model is replayed on the
reference engine (an :class:`~verify.symbolic.scheduler_z3.EncodingMismatch` stops the search with both
traces) and re-certified against exact OPT, which can only raise its ratio.

Bisection on ``r``: ``best`` (certified) and ``hi`` (proven: nothing reaches ``hi``) bracket the maximum. The
next threshold is the midpoint (a ``sat`` raises ``best``, an ``unsat`` lowers ``hi``); after an ``unsat`` the
strict query "``> best``" is tried, whose ``unsat`` closes the bracket: ``best`` is the proven maximum. The
strict query also comes first, since ``best`` starts from a witness found elsewhere (``start``, or a short
local search). A check that times out leaves the bracket open.

Before any of this the horizon is settled by :func:`_proven_horizon`: the fewest rounds that every run is
proven to finish within (∃ o that does not finish?), grown counterexample by counterexample up to the safe
horizon, where a ``sat`` is a liveness counterexample, reported rather than proven away.
"""

from __future__ import annotations

from fractions import Fraction

import z3

from models.errors import Inconsistency, InvalidInput
from models.engine_reference import simulate
from models.schedulers import make_scheduler
from models.schedulers.interface import RoundLimitExceeded
from verify.opt.benchmark import BenchmarkMemo
from verify.symbolic.opt_table import encode_opt_table, table_size
from verify.symbolic.schedule_z3 import encode_schedule
from verify.z3check import check_interruptible
from verify.symbolic.scheduler_z3 import (check_against_reference, check_encodable, encode, encoded_horizon,
                                          make_solver)
from verify.opt.benchmark import UnprovenBenchmark
from verify.search.base import Evaluator, OnImprove, Outcome, Problem, Tracker, spends_budget
from verify.search.local import warm_start


class Query:
    """Fresh solver per check (tactic solvers are not incremental) over a fixed base of constraints.

    Parameters
    ----------
    base : list of z3.BoolRef
        The constraints every check asserts (callers may extend it).
    seed : int
        The solver's random seed.
    tracker : Tracker
        Whose remaining budget is each check's timeout.
    """

    def __init__(self, base: list[z3.BoolRef], seed: int, tracker: Tracker) -> None:
        self.base, self.seed, self.tracker = base, seed, tracker
        self.model: z3.ModelRef | None = None

    def check(self, *extra: z3.BoolRef) -> z3.CheckSatResult:
        """Check the base with ``extra`` on a fresh solver, within what remains of the budget.

        Parameters
        ----------
        *extra : z3.BoolRef
            Constraints of this check only.

        Returns
        -------
        z3.CheckSatResult
            ``sat`` (its model then in :attr:`model`), ``unsat``, or ``unknown`` (timeout, or no budget left).
        """
        remaining = self.tracker.remaining()
        if remaining is not None and remaining <= 0:
            return z3.unknown
        solver = make_solver(self.seed)
        if remaining is not None:
            solver.set("timeout", max(1, int(remaining * 1000)))
        solver.add(self.base + list(extra))
        verdict = check_interruptible(solver)
        self.model = solver.model() if verdict == z3.sat else None
        return verdict


def _makespan(problem: Problem, outputs: tuple[int, ...], limit: int) -> int | None:
    """Rounds the reference engine needs on ``outputs`` (``None``: not finished within ``limit``)."""
    inst = problem.shape.with_outputs(outputs)
    try:
        ran = simulate(inst, make_scheduler(problem.policy, inst, **problem.options), round_limit=limit)
    except RoundLimitExceeded:
        return None
    return max(ran.completion)


def _proven_horizon(problem: Problem, seeds: list[tuple[int, ...]], seed: int, tracker: Tracker):
    """Unroll only as many rounds as some run needs, and prove that no run needs more.

    Counterexample-guided: start from the longest run among ``seeds`` (``H`` rounds, so no shorter unrolling
    is exact); ask Z3 for an ``o`` that is not finished after ``H`` rounds; ``unsat`` proves ``H`` suffices
    for every ``o``, a model gives a longer run (replayed on the reference engine) and ``H`` grows to its
    length. At the safe horizon of :func:`encoded_horizon` the question is the plain termination check, and a
    model there is a liveness counterexample. Measured on A_min (n = 4, u = 8, M = 18): 16 rounds instead of
    the liveness bound's 32, and the termination proof drops from 10.2 s to 2.5 s.

    Returns ``(run, query, notes)``, or the final :class:`Outcome` when the search must stop here.
    """
    cfg = problem.shape
    safe = encoded_horizon(cfg, problem.spec)
    spans = [_makespan(problem, o, safe) for o in seeds]
    H = safe if any(m is None for m in spans) else min(safe, max(spans))
    while True:
        run = encode(cfg, problem.policy, problem.options, horizon=H)
        query = Query(list(run.constraints), seed, tracker)
        notes = [f"unrolled {H} rounds (safe horizon {safe})"]
        verdict = query.check(z3.Not(run.finished))
        if verdict == z3.unsat:
            if H < safe:
                notes.append(f"proved: every run finishes within {H} rounds")
            return run, query, notes
        if verdict == z3.unknown:
            return tracker.outcome(notes=notes + ["termination within the horizon not proven (timeout)"])
        outputs = run.outputs_from(query.model)
        span = _makespan(problem, outputs, safe)
        if H >= safe or span is None:
            if span is not None:
                raise Inconsistency(f"Z3 says {outputs} does not finish in {safe} rounds; the engine disagrees")
            notes.append(f"liveness counterexample: outputs {list(outputs)} do not finish within {safe} rounds")
            return tracker.outcome(notes=notes)
        if span <= H:
            raise Inconsistency(f"Z3 says {outputs} does not finish in {H} rounds; the engine finishes in {span}")
        H = span


@spends_budget
def search_z3(problem: Problem, *, cache: BenchmarkMemo | None = None, budget: float | None = 60.0, seed: int = 0, on_improve: OnImprove | None = None,
              start: tuple[int, ...] | None = None, bench_encoding: str = "auto") -> Outcome:
    """Maximise the ratio with Z3 by bisection on the threshold, closing the bracket with a strict ``unsat``.

    The rules are the module docstring's: the horizon is proven first (a liveness counterexample ends the
    search), then each query asks for ``o`` and a feasible schedule (or H-SF's run) with ratio at least (or, the
    strict query, above) the threshold; every ``sat`` model is replayed on the reference engine and certified.
    ``start`` (an output vector found elsewhere, else the best of a short local search) seeds ``best``, with
    ``o = l`` and ``o = u``. ``unsat`` holds for this configuration and horizon only.

    Parameters
    ----------
    problem : Problem
        The shape, a policy Z3 can encode, and the benchmark.
    cache : BenchmarkMemo or None
        A benchmark memo shared with other searches of the same ``M`` and benchmark.
    budget : float or None
        Seconds (``None``: no limit).
    seed : int
        Seed of the warm start and of the solvers.
    on_improve : callable or None
        Called as ``on_improve(witness, "z3")`` on each strict improvement.
    start : tuple of int or None
        An output vector to seed ``best``.
    bench_encoding : str
        ``"schedule"`` (∃ feasible schedule S), ``"table"`` (OPT precomputed exactly for every count vector,
        :mod:`verify.symbolic.opt_table`), or ``"auto"`` (the table when it has at most 5,000 rows).

    Returns
    -------
    Outcome
        The best certified witness; ``closed`` when the strict query was ``unsat``, else ``proven_upper`` the
        lowest threshold proven unreachable.

    Raises
    ------
    InvalidInput
        ``bench_encoding`` is not one of the three.
    UnsupportedForZ3
        The policy or its options have no Z3 encoding.
    EncodingMismatch
        A model disagrees with the reference engine's run.
    """
    if bench_encoding not in ("auto", "table", "schedule"):
        raise InvalidInput(f"bench_encoding: must be auto, table or schedule, got {bench_encoding!r}")
    if bench_encoding == "auto":
        bench_encoding = "table" if table_size(problem.shape) <= 5000 else "schedule"
    check_encodable(problem.spec)
    evaluator = Evaluator(problem, cache)
    tracker = Tracker(evaluator, "z3", budget, on_improve)
    cfg = problem.shape
    if start is None:
        # Z3 proves far better than it finds: a short local search supplies the witness, so that the first
        # query already asks whether anything beats it
        start = warm_start(problem, budget=budget, seed=seed, cache=evaluator.benchmark_memo)
    # o = l and o = u join the start: the horizon search begins from the longest of their runs
    seeds = [tuple(start), cfg.lows, cfg.highs]
    for outputs in seeds:
        tracker.offer(outputs)
    found = _proven_horizon(problem, seeds, seed, tracker)
    if isinstance(found, Outcome):
        return found
    run, query, notes = found
    query.base.append(run.finished)

    if problem.benchmark == "opt" and bench_encoding == "table":
        try:
            bench = encode_opt_table(cfg, run.o, deadline=tracker.deadline)
        except UnprovenBenchmark as exc:
            return tracker.outcome(notes=notes + [f"budget: spent while tabulating OPT ({exc}); nothing proven"])
        notes.append(f"OPT as a table of {table_size(cfg)} exact values")
    elif problem.benchmark == "opt":
        sched = encode_schedule(cfg, run.o)
        query.base += sched.constraints
        bench = sched.tel
        notes.append("OPT as an existential schedule")
    else:
        hsf = encode(cfg, "hsf", {}, prefix="h_")
        query.base += hsf.constraints + [hsf.finished] + [a == b for a, b in zip(hsf.o, run.o, strict=True)]
        bench = hsf.tel

    best = tracker.best.ratio
    # Nothing reaches Σ_j (H - a_j) / Σ_j l_j + 1: ALG finishes by H and every benchmark is at least Σ l.
    hi = Fraction(sum(run.horizon - r.a for r in cfg.requests), sum(r.l for r in cfg.requests)) + 1
    # The start usually is the maximum already: ask first whether anything beats it, which closes the bracket
    # with a single unsat.
    strict_next = True
    checks = 0
    while True:
        if strict_next:
            threshold, strict = best, True
        else:
            threshold, strict = (best + hi) / 2, False
        lhs, rhs = threshold.denominator * run.tel, threshold.numerator * bench
        verdict = query.check(lhs > rhs if strict else lhs >= rhs)
        checks += 1
        if verdict == z3.sat:
            inst, _ = check_against_reference(run, query.model)
            best = max(best, tracker.offer(inst.outputs))
            strict_next = False
        elif verdict == z3.unsat:
            if strict:
                notes.append(f"{checks} solver checks")
                return tracker.outcome(proven_upper=best, closed=True, notes=notes)
            hi = threshold
            strict_next = True
        else:
            notes.append(f"{checks} solver checks; stopped by the budget (bracket not closed)")
            return tracker.outcome(proven_upper=hi, notes=notes)
