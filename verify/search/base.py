"""What every search strategy shares: the problem, the exact evaluator, the outcome, the witness sink.

A search maximises ``TEL(ALG(o)) / TEL(benchmark(o))`` over ``o ∈ Π_j [l_j, u_j]`` for a fixed shape,
or, with ``Problem.objective`` (exhaustive and local search only), an integer of ALG's run: ``preemptions``, the
most departures from memory (evictions + preemptions) of any one job, or ``recomputed``, the run's recomputed
tokens; the witness then reports that value beside its exact ratio.
Every ratio a strategy reports is recomputed by :class:`Evaluator` (fast engine for ALG, exact OPT or H-SF
for the benchmark) and every witness by the reference engine before it is written (:func:`verify.certify`).
"""

from __future__ import annotations

import copy
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from models.errors import InvalidInput
from models.engine_fast import Configuration
from models.engine_reference import default_round_limit, simulate
from models.shape import Shape
from models.run import check_fast_engine
from models.schedulers import PolicySpec, RoundLimitExceeded
from models.status import SearchProof
from models.trace import objective_of
from models.witness import OBJECTIVES, LivenessWitness, Witness
from verify.certify import certify, certify_liveness, check_ratio
from verify.budget import Budget
from verify.opt.benchmark import BenchmarkMemo, UnprovenBenchmark, benchmark_tel

MIN_OPT_SECONDS = 0.05
"""The least timeout an OPT solve gets while some budget remains (a near-zero timeout would prove nothing)."""


class BudgetExhausted(UnprovenBenchmark):
    """The search's budget ran out inside an exact OPT solve: that OPT is unknown, and the search stops.
    ``tracker``: the :class:`Tracker` whose budget it was (its best witness is what the search certified)."""

    def __init__(self, message: str, tracker: Tracker | None = None) -> None:
        super().__init__(message)
        self.tracker = tracker


def spends_budget(search: Callable[..., Outcome]) -> Callable[..., Outcome]:
    """Decorate a strategy: when its budget runs out inside an OPT solve (:class:`BudgetExhausted` from its own
    evaluator), it returns the outcome of what it certified so far, proving nothing, with the reason in its
    notes. A sub-search with a smaller budget (a warm start) ends alone; its caller goes on."""

    @functools.wraps(search)
    def run(*args, **kwargs) -> Outcome:
        try:
            return search(*args, **kwargs)
        except BudgetExhausted as exc:
            if exc.tracker is None:
                raise
            return exc.tracker.outcome(notes=[str(exc)])

    return run


LIVENESS_EXTENSION = 16
"""A run unfinished at its round limit is tried again with this many times the limit, for its true TEL."""


@dataclass(frozen=True)
class Problem:
    """A shape (the instance without its output lengths, which the search ranges over), a policy with
    options, a benchmark.

    ``policy`` may be given as a :class:`~models.schedulers.PolicySpec` (parsed once for a whole grid); it is
    then stored by name with the spec's options, and :attr:`spec` is that spec. Otherwise the name and options
    are parsed here, once."""

    shape: Shape
    policy: str
    options: dict[str, Any] = field(default_factory=dict)
    benchmark: str = "opt"
    # called with each liveness witness (a run unfinished at its round limit) an evaluator certifies
    on_liveness: Callable[[LivenessWitness], None] | None = field(default=None, compare=False, repr=False)
    objective: str = "ratio"  # one of OBJECTIVES: what the search maximises
    spec: PolicySpec = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.shape, Shape):
            raise InvalidInput(f"shape: must be a Shape (Shape.of(instance) drops an instance's outputs), "
                               f"got {type(self.shape).__name__}")
        if self.objective not in OBJECTIVES:
            raise InvalidInput(f"objective: must be one of {', '.join(OBJECTIVES)}, got {self.objective!r}")
        spec = PolicySpec.parse(self.policy, self.options)
        object.__setattr__(self, "spec", spec)
        object.__setattr__(self, "policy", spec.name)
        object.__setattr__(self, "options", dict(self.options) if self.options else spec.given_options)

    def with_liveness_sink(self, sink: Callable[[LivenessWitness], None] | None) -> Problem:
        """The same problem reporting liveness witnesses to ``sink`` (no second parse of the policy)."""
        twin = copy.copy(self)
        object.__setattr__(twin, "on_liveness", sink)
        return twin

    @property
    def space_size(self) -> int:
        """How many output vectors the search ranges over."""
        return self.shape.space_size


class Evaluator:
    """Exact ratio of ``o``: ALG's TEL on the fast engine, the benchmark memoised by a
    :class:`~verify.opt.benchmark.BenchmarkMemo` (which may be shared with other searches of the same ``M``
    and benchmark, and refuses any other)."""

    def __init__(self, problem: Problem, cache: BenchmarkMemo | None = None) -> None:
        self.problem = problem
        # a policy the fast engine does not implement (a user's "module:Class") runs on the reference engine
        fast = problem.spec.traits.fast_engine
        if fast:
            check_fast_engine(problem.shape)  # one line naming the quantity, not numba's OverflowError
        self.engine = Configuration.build(problem.shape, problem.spec) if fast else None
        if cache is None:
            cache = BenchmarkMemo(problem.shape.M, problem.benchmark)
        cache.check(problem.shape.M, problem.benchmark)
        self._bench = cache
        self.evaluations = 0
        self.round_limit = default_round_limit(problem.shape)
        self.extended_limit = self.round_limit * LIVENESS_EXTENSION
        self._extended_engine = None
        self.extended: dict[tuple[int, ...], int] = {}  # outputs that end only beyond the limit -> true TEL
        self.never_ends: dict[tuple[int, ...], int] = {}  # outputs unfinished at the extended limit -> TEL bound
        self.liveness: LivenessWitness | None = None  # the strongest liveness witness certified so far
        self.budget = Budget.unbounded()  # the search's budget (its Tracker sets it): bounds every OPT solve
        self.tracker: Tracker | None = None

    @property
    def bench_cache(self) -> BenchmarkMemo:
        """The benchmark memo (shareable with other searches of the same M and benchmark)."""
        return self._bench

    def alg_tel(self, outputs: tuple[int, ...]) -> int:
        """ALG's TEL; for a run that outlives the round limit, see :meth:`_beyond_limit`."""
        outputs = tuple(outputs)
        try:
            if self.engine is not None:
                return self.engine.run(outputs).tel
            inst = self.problem.shape.with_outputs(outputs)
            return simulate(inst, self.problem.spec.build(inst)).tel
        except RoundLimitExceeded:
            return self._beyond_limit(outputs)

    def alg_tels(self, rows: list[tuple[int, ...]]) -> list[int]:
        if self.engine is not None:
            try:
                return [int(x) for x in self.engine.tel_many(np.array(rows, dtype=np.int64))]
            except RoundLimitExceeded:  # some row outlives the limit: find which, one by one
                pass
        return [self.alg_tel(tuple(row)) for row in rows]

    def values(self, rows: list[tuple[int, ...]]) -> list[int | None]:
        """The objective's value of ALG's run on each row (``Problem.objective`` other than ``ratio``), fast
        engine; a run past the round limit gets the value of its run within the extended limit, or ``None``
        if it never ends there (a liveness witness, kept apart, not a value)."""
        objective = self.problem.objective
        if self.engine is not None:
            try:
                col = 1 if objective == "preemptions" else 2
                return [int(x) for x in self.engine.objectives_many(np.array(rows, dtype=np.int64))[:, col]]
            except RoundLimitExceeded:
                pass
        return [self.value(tuple(row)) for row in rows]

    def value(self, outputs: tuple[int, ...]) -> int | None:
        """One row of :meth:`values`."""
        outputs = tuple(outputs)
        p = self.problem
        inst = p.shape.with_outputs(outputs)
        for limit in (self.round_limit, self.extended_limit):
            try:
                if self.engine is not None:
                    engine = (self.engine if limit == self.round_limit
                              else Configuration.build(p.shape, p.spec, limit))
                    run = engine.run(outputs)
                else:
                    run = simulate(inst, p.spec.build(inst), round_limit=limit)
                return objective_of(run, p.objective)
            except RoundLimitExceeded:
                if limit == self.round_limit:
                    self._beyond_limit(outputs)  # records (and certifies) the liveness witness
        return None

    def _beyond_limit(self, outputs: tuple[int, ...]) -> int:
        """A run unfinished at the round limit: a liveness witness. Tried again up to ``LIVENESS_EXTENSION``
        times the limit: if it ends, its true TEL (an exact ratio, certified with that limit); if not, a lower
        bound on its TEL (every unfinished job ends after the extended limit), which never enters a witness."""
        if outputs in self.extended:
            return self.extended[outputs]
        if outputs in self.never_ends:
            return self.never_ends[outputs]
        p = self.problem
        try:
            if self.engine is not None:
                if self._extended_engine is None:
                    self._extended_engine = Configuration.build(p.shape, p.spec, self.extended_limit)
                tel = self._extended_engine.run(outputs).tel
            else:
                inst = p.shape.with_outputs(outputs)
                tel = simulate(inst, p.spec.build(inst), round_limit=self.extended_limit).tel
            self.extended[outputs] = tel
        except RoundLimitExceeded as exc:
            max_a = max(r.a for r in p.shape.requests)
            tel = exc.unfinished * (self.extended_limit + 1 - max_a) + (p.shape.n - exc.unfinished)
            self.never_ends[outputs] = tel
        self._certify_liveness(outputs)
        return tel

    def _certify_liveness(self, outputs: tuple[int, ...]) -> None:
        """Certify the liveness witness on the reference engine when it is the strongest so far: the first,
        then one that never ends where the kept one does, or one that ends later."""
        if self.problem.on_liveness is None:
            return
        current = self.liveness
        never = outputs in self.never_ends
        if current is not None and not (never and current.tel is not None) and (
                never or current.tel is None or self.extended[outputs] <= current.tel):
            return
        p = self.problem
        w = certify_liveness(p.shape.with_outputs(outputs), p.spec, None, p.benchmark,
                             round_limit=self.round_limit, extended_limit=self.extended_limit,
                             benchmark_value=None if never else self.bench(outputs))
        self.liveness = w
        p.on_liveness(w)

    def bench(self, outputs: tuple[int, ...]) -> int:
        """The benchmark's TEL of ``outputs``, memoised; an exact OPT is solved within what remains of the
        search's :attr:`budget`, and one that cannot be proven in it raises :class:`BudgetExhausted`."""
        inst = self.problem.shape.with_outputs(outputs)
        left = self.budget.remaining()
        if left is None or self.problem.benchmark != "opt" or self._bench.holds(inst):
            return self._bench.tel(inst)
        if left <= 0:
            raise BudgetExhausted(f"budget: spent before proving OPT of outputs {list(outputs)}; the search stops "
                                  "with what it certified before", self.tracker)
        try:
            return self._bench.tel(inst, lambda i: benchmark_tel(i, "opt", timeout=max(left, MIN_OPT_SECONDS)))
        except UnprovenBenchmark as exc:
            raise BudgetExhausted(f"budget: spent while proving OPT of outputs {list(outputs)} ({exc}); the search "
                                  "stops with what it certified before", self.tracker) from None

    def ratio(self, outputs: tuple[int, ...]) -> tuple[Fraction, int, int]:
        self.evaluations += 1
        alg = self.alg_tel(outputs)
        bench = self.bench(outputs)
        self.check(outputs, alg, bench)
        return Fraction(alg, bench), alg, bench

    def check(self, outputs: tuple[int, ...], alg: int, bench: int) -> None:
        """Every exact ratio obeys ``TEL(ALG) >= TEL(OPT)`` (:func:`verify.certify.check_ratio`)."""
        if tuple(outputs) not in self.never_ends:  # a TEL bound, not a TEL
            check_ratio(alg, bench, self.problem.benchmark, self.problem.spec)

    def witness(self, outputs: tuple[int, ...]) -> Witness:
        """Certify: ALG re-run on the reference engine (independent of the fast engine), against the exact
        benchmark memoised for this multiset (proven by :func:`verify.certify.benchmark_tel`)."""
        p = self.problem
        return certify(p.shape.with_outputs(outputs), p.spec, None, p.benchmark,
                       benchmark_value=self.bench(outputs),
                       round_limit=self.extended_limit if outputs in self.extended else None,
                       objective=p.objective).witness


@dataclass(frozen=True)
class Outcome:
    """A strategy's result. ``proven_upper``: no instance of the shape reaches a ratio ``>=`` it
    (``None``: nothing proven); ``closed``: the best found is proven to be the maximum."""

    strategy: str
    best: Witness | None = None
    proven_upper: Fraction | None = None
    closed: bool = False  # with an objective other than the ratio: the best value is the proven maximum
    evaluations: int = 0
    seconds: float = 0.0
    found_at: float = 0.0  # seconds from the start to the best witness
    notes: list[str] = field(default_factory=list)

    @property
    def best_ratio(self) -> Fraction:
        return self.best.ratio if self.best else Fraction(0)

    @property
    def objective(self) -> str:
        """What was maximised: ``ratio``, or the objective the best witness records."""
        return self.best.objective if self.best is not None and self.best.objective else "ratio"

    @property
    def best_value(self) -> Fraction | int:
        """The maximised quantity of the best witness: its ratio, or its objective value."""
        if self.best is not None and self.best.objective:
            return self.best.objective_value
        return self.best_ratio

    @property
    def proof_status(self) -> SearchProof:
        if self.closed:
            return SearchProof.CLOSED
        if self.proven_upper is not None:
            return SearchProof.BRACKETED
        return SearchProof.UNPROVEN


OnImprove = Callable[[Witness, str], None]


class Tracker:
    """Keeps the best certified witness, calls ``on_improve`` on every strict improvement, watches the budget."""

    def __init__(self, evaluator: Evaluator, strategy: str, budget: float | Budget | None,
                 on_improve: OnImprove | None):
        self.evaluator = evaluator
        self.strategy = strategy
        self.budget = Budget.of(budget)
        evaluator.budget, evaluator.tracker = self.budget, self
        self.on_improve = on_improve
        self.best: Witness | None = None
        self.found_at = 0.0

    @property
    def began(self) -> float:
        return self.budget.began

    @property
    def deadline(self) -> float | None:
        return self.budget.deadline

    def out_of_time(self) -> bool:
        return self.budget.expired()

    def remaining(self) -> float | None:
        return self.budget.remaining()

    def offer(self, outputs: tuple[int, ...], ratio: Fraction | None = None) -> Fraction:
        """Evaluate ``outputs`` (unless its ratio is given) and keep it if it is a strict improvement.
        With an objective other than the ratio, ``ratio`` is not used: see :meth:`offer_value`."""
        outputs = tuple(outputs)
        if self.evaluator.problem.objective != "ratio":
            value = self.offer_value(outputs)
            return Fraction(-1 if value is None else value)
        if ratio is None:
            ratio = self.evaluator.ratio(outputs)[0]
        if outputs in self.evaluator.never_ends:  # no true TEL: a liveness witness (kept apart), not a ratio
            return ratio
        if self.best is None or ratio > self.best.ratio:
            w = self.evaluator.witness(outputs)
            if w.ratio != ratio:
                raise AssertionError(f"fast evaluation {ratio} disagrees with certified {w.ratio} for {outputs}")
            self.best = w
            self.found_at = time.perf_counter() - self.began
            if self.on_improve:
                self.on_improve(w, self.strategy)
        return ratio

    def offer_value(self, outputs: tuple[int, ...], value: int | None = None) -> int | None:
        """Objective search: evaluate ``outputs`` (unless ``value`` is given) and keep it if its objective value
        strictly beats the best; the witness is certified on the reference engine, which must give the same
        value. Returns the value (``None``: the run never ends within the extended limit)."""
        outputs = tuple(outputs)
        self.evaluator.evaluations += value is None
        if value is None:
            value = self.evaluator.value(outputs)
        if value is None:
            return None
        if self.best is None or value > self.best.objective_value:
            w = self.evaluator.witness(outputs)
            if w.objective_value != value:
                raise AssertionError(f"fast {self.evaluator.problem.objective} {value} disagrees with the reference "
                                     f"engine's {w.objective_value} for {outputs}")
            self.best = w
            self.found_at = time.perf_counter() - self.began
            if self.on_improve:
                self.on_improve(w, self.strategy)
        return value

    @property
    def best_value(self) -> int:
        """Objective search: the best value so far (-1 before any)."""
        return -1 if self.best is None else self.best.objective_value

    def outcome(self, **kw) -> Outcome:
        kw.setdefault("evaluations", self.evaluator.evaluations)
        never = self.evaluator.never_ends
        if never:  # some run has no TEL within the extended limit: no finite maximum is proven
            kw["closed"], kw["proven_upper"] = False, None
            kw["notes"] = [*kw.get("notes", []), f"{len(never)} output vector(s) still unfinished after "
                           f"{self.evaluator.extended_limit} rounds (liveness witness): no maximum proven"]
        return Outcome(self.strategy, self.best, seconds=time.perf_counter() - self.began, found_at=self.found_at,
                       **kw)
