"""``--strategy statespace``: the exact worst ratio by branch and bound over the state graph
(:func:`verify.statespace.worst_ratio`), seeded with a short local search; closes the bracket when it finishes
within the budget."""

from __future__ import annotations

from verify.search.base import Evaluator, OnImprove, Outcome, Problem, Tracker
from verify.statespace import BudgetExceeded, worst_ratio


def search_statespace(problem: Problem, *, cache: dict | None = None, budget: float | None = 60.0, seed: int = 0,
                      on_improve: OnImprove | None = None, start: tuple[int, ...] | None = None) -> Outcome:
    """``start``: an output vector found elsewhere; without one, a short local search provides it."""
    from verify.search.local import search_local

    evaluator = Evaluator(problem, cache)
    tracker = Tracker(evaluator, "statespace", budget, on_improve)
    spent = 0.0
    if start is None:
        # a strong incumbent first (a tenth of the budget, at most 0.5 s, at most as many evaluations as there
        # are output vectors) lets the bound prune from the root
        warm = search_local(problem, budget=min(0.5, (budget or 5.0) / 10), seed=seed, cache=evaluator.bench_cache,
                            max_evaluations=problem.space_size)
        start, spent = (warm.best.instance.outputs if warm.best else None), warm.seconds
    if start is not None:
        tracker.offer(tuple(start))
    try:
        result = worst_ratio(problem.config, problem.policy, problem.options, benchmark=problem.benchmark,
                             budget=None if budget is None else max(0.0, budget - spent),
                             cache=evaluator.bench_cache, start=start)
    except TimeoutError as exc:
        if isinstance(exc, BudgetExceeded) and exc.outputs is not None:
            tracker.offer(exc.outputs)  # the best leaf reached before the budget ran out
        return tracker.outcome(notes=[str(exc)])
    tracker.offer(result.outputs)
    stats = ", ".join(f"{k} {v}" for k, v in result.stats.items())
    return tracker.outcome(proven_upper=result.ratio, closed=True, notes=[stats])
