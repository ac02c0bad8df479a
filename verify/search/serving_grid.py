"""The serving grid (issue #24): every instance of a small exhaustive grid, for each policy, against exact OPT.

The grid: for each ``n`` and ``u``, every prompt vector ``(s_1, …, s_n) ∈ S^n`` (order matters: the serving
policies and fcfs-recompute queue by index), one interval ``[l, u]`` for every job, every ``o ∈ [l, u]^n``, all
arrivals 0,
and every ``M`` from ``max_j s_j + u`` to that plus ``slack``. For each policy it reports, over the whole grid:

- the **worst ratio** ``TEL(ALG) / TEL(OPT)`` and the **least ratio** (below 1 only for a policy that may
  pause jobs: MODEL.md, "Serving policies"), each with a certified witness;
- the **worst preemption count of one job**: the most departures from memory (evictions plus progress-keeping
  preemptions) of any one job in one run (:attr:`models.trace.RunOutcome.max_departures`), with its witness
  (objective ``preemptions``);
- the most **recomputed tokens** of a run, with its witness (objective ``recomputed``).

ALG runs on the fast engine's batch kernel (TEL, most departures, recomputed tokens per output vector in one
call); OPT is exact and memoised per ``M`` by multiset; every reported witness is re-run on the reference engine
(:func:`verify.certify.certify`), which must agree with the fast figures. Ties keep the first instance in the
enumeration order (``n`` ascending, then ``u``, then ``M``, then prompt vectors and outputs in lexicographic order), so the
witnesses are the smallest such instances in that order.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from models.errors import Inconsistency, InvalidInput
from models.grid import prompt_vectors
from models.shape import Shape
from models.witness import Witness, save_witness
from verify.certify import certify
from verify.opt.benchmark import BenchmarkMemo
from verify.search.base import Evaluator, Problem

GRID_POLICIES = ("vllm-v1", "sglang", "fcfs-recompute", "amin")


@dataclass(frozen=True)
class ServingGrid:
    """A small exhaustive grid of shapes: every prompt vector, one interval ``[l, u]``, every ``M`` up to a slack.

    Parameters
    ----------
    ns : sequence of int
        Numbers of jobs, each ``>= 1``.
    s_values : sequence of int
        Prompt sizes each job takes, each ``>= 0``.
    l : int
        Every job's lower bound, ``>= 1``.
    us : sequence of int
        Upper bounds, each ``>= l``.
    slack : int
        ``M`` runs over ``max(s) + u .. max(s) + u + slack``; ``>= 0``.

    Raises
    ------
    InvalidInput
        A field is empty or breaks its rule above.
    """
    ns: Sequence[int] = (2, 3, 4)
    s_values: Sequence[int] = (0, 1, 2)
    l: int = 1  # noqa: E741
    us: Sequence[int] = (4,)
    slack: int = 4  # M in max(s) + u .. max(s) + u + slack

    def __post_init__(self) -> None:
        if not self.ns or min(self.ns) < 1:
            raise InvalidInput(f"n: every n must be >= 1, got {list(self.ns)}")
        if not self.s_values or min(self.s_values) < 0:
            raise InvalidInput(f"s: every s must be >= 0, got {list(self.s_values)}")
        if not self.us or min(self.us) < self.l or self.l < 1:
            raise InvalidInput(f"u: every u must be >= l = {self.l} >= 1, got {list(self.us)}")
        if self.slack < 0:
            raise InvalidInput(f"slack: must be >= 0, got {self.slack}")

    def shapes(self, n: int, u: int) -> list[Shape]:
        """Every prompt vector of ``s_values^n`` with every ``M`` in ``max(s) + u .. max(s) + u + slack``.

        Parameters
        ----------
        n : int
            Number of jobs.
        u : int
            Every job's interval is ``[l, u]``.

        Returns
        -------
        list of Shape
            Ordered by ``M``, then prompt vectors in lexicographic order.
        """
        return prompt_vectors(n, self.s_values, self.l, u, M_slack=range(self.slack + 1))

    def describe(self) -> str:
        """The grid in one line of text, for reports.

        Returns
        -------
        str
            The ranges of ``n``, ``s_j``, ``[l, u]``, ``o`` and ``M``.
        """
        return (f"n in {list(self.ns)}, every s_j in {list(self.s_values)}, [l,u] = [{self.l},u], u in "
                f"{list(self.us)}, "
                f"o in [l,u]^n, arrivals 0, M in max(s)+u..max(s)+u+{self.slack}")


@dataclass
class PolicyResult:
    """One policy's figures over the whole grid, each with its certified witness.

    Parameters
    ----------
    policy : str
        The policy (default options).
    instances : int
        Instances run.
    worst_ratio : Witness or None
        The largest ``TEL(ALG) / TEL(OPT)``.
    least_ratio : Witness or None
        The least ratio (below 1 only for a policy that may pause jobs).
    worst_preemptions : Witness or None
        The worst preemption count of one job (objective ``preemptions``).
    worst_recomputed : Witness or None
        The most recomputed tokens of a run (objective ``recomputed``).
    below_one : int
        Instances with ``TEL(ALG) < TEL(OPT)``.
    paths : dict of str to Path
        The witness file of each kind, once :func:`save_grid_witnesses` wrote it.
    """
    policy: str
    instances: int = 0
    worst_ratio: Witness | None = None
    least_ratio: Witness | None = None
    worst_preemptions: Witness | None = None
    worst_recomputed: Witness | None = None
    below_one: int = 0  # instances with TEL(ALG) < TEL(OPT)
    paths: dict[str, Path] = field(default_factory=dict)


def run_serving_grid(grid: ServingGrid, policies: Sequence[str] = GRID_POLICIES, *,
                     progress: Callable[[str], None] | None = None) -> list[PolicyResult]:
    """Run every instance of ``grid`` under every policy (default options) against exact OPT.

    For each policy: the worst and the least ratio, the worst preemption count of one job, and the most
    recomputed tokens (module docstring). ALG runs on the fast engine's batch kernel, OPT is exact and memoised
    per ``M``; every ratio is checked against ``TEL(ALG) >= TEL(OPT)`` for a policy that does not pause jobs, and
    each reported witness is re-run on the reference engine, which must give the same figure. Ties keep the first
    instance in the enumeration order.

    Parameters
    ----------
    grid : ServingGrid
        The grid.
    policies : sequence of str
        Built-in policies with a fast engine.
    progress : callable or None
        Called with a line of text after each ``(n, u)``.

    Returns
    -------
    list of PolicyResult
        One per policy, in the order of ``policies``.

    Raises
    ------
    ImpossibleRatio
        A ratio below 1 against OPT for a policy that does not pause jobs.
    OptionError
        A name of ``policies`` is not a policy.
    """
    results = {p: PolicyResult(p) for p in policies}
    # best so far per policy: (ratio, shape, outputs), (least), (departures, ...), (recomputed, ...)
    found: dict[str, dict[str, tuple]] = {p: {} for p in policies}
    memos: dict[int, BenchmarkMemo] = {}
    began = time.perf_counter()
    for n, u in itertools.product(grid.ns, grid.us):
        shapes = grid.shapes(n, u)
        rows = np.array(list(itertools.product(range(grid.l, u + 1), repeat=n)), dtype=np.int64)
        tuples = [tuple(int(x) for x in r) for r in rows]
        for shape in shapes:
            memo = memos.setdefault(shape.M, BenchmarkMemo(shape.M, "opt"))
            bench = [memo.tel(shape.with_outputs(o)) for o in tuples]
            for policy in policies:
                ev = Evaluator(Problem(shape, policy, {}, "opt"), memo)
                values = ev.engine.objectives_many(rows)  # a round-limit overrun raises: no policy here has one
                res, best = results[policy], found[policy]
                res.instances += len(tuples)
                for i, o in enumerate(tuples):
                    tel, dep, rec = (int(x) for x in values[i])
                    ratio = Fraction(tel, bench[i])
                    ev.check(o, tel, bench[i])
                    res.below_one += ratio < 1
                    if "ratio" not in best or ratio > best["ratio"][0]:
                        best["ratio"] = (ratio, shape, o)
                    if "least" not in best or ratio < best["least"][0]:
                        best["least"] = (ratio, shape, o)
                    if "preemptions" not in best or dep > best["preemptions"][0]:
                        best["preemptions"] = (dep, shape, o)
                    if "recomputed" not in best or rec > best["recomputed"][0]:
                        best["recomputed"] = (rec, shape, o)
        if progress:
            progress(f"n={n} u={u}: {len(shapes)} shapes x {len(tuples)} output vectors, "
                     f"{time.perf_counter() - began:.1f}s")
    for policy, res in results.items():
        best = found[policy]
        res.worst_ratio = _certified(best["ratio"], policy, None, Fraction)
        res.least_ratio = _certified(best["least"], policy, None, Fraction)
        res.worst_preemptions = _certified(best["preemptions"], policy, "preemptions", int)
        res.worst_recomputed = _certified(best["recomputed"], policy, "recomputed", int)
    return list(results.values())


def _certified(entry: tuple, policy: str, objective: str | None, kind) -> Witness:
    """The entry's witness, re-run on the reference engine; its figure must equal the fast engine's."""
    value, shape, outputs = entry
    w = certify(shape.with_outputs(outputs), policy, {}, "opt", objective=objective).witness
    again = w.ratio if objective is None else w.objective_value
    if again != value:
        raise Inconsistency(f"{policy} on {outputs}: fast engine gives {value}, the reference engine {again}")
    return w


WITNESS_KINDS = ("worst_ratio", "least_ratio", "worst_preemptions", "worst_recomputed")


def save_grid_witnesses(results: Sequence[PolicyResult], out: Path) -> None:
    """Write ``<policy>-<kind>.json`` for each policy and kind (replayable: ``kvsched replay FILE``).

    Each path written is recorded in the result's ``paths``.

    Parameters
    ----------
    results : sequence of PolicyResult
        The results of :func:`run_serving_grid`.
    out : Path
        The directory (created if missing).
    """
    out.mkdir(parents=True, exist_ok=True)
    for res in results:
        for kind in WITNESS_KINDS:
            w = getattr(res, kind)
            res.paths[kind] = save_witness(w, out / f"{res.policy}-{kind.replace('_', '-')}.json")


def describe_witness(w: Witness) -> str:
    """``M=.. s=(..) o=(..): TEL a / OPT b`` in one line.

    Parameters
    ----------
    w : Witness
        A witness against OPT.

    Returns
    -------
    str
        The line.
    """
    s = tuple(r.s for r in w.instance.requests)
    return f"M={w.instance.M} s={s} o={w.instance.outputs}: TEL {w.tel} / OPT {w.benchmark_tel}"


__all__ = ["GRID_POLICIES", "PolicyResult", "ServingGrid", "WITNESS_KINDS", "describe_witness", "run_serving_grid",
           "save_grid_witnesses"]
