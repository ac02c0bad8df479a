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
    """A sweep preset: the grid of α, n, s and M, the budgets, and the sizes of the report's other sections.

    Parameters
    ----------
    name : str
        The preset's name.
    ks : tuple of int
        α = 2⁻ᵏ for each k.
    u : int
        Every job's upper bound; ``l = max(1, ⌊u / 2^k⌋)``.
    ns : tuple of int
        Numbers of jobs.
    s_values : tuple of int
        Prompt sizes (one for all jobs of a shape).
    M_factors : tuple of Fraction
        ``M = ⌈factor · (s + u)⌉``.
    budget : float
        Seconds per cell.
    opt_max_n : int
        Exact OPT is the benchmark up to this n, H-SF beyond.
    exhaustive_max_space : int
        A cell with at most this many output vectors is enumerated; a larger one runs the portfolio.
    workload_n : int
        Requests per instance of the workload section.
    workload_seeds : int
        Instances per α of the workload section.
    proof_n : int
        n of the report's bounded proofs.
    proof_u : int
        u of the report's bounded proofs.
    """
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
    """One cell of the sweep: a policy reading on one shape, and its search's outcome.

    Parameters
    ----------
    label : str
        The reading's label (:data:`READINGS`).
    policy : str
        The policy.
    options : dict
        The reading's options.
    k : int
        α = 2⁻ᵏ.
    config : Shape
        The shape searched.
    benchmark : str
        ``"opt"`` or ``"hsf"``.
    outcome : Outcome
        The search's outcome.
    """
    label: str
    policy: str
    options: dict
    k: int
    config: Shape
    benchmark: str
    outcome: Outcome

    @property
    def alpha(self) -> Fraction:
        """α = 2⁻ᵏ, the cell's interval ratio by its ``k`` (``l/u`` equals it where ``2^k`` divides ``u``)."""
        return Fraction(1, 2**self.k)

    @property
    def worst(self) -> Witness | None:
        """The cell's worst certified witness (``None`` if the search found none)."""
        return self.outcome.best

    @property
    def regime(self) -> str:
        """The cell's regime as the report states it: n, ``M/(s+u)`` and α."""
        r = self.config.requests[0]
        return f"n={self.config.n}, M/(s+u)={Fraction(self.config.M, r.s + r.u)}, alpha={self.alpha}"


@dataclass
class SweepResult:
    """A finished sweep: its preset, every cell, and the wall time.

    Parameters
    ----------
    config : SweepConfig
        The preset run.
    cells : list of Cell
        Every cell, in the order run.
    seconds : float
        Wall time of the sweep.
    """
    config: SweepConfig
    cells: list[Cell] = field(default_factory=list)
    seconds: float = 0.0


def configurations(cfg: SweepConfig) -> Iterator[tuple[int, Shape]]:
    """Per ``k`` (α = 2⁻ᵏ, outermost), the grid of ``n × s × M/(s+u)`` shapes with ``l = max(1, ⌊u / 2^k⌋)``.

    Parameters
    ----------
    cfg : SweepConfig
        The preset.

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
    """Search every reading of :data:`READINGS` on every shape of the sweep (module docstring).

    Each cell is enumerated when its space has at most ``cfg.exhaustive_max_space`` vectors, else searched by the
    portfolio, within ``cfg.budget`` seconds; the benchmark is exact OPT up to ``cfg.opt_max_n`` jobs and H-SF
    beyond, its values shared between cells of one benchmark and ``M``.

    Parameters
    ----------
    cfg : SweepConfig
        The preset.
    progress : callable or None
        Called with one line of text per cell.

    Returns
    -------
    SweepResult
        Every cell's outcome, and the wall time.
    """
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
