"""Strategy ``targeted``: Hypothesis's targeted search (``hypothesis.target``) seeded with the structured
families, cheap at the growth study's sizes (issue #22 (c)).

:mod:`verify.search.hypothesis_target` draws every length independently and scores each draw through the
certifying :class:`~verify.search.base.Evaluator`; at n = 64, u = 256 a random vector is a weak start and the
benchmark memo costs more than the draw. This strategy instead draws either

- one of the 16 strongest **family vectors** (:func:`verify.search.families.family_vectors`, the growth study's
  structured lower bounds, plus ``start``; every one is scored first, in at most half the budget, so the result
  is never below the best of them) followed by up to 8 single-length edits, or
- a vector of independent lengths,

scores it on the fast engine against H-SF (:class:`~verify.search.families.ProxyScorer`: exact integers, the
exact ratio when the benchmark is H-SF, a lower bound on it against OPT) and steers Hypothesis with
``target(ratio)``: the targeting phase mutates the draws of the best examples, so the edits and the choice of
family are what it climbs on. Only the best vector found is certified, through the
:class:`~verify.search.base.Tracker` (``certified=False``: fast-engine integers for the caller to certify, as
:class:`~verify.search.families.FastEvaluator`). Runs unfinished at the round limit score nothing; the first is
handed to ``problem.on_liveness`` as a certified liveness witness, as the families strategy does.

The best vector's exact ratio is a lower bound on the worst ratio of its configuration, like any search's.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from fractions import Fraction

from hypothesis import HealthCheck, Phase, given, settings, target
from hypothesis import seed as hyp_seed
from hypothesis import strategies as st

from models.grid import GridPoint
from models.errors import InvalidInput
from verify.opt.benchmark import BenchmarkMemo
from verify.search.base import Evaluator, OnImprove, Outcome, Problem, Tracker, spends_budget
from verify.search.families import (
    FastEvaluator,
    closing_notes,
    ProxyScorer,
    clip_to,
    point_of,
    certify_family_liveness,
    family_vectors,
    prepare_offer,
)

MAX_EDITS = 8
TOP_SEEDS = 16


class _OutOfBudget(Exception):
    pass


def vectors(sh: GridPoint, seeds: list[tuple[int, ...]]) -> st.SearchStrategy[tuple[int, ...]]:
    """Output vectors of ``sh``: a seed with up to :data:`MAX_EDITS` single-length edits, or free lengths.

    Parameters
    ----------
    sh : GridPoint
        The configuration: ``n`` lengths, each in ``[l, u]``.
    seeds : list of tuple of int
        Start vectors to edit (empty: free lengths only).

    Returns
    -------
    SearchStrategy of tuple of int
        Either an edited seed (each edit sets one length to a value in ``[l, u]``) or ``n`` independent lengths.
    """
    length = st.integers(sh.l, sh.u)
    free = st.lists(length, min_size=sh.n, max_size=sh.n).map(tuple)
    if not seeds:
        return free

    def edit(pair: tuple[tuple[int, ...], list[tuple[int, int]]]) -> tuple[int, ...]:
        base, edits = pair
        out = list(base)
        for j, v in edits:
            out[j] = v
        return tuple(out)

    edited = st.tuples(st.sampled_from(seeds),
                       st.lists(st.tuples(st.integers(0, sh.n - 1), length), max_size=MAX_EDITS)).map(edit)
    return st.one_of(edited, free)


@spends_budget
def search_targeted(problem: Problem, *, cache: BenchmarkMemo | None = None, budget: float | None = 5.0,
                    seed: int = 0, on_improve: OnImprove | None = None, start: tuple[int, ...] | None = None,
                    certified: bool = True, batch: int = 300, families: bool = True,
                    starts: Sequence[tuple[int, ...]] = ()) -> Outcome:
    """Hypothesis's targeted search seeded with the family vectors (see the module docstring).

    Parameters
    ----------
    problem : Problem
        The configuration, policy and benchmark to search.
    cache : BenchmarkMemo or None
        Benchmark memo for certification (``None``: a fresh one; unused when ``certified`` is false).
    budget : float or None
        Seconds (``None``: one batch of ``batch`` examples).
    seed : int
        Hypothesis seed of the first batch (each later batch adds one).
    on_improve : OnImprove or None
        Called as ``on_improve(witness, strategy)`` on each strict improvement.
    start : tuple of int or None
        A start vector, scored first whatever the budget.
    certified : bool
        Certify the best vector through the :class:`~verify.search.base.Evaluator`; ``False``: fast-engine
        integers for the caller to certify (:class:`~verify.search.families.FastEvaluator`).
    batch : int
        Hypothesis examples per batch.
    families : bool
        Seed with the family vectors; ``False`` drops them (free draws only; for comparison).
    starts : sequence of tuple of int
        More start vectors (the growth study's replicated smaller-n witnesses); they and ``start`` are scored
        first, whatever the budget, so the result's ratio against H-SF is at least the best of them.

    Returns
    -------
    Outcome
        The best vector found (a lower bound on the configuration's worst ratio), with the count of vectors
        scored and notes.

    Raises
    ------
    InvalidInput
        If the policy has no fast engine (the strategy scores on the fast engine).
    """
    if not problem.spec.traits.fast_engine:
        raise InvalidInput(f"policy: the targeted strategy needs a built-in policy (fast engine), got {problem.policy}")
    evaluator = Evaluator(problem, cache) if certified else FastEvaluator(problem)
    tracker = Tracker(evaluator, "targeted", budget, on_improve)
    scorer = ProxyScorer(problem)
    sh = point_of(problem)
    firsts = [tuple(v) for v in starts] + ([tuple(start)] if start is not None else [])
    pool = firsts + [clip_to(problem.shape, v) for _, _, v in family_vectors(sh)] if families else firsts
    best: list = [None, None]  # ratio, vector
    # every seed is scored first, in batches (at most half the budget): the best of them is a floor for the
    # result, and Hypothesis edits the TOP_SEEDS strongest
    ranked: list[tuple[Fraction, tuple[int, ...]]] = []
    half = None if budget is None else tracker.began + budget / 2
    for i in range(0, len(pool), 32):
        if half is not None and i >= len(firsts) and time.perf_counter() >= half:
            break
        chunk = pool[i:i + 32]
        ranked += [(Fraction(*sc), v) for v, sc in zip(chunk, scorer(chunk), strict=True) if sc is not None]
    ranked.sort(reverse=True)
    if ranked:
        best[0], best[1] = ranked[0]
    seeds = [v for _, v in ranked[:TOP_SEEDS]]

    def score(vec: tuple[int, ...]) -> Fraction | None:
        sc = scorer([vec])[0]
        if sc is None:
            return None
        ratio = Fraction(*sc)
        if best[0] is None or ratio > best[0]:
            best[0], best[1] = ratio, vec
        return ratio

    strategy = vectors(sh, seeds).map(lambda v: clip_to(problem.shape, v))  # each length in its own job's interval
    rounds = started = 0
    while True:
        started += 1
        @hyp_seed(seed + rounds)
        @settings(max_examples=batch, database=None, deadline=None, derandomize=False,
                  phases=(Phase.generate, Phase.target), suppress_health_check=list(HealthCheck))
        @given(strategy)
        def probe(vec):
            if budget is not None and tracker.out_of_time():
                raise _OutOfBudget
            ratio = score(vec)
            if ratio is not None:
                target(float(ratio), label="ratio vs H-SF (fast engine)")

        try:
            probe()
        except _OutOfBudget:
            break
        rounds += 1
        if budget is None or tracker.out_of_time():
            break
    if problem.on_liveness is not None and scorer.liveness:
        problem.on_liveness(certify_family_liveness(problem, scorer.liveness[0]))
    if best[1] is not None:
        prepare_offer(evaluator, scorer, best[1])
        tracker.offer(best[1], best[0] if problem.benchmark == "hsf" else None)
    notes = [(f"{scorer.scored} vectors scored in {started} Hypothesis batch(es) of at most {batch}, "
             f"{len(ranked)} family seeds scored, the best {len(seeds)} edited")]
    if best[0] is not None:
        notes.append(f"best proxy ratio vs H-SF {best[0]}")
    return tracker.outcome(evaluations=scorer.scored, notes=notes + closing_notes(scorer, certified))


__all__ = ["search_targeted", "vectors"]
