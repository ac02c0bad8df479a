"""Fast local search over ``o``: steepest ascent on a cheap ratio with random kicks (iterated local search).

Exact OPT costs milliseconds per multiset of lengths and a simulation microseconds, so the climb is steered by a
score that needs no new OPT: the exact ratio when the multiset's OPT is already memoised, else the *proxy*
``TEL(ALG) / TEL(H-SF)``, both on the fast engine. H-SF's schedule is feasible, so ``TEL(H-SF) >= OPT`` and the
proxy never exceeds the exact ratio. A step scores every neighbour of the current ``o`` in one batch — each
job's length set to every other value in ``[l_j, u_j]``, and every swap of two unequal lengths (a swap keeps
the multiset, hence OPT, and changes only ALG) — and moves to the best one if it beats the current score. The
moved-to ``o`` gets its exact ratio (an OPT) only when its proxy is at least ``EXACT_WITHIN`` of the best exact
ratio so far, so OPT is computed near the top of the landscape only. At a local maximum a kick re-draws one to
three lengths (a fresh random ``o`` one time in ten).

Every ratio the search reports is exact and certified (:class:`~verify.search.base.Tracker`); the proxy only
decides where to look. With benchmark ``hsf`` the proxy *is* the ratio; for the H-SF policy against OPT it is 1
everywhere, so every neighbour is scored exactly. Deterministic for a given seed. Finds good instances fast;
proves nothing.
"""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np

from models.engine_fast import Configuration
from verify.search.base import Evaluator, OnImprove, Outcome, Problem, Tracker

EXACT_WITHIN = Fraction(9, 10)
"""Compute a candidate's exact ratio when its proxy is at least this fraction of the best exact ratio."""


class _Scores:
    """Exact ratio where the benchmark is memoised or cheap, else the proxy lower bound (module docstring)."""

    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator
        problem = evaluator.problem
        self.all_exact = problem.benchmark == "opt" and problem.policy == "hsf"
        self.hsf = None if self.all_exact else Configuration.build(problem.config, "hsf")

    def __call__(self, rows: list[tuple[int, ...]]) -> list[Fraction]:
        ev = self.evaluator
        if self.all_exact:
            return [ev.ratio(row)[0] for row in rows]
        alg = ev.alg_tels(rows)
        hsf = [int(x) for x in self.hsf.tel_many(np.array(rows, dtype=np.int64))]
        scores = []
        for row, a, h in zip(rows, alg, hsf, strict=True):
            known = ev.known_bench(row) if ev.problem.benchmark == "opt" else h
            scores.append(Fraction(a, h if known is None else known))
        return scores

    def exact(self, row: tuple[int, ...]) -> bool:
        ev = self.evaluator
        return self.all_exact or ev.problem.benchmark == "hsf" or ev.known_bench(row) is not None


def _neighbours(o: tuple[int, ...], lo: list[int], hi: list[int]) -> list[tuple[int, ...]]:
    rows = []
    for j, v in enumerate(o):
        for w in range(lo[j], hi[j] + 1):
            if w != v:
                rows.append(o[:j] + (w,) + o[j + 1:])
    for i in range(len(o)):
        for j in range(i + 1, len(o)):
            if o[i] != o[j]:
                c = list(o)
                c[i], c[j] = c[j], c[i]
                rows.append(tuple(c))
    return rows


def search_local(problem: Problem, *, cache: dict | None = None, budget: float | None = 5.0, seed: int = 0,
                 on_improve: OnImprove | None = None, max_evaluations: int | None = None,
                 start: tuple[int, ...] | None = None) -> Outcome:
    """``start``: the output vector to begin from (default: a random one). ``max_evaluations`` caps the number
    of output vectors scored (a deterministic budget)."""
    if budget is None and max_evaluations is None:
        raise ValueError("budget: local search needs a time budget or max_evaluations")
    rng = random.Random(seed)
    evaluator = Evaluator(problem, cache)
    tracker = Tracker(evaluator, "local", budget, on_improve)
    score = _Scores(evaluator)
    lo = [r.l for r in problem.config.requests]
    hi = [r.u for r in problem.config.requests]

    def fresh() -> tuple[int, ...]:
        return tuple(rng.randint(a, b) for a, b in zip(lo, hi, strict=True))

    current = tuple(start) if start is not None else fresh()
    current_score = tracker.offer(current)
    scored, kicks, opts = 1, 0, 0
    while not tracker.out_of_time() and (max_evaluations is None or scored < max_evaluations):
        rows = _neighbours(current, lo, hi)
        if not rows:  # l = u everywhere: a single instance
            break
        scores = score(rows)
        scored += len(rows)
        k = max(range(len(rows)), key=scores.__getitem__)
        if scores[k] > current_score:
            current, current_score = rows[k], scores[k]
            if not score.exact(current) and current_score >= EXACT_WITHIN * tracker.best.ratio:
                current_score = tracker.offer(current)
                opts += 1
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
    return tracker.outcome(evaluations=scored, notes=[f"{scored} output vectors scored, {opts} exact ratios for "
                                                      f"new candidates, {kicks} kicks"])
