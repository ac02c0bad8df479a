"""``--strategy statespace``: the exact worst ratio by branch and bound over the state graph
(:func:`verify.explore.worst_ratio`), seeded with a short local search; closes the bracket when it finishes
within the budget."""

from __future__ import annotations

from verify.opt.benchmark import BenchmarkMemo
from verify.search.base import Evaluator, OnImprove, Outcome, Problem, Tracker, spends_budget
from verify.search.local import warm_start
from verify.explore import BudgetExceeded, worst_ratio


@spends_budget
def search_statespace(problem: Problem, *, cache: BenchmarkMemo | None = None, budget: float | None = 60.0, seed: int = 0,
                      on_improve: OnImprove | None = None, start: tuple[int, ...] | None = None) -> Outcome:
    """``start``: an output vector found elsewhere; without one, a short local search provides it."""
    evaluator = Evaluator(problem, cache)
    tracker = Tracker(evaluator, "statespace", budget, on_improve)
    if start is None:  # a strong incumbent lets the bound prune from the root
        start = warm_start(problem, budget=budget, seed=seed, cache=evaluator.bench_cache)
    tracker.offer(tuple(start))
    try:
        result = worst_ratio(problem.shape, problem.policy, problem.options, benchmark=problem.benchmark,
                             budget=tracker.remaining(),
                             cache=evaluator.bench_cache, start=start)
    except TimeoutError as exc:
        if isinstance(exc, BudgetExceeded) and exc.outputs is not None:
            tracker.offer(exc.outputs)  # the best leaf reached before the budget ran out
        return tracker.outcome(notes=[str(exc)])
    tracker.offer(result.outputs)
    stats = ", ".join(f"{k} {v}" for k, v in result.stats.items())
    return tracker.outcome(proven_upper=result.ratio, closed=True, notes=[stats])
