"""Structured families: small-n worst witnesses generalised into parametric output vectors at any (n, u, α).

A generic adversary weakens as n and u grow (a local-search step scores ``n·(u - l)`` neighbours, and one
simulation at n = 64, u = 256 costs milliseconds). The worst witnesses found at small n have shapes that
survive scaling (``reports/proven/*.json``, the quick report's witnesses, local search at n = 8..16, u = 32):

- **harmonic** ``o_j = clip(⌊K/(j + c)⌋)``: A_min (least-progress) and fcfs-recompute at ``M = 2(s+u)``,
  e.g. ``(32, 32, 22, 16, 13, 11, 9, 8)`` for ``M = 66``; each job is just long enough to overflow the
  memory the shorter ones leave, so every eviction wastes the most;
- **geometric** ``o_j = clip(round(u·r^j))``: fcfs-recompute at ``M = s + u``, ``(32, 22, 16, 11, 8, 6, 5, 4)``
  (``r ≈ 2^-½``);
- **long-short** ``m`` jobs of length ``v`` then ``n - m`` of length ``w``: A_max, ``(32, 1, 1, …)`` at
  ``M = s+u`` and ``(32, 32, 1, …)`` at ``M = 2(s+u)``: the short jobs queue behind long ones A_max plans at u;
- **equal** every ``o_j = v``: A_min most-progress, ``(8, 7, 7, 7, 7)``;
- **stretched** / **tiled** proven witnesses: the shape of a stored worst vector (``o/u``) stretched over n
  jobs or repeated, scaled to u.

- **replicated** (:func:`replicated_starts`, given as ``starts``, not generated here): a witness found at fewer
  jobs of the same shape, tiled, stretched or padded to n jobs (the growth study's seeding in n).

``clip`` keeps each length in ``[l, u]``; each family is listed in descending and ascending job order (the
priority ties of every policy break by index). A family's vector is an instance of the shape, so its
exact ratio is a **lower bound on the worst ratio at that (n, α, M, s)**; a family proves nothing about vectors
it does not contain. :func:`search_families` (strategy ``families``) scores every family vector on the fast
engine, certifies the best, and then climbs from it with a sampled neighbourhood (random single-length moves,
small steps and swaps; cheap at any n) for the rest of the budget.

A run that reaches the engine's round limit (possible for A_min's most-progress and largest-lower-bound
readings, which carry no liveness guarantee) is a **liveness witness**: it is kept in
:attr:`FamilyReport.liveness`, and re-run up to ``LIVENESS_CERT_EXTENSION`` times the limit; if it ends there
(a slow run, not a stuck one: the usual case) its exact ratio is scored like any other, else it is skipped; when the problem has an ``on_liveness`` callback (a campaign), the first
such vector is certified on the reference engine (:func:`certify_family_liveness`) and handed to it.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

import numpy as np

from models.grid import GridPoint
from models.shape import Shape
from models.errors import InvalidInput
from models.engine_fast import FastEngine
from models.engine_reference import default_round_limit
from models.schedulers.interface import RoundLimitExceeded
from models.witness import LivenessWitness, Witness
from verify.certify import certify_liveness
from verify.opt.benchmark import BenchmarkMemo
from verify.search.base import Evaluator, OnImprove, Outcome, Problem, Tracker, spends_budget

PROVEN_DIR = Path(__file__).resolve().parents[2] / "reports" / "proven"
SHAPES_SEED: tuple[tuple[str, tuple[int, ...], int], ...] = (
    # (name, outputs, u) of small-n worst witnesses found by exhaustive search in the quick report
    ("amin-n5-M9-a1/8", (8, 4, 3, 3, 2), 8),
    ("fcfs-n5-M9-a1/4", (8, 4, 4, 3, 2), 8),
    ("amin-mp-n5-M9", (8, 7, 7, 7, 7), 8),
    ("amin-llb-n5-M9", (8, 7, 7, 7, 6), 8),
    ("amax-n5-M9-a1/8", (8, 4, 1, 1, 1), 8),
)


def point_of(problem: Problem) -> GridPoint:
    """The grid point a family is generated for: ``n``, ``M`` and the first job's ``s`` and ``[l, u]``.

    The families assume one interval and arrivals 0; a vector is clipped to ``[l, u]``.

    Parameters
    ----------
    problem : Problem
        The search problem.

    Returns
    -------
    GridPoint
        ``(n, M, s, l, u)`` of the problem's shape.
    """
    r = problem.shape.requests[0]
    return GridPoint(problem.shape.n, problem.shape.M, r.s, r.l, r.u)


def clip_to(shape: Shape, vector: tuple[int, ...]) -> tuple[int, ...]:
    """``vector`` with each length moved into its own job's ``[l_j, u_j]``.

    The families are generated for the first job's interval; on a shape whose jobs differ, this keeps every
    vector an instance of the shape.

    Parameters
    ----------
    shape : Shape
        The problem's shape.
    vector : tuple of int
        One length per job.

    Returns
    -------
    tuple of int
        The clipped vector (the same vector when every job has the first job's interval).
    """
    return tuple(min(r.u, max(r.l, v)) for r, v in zip(shape.requests, vector, strict=True))


def _clip(v: float, sh: GridPoint) -> int:
    return int(min(sh.u, max(sh.l, v)))


def _proven_shapes() -> list[tuple[str, tuple[int, ...], int]]:
    shapes = list(SHAPES_SEED)
    for path in sorted(PROVEN_DIR.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            outputs = tuple(int(r["o"]) for r in data["requests"])
            shapes.append((path.stem, outputs, int(data["requests"][0]["u"])))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return shapes


def _geomspace(lo: int, hi: int, count: int) -> list[int]:
    if hi <= lo:
        return [lo]
    return sorted({int(round(lo * (hi / lo) ** (i / (count - 1)))) for i in range(count)})


def harmonic(sh: GridPoint) -> list[tuple[str, tuple[int, ...]]]:
    """The harmonic family ``o_j = clip(⌊K/(j + c)⌋)``, for ``c`` in 1, 2 and ``K`` from ``u`` to ``(n+c)·u``.

    ``K`` takes up to 24 geometrically spaced values.

    Parameters
    ----------
    sh : GridPoint
        The grid point: ``n`` lengths, each clipped to ``[l, u]``.

    Returns
    -------
    list of (str, tuple of int)
        ``(parameter, outputs)`` per vector, in descending job order.
    """
    out = []
    for c in (1, 2):
        for K in _geomspace(max(1, sh.u), max(sh.u, (sh.n + c) * sh.u), 24):
            out.append((f"K={K},c={c}", tuple(_clip(K // (j + c), sh) for j in range(sh.n))))
    return out


def geometric(sh: GridPoint) -> list[tuple[str, tuple[int, ...]]]:
    """The geometric family ``o_j = clip(round(u·r^j))`` for eight ratios ``r`` from 0.5 to 0.95.

    Parameters
    ----------
    sh : GridPoint
        The grid point: ``n`` lengths, each clipped to ``[l, u]``.

    Returns
    -------
    list of (str, tuple of int)
        ``(parameter, outputs)`` per vector, in descending job order.
    """
    return [(f"r={r:.4g}", tuple(_clip(round(sh.u * r**j), sh) for j in range(sh.n)))
            for r in (0.5, 0.6, 2**-0.5, 0.75, 0.8, 0.85, 0.9, 0.95)]


def long_short(sh: GridPoint) -> list[tuple[str, tuple[int, ...]]]:
    """The long-short family: ``m`` jobs of a long length ``v`` then ``n - m`` of a short length ``w < v``.

    ``m`` ranges over small counts, the number of jobs of size ``s + u`` that fit in ``M`` (and one more), and
    fractions of n (``1 <= m < n``); ``v`` is ``u`` or up to a quarter of ``u - l`` below it, ``w`` is ``l``
    or an eighth of ``u - l`` above it.

    Parameters
    ----------
    sh : GridPoint
        The grid point: ``n`` lengths, each clipped to ``[l, u]``.

    Returns
    -------
    list of (str, tuple of int)
        ``(parameter, outputs)`` per vector, in descending job order.
    """
    fit = max(1, sh.M // (sh.s + sh.u))
    ms = sorted({m for m in (1, 2, 3, 4, fit, fit + 1, sh.n // 4, sh.n // 2, 3 * sh.n // 4, sh.n - 1)
                 if 1 <= m < sh.n})
    longs = sorted({sh.u, sh.u - (sh.u - sh.l) // 8, sh.u - (sh.u - sh.l) // 4})
    shorts = sorted({sh.l, sh.l + (sh.u - sh.l) // 8})
    return [(f"m={m},v={v},w={w}", (v,) * m + (w,) * (sh.n - m)) for m in ms for v in longs for w in shorts if w < v]


def equal(sh: GridPoint) -> list[tuple[str, tuple[int, ...]]]:
    """The equal family: every ``o_j = v``, for ``v = l + ⌊i·(u - l)/8⌋``, ``i = 0..8``.

    Parameters
    ----------
    sh : GridPoint
        The grid point: ``n`` lengths, each clipped to ``[l, u]``.

    Returns
    -------
    list of (str, tuple of int)
        ``(parameter, outputs)`` per vector, in descending job order.
    """
    return [(f"v={v}", (v,) * sh.n) for v in sorted({sh.l + (sh.u - sh.l) * i // 8 for i in range(9)})]


def stretched(sh: GridPoint) -> list[tuple[str, tuple[int, ...]]]:
    """The proven witnesses' shapes (``o/u``), stretched over n jobs and tiled, scaled to ``u``.

    The shapes are :data:`SHAPES_SEED` and the readable witnesses of :data:`PROVEN_DIR` (unreadable files are
    skipped).

    Parameters
    ----------
    sh : GridPoint
        The grid point: ``n`` lengths, each clipped to ``[l, u]``.

    Returns
    -------
    list of (str, tuple of int)
        ``(parameter, outputs)`` per vector, in descending job order.
    """
    out = []
    for name, base, u0 in _proven_shapes():
        scale = sh.u / u0
        n0 = len(base)
        out.append((f"{name} stretched", tuple(_clip(round(base[j * n0 // sh.n] * scale), sh) for j in range(sh.n))))
        out.append((f"{name} tiled", tuple(_clip(round(base[j % n0] * scale), sh) for j in range(sh.n))))
    return out


FAMILIES = {"harmonic": harmonic, "geometric": geometric, "long-short": long_short, "equal": equal,
            "stretched": stretched}


SEED_PADS = ("tiled", "stretched", "pad-last", "pad-l", "pad-u")
"""How :func:`replicated_starts` lengthens a smaller-n witness to n jobs."""


def replicated_starts(outputs: tuple[int, ...], sh: GridPoint) -> list[tuple[str, tuple[int, ...]]]:
    """Start vectors at ``sh.n`` jobs built from a witness ``outputs`` found at fewer jobs (same α, M, s).

    The pattern **tiled** (``o[j mod n0]``), **stretched** (each length repeated ``n/n0`` times), and the vector
    **padded** with its worst-case tail (its last length, ``l`` or ``u`` repeated). Lengths are clipped to
    ``[l, u]``; duplicates are dropped (the first name keeps a vector). A deterministic function of
    ``outputs``: a growth cell's starts are reproducible from the smaller-n results they come from.

    A start is only a start: its ratio at n need not equal the witness's ratio at n0 (the jobs interact).

    Parameters
    ----------
    outputs : tuple of int
        The witness's output vector, at ``n0`` jobs.
    sh : GridPoint
        The grid point to start at (``n = sh.n`` jobs).

    Returns
    -------
    list of (str, tuple of int)
        ``(name, outputs)`` per distinct start, names from :data:`SEED_PADS`; empty if ``outputs`` is empty or
        longer than ``sh.n``.
    """
    n0, n = len(outputs), sh.n
    if n0 == 0 or n0 > n:
        return []
    o = [_clip(v, sh) for v in outputs]
    rest = n - n0
    cands = (("tiled", [o[j % n0] for j in range(n)]),
             ("stretched", [o[j * n0 // n] for j in range(n)]),
             ("pad-last", o + [o[-1]] * rest),
             ("pad-l", o + [sh.l] * rest),
             ("pad-u", o + [sh.u] * rest))
    seen: set[tuple[int, ...]] = set()
    out = []
    for name, vec in cands:
        t = tuple(vec)
        if t not in seen:
            seen.add(t)
            out.append((name, t))
    return out


def family_vectors(sh: GridPoint) -> list[tuple[str, str, tuple[int, ...]]]:
    """Every family's vectors for ``sh`` as ``(family, parameter, outputs)``, in both job orders, deduplicated.

    The first family to produce a vector keeps it. The vectors are interleaved round-robin across families so
    that a budget that stops the evaluation early has tried every family.

    Parameters
    ----------
    sh : GridPoint
        The shape.

    Returns
    -------
    list of (str, str, tuple of int)
        ``(family, parameter, outputs)``; the parameter ends in ``desc`` or ``asc`` (the job order).
    """
    seen: set[tuple[int, ...]] = set()
    per_family: list[list[tuple[str, str, tuple[int, ...]]]] = []
    for name, gen in FAMILIES.items():
        mine = []
        for param, o in gen(sh):
            for order, vec in (("desc", o), ("asc", tuple(reversed(o)))):
                if vec not in seen:
                    seen.add(vec)
                    mine.append((name, f"{param},{order}", vec))
        per_family.append(mine)
    out = []
    for i in range(max(map(len, per_family), default=0)):
        out += [fam[i] for fam in per_family if i < len(fam)]
    return out


class ProxyScorer:
    """``(TEL(ALG), TEL(H-SF))`` of many output vectors on the fast engine, robust to runs that hit the round
    limit (those rows give ``None``: a liveness witness)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.alg = FastEngine.build(problem.shape, problem.policy, **problem.options)
        self.hsf = FastEngine.build(problem.shape, "hsf")
        self.liveness: list[tuple[int, ...]] = []  # unfinished at the default round limit
        self.extended: set[tuple[int, ...]] = set()  # of those, the ones that end within the extended limit
        self._alg_ext: FastEngine | None = None
        self.scored = 0

    def __call__(self, rows: list[tuple[int, ...]]) -> list[tuple[int, int] | None]:
        if not rows:
            return []
        self.scored += len(rows)
        arr = np.array(rows, dtype=np.int64)
        hsf = [int(x) for x in self.hsf.tel_many(arr)]
        return [None if a is None else (a, h) for a, h in zip(self._alg(rows), hsf, strict=True)]

    def _alg(self, rows: list[tuple[int, ...]]) -> list[int | None]:
        """ALG's TEL per row; a batch that hits the round limit is bisected, so only the rows that do are run
        to the limit again (each such row is a liveness witness)."""
        try:
            return [int(x) for x in self.alg.tel_many(np.array(rows, dtype=np.int64))]
        except RoundLimitExceeded:
            if len(rows) == 1:
                self.liveness.append(rows[0])
                return [self._extended_tel(rows[0])]
            mid = len(rows) // 2
            return self._alg(rows[:mid]) + self._alg(rows[mid:])


    def _extended_tel(self, row: tuple[int, ...]) -> int | None:
        """A row unfinished at the default limit, re-run up to ``LIVENESS_CERT_EXTENSION`` times it: its true
        TEL if it ends there (a slow run is a real ratio, and often the worst), else ``None``."""
        p = self.problem
        if self._alg_ext is None:
            limit = LIVENESS_CERT_EXTENSION * default_round_limit(p.shape)
            self._alg_ext = FastEngine.build(p.shape, p.policy, limit, **p.options)
        try:
            tel = self._alg_ext.run(tuple(row)).tel
        except RoundLimitExceeded:
            return None
        self.extended.add(tuple(row))
        return tel


def prepare_offer(evaluator: Evaluator, scorer: ProxyScorer, outputs: tuple[int, ...]) -> None:
    """Let the evaluator meet a vector that needed more than the default round limit, before it is offered.

    The evaluator then certifies it with the extended limit it needs; a vector that ended within the default
    limit is left alone.

    Parameters
    ----------
    evaluator : Evaluator
        The evaluator of the tracker the vector will be offered to.
    scorer : ProxyScorer
        The scorer that scored the vector.
    outputs : tuple of int
        The vector about to be offered.
    """
    if tuple(outputs) in scorer.extended:
        evaluator.alg_tel(tuple(outputs))


@dataclass(frozen=True)
class FamilyBest:
    """A family's best vector on one shape: ``ratio`` = TEL(ALG)/TEL(H-SF), exact (fast engine; the
    search's witness is re-certified on the reference engine)."""

    family: str
    parameter: str
    outputs: tuple[int, ...]
    alg_tel: int
    hsf_tel: int

    @property
    def ratio(self) -> Fraction:
        """TEL(ALG)/TEL(H-SF), exact."""
        return Fraction(self.alg_tel, self.hsf_tel)


@dataclass(frozen=True)
class FamilyReport:
    """Every family's best vector against H-SF, and the liveness witnesses met on the way."""

    bests: tuple[FamilyBest, ...]
    liveness: tuple[tuple[int, ...], ...] = field(default_factory=tuple)
    vectors: int = 0
    start_best: FamilyBest | None = None  # the best of the given start vectors (family "start"), if any scored

    @property
    def best(self) -> FamilyBest | None:
        """The family best with the highest ratio (``None`` if no family vector was scored); starts aside."""
        return max(self.bests, key=lambda b: b.ratio, default=None)


FAMILY_CHUNK = 32


def evaluate_families(problem: Problem, scorer: ProxyScorer | None = None,
                      deadline: float | None = None) -> FamilyReport:
    """Score every family vector of ``problem``'s shape against H-SF (exact integers), in chunks.

    Chunks of :data:`FAMILY_CHUNK` vectors are scored until ``deadline`` (the first chunk always). Vectors that
    hit the round limit and do not end within the extended limit score nothing.

    Parameters
    ----------
    problem : Problem
        The shape and policy.
    scorer : ProxyScorer or None
        The scorer to use (``None``: a new one for ``problem``).
    deadline : float or None
        A ``time.perf_counter()`` value after which no further chunk starts (``None``: all of them).

    Returns
    -------
    FamilyReport
        Each family's best vector, the scorer's liveness witnesses so far, and in ``vectors`` the count of
        family vectors scored.
    """
    scorer = scorer or ProxyScorer(problem)
    # clipped per job and kept once each: on a shape whose jobs differ two family vectors may clip alike
    vecs = list({clip_to(problem.shape, v): (f, p, clip_to(problem.shape, v))
                 for f, p, v in family_vectors(point_of(problem))}.values())
    best: dict[str, FamilyBest] = {}
    done = 0
    for i in range(0, len(vecs), FAMILY_CHUNK):
        if deadline is not None and i > 0 and time.perf_counter() >= deadline:
            break
        chunk = vecs[i:i + FAMILY_CHUNK]
        for (fam, param, vec), sc in zip(chunk, scorer([v for _, _, v in chunk]), strict=True):
            if sc is None:
                continue
            cand = FamilyBest(fam, param, vec, sc[0], sc[1])
            if fam not in best or cand.ratio > best[fam].ratio:
                best[fam] = cand
        done += len(chunk)
    return FamilyReport(tuple(best.values()), tuple(scorer.liveness), done)


def _sampled_neighbours(o: tuple[int, ...], lo: int, hi: int, rng: random.Random, count: int) -> list[tuple[int, ...]]:
    n = len(o)
    rows = set()
    tries = 0
    while len(rows) < count and tries < 4 * count:
        tries += 1
        c = list(o)
        move = rng.random()
        j = rng.randrange(n)
        if move < 0.4:
            c[j] = rng.randint(lo, hi)
        elif move < 0.8:
            step = max(1, int((hi - lo) * rng.random() ** 3))
            c[j] = min(hi, max(lo, c[j] + rng.choice((-1, 1)) * step))
        else:
            i = rng.randrange(n)
            c[i], c[j] = c[j], c[i]
        t = tuple(c)
        if t != o:
            rows.add(t)
    return sorted(rows)


LIVENESS_CERT_EXTENSION = 4
"""A vector unfinished at the default round limit is re-run on the reference engine up to this many times the
limit: the A_min most-progress / largest-lower-bound runs the growth study meets mostly end there (at about
twice the limit), so the witness then carries their true TEL and ratio."""


def certify_family_liveness(problem: Problem, outputs: tuple[int, ...],
                            extension: int = LIVENESS_CERT_EXTENSION) -> LivenessWitness:
    """A vector the fast engine left unfinished at the default round limit, certified as a liveness witness.

    On the reference engine: the same jobs unfinished after that limit, and its true TEL and exact ratio if it
    ends within ``extension`` times the limit (else ``tel`` is ``None``).

    Parameters
    ----------
    problem : Problem
        The shape, policy and benchmark.
    outputs : tuple of int
        The unfinished vector.
    extension : int
        The extended limit, in multiples of the default round limit.

    Returns
    -------
    LivenessWitness
        The certified liveness witness.

    Raises
    ------
    AssertionError
        If the reference engine finishes the vector within the default limit (the engines disagree).
    """
    limit = default_round_limit(problem.shape)
    return certify_liveness(problem.shape.with_outputs(tuple(outputs)), problem.policy, dict(problem.options),
                            problem.benchmark, round_limit=limit, extended_limit=extension * limit)


class FastEvaluator(Evaluator):
    """An :class:`Evaluator` against H-SF whose witnesses carry the fast engine's integers, **not certified** on
    the reference engine (the engines are differential-tested to agree; certifying a witness whose TEL is in
    the hundreds of thousands costs the reference engine seconds). Whoever reports such a witness must certify
    it (:func:`verify.certify.certify`); the growth study certifies every one it reports."""

    def __init__(self, problem: Problem, cache: BenchmarkMemo | None = None) -> None:
        if problem.benchmark != "hsf":
            raise InvalidInput("benchmark: uncertified evaluation is only offered against H-SF")
        super().__init__(problem, cache)
        self._hsf = FastEngine.build(problem.shape, "hsf")

    def benchmark_tel(self, outputs: tuple[int, ...]) -> int:
        """H-SF's TEL of ``outputs`` on the fast engine, memoised.

        Parameters
        ----------
        outputs : tuple of int
            An output vector.

        Returns
        -------
        int
            TEL(H-SF).
        """
        return self._bench.tel(self.problem.shape.with_outputs(outputs), lambda _: self._hsf.run(outputs).tel)

    def witness(self, outputs: tuple[int, ...]) -> Witness:
        """A witness of ``outputs`` with the fast engine's integers against H-SF, **not certified**.

        A run that ends only beyond the round limit carries the extended limit.

        Parameters
        ----------
        outputs : tuple of int
            An output vector.

        Returns
        -------
        Witness
            The uncertified witness; whoever reports it must certify it.
        """
        p = self.problem
        tel = self.alg_tel(outputs)
        return Witness(p.shape.with_outputs(outputs), p.policy, dict(p.options), tel, "hsf", self.benchmark_tel(outputs),
                       self.extended_limit if outputs in self.extended else None)


NEIGHBOURS = 48
"""Neighbours a climbing step of :func:`search_families` scores (sampled, so a step costs the same at any u)."""


@spends_budget
def search_families(problem: Problem, *, cache: BenchmarkMemo | None = None, budget: float | None = 5.0, seed: int = 0,
                    on_improve: OnImprove | None = None, start: tuple[int, ...] | None = None,
                    stall: float | None = None, report: list | None = None, certified: bool = True,
                    starts: Sequence[tuple[int, ...]] = (), start_names: Sequence[str] = ()) -> Outcome:
    """Strategy ``families``: every family vector, then a sampled climb from the best one (module docstring).

    Parameters
    ----------
    problem : Problem
        The shape, policy and benchmark; the climb is steered by TEL(ALG)/TEL(H-SF) (the exact ratio
        when the benchmark is H-SF, a lower bound on it against OPT), and exact ratios are certified by the
        :class:`~verify.search.base.Tracker` for the top candidates only.
    cache : BenchmarkMemo or None
        Benchmark memo for certification (``None``: a fresh one; unused when ``certified`` is false).
    budget : float or None
        Seconds in all (``None``: families only, no climb).
    seed : int
        Seed of the climb's random moves.
    on_improve : OnImprove or None
        Called as ``on_improve(witness, strategy)`` on each strict improvement.
    start : tuple of int or None
        An extra output vector, scored first with the other starts.
    starts : sequence of tuple of int
        More start vectors (e.g. :func:`replicated_starts` of smaller-n witnesses, as the growth study gives).
        Every start is scored whatever the budget (before the families), so the result's ratio against H-SF is
        **at least the best start's** ratio: the best candidate is offered to the tracker and the climb only
        moves up from it.
    start_names : sequence of str
        Labels of ``starts`` in the notes (at most as many; the rest are named ``start i``).
    stall : float or None
        Stop the climb once that many seconds pass without a better proxy (default: a quarter of the budget).
    report : list or None
        If given, the :class:`FamilyReport` is appended to it (the growth study reads the per-family bests).
    certified : bool
        ``False`` (benchmark H-SF only): the witness carries fast-engine integers and the caller certifies it
        (:class:`FastEvaluator`); ``True``: every witness is certified on the reference engine as it is found.

    Returns
    -------
    Outcome
        The best vector found (a lower bound on the shape's worst ratio), with the counts of vectors
        scored and notes on the best family and start.

    Raises
    ------
    InvalidInput
        If the policy has no fast engine, or ``certified`` is false and the benchmark is not H-SF.
    """
    if not problem.spec.traits.fast_engine:
        raise InvalidInput(f"policy: the families strategy needs a built-in policy (fast engine), got {problem.policy}")
    rng = random.Random(seed)
    evaluator = Evaluator(problem, cache) if certified else FastEvaluator(problem)
    tracker = Tracker(evaluator, "families", budget, on_improve)
    scorer = ProxyScorer(problem)
    all_starts = [tuple(v) for v in starts] + ([tuple(start)] if start is not None else [])
    names = list(start_names) + [f"start {i}" for i in range(len(start_names), len(all_starts))]
    # the starts first, whatever the budget: the result is never below the best of them
    start_best = None
    for (name, vec), sc in zip(zip(names, all_starts, strict=True), scorer(all_starts), strict=True):
        if sc is not None and (start_best is None or Fraction(*sc) > start_best.ratio):
            start_best = FamilyBest("start", name, vec, sc[0], sc[1])
    # the families get at most 80 % of the budget (they come first: they are the strong part at large n)
    fam = evaluate_families(problem, scorer, None if budget is None else tracker.began + 0.8 * budget)
    fam = replace(fam, start_best=start_best)
    if report is not None:
        report.append(fam)
    lo, hi = problem.shape.requests[0].l, problem.shape.requests[0].u
    cands = [(b.ratio, b.outputs) for b in fam.bests]
    if start_best is not None:
        cands.append((start_best.ratio, start_best.outputs))
    exact_all = problem.benchmark == "hsf"
    # certify the best family vector (against OPT the best three: OPT may reorder them); each certification
    # re-runs the reference engine, which costs seconds at n = 64, u = 256
    for ratio, vec in sorted(cands, reverse=True)[: (1 if exact_all else 3)]:
        prepare_offer(evaluator, scorer, vec)
        tracker.offer(vec, ratio if exact_all else None)
    if problem.on_liveness is not None and scorer.liveness:
        # the first vector that hit the round limit, certified and handed on (a campaign stores it)
        problem.on_liveness(certify_family_liveness(problem, scorer.liveness[0]))
    if not cands:  # every family vector hit the round limit
        return tracker.outcome(evaluations=scorer.scored, notes=[f"{len(fam.liveness)} liveness witnesses"])
    current_ratio, current = max(cands)
    stall = stall if stall is not None else (None if budget is None else budget / 4)
    last_gain = time.perf_counter()
    steps = 0
    while budget is not None and not tracker.out_of_time():
        if stall is not None and time.perf_counter() - last_gain > stall:
            break
        rows = [clip_to(problem.shape, r) for r in _sampled_neighbours(current, lo, hi, rng, NEIGHBOURS)]
        scores = scorer(rows)
        steps += 1
        best_k, best_r = None, current_ratio
        for k, sc in enumerate(scores):
            if sc is not None and Fraction(*sc) > best_r:
                best_k, best_r = k, Fraction(*sc)
        if best_k is None:
            continue
        current, current_ratio = rows[best_k], best_r
        last_gain = time.perf_counter()
    # certified once at the end: the reference engine costs far more than a fast-engine step at large n
    prepare_offer(evaluator, scorer, current)
    tracker.offer(current, current_ratio if exact_all else None)
    best = fam.best
    notes = [f"{fam.vectors} family vectors scored, {steps} climbing steps, {scorer.scored} vectors scored"]
    if best is not None:
        notes.append(f"best family {best.family}({best.parameter}) ratio vs H-SF {best.ratio}")
    if start_best is not None:
        notes.append(f"best of {len(all_starts)} start(s): {start_best.parameter} ratio vs H-SF {start_best.ratio}")
    return tracker.outcome(evaluations=scorer.scored, notes=notes + closing_notes(scorer, certified))


def closing_notes(scorer: ProxyScorer, certified: bool) -> list[str]:
    """The notes every fast-engine strategy ends with: an uncertified witness, and the round-limit vectors.

    Parameters
    ----------
    scorer : ProxyScorer
        The strategy's scorer (its liveness witnesses are counted, the first one shown).
    certified : bool
        Whether the strategy's witness was certified.

    Returns
    -------
    list of str
        Zero, one or two notes.
    """
    notes = []
    if not certified:
        notes.append("witness not certified (fast-engine integers): the caller certifies it")
    if scorer.liveness:
        notes.append(f"{len(scorer.liveness)} vectors hit the round limit (liveness witnesses), "
                     f"first {list(scorer.liveness[0])}")
    return notes


def family_ratio_bound(report: FamilyReport) -> Fraction:
    """The best family ratio against H-SF: a lower bound on the worst ratio of the shape.

    Every family vector is an instance of the shape, so its exact ratio bounds the worst from below.

    Parameters
    ----------
    report : FamilyReport
        The families' scores.

    Returns
    -------
    Fraction
        The best family's TEL(ALG)/TEL(H-SF), or 0 if no family vector was scored.
    """
    best = report.best
    return best.ratio if best is not None else Fraction(0)


__all__ = ["FAMILIES", "clip_to", "point_of", "FamilyBest", "FamilyReport", "ProxyScorer", "certify_family_liveness",
           "evaluate_families",
           "family_ratio_bound", "family_vectors", "replicated_starts", "search_families"]
