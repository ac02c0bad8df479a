"""The report's sweep: worst ratios per (policy reading × α × n × M × s) cell, found by the search strategies.

α = 2⁻ᵏ for k = 0..K with a fixed ``u`` (``l = u·α``); one interval for all jobs, arrivals 0. Each cell runs
exhaustive enumeration when its space is small enough to finish, else the portfolio, within a budget; the
benchmark is exact OPT up to ``opt_max_n`` requests and H-SF beyond (the report says which). OPT values are
shared between cells of one configuration.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction

from models.grid import Grid
from models.shape import Shape
from models.witness import Witness
from verify.opt.benchmark import BenchmarkMemo
from verify.search import Problem, run_search
from verify.search.base import Outcome

READINGS: list[tuple[str, str, dict]] = [
    ("A_min", "amin", {"admission": "stop", "eviction": "least-progress"}),
    ("A_min most-progress", "amin", {"admission": "stop", "eviction": "most-progress"}),
    ("A_min largest-lower-bound", "amin", {"admission": "stop", "eviction": "largest-lower-bound"}),
    ("A_min skip", "amin", {"admission": "skip", "eviction": "least-progress"}),
    ("A_min skip most-progress", "amin", {"admission": "skip", "eviction": "most-progress"}),
    ("A_min skip largest-lower-bound", "amin", {"admission": "skip", "eviction": "largest-lower-bound"}),
    ("A_max", "amax", {"admission": "stop"}),
    ("H-SF", "hsf", {"admission": "stop"}),
    ("fcfs-recompute", "fcfs-recompute", {}),
]


@dataclass(frozen=True)
class SweepConfig:
    name: str
    ks: tuple[int, ...]
    u: int
    ns: tuple[int, ...]
    s_values: tuple[int, ...]
    M_factors: tuple[Fraction, ...]  # M = ceil(factor * (s + u))
    budget: float  # seconds per cell
    opt_max_n: int
    exhaustive_max_space: int
    workload_n: int
    workload_seeds: int
    proof_n: int
    proof_u: int


PRESETS = {
    "quick": SweepConfig("quick", (0, 1, 2, 3), 8, (3, 4, 5), (1,), (Fraction(1), Fraction(2)), 5.0, 6, 40000,
                         2000, 3, 3, 4),
    "full": SweepConfig("full", (0, 1, 2, 3, 4), 16, (4, 6, 8), (0, 1), (Fraction(1), Fraction(2), Fraction(4)),
                        30.0, 6, 20000, 5000, 5, 4, 6),
}


@dataclass
class Cell:
    label: str
    policy: str
    options: dict
    k: int
    config: Shape
    benchmark: str
    outcome: Outcome

    @property
    def alpha(self) -> Fraction:
        return Fraction(1, 2**self.k)

    @property
    def worst(self) -> Witness | None:
        return self.outcome.best

    @property
    def regime(self) -> str:
        r = self.config.requests[0]
        return f"n={self.config.n}, M/(s+u)={Fraction(self.config.M, r.s + r.u)}, alpha={self.alpha}"


@dataclass
class SweepResult:
    config: SweepConfig
    cells: list[Cell] = field(default_factory=list)
    seconds: float = 0.0


def configurations(cfg: SweepConfig) -> Iterator[tuple[int, Shape]]:
    """Per ``k`` (α = 2⁻ᵏ, outermost), the grid of ``n × s × M/(s+u)`` shapes with ``l = max(1, ⌊u / 2^k⌋)``.

    Parameters
    ----------
    cfg : SweepConfig

    Yields
    ------
    tuple of (int, Shape)
        ``k`` and a shape of the sweep.
    """
    for k in cfg.ks:
        grid = Grid.product(n=cfg.ns, s=cfg.s_values, u=[cfg.u], k=[k], M_factor=cfg.M_factors)
        for shape in grid.shapes():
            yield k, shape


def run_sweep(cfg: SweepConfig, progress=None) -> SweepResult:
    result = SweepResult(cfg)
    began = time.perf_counter()
    memos: dict[tuple[str, int], BenchmarkMemo] = {}
    for k, config in configurations(cfg):
        benchmark = "opt" if config.n <= cfg.opt_max_n else "hsf"
        for label, policy, options in READINGS:
            problem = Problem(config, policy, options, benchmark)
            strategy = "exhaustive" if problem.space_size <= cfg.exhaustive_max_space else "portfolio"
            memo = memos.setdefault((benchmark, config.M), BenchmarkMemo(config.M, benchmark))
            outcome = run_search(problem, strategy, budget=cfg.budget, seed=0, evaluator_cache=memo)
            result.cells.append(Cell(label, policy, options, k, config, benchmark, outcome))
            if progress:
                progress(f"{label:32s} k={k} n={config.n} M={config.M} s={config.requests[0].s}: "
                         f"worst {outcome.best_ratio} ({outcome.proof_status}, {strategy})")
    result.seconds = time.perf_counter() - began
    return result
