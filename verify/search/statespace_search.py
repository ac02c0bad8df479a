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
    """The exact worst ratio by branch and bound over the state graph, seeded with a witness.

    Runs :func:`verify.explore.worst_ratio` within what remains of the budget; when it finishes, the bracket is
    closed at its ratio. When the budget runs out the best leaf reached is offered and nothing is proven.

    Parameters
    ----------
    problem : Problem
        The shape, an online policy (H-SF has no state graph) and the benchmark.
    cache : BenchmarkMemo or None
        A benchmark memo shared with other searches of the same ``M`` and benchmark.
    budget : float or None
        Seconds (``None``: no limit).
    seed : int
        Seed of the warm start.
    on_improve : callable or None
        Called as ``on_improve(witness, "statespace")`` on each strict improvement.
    start : tuple of int or None
        An output vector found elsewhere; without one, a short local search (:func:`warm_start`) provides it.

    Returns
    -------
    Outcome
        The best certified witness; ``closed`` with ``proven_upper`` its ratio when the graph was searched.

    Raises
    ------
    Unproven
        The state graph outgrew its state limit.
    """
    evaluator = Evaluator(problem, cache)
    tracker = Tracker(evaluator, "statespace", budget, on_improve)
    if start is None:  # a strong incumbent lets the bound prune from the root
        start = warm_start(problem, budget=budget, seed=seed, cache=evaluator.benchmark_memo)
    tracker.offer(tuple(start))
    try:
        result = worst_ratio(problem.shape, problem.policy, problem.options, benchmark=problem.benchmark,
                             budget=tracker.remaining(),
                             cache=evaluator.benchmark_memo, start=start)
    except TimeoutError as exc:
        if isinstance(exc, BudgetExceeded) and exc.outputs is not None:
            tracker.offer(exc.outputs)  # the best leaf reached before the budget ran out
        return tracker.outcome(notes=[str(exc)])
    tracker.offer(result.outputs)
    stats = ", ".join(f"{k} {v}" for k, v in result.stats.items())
    return tracker.outcome(proven_upper=result.ratio, closed=True, notes=[stats])
