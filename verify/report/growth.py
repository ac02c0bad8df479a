"""The growth study: the worst ratio found as α = 2⁻ᵏ shrinks and n grows, against H-SF and exact OPT apart.

For every policy reading, α = 2⁻ᵏ (``u = max(u_min, 2^k)``, ``l = u·α``), n, ``M = ⌈f·(s+u)⌉`` and
``s ∈ {0, 1, u/4}`` a **cell** searches ``o`` with the ``families`` strategy (:mod:`verify.search.families`:
structured families, then a sampled climb) against **H-SF**, the paper's benchmark, cheap at any n. For
``n <= opt_max_n`` a second cell searches against **exact OPT** (exhaustive enumeration where the space is small:
that maximum is proven). The two are never mixed: every table says which benchmark it is against.

Where exact OPT is out of reach, the worst witness against H-SF at the largest n gets a **certified bracket** of
its ratio against OPT: ``[TEL(ALG)/UB, TEL(ALG)/LB]`` with ``UB`` the best feasible schedule found (H-SF's, or the
MILP's primal within a time limit, re-checked exactly) and ``LB`` the larger of the combinatorial bound
(:mod:`verify.opt.bounds`) and the LP bound certified in exact arithmetic (:mod:`verify.opt.lp_bound`). The
lower end is a lower bound on the worst ratio against OPT at that configuration; the upper end bounds only that
instance's ratio. Exact ``Fraction``s throughout.

**Seeding in n.** The cells of one *column* — the same (policy reading, α, M, s, benchmark), n varying — run in
increasing n (columns run in parallel). A cell at n is given, as start vectors, the witnesses of its column at
every smaller n, lengthened to n jobs (:func:`verify.search.families.replicated_starts`: tiled, stretched, padded
with the last length, with ``l`` or with ``u``). Every start is scored before the search, so against H-SF the
ratio at n is **at least the best replicated-start ratio**, itself an exact ratio of an instance at n. A start
need not keep its ratio (jobs interact), so the worst ratio may still fall from n/2 to n; where it does the
report lists it as *adversary weakness at n* (:func:`monotonicity_gaps`) instead of hiding it. The starts are a
deterministic function of the smaller-n results, so a cell is reproducible from those and its seed.

Per (policy, α) the worst ratio over the regimes (M/(s+u), s) is taken at each n; :mod:`verify.report.growth_fit`
decides saturation in n and the growth verdict. Every worst ratio is a **lower bound** on the true worst ratio
at its (n, α, regime) — found by a search or a family, never proven maximal unless it says *closed*.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from models.errors import InvalidInput
from models.instance import Instance
from models.grid import Grid, GridPoint
from models.shape import Shape
from models.witness import LivenessWitness, Witness
from verify.report.growth_fit import GrowthVerdict, growth_verdict, saturation
from verify.report.sweep import READINGS

LABELS = {label: (policy, options) for label, policy, options in READINGS}
S_RULES = ("0", "1", "u/4")


@dataclass(frozen=True)
class GrowthConfig:
    """A growth study's grid and budgets.

    Attributes
    ----------
    labels
        Policy readings (labels of :data:`verify.report.sweep.READINGS`); ``"H-SF"`` is searched against OPT only.
    ks
        α = 2⁻ᵏ.
    ns
        Job counts.
    M_factors
        ``M = ⌈f·(s+u)⌉``.
    s_rules
        Prompt sizes: ``"0"``, ``"1"`` or ``"u/4"``.
    u_min
        ``u = max(u_min, 2^k)``.
    budget
        Seconds per cell against H-SF.
    opt_max_n
        Cells with ``n <= opt_max_n`` are also searched against exact OPT, with ``opt_budget`` seconds.
    exhaustive_max_space
        Against OPT, enumerate every ``o`` when the space has at most this many vectors (a proven maximum).
    bracket_timeout
        Seconds of MILP per OPT bracket (0: no brackets).
    workers
        Worker processes (``0``: one per core).
    strategy
        The strategy of the cells against H-SF: ``"families"`` (default) or ``"targeted"`` (Hypothesis
        ``target()`` seeded with the families, :mod:`verify.search.targeted`).
    """

    name: str
    labels: tuple[str, ...]
    ks: tuple[int, ...]
    ns: tuple[int, ...]
    M_factors: tuple[Fraction, ...]
    s_rules: tuple[str, ...]
    u_min: int
    budget: float
    opt_max_n: int
    opt_budget: float
    exhaustive_max_space: int
    bracket_timeout: float
    workers: int = 0
    strategy: str = "families"


ALL_LABELS = tuple(label for label, _, _ in READINGS)
GROWTH_PRESETS: dict[str, GrowthConfig] = {
    # issue 22's grid; measured budget: see README / the closing note
    "growth": GrowthConfig("growth", ALL_LABELS, tuple(range(9)), (4, 8, 16, 32, 64),
                           (Fraction(1), Fraction(3, 2), Fraction(2), Fraction(4)), S_RULES, 16, 1.2, 6, 1.0,
                           5000, 5.0),
    # the quick report's small growth section (seconds): its verdicts state this scope
    "quick": GrowthConfig("quick", ("A_min", "A_min most-progress", "A_max", "fcfs-recompute"), tuple(range(6)),
                          (4, 8, 16), (Fraction(2),), ("1",), 8, 0.25, 0, 0.0, 0, 0.0),
}


def u_of(k: int, u_min: int) -> int:
    """The upper end ``u`` of the intervals at α = 2⁻ᵏ: ``max(u_min, 2^k)``, so that ``l = u·α`` is an integer.

    Parameters
    ----------
    k : int
        α = 2⁻ᵏ.
    u_min : int
        The smallest ``u``.

    Returns
    -------
    int
        ``max(u_min, 2^k)``.
    """
    return max(u_min, 2**k)


def s_of(rule: str, u: int) -> int:
    """The prompt size a rule of :data:`S_RULES` gives at ``u``.

    Parameters
    ----------
    rule : str
        ``"0"``, ``"1"`` or ``"u/4"``.
    u : int
        The intervals' upper end.

    Returns
    -------
    int
        0, 1 or ``⌊u/4⌋``.

    Raises
    ------
    InvalidInput
        If ``rule`` is not one of :data:`S_RULES`.
    """
    if rule == "u/4":
        return u // 4
    if rule in ("0", "1"):
        return int(rule)
    raise InvalidInput(f"s_rules: must be one of {', '.join(S_RULES)}, got {rule!r}")


@dataclass(frozen=True)
class GrowthCell:
    """One search: a policy reading on one configuration against one benchmark."""

    label: str
    k: int
    n: int
    M: int
    s: int
    l: int  # noqa: E741
    u: int
    benchmark: str
    budget: float
    strategy: str = "families"
    seed: int = 0

    @property
    def point(self) -> GridPoint:
        """The cell's grid point: ``n`` jobs, one ``s`` and ``[l, u]``, capacity ``M``, arrivals 0."""
        return GridPoint(self.n, self.M, self.s, self.l, self.u)

    @property
    def alpha(self) -> Fraction:
        """``α = l / u``, exactly."""
        return self.point.alpha

    @property
    def factor(self) -> Fraction:
        """``M / (s + u)``, exactly."""
        return self.point.factor

    def shape(self) -> Shape:
        """The cell's shape (:meth:`models.grid.GridPoint.shape`).

        Returns
        -------
        Shape
        """
        return self.point.shape()


@dataclass(frozen=True)
class GrowthResult:
    """A cell's worst ratio (exact, certified on the reference engine) and what found it."""

    cell: GrowthCell
    ratio: Fraction | None
    witness: Witness | None
    closed: bool
    families: tuple[tuple[str, str, Fraction], ...]  # (family, parameter, ratio vs H-SF)
    liveness: tuple[tuple[int, ...], ...]
    notes: tuple[str, ...]
    seconds: float
    error: str | None = None
    certified: bool = False  # the witness was re-run on the reference engine (and, vs OPT, OPT proven)
    # the best start vector built from the column's smaller-n witnesses: (how, from n0, exact ratio vs H-SF at n)
    start: tuple[str, int, Fraction] | None = None
    seeded_from: tuple[int, ...] = ()  # the smaller n whose witnesses gave starts


def growth_cells(cfg: GrowthConfig) -> list[GrowthCell]:
    """Every cell of a study's grid: per k, n, s and M, one cell per policy reading against H-SF.

    ``H-SF`` itself is searched against OPT only. Where ``n <= opt_max_n`` each reading also gets a cell against
    exact OPT, searched exhaustively when the space has at most ``exhaustive_max_space`` vectors. Cells that two
    s rules make equal appear once.

    Parameters
    ----------
    cfg : GrowthConfig
        The study's grid and budgets.

    Returns
    -------
    list of GrowthCell
        The cells, outermost ``k``, in grid order.
    """
    cells = []
    for k in cfg.ks:
        u = u_of(k, cfg.u_min)  # u grows with k, so each k is its own grid
        s_values = [s_of(rule, u) for rule in dict.fromkeys(cfg.s_rules)]
        for p in Grid.product(n=cfg.ns, s=s_values, u=[u], k=[k], M_factor=cfg.M_factors):
            for label in cfg.labels:
                if label != "H-SF":
                    cells.append(GrowthCell(label, k, p.n, p.M, p.s, p.l, u, "hsf", cfg.budget, cfg.strategy))
                if p.n <= cfg.opt_max_n:
                    strategy = "exhaustive" if p.shape().space_size <= cfg.exhaustive_max_space else "families"
                    cells.append(GrowthCell(label, k, p.n, p.M, p.s, p.l, u, "opt", cfg.opt_budget, strategy))
    return list(dict.fromkeys(cells))  # two s rules may give one s


Source = tuple[int, tuple[int, ...]]
"""A smaller-n witness a cell is seeded with: ``(n0, outputs)``."""


def column_key(cell: GrowthCell) -> tuple:
    """The column of a cell: everything but n (and the strategy and budget, which may depend on n).

    Parameters
    ----------
    cell : GrowthCell
        A cell.

    Returns
    -------
    tuple
        ``(label, k, M, s, l, u, benchmark)``.
    """
    return (cell.label, cell.k, cell.M, cell.s, cell.l, cell.u, cell.benchmark)


def seed_starts(cell: GrowthCell, sources: Iterable[Source]) -> list[tuple[str, tuple[int, ...]]]:
    """The start vectors of ``cell`` from its column's smaller-n witnesses, largest n0 first.

    Each is a :func:`~verify.search.families.replicated_starts` vector named ``"<how> of n=<n0>"``; a vector
    already given by a larger n0 is not repeated. A deterministic function of ``sources``.

    Parameters
    ----------
    cell : GrowthCell
        The cell to seed.
    sources : iterable of Source
        The column's smaller-n witnesses, ``(n0, outputs)``.

    Returns
    -------
    list of (str, tuple of int)
        ``(name, outputs)`` per distinct start vector.
    """
    from verify.search.families import replicated_starts

    sh = cell.point
    seen: set[tuple[int, ...]] = set()
    out = []
    for n0, outputs in sorted(sources, key=lambda src: -src[0]):
        for how, vec in replicated_starts(tuple(outputs), sh):
            if vec not in seen:
                seen.add(vec)
                out.append((f"{how} of n={n0}", vec))
    return out


def run_growth_cell(cell: GrowthCell, sources: tuple[Source, ...] = ()) -> GrowthResult:
    """Search one cell (picklable: runs in a worker process).

    Against H-SF the witness carries fast-engine integers (:func:`certify_result` certifies it); against OPT it
    is certified as it is found. An exhaustive cell whose space holds a run that hits the round limit falls back
    to the families strategy. A cell's failure is recorded in the result's ``error``, not raised.

    Parameters
    ----------
    cell : GrowthCell
        The cell.
    sources : tuple of Source
        The witnesses of the cell's column at smaller n, ``(n0, outputs)``; their :func:`seed_starts` are given
        to the strategy as start vectors (ignored by ``exhaustive``, which is a proven maximum anyway).

    Returns
    -------
    GrowthResult
        The worst ratio found (a lower bound unless ``closed``), its witness, the family bests, up to three
        liveness vectors, the best start and the time taken.
    """
    from models.schedulers.interface import RoundLimitExceeded
    from verify.search import Problem
    from verify.search.exhaustive import search_exhaustive
    from verify.search.families import search_families
    from verify.search.targeted import search_targeted

    began = time.perf_counter()
    policy, options = LABELS[cell.label]
    problem = Problem(cell.shape(), policy, dict(options), cell.benchmark)
    reports: list = []
    named = seed_starts(cell, sources)
    starts = [v for _, v in named]
    try:
        outcome = None
        if cell.strategy == "exhaustive":
            try:
                outcome = search_exhaustive(problem, budget=None)
            except RoundLimitExceeded:  # a liveness witness in the space: the families strategy skips those rows
                outcome = None
        if cell.strategy == "targeted":
            outcome = search_targeted(problem, budget=cell.budget, seed=cell.seed, certified=cell.benchmark != "hsf",
                                      starts=starts)
        if outcome is None:
            outcome = search_families(problem, budget=cell.budget, seed=cell.seed, report=reports,
                                      certified=cell.benchmark != "hsf", starts=starts,
                                      start_names=[name for name, _ in named])
    except Exception as exc:  # noqa: BLE001 - a cell's failure is recorded, not fatal to the study
        return GrowthResult(cell, None, None, False, (), (), (), time.perf_counter() - began,
                            f"{type(exc).__name__}: {exc}")
    fams = tuple((b.family, b.parameter, b.ratio) for b in reports[0].bests) if reports else ()
    live = tuple(reports[0].liveness[:3]) if reports else ()
    sb = reports[0].start_best if reports else None
    start = None
    if sb is not None:
        how, _, n0 = sb.parameter.rpartition(" of n=")
        start = (how, int(n0), sb.ratio)
    best = outcome.best
    return GrowthResult(cell, best.ratio if best else None, best, outcome.closed, fams, live, tuple(outcome.notes),
                        time.perf_counter() - began, certified=cell.benchmark != "hsf", start=start,
                        seeded_from=tuple(sorted(n0 for n0, _ in sources)) if starts else ())


def certify_result(result: GrowthResult) -> GrowthResult:
    """Re-run a result's witness on the reference engine (and its benchmark there).

    A disagreement with the fast engine's integers is an error of the toolkit and is raised.

    Parameters
    ----------
    result : GrowthResult
        A cell's result.

    Returns
    -------
    GrowthResult
        The result with the certified witness; unchanged if it has no witness or is certified already.

    Raises
    ------
    AssertionError
        If the reference engine's TEL or benchmark TEL differs from the fast engine's.
    """
    from verify.certify import certify

    w = result.witness
    if w is None or result.certified:
        return result
    again = certify(w.instance, w.policy, w.options, w.benchmark, round_limit=w.round_limit).witness
    if (again.tel, again.benchmark_tel) != (w.tel, w.benchmark_tel):
        raise AssertionError(f"fast engine gave TEL {w.tel}/{w.benchmark_tel}, reference engine "
                             f"{again.tel}/{again.benchmark_tel} for {w.to_dict()}")
    return replace(result, witness=again, certified=True)


def columns(cells: Iterable[GrowthCell]) -> list[list[GrowthCell]]:
    """The cells grouped by :func:`column_key`, each column in increasing n.

    The columns with the most work (sum of n·u) come first, so that the pool does not end on one long column.

    Parameters
    ----------
    cells : iterable of GrowthCell
        The cells.

    Returns
    -------
    list of list of GrowthCell
        The columns.
    """
    cols: dict[tuple, list[GrowthCell]] = {}
    for c in cells:
        cols.setdefault(column_key(c), []).append(c)
    out = [sorted(col, key=lambda c: c.n) for col in cols.values()]
    return sorted(out, key=lambda col: (-sum(c.n * c.u for c in col), col[0].label, col[0].k, col[0].M, col[0].s,
                                        col[0].benchmark))


def sources_of(done: Iterable[GrowthResult]) -> tuple[Source, ...]:
    """The seeds a column's finished smaller-n results give its next cell: each witness's ``(n, outputs)``.

    Parameters
    ----------
    done : iterable of GrowthResult
        The column's finished results.

    Returns
    -------
    tuple of Source
        ``(n, outputs)`` of each result with a witness, in increasing n.
    """
    return tuple((r.cell.n, tuple(r.witness.instance.outputs)) for r in sorted(done, key=lambda r: r.cell.n)
                 if r.witness is not None)


def run_growth(cfg: GrowthConfig, progress: Callable[[str], None] | None = None,
               cells: list[GrowthCell] | None = None, seeded: bool = True) -> list[GrowthResult]:
    """Run every cell of ``cfg`` on ``cfg.workers`` processes, printing one line per finished cell.

    With ``seeded`` (the default) each column runs in increasing n and every cell gets its column's smaller-n
    witnesses as starts (module docstring); columns run in parallel, the one with the most work left first.
    ``seeded=False``: every cell alone (the study before seeding; for comparison).

    Parameters
    ----------
    cfg : GrowthConfig
        The study's grid, budgets and worker count (``0``: one per core).
    progress : callable or None
        Called with one line per finished cell (``None``: silent).
    cells : list of GrowthCell or None
        The cells to run (``None``: :func:`growth_cells` of ``cfg``).
    seeded : bool
        Seed each cell with its column's smaller-n witnesses.

    Returns
    -------
    list of GrowthResult
        One per cell, in the order they finished.
    """
    cells = growth_cells(cfg) if cells is None else cells
    workers = cfg.workers or os.cpu_count() or 1
    cols = columns(cells) if seeded else [[c] for c in sorted(cells, key=lambda c: (-c.n * c.u, c.label, c.k))]
    total = sum(map(len, cols))
    results: list[GrowthResult] = []
    began = time.perf_counter()

    def shown(r: GrowthResult) -> None:
        results.append(r)
        if progress:
            c = r.cell
            text = r.error or (f"{r.ratio} = {float(r.ratio):.4f}" if r.ratio is not None else "no ratio")
            seed = (f" [best start {r.start[0]} of n={r.start[1]}: {float(r.start[2]):.4f}]"
                    if r.start is not None else "")
            progress(f"[{len(results)}/{total}] {c.label} vs {c.benchmark} k={c.k} n={c.n} M={c.M} s={c.s} "
                     f"l={c.l} u={c.u}: {text}{' (closed)' if r.closed else ''}{seed} {r.seconds:.1f}s "
                     f"(elapsed {time.perf_counter() - began:.0f}s)")

    if workers == 1:
        for col in cols:
            done: list[GrowthResult] = []
            for c in col:
                r = run_growth_cell(c, sources_of(done))
                done.append(r)
                shown(r)
        return results
    # the next cell of a column is submitted when the previous one returns; at most 2 cells per worker are in
    # flight, the columns with the most work left first
    from concurrent.futures import FIRST_COMPLETED, wait

    left = [list(col) for col in cols]
    finished: list[list[GrowthResult]] = [[] for _ in cols]
    ready = list(range(len(cols)))  # columns whose next cell may start, in priority order
    pool = ProcessPoolExecutor(max_workers=workers)
    running: dict = {}
    try:
        while ready or running:
            ready.sort(key=lambda i: -sum(c.n * c.u for c in left[i]))
            while ready and len(running) < 2 * workers:
                i = ready.pop(0)
                running[pool.submit(run_growth_cell, left[i].pop(0), sources_of(finished[i]))] = i
            got, _ = wait(running, return_when=FIRST_COMPLETED)
            for f in got:
                i = running.pop(f)
                r = f.result()
                finished[i].append(r)
                shown(r)
                if left[i]:
                    ready.append(i)
    finally:
        pool.shutdown(cancel_futures=True)
    return results


def monotonicity_gaps(table: dict[Fraction, dict[int, Worst]]) -> list[tuple[Fraction, int, Fraction, int, Fraction]]:
    """Every ``(alpha, n, worst at n, n', worst at n')`` of a table where the worst at n is below one at n' < n.

    The worst ratio found at n is below the largest worst ratio found at a smaller n', and that n' is given (the
    smallest such n' on a tie). The seeded n cell started from the n' witness lengthened to n jobs and still
    found less, so either the adversary is weak at n or the true
    worst ratio does fall from n' to n there: that is not excluded (no general embedding of an n'-job instance
    into n jobs keeps its ratio), so these lines are reported as *adversary weakness at n*, not hidden, and
    prove nothing either way.

    Parameters
    ----------
    table : dict of Fraction to dict of int to Worst
        A :func:`worst_table`.

    Returns
    -------
    list of (Fraction, int, Fraction, int, Fraction)
        The gaps, per α in the table's order and in increasing n.
    """
    gaps = []
    for a, row in table.items():
        best_n, best = None, None
        for n in sorted(row):
            w = row[n].ratio
            if best is not None and w < best:
                gaps.append((a, n, w, best_n, best))
            if best is None or w > best:
                best_n, best = n, w
    return gaps


# -------------------------------------------------------------------------------------------------------------
# aggregation
# -------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Worst:
    """The worst ratio over the regimes of one (label, benchmark, α, n) and the result that holds it."""

    ratio: Fraction
    result: GrowthResult
    closed: bool  # every cell of the group was searched exhaustively


def worst_table(results: Iterable[GrowthResult], label: str, benchmark: str,
                factor: Fraction | None = None) -> dict[Fraction, dict[int, Worst]]:
    """``{alpha: {n: Worst}}`` over every regime (or only ``M/(s+u) = factor``).

    Parameters
    ----------
    results : iterable of GrowthResult
        The study's results; one without a ratio holds no entry but leaves its group unproven.
    label : str
        The policy reading.
    benchmark : str
        ``"hsf"`` or ``"opt"``.
    factor : Fraction or None
        Only the cells with this ``M/(s+u)`` (``None``: every regime).

    Returns
    -------
    dict of Fraction to dict of int to Worst
        Per α (decreasing) and n (increasing), the worst ratio over the regimes and the result that holds it;
        ``closed`` iff every result of the group has a ratio and was closed.
    """
    table: dict[Fraction, dict[int, Worst]] = {}
    unfinished: set[tuple[Fraction, int]] = set()
    for r in results:
        c = r.cell
        if c.label != label or c.benchmark != benchmark or (factor is not None and c.factor != factor):
            continue
        if r.ratio is None:  # a cell that found nothing (an error, or every run past the round limit)
            unfinished.add((c.alpha, c.n))
            continue
        row = table.setdefault(c.alpha, {})
        old = row.get(c.n)
        closed = r.closed and (old is None or old.closed)
        if old is None or r.ratio > old.ratio:
            row[c.n] = Worst(r.ratio, r, closed)
        else:
            row[c.n] = Worst(old.ratio, old.result, closed)
    for a, n in unfinished:  # a group is proven only if every one of its cells closed
        if n in table.get(a, {}):
            w = table[a][n]
            table[a][n] = Worst(w.ratio, w.result, False)
    return {a: dict(sorted(t.items())) for a, t in sorted(table.items(), reverse=True)}


def regime_text(results: Iterable[GrowthResult], label: str, benchmark: str) -> str:
    """The regimes a label's cells against ``benchmark`` cover, as a verdict's scope states them.

    Parameters
    ----------
    results : iterable of GrowthResult
        The study's results.
    label : str
        The policy reading.
    benchmark : str
        ``"hsf"`` or ``"opt"``.

    Returns
    -------
    str
        The sets of ``M/(s+u)``, ``s`` and ``u``, one interval, arrivals 0.
    """
    cells = [r.cell for r in results if r.cell.label == label and r.cell.benchmark == benchmark]
    factors = sorted({c.factor for c in cells})
    ss = sorted({c.s for c in cells})
    us = sorted({c.u for c in cells})
    return (f"M/(s+u) in {{{', '.join(str(f) for f in factors)}}}, s in {{{', '.join(map(str, ss))}}}, "
            f"u in {{{', '.join(map(str, us))}}}, one interval, arrivals 0")


def verdicts(results: list[GrowthResult], labels: Iterable[str], benchmark: str = "hsf") -> list[GrowthVerdict]:
    """One growth verdict per label against ``benchmark`` over all regimes.

    Parameters
    ----------
    results : list of GrowthResult
        The study's results.
    labels : iterable of str
        The policy readings.
    benchmark : str
        ``"hsf"`` or ``"opt"``.

    Returns
    -------
    list of GrowthVerdict
        One per label with any ratio against ``benchmark`` (:func:`~verify.report.growth_fit.growth_verdict` on
        its worst ratio per α and n).
    """
    out = []
    for label in labels:
        table = worst_table(results, label, benchmark)
        if not table:
            continue
        series = {a: {n: w.ratio for n, w in row.items()} for a, row in table.items()}
        out.append(growth_verdict(label, series, benchmark=benchmark,
                                  regime=regime_text(results, label, benchmark)))
    return out


@dataclass(frozen=True)
class Bracket:
    """A ratio against OPT: ``exact`` (OPT proven) or the certified interval ``[lower, upper]``."""

    tel: int
    opt_lower: int  # certified lower bound on OPT (combinatorial or exact-arithmetic LP)
    opt_upper: int  # TEL of a feasible schedule, re-checked exactly
    exact: bool
    seconds: float
    source: str  # what gave UB / LB

    @property
    def lower(self) -> Fraction:
        """``TEL(ALG) / UB(OPT)``: a lower bound on the instance's ratio against OPT."""
        return Fraction(self.tel, self.opt_upper)

    @property
    def upper(self) -> Fraction:
        """``TEL(ALG) / LB(OPT)``: an upper bound on the instance's ratio against OPT."""
        return Fraction(self.tel, self.opt_lower)

    def describe(self) -> str:
        """The bracket as the report prints it.

        Returns
        -------
        str
            The exact ratio against OPT, or ``[lower, upper]``, with what gave the bounds.
        """
        if self.exact:
            return f"{self.lower} (exact vs OPT, {self.source})"
        return f"[{self.lower}, {self.upper}] (lower, upper vs OPT; {self.source})"


MAX_MODEL_ENTRIES = 3_000_000
"""Largest time-indexed model (memory-matrix entries) an OPT bracket builds its LP for."""


def opt_bracket(instance: Instance, tel: int, timeout: float) -> Bracket:
    """The certified bracket of ``tel / OPT(instance)`` (see the module docstring).

    ``UB`` is H-SF's TEL or, if lower, the MILP's primal; ``LB`` is the larger of the combinatorial bound and
    the LP bound certified in exact arithmetic. The LP and MILP are not attempted for a time-indexed model of more
    than :data:`MAX_MODEL_ENTRIES` entries; the bracket is exact when the bounds meet or the MILP proves OPT.

    Parameters
    ----------
    instance : Instance
        The witness's instance.
    tel : int
        TEL(ALG) on it.
    timeout : float
        Seconds for the LP and for the MILP (0: no MILP).

    Returns
    -------
    Bracket
        The bracket, with the time taken and what gave its bounds.
    """
    from verify.opt.bounds import lower_bound, start_window
    from verify.opt.lp_bound import lp_lower_bound
    from verify.opt.milp import solve_milp
    from verify.opt.time_indexed import build_model

    began = time.perf_counter()
    window = start_window(instance)
    lb, ub, source = lower_bound(instance), window.upper_tel, "UB H-SF, LB combinatorial"
    if lb >= ub:
        return Bracket(tel, ub, ub, True, time.perf_counter() - began, "H-SF meets the combinatorial bound")
    # memory-matrix entries of the time-indexed model: beyond MAX_MODEL_ENTRIES the LP is not attempted
    entries = sum((window.latest[j] - r.a + 1) * r.o for j, r in enumerate(instance.requests))
    if entries > MAX_MODEL_ENTRIES:
        return Bracket(tel, lb, ub, False, time.perf_counter() - began,
                       f"UB H-SF, LB combinatorial; LP/MILP not attempted (model of {entries} entries)")
    try:
        lp = lp_lower_bound(build_model(instance, window), timeout=timeout, around=window.upper_starts)
    except (MemoryError, ValueError):
        lp = None
    if lp is not None and lp.tel > lb:
        lb, source = min(lp.tel, ub), "UB H-SF, LB certified LP"
    if lb < ub and timeout > 0:
        res = solve_milp(instance, timeout=timeout)
        if res.status == "optimal":
            return Bracket(tel, res.tel, res.tel, True, time.perf_counter() - began, "MILP optimal")
        if res.tel < ub:
            ub = res.tel
            source = source.replace("UB H-SF", "UB MILP primal")
    return Bracket(tel, lb, ub, lb >= ub, time.perf_counter() - began, source)


@dataclass
class GrowthStudy:
    """A finished study: cells, verdicts per benchmark, brackets at the largest n, timing."""

    config: GrowthConfig
    results: list[GrowthResult]
    verdicts_hsf: list[GrowthVerdict]
    verdicts_opt: list[GrowthVerdict]
    brackets: dict[tuple[str, Fraction], Bracket] = field(default_factory=dict)
    seconds: float = 0.0
    bracket_seconds: float = 0.0
    # per cell that met a vector unfinished at the round limit: its first such vector, certified
    liveness: list[tuple[GrowthCell, LivenessWitness]] = field(default_factory=list)
    liveness_failures: list[str] = field(default_factory=list)  # vectors the reference engine did finish

    def labels(self) -> list[str]:
        """The policy readings of the study that have at least one result, in the configuration's order.

        Returns
        -------
        list of str
            The labels.
        """
        return [lab for lab in self.config.labels if any(r.cell.label == lab for r in self.results)]


LIVENESS_MAX = 400
"""Most liveness witnesses a study certifies (one per cell, the cells with the smallest n·u first)."""


def certify_cell_liveness(result: GrowthResult) -> tuple[GrowthCell, LivenessWitness | None, str | None]:
    """The first vector of ``result`` that the fast engine left unfinished, certified as a liveness witness.

    Certified on the reference engine (picklable: runs in a worker).

    Parameters
    ----------
    result : GrowthResult
        A result with at least one liveness vector.

    Returns
    -------
    tuple of (GrowthCell, LivenessWitness or None, str or None)
        ``(cell, witness, None)``, or ``(cell, None, error)`` when the reference engine finishes it (the engines
        disagree: reported, not hidden).
    """
    from verify.search import Problem
    from verify.search.families import certify_family_liveness

    cell = result.cell
    policy, options = LABELS[cell.label]
    problem = Problem(cell.shape(), policy, dict(options), cell.benchmark)
    try:
        return cell, certify_family_liveness(problem, result.liveness[0]), None
    except AssertionError as exc:
        return cell, None, str(exc)


def certify_liveness_results(results: list[GrowthResult], workers: int = 1,
                             limit: int = LIVENESS_MAX) -> tuple[list[tuple[GrowthCell, LivenessWitness]], list[str]]:
    """Certify one liveness witness per cell that met one (at most ``limit``, smallest n·u first).

    Parameters
    ----------
    results : list of GrowthResult
        The study's results.
    workers : int
        Worker processes.
    limit : int
        Most cells to certify.

    Returns
    -------
    tuple of (list of (GrowthCell, LivenessWitness), list of str)
        The certified witnesses, and the disagreements (vectors the reference engine finished).
    """
    todo = sorted((r for r in results if r.liveness), key=lambda r: (r.cell.n * r.cell.u, r.cell.label, r.cell.k,
                                                                   r.cell.M, r.cell.s))[:limit]
    if workers == 1 or len(todo) < 4:
        got = [certify_cell_liveness(r) for r in todo]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            got = list(pool.map(certify_cell_liveness, todo))
    return [(c, w) for c, w, _ in got if w is not None], [e for _, w, e in got if w is None]


def run_study(cfg: GrowthConfig, progress: Callable[[str], None] | None = None) -> GrowthStudy:
    """Run the cells, then bracket each (label, α)'s worst witness against H-SF at the largest n against OPT.

    Every witness a table reports is certified on the reference engine, the growth verdicts are drawn per
    benchmark, the liveness witnesses are certified, and (with ``bracket_timeout > 0``) each bracket is taken
    where ``n > opt_max_n``.

    Parameters
    ----------
    cfg : GrowthConfig
        The study's grid and budgets.
    progress : callable or None
        Called with one line per step and finished cell (``None``: silent).

    Returns
    -------
    GrowthStudy
        The finished study.
    """
    began = time.perf_counter()
    results = run_growth(cfg, progress)
    # certify (reference engine) every witness a table reports: the worst per (label, benchmark, alpha, n)
    reported = {id(w.result) for lab in cfg.labels for bench in ("hsf", "opt")
                for row in worst_table(results, lab, bench).values() for w in row.values()}
    todo = [r for r in results if id(r) in reported and not r.certified]
    if progress:
        progress(f"certifying {len(todo)} reported witnesses on the reference engine ...")
    workers = cfg.workers or os.cpu_count() or 1
    if workers == 1 or len(todo) < 4:
        done = {id(r): certify_result(r) for r in todo}
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            done = dict(zip([id(r) for r in todo], pool.map(certify_result, todo, chunksize=4), strict=True))
    results = [done.get(id(r), r) for r in results]
    searched = time.perf_counter() - began
    study = GrowthStudy(cfg, results, verdicts(results, cfg.labels, "hsf"), verdicts(results, cfg.labels, "opt"),
                        seconds=searched)
    if any(r.liveness for r in results):
        if progress:
            progress(f"certifying liveness witnesses of {sum(bool(r.liveness) for r in results)} cell(s) "
                     f"(at most {LIVENESS_MAX}) on the reference engine ...")
        study.liveness, study.liveness_failures = certify_liveness_results(results, workers)
    if cfg.bracket_timeout > 0:
        t0 = time.perf_counter()
        for label in cfg.labels:
            for a, row in worst_table(results, label, "hsf").items():
                w = row[max(row)]
                if w.result.witness is None or w.result.cell.n <= cfg.opt_max_n:
                    continue
                br = opt_bracket(w.result.witness.instance, w.result.witness.tel, cfg.bracket_timeout)
                study.brackets[(label, a)] = br
                if progress:
                    progress(f"bracket {label} alpha={a} n={w.result.cell.n}: {br.describe()} {br.seconds:.1f}s")
        study.bracket_seconds = time.perf_counter() - t0
    return study


def plateau_rows(study: GrowthStudy, label: str, benchmark: str = "hsf") -> list[Any]:
    """The saturation in n of a label's worst ratio at each α (:func:`~verify.report.growth_fit.saturation`).

    Parameters
    ----------
    study : GrowthStudy
        The finished study.
    label : str
        The policy reading.
    benchmark : str
        ``"hsf"`` or ``"opt"``.

    Returns
    -------
    list of Plateau
        One per α, in decreasing α.
    """
    return [saturation(a, {n: w.ratio for n, w in row.items()})
            for a, row in worst_table(study.results, label, benchmark).items()]
