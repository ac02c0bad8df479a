"""Fast local search over ``o``: simulated annealing with random restarts on the fast engine.

A move changes one job's length to a random value in ``[l_j, u_j]`` or by ±1; worse moves are accepted with
probability ``exp(Δ / T)`` (Δ the change in ratio, as a float only for this acceptance test), the temperature
cooling geometrically; a restart draws a fresh random ``o``. Deterministic for a given seed. Finds good
instances fast; proves nothing.
"""

from __future__ import annotations

import math
import random

from verify.search.base import Evaluator, OnImprove, Outcome, Problem, Tracker


def search_local(problem: Problem, *, cache: dict | None = None, budget: float | None = 5.0, seed: int = 0, on_improve: OnImprove | None = None,
                 max_evaluations: int | None = None, restart_every: int = 200,
                 start: tuple[int, ...] | None = None) -> Outcome:
    """``start``: the output vector to begin from (default: a random one)."""
    if budget is None and max_evaluations is None:
        raise ValueError("budget: local search needs a time budget or max_evaluations")
    rng = random.Random(seed)
    evaluator = Evaluator(problem, cache)
    tracker = Tracker(evaluator, "local", budget, on_improve)
    reqs = problem.config.requests
    n = len(reqs)

    def fresh() -> list[int]:
        return [rng.randint(r.l, r.u) for r in reqs]

    current = list(start) if start is not None else fresh()
    cur_ratio = tracker.offer(tuple(current))
    temperature, steps = 0.05, 0
    while not tracker.out_of_time() and (max_evaluations is None or evaluator.evaluations < max_evaluations):
        steps += 1
        if steps % restart_every == 0:
            current = fresh() if rng.random() < 0.5 else list(tracker.best.instance.outputs)
            cur_ratio = tracker.offer(tuple(current))
            temperature = 0.05
            continue
        cand = current[:]
        j = rng.randrange(n)
        r = reqs[j]
        if rng.random() < 0.5:
            cand[j] = rng.randint(r.l, r.u)
        else:
            cand[j] = min(r.u, max(r.l, cand[j] + rng.choice((-1, 1))))
        ratio = tracker.offer(tuple(cand))
        delta = float(ratio - cur_ratio)
        if delta >= 0 or rng.random() < math.exp(delta / max(temperature, 1e-9)):
            current, cur_ratio = cand, ratio
        temperature *= 0.995
    return tracker.outcome()
