"""``kvsched search``: run a strategy over a grid of shapes, writing witnesses as they are found.

Each shape (a point of a :class:`~models.grid.Grid`, or an instance file's shape) is a
:class:`~verify.search.base.Problem`. Every improving witness is written at once (temporary file, then rename)
as ``<cell>-<seq>.json`` and copied to ``<cell>-best.json``, so an interrupt loses nothing already found.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from models.shape import Shape
from models.schedulers import PolicySpec
from models.witness import LivenessWitness, Witness, format_ratio, save_witness
from verify.search import Outcome, Problem, run_search


def cell_name(shape: Shape, policy: str | PolicySpec, options: dict | None = None,
              objective: str = "ratio") -> str:
    """The file-name stem of a search cell: ``<policy>[-<key>=<value>...]-n<n>-M<M>-s<s>-l<l>-u<u>[-<objective>]``.

    Every option in effect that differs from the policy's default is part of the name, and so is an objective
    other than the ratio, so that searches differing only in a reading or an objective never share files. (No
    option given: no option named, even for a user scheduler.) ``s``, ``l`` and ``u`` are the first request's.

    Parameters
    ----------
    shape : Shape
        The cell's shape.
    policy : str or PolicySpec
        The policy, by name or parsed.
    options : dict or None
        Its options (with a spec: ``None``).
    objective : str
        What the search maximises.

    Returns
    -------
    str
        The stem (a ``:`` of a user scheduler's name becomes ``.``; option values are made file-safe).

    Raises
    ------
    OptionError
        ``policy`` or ``options`` is not valid.
    """
    r = shape.requests[0]
    spec = PolicySpec.parse(policy, options)
    named = "".join(f"-{k}={_slug(v)}" for k, v in sorted(spec.non_default().items())) if spec.given else ""
    suffix = "" if objective == "ratio" else f"-{objective}"
    return f"{spec.name.replace(':', '.')}{named}-n{shape.n}-M{shape.M}-s{r.s}-l{r.l}-u{r.u}{suffix}"


def _slug(value) -> str:
    return re.sub(r"[^A-Za-z0-9_.+-]+", "_", str(value))


def cell_files(out: Path, cell: str) -> list[Path]:
    """The witness files of ``cell`` in ``out`` (``<cell>-NNN.json``, ``-best.json``, ``-liveness.json``).

    Parameters
    ----------
    out : Path
        The witness directory.
    cell : str
        A :func:`cell_name`.

    Returns
    -------
    list of Path
        The files, sorted; empty when ``out`` is not a directory.
    """
    if not out.is_dir():
        return []
    pattern = re.compile(rf"{re.escape(cell)}-(\d{{3,}}|best|liveness)\.json")
    return sorted(p for p in out.iterdir() if pattern.fullmatch(p.name))


@dataclass
class CellResult:
    """One cell of a grid search.

    Parameters
    ----------
    problem : Problem
        The cell's problem.
    outcome : Outcome
        Its search's outcome.
    best_path : Path or None
        The ``<cell>-best.json`` written, if any.
    liveness : LivenessWitness or None
        The strongest liveness witness certified, if any.
    liveness_path : Path or None
        The ``<cell>-liveness.json`` written, if any.
    """
    problem: Problem
    outcome: Outcome
    best_path: Path | None
    liveness: LivenessWitness | None = None
    liveness_path: Path | None = None


@dataclass
class SearchReport:
    """The cells of a grid search, and whether it was interrupted.

    Parameters
    ----------
    cells : list of CellResult
        One per cell searched (an interrupted cell included, with its best witness so far).
    interrupted : bool
        The search was stopped by SIGINT.
    """
    cells: list[CellResult] = field(default_factory=list)
    interrupted: bool = False

    @property
    def best(self) -> CellResult | None:
        """The cell with the largest best value (then ratio), or ``None`` when no cell found a witness."""
        found = [c for c in self.cells if c.outcome.best is not None]
        return max(found, key=lambda c: (c.outcome.best_value, c.outcome.best_ratio), default=None)


class WitnessSink:
    """Writes each improving witness of a cell as it arrives.

    Parameters
    ----------
    out : Path
        The witness directory.
    cell : str
        The cell's :func:`cell_name`.
    """

    def __init__(self, out: Path, cell: str) -> None:
        self.out, self.cell, self.seq = out, cell, 0
        self.best_path: Path | None = None
        self.best: Witness | None = None
        self.liveness_witness: LivenessWitness | None = None
        self.liveness_path: Path | None = None

    def __call__(self, witness: Witness, strategy: str) -> None:
        self.seq += 1
        save_witness(witness, self.out / f"{self.cell}-{self.seq:03d}.json")
        self.best_path = save_witness(witness, self.out / f"{self.cell}-best.json")
        self.best = witness

    def liveness(self, witness: LivenessWitness) -> None:
        """Keep the strongest liveness witness as ``<cell>-liveness.json``.

        One that never ends beats one that ends; of two that end, the longer TEL wins. A weaker one is dropped.

        Parameters
        ----------
        witness : LivenessWitness
            A certified liveness witness.
        """
        kept = self.liveness_witness
        if kept is not None and not _stronger(witness, kept):
            return
        self.liveness_witness = witness
        self.liveness_path = save_witness(witness, self.out / f"{self.cell}-liveness.json")


def _stronger(a: LivenessWitness, b: LivenessWitness) -> bool:
    if a.tel is None or b.tel is None:
        return a.tel is None and b.tel is not None
    return a.tel > b.tel


def is_interrupt(exc: BaseException | None) -> bool:
    """Whether ``exc`` is a KeyboardInterrupt, or an error it caused.

    Numba's compiled code, interrupted, returns a ``SystemError`` ("returned a result with an exception set")
    whose context is the KeyboardInterrupt; the chain of causes and contexts is followed.

    Parameters
    ----------
    exc : BaseException or None
        The exception caught.

    Returns
    -------
    bool
        ``True`` if a KeyboardInterrupt is in its chain.
    """
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def search_grid(problems: list[Problem], strategy: str, *, budget: float | None, seed: int, out: Path,
                progress=None, start: tuple[int, ...] | None = None) -> SearchReport:
    """Run ``strategy`` on every problem, writing each improving witness at once.

    Each cell's files of an earlier run are removed first. On SIGINT the search stops and the report holds the
    cell being searched with its best witness so far (already on disk), proving nothing.

    Parameters
    ----------
    problems : list of Problem
        The cells.
    strategy : str
        A name of :data:`verify.search.STRATEGIES`.
    budget : float or None
        Seconds per cell (``None``: the strategy's default).
    seed : int
        Seed of every cell's search.
    out : Path
        The witness directory.
    progress : callable or None
        Called with a one-line status text.
    start : tuple of int or None
        An output vector to begin from (strategies in :data:`verify.search.STARTABLE`).

    Returns
    -------
    SearchReport
        One result per cell searched; ``interrupted`` if SIGINT stopped it.

    Raises
    ------
    InvalidInput
        ``strategy`` is unknown, does not search the problems' objective, or does not take ``start``.
    """
    report = SearchReport()
    began = time.perf_counter()
    sink = problem = None
    cell_began = began
    try:
        for problem in problems:
            cell_began = time.perf_counter()
            sink = WitnessSink(out, cell_name(problem.shape, problem.spec, None, problem.objective))
            problem = problem.with_liveness_sink(sink.liveness)
            stale = cell_files(out, sink.cell)
            for path in stale:  # an earlier run's witnesses of this cell must not mix with this run's
                path.unlink()
            if stale and progress:
                progress(f"[{sink.cell}] removed {len(stale)} witness file(s) of an earlier run of this cell")

            def on_improve(w: Witness, strat: str, sink=sink) -> None:
                sink(w, strat)
                if progress:
                    value = f"best {w.objective} {w.objective_value}, ratio" if w.objective else "best ratio"
                    progress(f"[{sink.cell}] {strat}: {value} {format_ratio(w.ratio)} = {float(w.ratio):.4f}  "
                             f"elapsed {time.perf_counter() - began:.1f}s")

            outcome = run_search(problem, strategy, budget=budget, seed=seed, on_improve=on_improve, start=start)
            report.cells.append(CellResult(problem, outcome, sink.best_path, sink.liveness_witness,
                                           sink.liveness_path))
            if progress:
                value = (f"{outcome.objective} {outcome.best_value}, ratio " if outcome.objective != "ratio" else "")
                progress(f"[{sink.cell}] done: {outcome.proof_status}, best {value}{format_ratio(outcome.best_ratio)}")
                if sink.liveness_witness is not None:
                    progress(f"[{sink.cell}] LIVENESS: {describe_liveness(sink.liveness_witness)}; witness "
                             f"{sink.liveness_path}")
    except (KeyboardInterrupt, SystemError) as exc:
        if not is_interrupt(exc):
            raise
        report.interrupted = True
        if sink is not None and (not report.cells or report.cells[-1].problem is not problem):
            # the cell being searched: its best witness so far (already on disk), nothing proven
            outcome = Outcome(strategy, sink.best, seconds=time.perf_counter() - cell_began,
                              notes=["interrupted (SIGINT): the best witness so far, nothing proven"])
            report.cells.append(CellResult(problem, outcome, sink.best_path, sink.liveness_witness,
                                           sink.liveness_path))
    return report


def describe_liveness(w: LivenessWitness) -> str:
    """One line for a liveness witness: the outputs, the unfinished jobs, and how the run ends, if it does.

    Parameters
    ----------
    w : LivenessWitness
        The witness.

    Returns
    -------
    str
        The description.
    """
    text = (f"outputs {list(w.instance.outputs)} leave {len(w.unfinished)} job(s) {list(w.unfinished)} unfinished "
            f"after the round limit {w.round_limit}")
    if w.tel is None:
        return text + f"; still unfinished after {w.extended_limit} rounds"
    return text + f"; the run ends within {w.extended_limit} rounds with TEL {w.tel}, ratio {format_ratio(w.ratio)}"
