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

from models.errors import Inconsistency, InvalidInput
from models.engine_fast import FastEngine
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
    """Decorate a strategy so that a budget spent inside an OPT solve ends it with what it certified.

    When the strategy's own evaluator raises :class:`BudgetExhausted`, the decorated strategy returns the
    outcome of what it certified so far, proving nothing, with the reason in its notes. A sub-search with a
    smaller budget (a warm start) ends alone; its caller goes on.

    Parameters
    ----------
    search : callable
        A strategy, ``search(problem, *, budget, seed, on_improve, ...) -> Outcome``.

    Returns
    -------
    callable
        The strategy with the same signature and name.
    """

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
    """A shape, a policy with options and a benchmark: what one search ranges over.

    The shape is the instance without its output lengths, which the search ranges over. ``policy`` may be given
    as a :class:`~models.schedulers.PolicySpec` (parsed once for a whole grid); it is then stored by name with the
    spec's options, and :attr:`spec` is that spec. Otherwise the name and options are parsed here, once.

    Parameters
    ----------
    shape : Shape
        The instance without outputs (``Shape.of(instance)``).
    policy : str or PolicySpec
        The policy searched against.
    options : dict
        Its options (ignored when ``policy`` is a spec and this is empty).
    benchmark : str
        ``"opt"`` (exact OPT) or ``"hsf"``.
    on_liveness : callable or None
        Called with each liveness witness (a run unfinished at its round limit) an evaluator certifies.
    objective : str
        What the search maximises: one of ``models.witness.OBJECTIVES`` (``ratio``, ``preemptions``,
        ``recomputed``).

    Raises
    ------
    InvalidInput
        ``shape`` is not a :class:`~models.shape.Shape`, or ``objective`` is not one of the objectives.
    OptionError
        ``policy`` or ``options`` is not valid.
    """

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
        """The same problem reporting liveness witnesses to ``sink`` (no second parse of the policy).

        Parameters
        ----------
        sink : callable or None
            Called with each certified :class:`~models.witness.LivenessWitness`; ``None``: none are certified.

        Returns
        -------
        Problem
            A copy of this problem with ``on_liveness = sink``.
        """
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
        self.engine = FastEngine.build(problem.shape, problem.spec) if fast else None
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
    def benchmark_memo(self) -> BenchmarkMemo:
        """The benchmark memo (shareable with other searches of the same M and benchmark)."""
        return self._bench

    def alg_tel(self, outputs: tuple[int, ...]) -> int:
        """ALG's TEL on ``outputs``: the fast engine, or the reference engine for a policy it does not implement.

        A run that outlives the round limit is a liveness witness (:meth:`_beyond_limit`): its TEL is its true TEL
        within the extended limit, or a lower bound on it if it does not end there either.

        Parameters
        ----------
        outputs : tuple of int
            One output length per job, each within its job's ``[l, u]``.

        Returns
        -------
        int
            ALG's TEL (a lower bound for a run unfinished at the extended limit).

        Raises
        ------
        ModelViolation
            A decision of the policy breaks an engine rule.
        """
        outputs = tuple(outputs)
        try:
            if self.engine is not None:
                return self.engine.run(outputs).tel
            inst = self.problem.shape.with_outputs(outputs)
            return simulate(inst, self.problem.spec.build(inst)).tel
        except RoundLimitExceeded:
            return self._beyond_limit(outputs)

    def alg_tels(self, rows: list[tuple[int, ...]]) -> list[int]:
        """:meth:`alg_tel` of each row, batched on the fast engine when the policy has one.

        Parameters
        ----------
        rows : list of tuple of int
            Output vectors.

        Returns
        -------
        list of int
            ALG's TEL of each row, in order.

        Raises
        ------
        ModelViolation
            A decision of the policy breaks an engine rule.
        """
        if self.engine is not None:
            try:
                return [int(x) for x in self.engine.tel_many(np.array(rows, dtype=np.int64))]
            except RoundLimitExceeded:  # some row outlives the limit: find which, one by one
                pass
        return [self.alg_tel(tuple(row)) for row in rows]

    def values(self, rows: list[tuple[int, ...]]) -> list[int | None]:
        """The objective's value of ALG's run on each row, for a ``Problem.objective`` other than ``ratio``.

        Batched on the fast engine when the policy has one. A run past the round limit gets the value of its run
        within the extended limit, or ``None`` if it never ends there (a liveness witness, kept apart, not a value).

        Parameters
        ----------
        rows : list of tuple of int
            Output vectors.

        Returns
        -------
        list of int or None
            One value per row, in order.
        """
        objective = self.problem.objective
        if self.engine is not None:
            try:
                col = 1 if objective == "preemptions" else 2
                return [int(x) for x in self.engine.objectives_many(np.array(rows, dtype=np.int64))[:, col]]
            except RoundLimitExceeded:
                pass
        return [self.value(tuple(row)) for row in rows]

    def value(self, outputs: tuple[int, ...]) -> int | None:
        """One row of :meth:`values`.

        Parameters
        ----------
        outputs : tuple of int
            An output vector.

        Returns
        -------
        int or None
            The objective's value of ALG's run; ``None`` when the run is unfinished at the extended limit.
        """
        outputs = tuple(outputs)
        p = self.problem
        inst = p.shape.with_outputs(outputs)
        for limit in (self.round_limit, self.extended_limit):
            try:
                if self.engine is not None:
                    engine = (self.engine if limit == self.round_limit
                              else FastEngine.build(p.shape, p.spec, limit))
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
                    self._extended_engine = FastEngine.build(p.shape, p.spec, self.extended_limit)
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
                             benchmark_value=None if never else self.benchmark_tel(outputs))
        self.liveness = w
        p.on_liveness(w)

    def benchmark_tel(self, outputs: tuple[int, ...]) -> int:
        """The benchmark's TEL of ``outputs``, memoised, an exact OPT solved within what remains of the budget.

        Parameters
        ----------
        outputs : tuple of int
            An output vector.

        Returns
        -------
        int
            The benchmark's (exact OPT's or H-SF's) TEL.

        Raises
        ------
        BudgetExhausted
            The search's :attr:`budget` ran out before or while proving OPT.
        UnprovenBenchmark
            With no budget, the MILP gave up before proving OPT.
        """
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
        """The exact ratio of ``outputs``, counted as one evaluation and checked (:meth:`check`).

        Parameters
        ----------
        outputs : tuple of int
            An output vector.

        Returns
        -------
        tuple of (Fraction, int, int)
            ``(TEL(ALG) / TEL(benchmark), TEL(ALG), TEL(benchmark))``.

        Raises
        ------
        BudgetExhausted
            The budget ran out while proving OPT (:meth:`bench`).
        ImpossibleRatio
            A ratio below 1 against OPT for a policy that does not pause jobs.
        """
        self.evaluations += 1
        alg = self.alg_tel(outputs)
        bench = self.benchmark_tel(outputs)
        self.check(outputs, alg, bench)
        return Fraction(alg, bench), alg, bench

    def check(self, outputs: tuple[int, ...], alg: int, bench: int) -> None:
        """Check rule ``TEL(ALG) >= TEL(OPT)`` on one exact ratio (:func:`verify.certify.check_ratio`).

        OPT is a lower bound on TEL only for a policy that does not pause jobs, so only there is a ratio below 1
        an error (MODEL.md, *Engine rules every run obeys*). Skipped for a run unfinished at the extended limit,
        whose TEL is a bound, not a TEL.

        Parameters
        ----------
        outputs : tuple of int
            The output vector.
        alg : int
            ALG's TEL on it.
        bench : int
            The benchmark's TEL on it.

        Raises
        ------
        ImpossibleRatio
            ``alg < bench`` against OPT for a policy that does not pause jobs.
        """
        if tuple(outputs) not in self.never_ends:  # a TEL bound, not a TEL
            check_ratio(alg, bench, self.problem.benchmark, self.problem.spec)

    def witness(self, outputs: tuple[int, ...]) -> Witness:
        """Certify ``outputs``: ALG re-run on the reference engine against the exact memoised benchmark.

        The reference engine is independent of the fast engine; the benchmark is the one memoised for this multiset
        (proven by :func:`verify.opt.benchmark.benchmark_tel`). A run that ends only beyond the round limit is
        certified with the extended limit.

        Parameters
        ----------
        outputs : tuple of int
            An output vector.

        Returns
        -------
        Witness
            The certified witness (with the problem's objective and its value, if any).

        Raises
        ------
        BudgetExhausted
            The budget ran out while proving OPT.
        ModelViolation
            The run breaks a rule of the model on the reference engine.
        ImpossibleRatio
            A ratio below 1 against OPT for a policy that does not pause jobs.
        """
        p = self.problem
        return certify(p.shape.with_outputs(outputs), p.spec, None, p.benchmark,
                       benchmark_value=self.benchmark_tel(outputs),
                       round_limit=self.extended_limit if outputs in self.extended else None,
                       objective=p.objective).witness


@dataclass(frozen=True)
class Outcome:
    """A strategy's result: the best certified witness and what was proven about the maximum.

    Parameters
    ----------
    strategy : str
        The strategy's name.
    best : Witness or None
        The best certified witness (``None``: none found).
    proven_upper : Fraction or None
        No instance of the shape reaches a ratio ``>=`` it (``None``: nothing proven).
    closed : bool
        The best found is proven to be the maximum (of the ratio, or of the objective).
    evaluations : int
        How many output vectors were evaluated.
    seconds : float
        Wall-clock time of the search.
    found_at : float
        Seconds from the start to the best witness.
    notes : list of str
        What the strategy wants said (why it stopped, what it skipped).
    """

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
        """The exact ratio of the best witness (0 when there is none)."""
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
        """What was proven: ``CLOSED``, ``BRACKETED`` (an upper bound) or ``UNPROVEN``."""
        if self.closed:
            return SearchProof.CLOSED
        if self.proven_upper is not None:
            return SearchProof.BRACKETED
        return SearchProof.UNPROVEN


OnImprove = Callable[[Witness, str], None]


class Tracker:
    """Keeps the best certified witness, calls ``on_improve`` on every strict improvement, watches the budget.

    Parameters
    ----------
    evaluator : Evaluator
        The search's evaluator; its budget and tracker are set to this tracker's.
    strategy : str
        The strategy's name, passed to ``on_improve`` and put in the outcome.
    budget : float or Budget or None
        The search's budget (seconds from now, a budget, or ``None`` for no limit).
    on_improve : callable or None
        Called as ``on_improve(witness, strategy)`` on each strict improvement.

    Raises
    ------
    InvalidInput
        ``budget`` is a negative, NaN or infinite number of seconds.
    """

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
        """The ``time.perf_counter()`` value at which the budget began."""
        return self.budget.began

    @property
    def deadline(self) -> float | None:
        """The ``time.perf_counter()`` value at which the budget is spent (``None``: never)."""
        return self.budget.deadline

    def out_of_time(self) -> bool:
        """Whether the budget is spent.

        Returns
        -------
        bool
            ``True`` once the deadline has passed (never for an unbounded budget).
        """
        return self.budget.expired()

    def remaining(self) -> float | None:
        """Seconds left of the budget.

        Returns
        -------
        float or None
            Seconds left (``<= 0`` once spent); ``None`` for an unbounded budget.
        """
        return self.budget.remaining()

    def offer(self, outputs: tuple[int, ...], ratio: Fraction | None = None) -> Fraction:
        """Evaluate ``outputs`` (unless its ratio is given) and keep it if it is a strict improvement.

        A new best is certified (:meth:`Evaluator.witness`) before it is kept and reported to ``on_improve``. A run
        unfinished at the extended limit has no true TEL and is never kept (it is a liveness witness). With an
        objective other than the ratio, ``ratio`` is not used: see :meth:`offer_value`.

        Parameters
        ----------
        outputs : tuple of int
            An output vector.
        ratio : Fraction or None
            Its exact ratio when already known.

        Returns
        -------
        Fraction
            Its ratio; with another objective, its value (-1 for a run that never ends).

        Raises
        ------
        BudgetExhausted
            The budget ran out while proving OPT.
        Inconsistency
            The fast evaluation and the certified (reference engine) ratio differ.
        """
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
                raise Inconsistency(f"fast evaluation {ratio} disagrees with certified {w.ratio} for {outputs}")
            self.best = w
            self.found_at = time.perf_counter() - self.began
            if self.on_improve:
                self.on_improve(w, self.strategy)
        return ratio

    def offer_value(self, outputs: tuple[int, ...], value: int | None = None) -> int | None:
        """Objective search: evaluate ``outputs`` (unless ``value`` is given) and keep it if its value beats the best.

        The witness is certified on the reference engine, which must give the same value.

        Parameters
        ----------
        outputs : tuple of int
            An output vector.
        value : int or None
            Its objective value when already known (not counted as an evaluation).

        Returns
        -------
        int or None
            The value; ``None``: the run never ends within the extended limit.

        Raises
        ------
        BudgetExhausted
            The budget ran out while proving OPT for the witness.
        Inconsistency
            The fast engine's value and the reference engine's differ.
        """
        outputs = tuple(outputs)
        self.evaluator.evaluations += value is None
        if value is None:
            value = self.evaluator.value(outputs)
        if value is None:
            return None
        if self.best is None or value > self.best.objective_value:
            w = self.evaluator.witness(outputs)
            if w.objective_value != value:
                raise Inconsistency(f"fast {self.evaluator.problem.objective} {value} disagrees with the reference "
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
        """The search's :class:`Outcome`: the best witness, the time, and what the strategy proved.

        If some run has no TEL within the extended limit (a liveness witness), no finite maximum is proven: the
        outcome is neither closed nor bracketed, and a note says why.

        Parameters
        ----------
        **kw
            Fields of :class:`Outcome` (``proven_upper``, ``closed``, ``notes``, ``evaluations``: by default the
            evaluator's count).

        Returns
        -------
        Outcome
            The outcome, timed from the budget's start.
        """
        kw.setdefault("evaluations", self.evaluator.evaluations)
        never = self.evaluator.never_ends
        if never:  # some run has no TEL within the extended limit: no finite maximum is proven
            kw["closed"], kw["proven_upper"] = False, None
            kw["notes"] = [*kw.get("notes", []), f"{len(never)} output vector(s) still unfinished after "
                           f"{self.evaluator.extended_limit} rounds (liveness witness): no maximum proven"]
        return Outcome(self.strategy, self.best, seconds=time.perf_counter() - self.began, found_at=self.found_at,
                       **kw)
