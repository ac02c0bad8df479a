"""Hypothesis's targeted property-based search: draw ``o`` and steer with ``hypothesis.target(ratio)``.

Runs generate + target phases only (no shrinking: we want the largest ratio, not the smallest example) in
batches until the budget is spent. The example database is off so that a seed reproduces the run.
"""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, given, seed as hyp_seed, settings, target
from hypothesis import strategies as st

from verify.opt.benchmark import BenchmarkMemo
from verify.search.base import Evaluator, OnImprove, Outcome, Problem, Tracker, spends_budget


class _OutOfBudget(Exception):
    pass


@spends_budget
def search_hypothesis(problem: Problem, *, cache: BenchmarkMemo | None = None, budget: float | None = 5.0, seed: int = 0,
                      on_improve: OnImprove | None = None, batch: int = 500) -> Outcome:
    """Hypothesis's targeted search: draw ``o``, steer with ``hypothesis.target`` on its exact ratio.

    Batches of ``batch`` examples (generate and target phases, no shrinking, no example database), each seeded
    by ``seed`` plus the batch number, until the budget is spent; with no budget, one batch. Finds instances;
    proves nothing.

    Parameters
    ----------
    problem : Problem
        The shape, policy and benchmark (objective ``ratio`` only).
    cache : BenchmarkMemo or None
        A benchmark memo shared with other searches of the same ``M`` and benchmark.
    budget : float or None
        Seconds (``None``: one batch).
    seed : int
        Seed of the first batch.
    on_improve : callable or None
        Called as ``on_improve(witness, "hypothesis")`` on each strict improvement.
    batch : int
        Examples per batch.

    Returns
    -------
    Outcome
        The best certified witness; nothing proven.
    """
    evaluator = Evaluator(problem, cache)
    tracker = Tracker(evaluator, "hypothesis", budget, on_improve)
    lengths = st.tuples(*(st.integers(r.l, r.u) for r in problem.shape.requests))
    rounds = 0
    while not tracker.out_of_time():
        @hyp_seed(seed + rounds)
        @settings(max_examples=batch, database=None, deadline=None, derandomize=False,
                  phases=(Phase.generate, Phase.target), suppress_health_check=list(HealthCheck))
        @given(lengths)
        def probe(outputs):
            if tracker.out_of_time():
                raise _OutOfBudget
            target(float(tracker.offer(outputs)), label="ratio")

        try:
            probe()
        except _OutOfBudget:
            break
        rounds += 1
        if budget is None:
            break
    return tracker.outcome()
