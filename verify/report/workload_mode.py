"""Workload mode: mean TEL ratios to H-SF at n in the thousands, for interval widths α.

The paper's experiments use LMSYS-Chat-1M output lengths, which cannot be fetched here. This mode uses the
synthetic lognormal of :mod:`verify.workload` (mean 200, σ = 1, clipped to [1, 1024]) — an assumption
standing in for the real distribution, not a fit to it — with s = 64, M = 16,384, intervals of ratio α around
the true length, all arrivals 0, and the fast engine. Ratios are exact per run; means are exact fractions.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from models.engine_fast import simulate_fast
from verify.workload import paper_like_instance

WORKLOAD_POLICIES = ("amin", "amax", "fcfs-recompute")


@dataclass(frozen=True)
class WorkloadRow:
    alpha: Fraction
    policy: str
    mean_ratio: Fraction
    runs: int


def run_workload(n: int, alphas, seeds: int) -> list[WorkloadRow]:
    rows = []
    for a in alphas:
        ratios: dict[str, list[Fraction]] = {p: [] for p in WORKLOAD_POLICIES}
        for seed in range(seeds):
            inst = paper_like_instance(n, alpha=a, seed=seed)
            hsf = simulate_fast(inst, "hsf").tel
            for p in WORKLOAD_POLICIES:
                ratios[p].append(Fraction(simulate_fast(inst, p).tel, hsf))
        rows += [WorkloadRow(a, p, sum(r) / len(r), len(r)) for p, r in ratios.items()]
    return rows
