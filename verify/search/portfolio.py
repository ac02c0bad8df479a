"""The portfolio: find fast, then prove.

1. local search for a tenth of the budget finds a strong witness;
2. if the evaluation rate measured in step 1 says the whole space fits in what is left, exhaustive enumeration
   proves the maximum; otherwise Z3, seeded with the best witness so far, tries to close the bracket (when the
   policy has a Z3 encoding).
"""

from __future__ import annotations

import time

from verify.encoding.scheduler_z3 import UnsupportedForZ3
from verify.search.base import OnImprove, Outcome, Problem
from verify.search.exhaustive import search_exhaustive
from verify.search.local import search_local
from verify.search.z3_search import search_z3


def search_portfolio(problem: Problem, *, cache: dict | None = None, budget: float | None = 30.0, seed: int = 0,
                     on_improve: OnImprove | None = None) -> Outcome:
    total = 30.0 if budget is None else budget
    began = time.perf_counter()
    local = search_local(problem, budget=total / 10, seed=seed, on_improve=on_improve, cache=cache)
    left = total - (time.perf_counter() - began)
    rate = local.evaluations / max(local.seconds, 1e-9)
    notes = [f"local: {local.evaluations} evaluations, best {local.best_ratio} at {local.found_at:.2f}s"]
    best, found_at = local.best, local.found_at

    def beats(w) -> bool:
        return w is not None and (best is None or w.ratio > best.ratio)

    # exhaustive evaluations are batched and memoised, several times cheaper than local ones: 2x is cautious
    if problem.space_size <= 2 * rate * left:
        proof = search_exhaustive(problem, budget=left, cache=cache, on_improve=lambda w, s: beats(w) and on_improve
                                  and on_improve(w, s))
    else:
        try:
            proof = search_z3(problem, budget=left, seed=seed, cache=cache, start=best.instance.outputs if best else None,
                              on_improve=on_improve)
        except UnsupportedForZ3 as exc:
            notes.append(f"no proof attempted: {exc}")
            return Outcome("portfolio", best, evaluations=local.evaluations, seconds=time.perf_counter() - began,
                           found_at=found_at, notes=notes)
    notes += [f"{proof.strategy}: {n}" for n in proof.notes] or [f"{proof.strategy}: {proof.proof_status}"]
    offset = time.perf_counter() - began - proof.seconds
    if beats(proof.best):
        best, found_at = proof.best, offset + proof.found_at
    return Outcome("portfolio", best, proven_upper=proof.proven_upper, closed=proof.closed,
                   evaluations=local.evaluations + proof.evaluations, seconds=time.perf_counter() - began,
                   found_at=found_at, notes=notes)
