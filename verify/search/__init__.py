"""Adversarial instance search: strategies behind one interface, compared on one budget.

``run_search(problem, strategy, budget=..., seed=..., on_improve=...)`` returns an :class:`Outcome` whose best
witness is certified (reference engine, exact benchmark) and whose proof status says what was proven.
"""

from __future__ import annotations

from collections.abc import Callable

from models.errors import InvalidInput
from verify.opt.benchmark import BenchmarkMemo
from verify.search.base import Evaluator, OnImprove, Outcome, Problem
from verify.search.exhaustive import search_exhaustive
from verify.search.families import search_families
from verify.search.hypothesis_target import search_hypothesis
from verify.search.local import search_local
from verify.search.portfolio import search_portfolio
from verify.search.statespace_search import search_statespace
from verify.search.targeted import search_targeted
from verify.search.z3_search import search_z3

STRATEGIES: dict[str, Callable[..., Outcome]] = {
    "z3": search_z3,
    "exhaustive": search_exhaustive,
    "local": search_local,
    "hypothesis": search_hypothesis,
    "portfolio": search_portfolio,
    "statespace": search_statespace,
    "families": search_families,
    "targeted": search_targeted,
}
STARTABLE = ("z3", "statespace", "local", "targeted")  # the strategies that take a ``start`` output vector
MULTI_STARTABLE = ("families", "targeted")  # the strategies that take several ``starts``, scored first
OBJECTIVE_STRATEGIES = ("exhaustive", "local")  # the strategies that maximise an objective other than the ratio


def run_search(problem: Problem, strategy: str, *, budget: float | None = None, seed: int = 0,
               on_improve: OnImprove | None = None, evaluator_cache: BenchmarkMemo | None = None,
               start: tuple[int, ...] | None = None, starts: tuple[tuple[int, ...], ...] = ()) -> Outcome:
    """Run one strategy on one problem.

    ``budget`` bounds the exact OPT solves the search makes too: one that cannot be proven in what remains ends
    the search, whose outcome then holds the best witness certified so far, proves nothing, and says so in its
    notes (:func:`verify.search.base.spends_budget`).

    Parameters
    ----------
    problem : Problem
        The shape, policy, benchmark and objective.
    strategy : str
        A name of :data:`STRATEGIES`; for an objective other than the ratio, one of
        :data:`OBJECTIVE_STRATEGIES`.
    budget : float or None
        Seconds, or ``None`` for the strategy's own default.
    seed : int
        Seed of the strategy's randomness.
    on_improve : callable or None
        Called as ``on_improve(witness, strategy)`` with each strictly better certified witness.
    evaluator_cache : BenchmarkMemo or None
        Benchmark values shared between searches of one configuration.
    start : tuple of int or None
        An output vector to begin from (only the strategies in :data:`STARTABLE`).
    starts : tuple of tuple of int
        Several start vectors, each scored before the search, so the result is at least the best of them against
        H-SF (only the strategies in :data:`MULTI_STARTABLE`: the growth study's seeds in n).

    Returns
    -------
    Outcome
        The best certified witness and the proof status.

    Raises
    ------
    InvalidInput
        ``strategy`` is unknown, does not search ``problem.objective``, or is given a ``start`` or ``starts``
        it does not take.
    """
    if strategy not in STRATEGIES:
        raise InvalidInput(f"strategy: must be one of {', '.join(STRATEGIES)}, got {strategy!r}")
    if problem.objective != "ratio" and strategy not in OBJECTIVE_STRATEGIES:
        raise InvalidInput(f"objective: {problem.objective} is searched by {', '.join(OBJECTIVE_STRATEGIES)} only, "
                         f"not {strategy}")
    kwargs = {"cache": evaluator_cache} if evaluator_cache is not None else {}
    if start is not None:
        if strategy not in STARTABLE:
            raise InvalidInput(f"start: only {', '.join(STARTABLE)} take a start vector, not {strategy}")
        kwargs["start"] = tuple(start)
    if starts:
        if strategy not in MULTI_STARTABLE:
            raise InvalidInput(f"starts: only {', '.join(MULTI_STARTABLE)} take start vectors, not {strategy}")
        kwargs["starts"] = tuple(tuple(v) for v in starts)
    return STRATEGIES[strategy](problem, budget=budget, seed=seed, on_improve=on_improve, **kwargs)


__all__ = ["Evaluator", "MULTI_STARTABLE", "OBJECTIVE_STRATEGIES", "OnImprove", "Outcome", "Problem", "STARTABLE", "STRATEGIES", "run_search"]
