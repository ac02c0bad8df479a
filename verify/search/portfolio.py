"""The portfolio: find fast, then prove.

1. local search for a tenth of the budget finds a strong witness;
2. if exhaustive enumeration is estimated to fit in what is left, it proves the maximum; the estimate is
   ``space / 50,000 + multisets × 5 ms`` seconds (batched fast-engine simulation plus one exact OPT per multiset
   of lengths, as measured by ``python -m verify.bench search`` at n = 6);
3. else, for at most ``Z3_MAX_N`` jobs, Z3 seeded with the best witness tries to close the bracket (the
   benchmark run shows it closes n = 4, u = 8 and times out from n = 6 on);
4. else local search goes on with the rest of the budget (another seed): no proof, the best witness.
"""

from __future__ import annotations

import time

from verify.encoding.scheduler_z3 import UnsupportedForZ3
from verify.search.base import OnImprove, Outcome, Problem
from verify.search.exhaustive import search_exhaustive
from verify.search.local import search_local
from verify.search.z3_search import search_z3


Z3_MAX_N = 4


def _exhaustive_seconds(problem: Problem) -> float:
    from verify.encoding.opt_table import table_size

    return problem.space_size / 50_000 + table_size(problem.config) * 0.005


def search_portfolio(problem: Problem, *, cache: dict | None = None, budget: float | None = 30.0, seed: int = 0,
                     on_improve: OnImprove | None = None) -> Outcome:
    total = 30.0 if budget is None else budget
    began = time.perf_counter()
    local = search_local(problem, budget=total / 10, seed=seed, on_improve=on_improve, cache=cache)
    left = total - (time.perf_counter() - began)
    notes = [f"local: {local.evaluations} evaluations, best {local.best_ratio} at {local.found_at:.2f}s"]
    best, found_at = local.best, local.found_at

    def beats(w) -> bool:
        return w is not None and (best is None or w.ratio > best.ratio)

    if _exhaustive_seconds(problem) <= left:
        proof = search_exhaustive(problem, budget=left, cache=cache, on_improve=lambda w, s: beats(w) and on_improve
                                  and on_improve(w, s))
    elif problem.config.n <= Z3_MAX_N:
        try:
            proof = search_z3(problem, budget=left, seed=seed, cache=cache, start=best.instance.outputs if best else None,
                              on_improve=on_improve)
        except UnsupportedForZ3 as exc:
            notes.append(f"no proof attempted: {exc}")
            return Outcome("portfolio", best, evaluations=local.evaluations, seconds=time.perf_counter() - began,
                           found_at=found_at, notes=notes)
    else:
        proof = search_local(problem, budget=left, seed=seed + 1, on_improve=lambda w, s: beats(w) and on_improve
                             and on_improve(w, s), cache=cache)
    notes += [f"{proof.strategy}: {n}" for n in proof.notes] or [f"{proof.strategy}: {proof.proof_status}"]
    offset = time.perf_counter() - began - proof.seconds
    if beats(proof.best):
        best, found_at = proof.best, offset + proof.found_at
    return Outcome("portfolio", best, proven_upper=proof.proven_upper, closed=proof.closed,
                   evaluations=local.evaluations + proof.evaluations, seconds=time.perf_counter() - began,
                   found_at=found_at, notes=notes)
