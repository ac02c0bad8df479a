"""Exhaustive enumeration of every ``o ∈ Π_j [l_j, u_j]``: the oracle the other strategies are checked against.

ALG's TEL comes from the fast engine's batch API in chunks; the benchmark is memoised by multiset. When the
enumeration finishes, the best ratio is the exact maximum of the configuration (``closed``). With an objective
other than the ratio (``Problem.objective``) the fast engine gives every vector's value in the same chunks, no
benchmark is computed but for the witnesses, and the best value found is the exact maximum.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from verify.opt.benchmark import BenchmarkMemo
from verify.search.base import Evaluator, OnImprove, Outcome, Problem, Tracker, spends_budget

CHUNK = 4096


@spends_budget
def search_exhaustive(problem: Problem, *, cache: BenchmarkMemo | None = None, budget: float | None = None, seed: int = 0,
                      on_improve: OnImprove | None = None) -> Outcome:
    """Enumerate every ``o`` of the shape: the exact maximum of the ratio or of the objective, if it finishes.

    ALG's TEL comes from the fast engine in chunks of ``CHUNK``; the benchmark is memoised by multiset, and
    every ratio is checked against ``TEL(ALG) >= TEL(OPT)``. A completed enumeration closes the search; a spent
    budget ends it with a note and proves nothing.

    Parameters
    ----------
    problem : Problem
        The shape, policy, benchmark and objective.
    cache : BenchmarkMemo or None
        A benchmark memo shared with other searches of the same ``M`` and benchmark.
    budget : float or None
        Seconds (``None``: no limit).
    seed : int
        Unused (the enumeration is deterministic); taken for the common strategy signature.
    on_improve : callable or None
        Called as ``on_improve(witness, "exhaustive")`` on each strict improvement.

    Returns
    -------
    Outcome
        The best certified witness; ``closed`` (and ``proven_upper`` its ratio) when every vector was seen.

    Raises
    ------
    ImpossibleRatio
        A ratio below 1 against OPT for a policy that does not pause jobs.
    """
    evaluator = Evaluator(problem, cache)
    tracker = Tracker(evaluator, "exhaustive", budget, on_improve)
    ranges = [range(r.l, r.u + 1) for r in problem.shape.requests]
    space = itertools.product(*ranges)
    if problem.objective != "ratio":
        return _exhaustive_objective(problem, evaluator, tracker, space)
    best = Fraction(0)
    while True:
        chunk = list(itertools.islice(space, CHUNK))
        if not chunk:
            ratio = tracker.best.ratio if tracker.best else None
            return tracker.outcome(proven_upper=ratio, closed=True)
        tels = evaluator.alg_tels(chunk)
        for outputs, alg in zip(chunk, tels, strict=True):
            evaluator.evaluations += 1
            bench = evaluator.benchmark_tel(outputs)
            evaluator.check(outputs, alg, bench)
            ratio = Fraction(alg, bench)
            if ratio > best:
                best = tracker.offer(outputs, ratio)
        if tracker.out_of_time():
            return tracker.outcome(notes=[f"budget ran out after {evaluator.evaluations} of "
                                          f"{problem.space_size} output vectors"])


def _exhaustive_objective(problem: Problem, evaluator: Evaluator, tracker: Tracker, space) -> Outcome:
    best = -1
    while True:
        chunk = list(itertools.islice(space, CHUNK))
        if not chunk:
            return tracker.outcome(closed=True)
        for outputs, value in zip(chunk, evaluator.values(chunk), strict=True):
            evaluator.evaluations += 1
            if value is not None and value > best:
                best = tracker.offer_value(outputs, value)
        if tracker.out_of_time():
            return tracker.outcome(notes=[f"budget ran out after {evaluator.evaluations} of "
                                          f"{problem.space_size} output vectors"])
