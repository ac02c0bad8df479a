"""Explicit-state model checking: the scheduler-versus-adversary state graph, built with networkx.

Nodes are canonical round-start states: per job its status, progress, revealed lower bound and the age of its
current run, plus the scheduler's own state (A_min's ``l̃``), plus the round number while arrivals are still
pending or when the scheduler does not declare ``time_invariant = True``. From a node the scheduler's decision
is fixed; the adversary's moves are which batch jobs complete at the end of the round, consistently with one
fixed ``o``: job ``j`` may complete after ``k`` tokens only if ``k >= l_j`` and ``k`` exceeds every progress at
which it was seen not to complete, and must complete at ``u_j``. Each edge weighs the number of arrived,
unfinished jobs in that round, so a root-to-sink path weighs exactly its TEL, and every path is one output
vector.

Uses: safety by exhaustion (memory, ``u_j``, liveness bound, cycles = livelocks), worst-case TEL as the longest
path of the DAG, and the exact worst ratio by depth-first branch and bound (:func:`worst_ratio`).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from fractions import Fraction

import networkx as nx

from models.errors import ModelViolation, Unproven
from models.engine_reference import Execution, liveness_bound
from models.instance import Instance
from models.oracle import OracleViolation
from models.schedulers import OptionError, PolicySpec
from models.schedulers.interface import Decision, RoundLimitExceeded, Scheduler, SchedulerViolation
from models.shape import Shape
from models.view import Status
from verify.opt.benchmark import BenchmarkMemo, UnprovenBenchmark, benchmark_tel
from verify.opt.bounds import lower_bound_raw


class GraphTimeout(Unproven, TimeoutError):
    """The state graph's deadline passed before every reachable state was explored."""


class ScriptedOutcomes:
    """An outcome oracle that answers from a fixed set of jobs completing this round.

    Parameters
    ----------
    instance : Instance or Shape
        The shape explored (its ``u`` values force completions).
    complete : frozenset of int
        The jobs the adversary lets complete at the end of this round.
    record : list, optional
        When given, every question ``(j, k)`` is appended to it and only forced completions (``k >= u_j``)
        are answered yes: a probe that learns which jobs of the batch are asked about.
    """

    def __init__(self, instance: Instance | Shape, complete: frozenset[int], record: list | None = None) -> None:
        self.instance, self.complete, self.record = instance, complete, record

    def completes(self, j: int, k: int) -> bool:
        """Whether job ``j`` completes after ``k`` tokens (MODEL.md, "What an online scheduler sees").

        Parameters
        ----------
        j : int
            The job.
        k : int
            The tokens it has generated in its current run, this round's included.

        Returns
        -------
        bool
            ``True`` at ``k >= u_j`` always; otherwise, without ``record``, iff ``j`` is in ``complete``.
        """
        if self.record is not None:
            self.record.append((j, k))
            return k >= self.instance.requests[j].u
        return k >= self.instance.requests[j].u or j in self.complete


def state_key(run: Execution) -> tuple:
    """Canonical form of a round-start state: :meth:`models.engine_reference.Execution.state_key`.

    Parameters
    ----------
    run : Execution
        A run at the start of a round.

    Returns
    -------
    tuple
        Hashable; equal for two states whose futures are the same (module docstring).
    """
    return run.state_key()


@dataclass
class Violation:
    """A broken claim found in the state graph, with an output vector that reaches it."""

    claim: str  # "finishes" | "memory" | "no-eviction" | "model" (any other broken rule)
    rule: str
    outputs: tuple[int, ...]  # an output vector that reaches it (replayable on the reference engine)


@dataclass
class StateGraph:
    """The explored graph: nodes are :func:`state_key` values, edges weigh the arrived unfinished jobs of the
    round and list the completions ``((j, realised length), ...)`` that lead along them."""

    graph: nx.DiGraph
    root: tuple
    outputs_space: int
    violations: list[Violation] = field(default_factory=list)
    depth: int = 0
    seconds: float = 0.0

    @property
    def stats(self) -> dict:
        """Size and cost of the graph: states, edges, depth, output vectors, their ratio, seconds."""
        return {"states": self.graph.number_of_nodes(), "edges": self.graph.number_of_edges(), "depth": self.depth,
                "output_vectors": self.outputs_space,
                "compression": round(self.outputs_space / max(1, self.graph.number_of_nodes()), 2),
                "seconds": round(self.seconds, 3)}


def _floor(run: Execution, j: int) -> int:
    """The smallest number of tokens at which job j may still complete, given what was revealed."""
    return max(run.instance.requests[j].l, run.jobs[j].revealed)


def _unfinished(run: Execution) -> int:
    return sum(1 for r, job in zip(run.instance.requests, run.jobs, strict=True)
               if r.a <= run.t and job.status is not Status.DONE)


def successors(run: Execution):
    """Every adversary move in the current round: which of the batch's jobs complete at its end.

    The scheduler decides once (its decision cannot depend on the answers, which come after it); each branch
    replays that decision (:meth:`Execution.step` with ``decision``) and then continues with a copy of the
    scheduler's post-decision state. A job may complete after ``k`` tokens only if ``k`` is at least ``l_j``
    and above every progress at which it was seen not to complete; at ``u_j`` it must.

    Parameters
    ----------
    run : Execution
        An unfinished run at the start of a round; it is not changed (branches are copies).

    Yields
    ------
    tuple of (frozenset of int, Execution, int)
        The jobs that complete this round, the run after the round, and the round's weight: the number of
        arrived, unfinished jobs in it.
    """
    weight = _unfinished(run)
    decider = run.branch()
    decision = decider.scheduler.decide(decider.view())
    if not isinstance(decision, Decision):
        decision = tuple(decision)  # an iterable may be a generator: it is replayed once per branch
    after = decider.scheduler
    record: list = []
    run.branch(scheduler=after, oracle=ScriptedOutcomes(run.instance, frozenset(), record)).step(decision)
    # the jobs whose completion is the adversary's choice
    free = [j for j, k in record if _floor(run, j) <= k < run.instance.requests[j].u]
    for size in range(len(free) + 1):
        for subset in itertools.combinations(free, size):
            nxt = run.branch(scheduler=after.clone(), oracle=ScriptedOutcomes(run.instance, frozenset(subset)))
            nxt.rounds = []
            nxt.step(decision)
            yield frozenset(subset), nxt, weight


def _witness_outputs(run: Execution) -> tuple[int, ...]:
    """Realised lengths of completed jobs; for the others the largest value still consistent (u_j)."""
    return tuple(job.realised if job.status is Status.DONE else r.u
                 for r, job in zip(run.instance.requests, run.jobs, strict=True))


def build_graph(config: Shape, scheduler: Scheduler | str, options: dict | None = None, *,
                check_liveness: bool | None = None, forbid_eviction: bool | None = None,
                max_states: int = 2_000_000, deadline: float | None = None) -> StateGraph:
    """Explore every reachable state of ``scheduler`` on the shape ``config`` (the adversary picks each ``o_j``).

    Violations recorded: a batch over ``M`` or any other engine check (``memory``/``model``), a round at the
    liveness bound or a cycle (``finishes``), an eviction (``no-eviction``).

    Parameters
    ----------
    config : Shape
        The shape: ``M`` and every request's ``s, l, u, a``.
    scheduler : Scheduler or str
        An online scheduler (its declared traits are read from its class and options), or a policy name.
    options : dict, optional
        The policy's options when ``scheduler`` is a name; ignored for a scheduler object.
    check_liveness : bool, optional
        Record a run reaching MODEL.md's liveness bound ``max_j a_j + n · max_j u_j`` (default: where the
        policy declares the ``liveness`` trait). Cycles are recorded either way.
    forbid_eviction : bool, optional
        Record every eviction (default: where the policy declares ``never_evicts``).
    max_states : int
        The most states explored.
    deadline : float, optional
        A ``time.perf_counter()`` value by which the graph must be built (``None``: no limit).

    Returns
    -------
    StateGraph
        With ``depth`` (rounds of the longest run) when the graph is acyclic.

    Raises
    ------
    OptionError
        The policy is a hindsight one (H-SF), or its name or options are not valid.
    Unproven
        More than ``max_states`` states are reachable.
    GraphTimeout
        ``deadline`` passed (also a ``TimeoutError``).
    """
    began = time.perf_counter()
    if isinstance(scheduler, Scheduler):
        traits = type(scheduler).traits(dict(scheduler.options))
        sched = scheduler
    else:
        spec = PolicySpec.parse(scheduler, options)
        traits, sched = spec.traits, None
    if traits.hindsight:
        raise OptionError("policy: H-SF is a hindsight scheduler (it is given every o_j up front); the state graph "
                          "explores online schedulers, whose outcomes the adversary chooses as they run")
    sched = sched or spec.build(None)  # online: built without the lengths it must not see
    if check_liveness is None:
        check_liveness = traits.liveness
    if forbid_eviction is None:
        forbid_eviction = traits.never_evicts
    bound = liveness_bound(config)
    root_run = Execution(config, sched, oracle=ScriptedOutcomes(config, frozenset()), round_limit=10**9)
    root = state_key(root_run)
    g = nx.DiGraph()
    g.add_node(root)
    result = StateGraph(g, root, config.space_size)
    stack = [(root, root_run)]
    expanded = 0
    while stack:
        expanded += 1
        if deadline is not None and expanded % 64 == 0 and time.perf_counter() > deadline:
            raise GraphTimeout(f"state graph: deadline passed after {len(g)} states")
        key, run = stack.pop()
        if run.finished:
            g.nodes[key]["terminal"] = True
            continue
        if check_liveness and run.t >= bound:
            result.violations.append(Violation("finishes", f"round {run.t} reached, liveness bound {bound}",
                                               _witness_outputs(run)))
            continue
        try:
            moves = list(successors(run))
        except (SchedulerViolation, OracleViolation, RoundLimitExceeded) as exc:
            claim = "memory" if "exceeds M" in str(exc) else "model"
            result.violations.append(Violation(claim, f"{type(exc).__name__}: {exc}", _witness_outputs(run)))
            continue
        for choice, nxt, weight in moves:
            if forbid_eviction and nxt.rounds[-1].evicted:
                result.violations.append(Violation("no-eviction", f"round {run.t}: evicted {nxt.rounds[-1].evicted}",
                                                   _witness_outputs(nxt)))
            nkey = state_key(nxt)
            if nkey not in g:
                g.add_node(nkey)
                stack.append((nkey, nxt))
                if g.number_of_nodes() > max_states:
                    raise Unproven(f"state graph exceeds max_states={max_states}")
            completed = tuple((j, nxt.jobs[j].realised) for j in range(config.n)
                              if nxt.jobs[j].status is Status.DONE and run.jobs[j].status is not Status.DONE)
            if g.has_edge(key, nkey):
                g.edges[key, nkey]["choices"].append(completed)
            else:
                g.add_edge(key, nkey, weight=weight, choices=[completed])
    if not nx.is_directed_acyclic_graph(g):
        cycle = nx.find_cycle(g, root)
        result.violations.append(Violation("finishes", f"livelock: a cycle of {len(cycle)} states is reachable", ()))
    else:
        result.depth = nx.dag_longest_path_length(g, weight=None)  # rounds on the longest run
        if check_liveness and result.depth > bound and not any(v.claim == "finishes" for v in result.violations):
            # states of a time-invariant scheduler merge across rounds and are expanded once, at the round they
            # were first reached: the per-state check above can miss a longer way into the same state
            result.violations.append(Violation("finishes", f"a run of {result.depth} rounds, liveness bound {bound}",
                                               longest_path_outputs(g, config)))
    result.seconds = time.perf_counter() - began
    return result


def longest_path_outputs(g: nx.DiGraph, config: Shape) -> tuple[int, ...]:
    """The output vector of a longest run of the DAG ``g``: the completions along its longest path.

    Parameters
    ----------
    g : networkx.DiGraph
        An acyclic :attr:`StateGraph.graph`.
    config : Shape
        The shape it was built for.

    Returns
    -------
    tuple of int
        Each job's realised length along the path (``u_j`` for a job the path does not complete).
    """
    realised: dict[int, int] = {}
    path = nx.dag_longest_path(g, weight=None)
    for a, b in zip(path, path[1:]):
        for j, k in g.edges[a, b]["choices"][0]:
            realised[j] = k
    return tuple(realised.get(j, r.u) for j, r in enumerate(config.requests))


def worst_tel(sg: StateGraph) -> int:
    """The largest TEL over all outcomes: the longest weighted path of the DAG.

    Parameters
    ----------
    sg : StateGraph
        An acyclic state graph.

    Returns
    -------
    int
        The worst-case TEL of the policy on the configuration.
    """
    return nx.dag_longest_path_length(sg.graph, weight="weight")


class BudgetExceeded(Unproven, TimeoutError):
    """The branch and bound ran out of budget; ``outputs`` is the best output vector it had found (or None).

    Parameters
    ----------
    message : str
        What ran out, and where.
    outputs : tuple of int or None
        The best output vector found so far, for a caller to certify.
    """

    def __init__(self, message: str, outputs: tuple[int, ...] | None) -> None:
        super().__init__(message)
        self.outputs = outputs


@dataclass
class RatioResult:
    """The worst ratio found, the output vector attaining it, both TELs and the search's statistics."""

    ratio: Fraction
    outputs: tuple[int, ...]
    alg_tel: int
    opt_tel: int
    stats: dict


def worst_ratio(config: Shape, policy: str, options: dict | None = None, *, benchmark: str = "opt",
                budget: float | None = None, cache: BenchmarkMemo | None = None, exact_pruning: bool = True,
                start: tuple[int, ...] | None = None) -> RatioResult:
    """The exact maximum of TEL(ALG)/TEL(benchmark) by depth-first branch and bound over the state graph.

    A subtree is cut when (TEL so far + the longest remaining path from its node) / (a lower bound on the
    benchmark for every completion of the path) cannot beat the best found. The benchmark bound uses the
    lengths revealed so far: the cheap memory-area bound first, then, against OPT, exact OPT at the floors
    (memoised by multiset), which bounds every completion because OPT grows with every o_j. H-SF's TEL does not
    (``M = 9``, ``s = (2, 0, 2, 1, 2)``, ``a = (2, 0, 0, 0, 0)``: 40 at ``o = (5, 5, 5, 5, 1)``, 39 at
    ``o = (5, 5, 6, 5, 1)``), so against H-SF only the area bound (which is at most OPT, hence at most H-SF)
    prunes.

    Parameters
    ----------
    config : Shape
        The shape: ``M`` and every request's ``s, l, u, a``.
    policy : str
        An online policy.
    options : dict, optional
        Its options.
    benchmark : {"opt", "hsf"}
        What the ratio is against (MODEL.md, "Objective").
    budget : float, optional
        Seconds for the whole call, the graph and every OPT solve included (``None``: no limit).
    cache : BenchmarkMemo, optional
        A memo to share with other searches of the same ``M`` and benchmark (default: a fresh one).
    exact_pruning : bool
        Against OPT, when the cheap bound does not prune, compute OPT of the lengths revealed so far (ignored
        against H-SF: see above).
    start : tuple of int, optional
        An output vector found elsewhere (e.g. by local search) that seeds the incumbent so that pruning
        bites from the first node; the result is the exact maximum either way.

    Returns
    -------
    RatioResult
        The largest ratio over every output vector, one vector attaining it, and the graph's and the search's
        statistics.

    Raises
    ------
    ModelViolation
        The state graph records a violation (the ratio is not defined on a run that breaks the model).
    Unproven
        The graph has more states than :func:`build_graph` allows.
    OptionError
        The policy is a hindsight one, or its name or options are not valid.
    InvalidInput
        ``benchmark`` is not a benchmark, or ``cache`` holds another ``M`` or benchmark.
    GraphTimeout
        ``budget`` ran out while the graph was being built.
    BudgetExceeded
        ``budget`` ran out during the search; it carries the best output vector so far (or ``start``).

    """

    began = time.perf_counter()
    sg = build_graph(config, policy, options, deadline=None if budget is None else began + budget)
    if sg.violations:
        raise ModelViolation(f"safety violations found: {sg.violations[0].rule}")
    g = sg.graph
    remaining: dict = {}
    for node in reversed(list(nx.topological_sort(g))):
        remaining[node] = max((d["weight"] + remaining[v] for _, v, d in g.out_edges(node, data=True)), default=0)
    memo = BenchmarkMemo(config.M, benchmark) if cache is None else cache
    memo.check(config.M, benchmark)

    def benchmark_of(outputs: tuple[int, ...]) -> int:
        inst = config.with_outputs(outputs)
        if budget is None or benchmark != "opt" or memo.holds(inst):
            return memo.tel(inst)
        left = budget - (time.perf_counter() - began)  # an OPT solve spends the same budget
        try:
            if left <= 0:
                raise UnprovenBenchmark("no budget left")
            return memo.tel(inst, lambda i: benchmark_tel(i, "opt", timeout=left))
        except UnprovenBenchmark as exc:
            # the best leaf so far, else the caller's incumbent: what a caller may still certify
            raise BudgetExceeded(f"statespace branch and bound: budget {budget}s spent proving OPT of "
                                 f"{list(outputs)} ({exc})", best[1] or (tuple(start) if start else None)) from None

    best = [Fraction(0), (), 0, 0]
    if start is not None:
        from models.engine_reference import simulate

        start = tuple(start)
        alg = simulate(config.with_outputs(start), PolicySpec.parse(policy, options).build(None)).tel
        best[:] = [Fraction(alg, benchmark_of(start)), start, alg, benchmark_of(start)]
    pruned = visited = 0
    reqs = config.requests
    s_list, a_list = [r.s for r in reqs], [r.a for r in reqs]

    def floors(node) -> list[int]:
        """Per job, the least output length still possible at this node (``l_j`` and what was revealed)."""
        return [r.l if state[0] == "done" else max(r.l, state[2]) for r, state in zip(reqs, node[1], strict=True)]

    children: dict = {}  # node -> [(child, weight, choices)], heaviest continuation first

    def dfs(node, tel: int, known: dict[int, int], inherited: int) -> None:
        """``inherited``: a lower bound on the benchmark valid for this subtree (the parent's; the lengths
        still possible only grow down the tree, and the benchmark grows with them)."""
        nonlocal pruned, visited
        visited += 1
        if budget is not None and visited % 64 == 0 and time.perf_counter() - began > budget:
            raise BudgetExceeded(f"statespace branch and bound exceeded {budget}s", best[1] or None)
        if g.out_degree(node) == 0:
            outputs = tuple(known[j] for j in range(config.n))
            ratio = Fraction(tel, benchmark_of(outputs))
            if ratio > best[0]:
                best[:] = [ratio, outputs, tel, benchmark_of(outputs)]
            return
        if best[0]:
            # prune when (tel + longest remaining) / bound <= best, in integers: top * den <= num * bound
            top, num, den = tel + remaining[node], best[0].numerator, best[0].denominator
            low = [known.get(j, f) for j, f in enumerate(floors(node))]
            cheap = max(inherited, lower_bound_raw(s_list, low, a_list, config.M))
            if top * den <= num * cheap:
                pruned += 1
                return
            # OPT grows with every o_j, so OPT at the floors bounds every completion; H-SF's TEL does not (it
            # can fall when one length grows), so against H-SF only the area bound (<= OPT <= H-SF) prunes
            if exact_pruning and benchmark == "opt":
                inherited = benchmark_of(tuple(low))
                if top * den <= num * inherited:
                    pruned += 1
                    return
        if node not in children:
            children[node] = sorted(((child, d["weight"], d["choices"]) for _, child, d in g.out_edges(node, data=True)),
                                    key=lambda c: -remaining[c[0]] - c[1])
        for child, weight, choices in children[node]:
            for completed in choices:
                dfs(child, tel + weight, known | dict(completed), inherited)

    dfs(sg.root, 0, {}, 0)
    stats = sg.stats | {"paths_visited": visited, "subtrees_pruned": pruned,
                        "seconds": round(time.perf_counter() - began, 3)}
    return RatioResult(best[0], best[1], best[2], best[3], stats)
