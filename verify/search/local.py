"""Fast local search over ``o``: steepest ascent on a cheap ratio with random kicks (iterated local search).

Exact OPT costs milliseconds per multiset of lengths and a simulation microseconds, so the climb is steered by
the *proxy* ``TEL(ALG) / TEL(H-SF)``, both on the fast engine. H-SF's schedule is feasible, so
``TEL(H-SF) >= OPT`` and the proxy never exceeds the exact ratio. A step scores every neighbour of the current
``o`` in one batch — each job's length set to every other value in ``[l_j, u_j]``, and every swap of two unequal
lengths (a swap keeps the multiset, hence OPT, and changes only ALG) — and moves to the best one if it beats the
current proxy. The moved-to ``o`` gets its exact ratio (an OPT) when its proxy is at least ``EXACT_WITHIN`` of
the best exact ratio so far: OPT is computed near the top of the landscape only, but not only at the proxy's
local maxima, because H-SF can miss OPT by a few per cent exactly where the ratio peaks (A_min, n = 8, u = 8,
l = 4: the maximum 125/78 has TEL(H-SF) = 81, proxy 125/81, below the proxy's own local maxima). The climb
itself uses the proxy only: mixing in exact ratios where they are known makes visited multisets look better
than unvisited ones, and the search circles back to them. At a local maximum a kick re-draws one to three
lengths (a fresh random ``o`` one time in ten).

Every ratio the search reports is exact and certified (:class:`~verify.search.base.Tracker`); the proxy only
decides where to look. With benchmark ``hsf`` the proxy *is* the ratio; for the H-SF policy against OPT it is 1
everywhere, so every neighbour is scored exactly. Deterministic for a given seed. Finds good instances fast;
proves nothing.

With an objective other than the ratio (``Problem.objective``) the climb scores each vector by that exact
integer (fast engine, no proxy) and every improvement of it is certified.
"""

from __future__ import annotations

import random
import time
from fractions import Fraction

import numpy as np

from models.errors import InvalidInput
from models.engine_fast import FastEngine
from verify.opt.benchmark import BenchmarkMemo
from verify.search.base import Evaluator, OnImprove, Outcome, Problem, Tracker, spends_budget

EXACT_WITHIN = Fraction(9, 10)
"""Compute a candidate's exact ratio when its proxy is at least this fraction of the best exact ratio."""


class _Scores:
    """The proxy ``TEL(ALG) / TEL(H-SF)`` of each row, a lower bound on its exact ratio (module docstring)."""

    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator
        problem = evaluator.problem
        self.objective = problem.objective != "ratio"
        self.all_exact = problem.benchmark == "opt" and problem.policy == "hsf"
        self.hsf = None if self.all_exact or self.objective else FastEngine.build(problem.shape, "hsf")

    def __call__(self, rows: list[tuple[int, ...]]) -> list[Fraction]:
        ev = self.evaluator
        if self.objective:  # the exact objective value; a run that never ends scores -1
            return [Fraction(-1 if v is None else v) for v in ev.values(rows)]
        if self.all_exact:
            return [ev.ratio(row)[0] for row in rows]
        alg = ev.alg_tels(rows)
        hsf = self.hsf.tel_many(np.array(rows, dtype=np.int64))
        return [Fraction(a, int(h)) for a, h in zip(alg, hsf, strict=True)]


def _neighbours(o: tuple[int, ...], lo: list[int], hi: list[int]) -> list[tuple[int, ...]]:
    rows = []
    for j, v in enumerate(o):
        for w in range(lo[j], hi[j] + 1):
            if w != v:
                rows.append(o[:j] + (w,) + o[j + 1:])
    for i in range(len(o)):
        for j in range(i + 1, len(o)):
            # a swap must leave each length inside its own job's interval (shapes may give each job its own)
            if o[i] != o[j] and lo[i] <= o[j] <= hi[i] and lo[j] <= o[i] <= hi[j]:
                c = list(o)
                c[i], c[j] = c[j], c[i]
                rows.append(tuple(c))
    return rows


@spends_budget
def search_local(problem: Problem, *, cache: BenchmarkMemo | None = None, budget: float | None = 5.0, seed: int = 0,
                 on_improve: OnImprove | None = None, max_evaluations: int | None = None,
                 start: tuple[int, ...] | None = None, stall: float | None = None) -> Outcome:
    """Iterated local search over ``o``: steepest ascent on the H-SF proxy, exact ratios near the top, kicks.

    The rules are the module docstring's: each step scores every neighbour (one length changed, or two unequal
    lengths swapped within both intervals) by the proxy ``TEL(ALG) / TEL(H-SF)`` and moves to the best if it
    beats the current one; a step whose proxy is at least ``EXACT_WITHIN`` of the best exact ratio gets its exact
    ratio, certified; at a local maximum a kick redraws one to three lengths (a fresh ``o`` one time in ten).
    With an objective other than the ratio the exact objective value is the score. Deterministic for a seed;
    proves nothing.

    Parameters
    ----------
    problem : Problem
        The shape, policy, benchmark and objective.
    cache : BenchmarkMemo or None
        A benchmark memo shared with other searches of the same ``M`` and benchmark.
    budget : float or None
        Seconds (``None``: only ``max_evaluations`` stops it).
    seed : int
        Seed of the start and of the kicks.
    on_improve : callable or None
        Called as ``on_improve(witness, "local")`` on each strict improvement.
    max_evaluations : int or None
        Cap on the output vectors scored (a deterministic budget).
    start : tuple of int or None
        The output vector to begin from (default: a random one).
    stall : float or None
        Stop once that many seconds pass without an improvement (``None``: run to the budget).

    Returns
    -------
    Outcome
        The best certified witness, ``evaluations`` the vectors scored; nothing proven.

    Raises
    ------
    InvalidInput
        Neither ``budget`` nor ``max_evaluations`` is given.
    """
    if budget is None and max_evaluations is None:
        raise InvalidInput("budget: local search needs a time budget or max_evaluations")
    rng = random.Random(seed)
    evaluator = Evaluator(problem, cache)
    tracker = Tracker(evaluator, "local", budget, on_improve)
    score = _Scores(evaluator)
    lo, hi = list(problem.shape.lows), list(problem.shape.highs)

    def fresh() -> tuple[int, ...]:
        return tuple(rng.randint(a, b) for a, b in zip(lo, hi, strict=True))

    current = tuple(start) if start is not None else fresh()
    tracker.offer(current)
    offered = {current}
    current_score = score([current])[0]
    scored, kicks = 1, 0
    while not tracker.out_of_time() and (max_evaluations is None or scored < max_evaluations):
        if stall is not None and time.perf_counter() - tracker.began - tracker.found_at > stall:
            break
        rows = _neighbours(current, lo, hi)
        if not rows:  # l = u everywhere: a single instance
            break
        scores = score(rows)
        scored += len(rows)
        k = max(range(len(rows)), key=scores.__getitem__)
        if scores[k] > current_score:
            current, current_score = rows[k], scores[k]
            # H-SF may miss OPT by a few per cent exactly where the ratio peaks, so every step near the top
            # gets its exact ratio (>= the proxy), not only the proxy's local maxima
            if score.objective:
                if current_score > tracker.best_value:
                    tracker.offer_value(current, int(current_score))
                    offered.add(current)
            elif current not in offered and current_score >= EXACT_WITHIN * tracker.best.ratio:
                tracker.offer(current)
                offered.add(current)
            continue
        kicks += 1
        if rng.random() < 0.1:
            current = fresh()
        else:
            c = list(current)
            for _ in range(rng.randint(1, 3)):
                j = rng.randrange(len(c))
                c[j] = rng.randint(lo[j], hi[j])
            current = tuple(c)
        current_score = score([current])[0]
        scored += 1
        if score.objective and current_score > tracker.best_value:  # a kick may land above the best
            tracker.offer_value(current, int(current_score))
    return tracker.outcome(evaluations=scored, notes=[f"{scored} output vectors scored, {len(offered)} exact ratios, "
                                                      f"{kicks} kicks"])


WARM_EVALUATIONS = 5000
"""Output vectors a warm start scores (a deterministic budget; measured: 0.1-0.5 s for A_min at n <= 8)."""


def warm_start(problem: Problem, *, budget: float | None, seed: int, cache: BenchmarkMemo) -> tuple[int, ...]:
    """A strong output vector for a proving strategy to start from, found by a short local search.

    Local search over at most ``WARM_EVALUATIONS`` output vectors (or the whole space, if smaller), stopped early
    only by a tenth of ``budget``.

    Parameters
    ----------
    problem : Problem
        The problem the proving strategy works on.
    budget : float or None
        The proving strategy's budget; the warm start spends at most a tenth of it.
    seed : int
        Seed of the local search.
    cache : BenchmarkMemo
        The proving strategy's benchmark memo (the OPTs computed here are reused).

    Returns
    -------
    tuple of int
        The best witness's outputs; every ``u_j`` if the warm start certified none in its time.
    """
    warm = search_local(problem, budget=None if budget is None else budget / 10, seed=seed, cache=cache,
                        max_evaluations=min(problem.space_size, WARM_EVALUATIONS))
    if warm.best is None:  # its tenth of the budget ran out proving the first OPT: start from all u_j
        return problem.shape.highs
    return warm.best.instance.outputs
