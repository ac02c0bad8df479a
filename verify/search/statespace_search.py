"""``--strategy statespace``: the exact worst ratio by branch and bound over the state graph
(:func:`verify.statespace.worst_ratio`); closes the bracket when it finishes within the budget."""

from __future__ import annotations

from verify.search.base import Evaluator, OnImprove, Outcome, Problem, Tracker
from verify.statespace import worst_ratio


def search_statespace(problem: Problem, *, cache: dict | None = None, budget: float | None = 60.0, seed: int = 0,
                      on_improve: OnImprove | None = None) -> Outcome:
    evaluator = Evaluator(problem, cache)
    tracker = Tracker(evaluator, "statespace", budget, on_improve)
    try:
        result = worst_ratio(problem.config, problem.policy, problem.options, benchmark=problem.benchmark,
                             budget=budget, cache=evaluator.bench_cache)
    except TimeoutError as exc:
        return tracker.outcome(notes=[str(exc)])
    tracker.offer(result.outputs)
    stats = ", ".join(f"{k} {v}" for k, v in result.stats.items())
    return tracker.outcome(proven_upper=result.ratio, closed=True, notes=[stats])
