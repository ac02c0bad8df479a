"""Ratio maximisation with Z3, and proofs of the worst case.

The query at threshold ``r = p/q`` is: ∃ o ∈ Π[l_j, u_j] and ∃ a feasible non-preemptive schedule ``S`` with
``q · TEL(ALG(o)) >= p · TEL(S)`` (``>`` for a strict query). ALG is the unrolled scheduler of
:mod:`verify.encoding.scheduler_z3`; with benchmark ``hsf`` it is H-SF unrolled on the same ``o`` instead of
``S``. Because ``TEL(S) >= OPT``, ``unsat`` at ``r`` proves that no instance of the configuration reaches
ratio ``r`` against OPT — for this configuration and horizon only. Every ``sat`` model is replayed on the
reference engine (an :class:`~verify.encoding.scheduler_z3.EncodingMismatch` stops the search with both
traces) and re-certified against exact OPT, which can only raise its ratio.

Bisection on ``r``: ``best`` (certified) and ``hi`` (proven: nothing reaches ``hi``) bracket the maximum. The
next threshold is the midpoint (a ``sat`` raises ``best``, an ``unsat`` lowers ``hi``); after an ``unsat`` the
strict query "``> best``" is tried, whose ``unsat`` closes the bracket: ``best`` is the proven maximum. A
check that times out leaves the bracket open.

Before any of this the run's termination within the unrolled horizon is itself checked (∃ o that does not
finish?): a ``sat`` there is a liveness counterexample, reported rather than proven away.
"""

from __future__ import annotations

from fractions import Fraction

import z3

from models.engine_reference import simulate
from models.schedulers import make_scheduler
from models.schedulers.interface import RoundLimitExceeded
from verify.encoding.opt_table import encode_opt_table, table_size
from verify.encoding.schedule_z3 import encode_schedule
from verify.encoding.scheduler_z3 import check_against_reference, encode, make_solver
from verify.search.base import Evaluator, OnImprove, Outcome, Problem, Tracker


class Query:
    """Fresh solver per check (tactic solvers are not incremental) over a fixed base of constraints."""

    def __init__(self, base: list[z3.BoolRef], seed: int, tracker: Tracker) -> None:
        self.base, self.seed, self.tracker = base, seed, tracker
        self.model: z3.ModelRef | None = None

    def check(self, *extra: z3.BoolRef) -> z3.CheckSatResult:
        remaining = self.tracker.remaining()
        if remaining is not None and remaining <= 0:
            return z3.unknown
        solver = make_solver(self.seed)
        if remaining is not None:
            solver.set("timeout", max(1, int(remaining * 1000)))
        solver.add(self.base + list(extra))
        verdict = solver.check()
        self.model = solver.model() if verdict == z3.sat else None
        return verdict


def search_z3(problem: Problem, *, cache: dict | None = None, budget: float | None = 60.0, seed: int = 0, on_improve: OnImprove | None = None,
              start: tuple[int, ...] | None = None, bench_encoding: str = "auto") -> Outcome:
    """Maximise the ratio; ``start`` (an output vector found elsewhere) seeds ``best``.

    ``bench_encoding``: ``"schedule"`` (∃ feasible schedule S, the formulation above), ``"table"`` (OPT
    precomputed exactly for every count vector, :mod:`verify.encoding.opt_table`), or ``"auto"`` (the table
    when it has at most 5,000 rows).
    """
    if bench_encoding not in ("auto", "table", "schedule"):
        raise ValueError(f"bench_encoding: must be auto, table or schedule, got {bench_encoding!r}")
    if bench_encoding == "auto":
        bench_encoding = "table" if table_size(problem.config) <= 5000 else "schedule"
    evaluator = Evaluator(problem, cache)
    tracker = Tracker(evaluator, "z3", budget, on_improve)
    cfg = problem.config
    run = encode(cfg, problem.policy, problem.options)
    query = Query(list(run.constraints), seed, tracker)
    notes = [f"unrolled {run.horizon} rounds"]

    verdict = query.check(z3.Not(run.finished))
    if verdict == z3.sat:
        outputs = run.outputs_from(query.model)
        inst = cfg.with_outputs(outputs)
        try:
            simulate(inst, make_scheduler(problem.policy, inst, **problem.options), round_limit=run.horizon)
            raise AssertionError(f"Z3 says {outputs} does not finish in {run.horizon} rounds; the engine disagrees")
        except RoundLimitExceeded:
            notes.append(f"liveness counterexample: outputs {list(outputs)} do not finish within {run.horizon} rounds")
        return tracker.outcome(notes=notes)
    if verdict == z3.unknown:
        return tracker.outcome(notes=notes + ["termination within the horizon not proven (timeout)"])
    query.base.append(run.finished)

    if problem.benchmark == "opt" and bench_encoding == "table":
        bench = encode_opt_table(cfg, run.o)
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

    # every instance has ratio >= 1, so some witness always exists: start from the given one, or from o = l
    tracker.offer(tuple(start) if start is not None else tuple(r.l for r in cfg.requests))
    best = tracker.best.ratio
    # Nothing reaches Σ_j (H - a_j) / Σ_j l_j + 1: ALG finishes by H and every benchmark is at least Σ l.
    hi = Fraction(sum(run.horizon - r.a for r in cfg.requests), sum(r.l for r in cfg.requests)) + 1
    strict_next = False
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
