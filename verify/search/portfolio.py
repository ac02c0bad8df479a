"""The portfolio: find fast, then prove.

1. local search finds a strong witness: for a tenth of the budget at most, and it stops once ``LOCAL_STALL``
   of the budget passes without an improvement (``kvsched bench search``: the guided local search
   reaches its best within about 2 s of a 30 s budget in every row, and a proof step that starts early can
   use the rest);
2. for an online scheduler, branch and bound over the state graph (:mod:`verify.explore`), seeded with that
   witness, gets most of what is left (``STATESPACE_SHARE``): it is the fastest proof we have (``kvsched bench
   statespace``: A_min n = 8, u = 8 closes in about 25 s, where enumeration needs minutes and Z3
   times out from n = 4 on);
3. for H-SF (a hindsight scheduler, which has no state graph): exhaustive enumeration if it is estimated to fit
   in the budget (``space / 50,000 + multisets × 5 ms`` seconds), else Z3 for at most ``Z3_MAX_N`` jobs;
4. whatever budget is left after a proof that did not finish goes to local search with another seed, starting
   from the best witness so far: no proof, the best witness.
"""

from __future__ import annotations

import time

from verify.opt.benchmark import BenchmarkMemo
from verify.symbolic.scheduler_z3 import UnsupportedForZ3
from verify.search.base import OnImprove, Outcome, Problem, spends_budget
from verify.search.exhaustive import search_exhaustive
from verify.search.local import search_local
from verify.search.statespace_search import search_statespace
from verify.search.z3_search import search_z3

Z3_MAX_N = 4
LOCAL_SHARE = 1 / 10
LOCAL_STALL = 1 / 30
STATESPACE_SHARE = 0.9


def _exhaustive_seconds(problem: Problem) -> float:
    from verify.symbolic.opt_table import table_size

    return problem.space_size / 50_000 + table_size(problem.shape) * 0.005


@spends_budget
def search_portfolio(problem: Problem, *, cache: BenchmarkMemo | None = None, budget: float | None = 30.0, seed: int = 0,
                     on_improve: OnImprove | None = None) -> Outcome:
    """Find fast, then prove: local search, a proof step, then local search again with what is left.

    The phases are the module docstring's: local search for at most ``LOCAL_SHARE`` of the budget (stopping after
    ``LOCAL_STALL`` of it without an improvement); then for an online scheduler branch and bound over the state
    graph seeded with that witness (``STATESPACE_SHARE`` of what is left), for H-SF exhaustive enumeration if it
    is estimated to fit, else Z3 for at most ``Z3_MAX_N`` jobs; then, unless the proof closed, local search with
    seed ``seed + 1`` from the best witness for the rest. Every phase shares one benchmark memo.

    Parameters
    ----------
    problem : Problem
        The shape, policy and benchmark (objective ``ratio`` only).
    cache : BenchmarkMemo or None
        A benchmark memo shared with other searches of the same ``M`` and benchmark (one is made if ``None``).
    budget : float or None
        Seconds for all phases together (``None``: 30).
    seed : int
        Seed of the phases.
    on_improve : callable or None
        Called as ``on_improve(witness, phase_strategy)`` on each witness that beats the best so far.

    Returns
    -------
    Outcome
        Strategy ``portfolio``: the best witness of all phases, the proof step's upper bound, ``closed`` when it
        closed, and a note per phase.
    """
    total = 30.0 if budget is None else budget
    began = time.perf_counter()
    cache = BenchmarkMemo(problem.shape.M, problem.benchmark) if cache is None else cache  # every phase searches the same problem: compute each OPT once
    local = search_local(problem, budget=total * LOCAL_SHARE, seed=seed, on_improve=on_improve, cache=cache,
                         stall=total * LOCAL_STALL)
    notes = [f"local: {local.evaluations} evaluations, best {local.best_ratio} at {local.found_at:.2f}s"]
    best, found_at, evaluations = local.best, local.found_at, local.evaluations

    def left() -> float:
        return total - (time.perf_counter() - began)

    def beats(w) -> bool:
        return w is not None and (best is None or w.ratio > best.ratio)

    def relay(w, s):
        return beats(w) and on_improve and on_improve(w, s)

    def absorb(outcome: Outcome, offset: float) -> None:
        nonlocal best, found_at, evaluations
        notes.extend(f"{outcome.strategy}: {n}" for n in outcome.notes or [outcome.proof_status])
        evaluations += outcome.evaluations
        if beats(outcome.best):
            best, found_at = outcome.best, offset + outcome.found_at

    proof: Outcome | None = None
    offset = time.perf_counter() - began
    if problem.policy != "hsf":
        proof = search_statespace(problem, budget=left() * STATESPACE_SHARE, seed=seed, cache=cache, on_improve=relay,
                                  start=best.instance.outputs if best else None)
    elif _exhaustive_seconds(problem) <= left():
        proof = search_exhaustive(problem, budget=left(), cache=cache, on_improve=relay)
    elif problem.shape.n <= Z3_MAX_N:
        try:
            proof = search_z3(problem, budget=left(), seed=seed, cache=cache,
                              start=best.instance.outputs if best else None, on_improve=relay)
        except UnsupportedForZ3 as exc:
            notes.append(f"no proof attempted: {exc}")
    if proof is not None:
        absorb(proof, offset)
        if proof.closed:
            return Outcome("portfolio", best, proven_upper=proof.proven_upper, closed=True, evaluations=evaluations,
                           seconds=time.perf_counter() - began, found_at=found_at, notes=notes)
    offset = time.perf_counter() - began
    if left() > 0:
        absorb(search_local(problem, budget=left(), seed=seed + 1, on_improve=relay, cache=cache,
                            start=best.instance.outputs if best else None), offset)
    return Outcome("portfolio", best, proven_upper=proof.proven_upper if proof else None, evaluations=evaluations,
                   seconds=time.perf_counter() - began, found_at=found_at, notes=notes)
