"""Liveness by exhaustion (issue #24): every run finishes within a stated bound, or a witness of one that does not.

For one policy with its options and every configuration of a bounded scope (``n`` jobs, every prompt vector
``(s_1, …, s_n) ∈ S^n``, one interval ``[l, u]``, all arrivals 0, every ``M`` in a range with
``max_j s_j + u <= M``), two claims are checked:

- ``finishes``: the state graph of every outcome the adversary can choose (:func:`verify.explore.build_graph`,
  i.e. every ``o ∈ [l, u]^n``) has no cycle (a livelock: a run that never finishes) and no run reaches MODEL.md's
  liveness bound ``max_j a_j + n · max_j u_j``. ``longest`` is the number of rounds of the longest run (the
  exact worst makespan over the scope).
- ``sum-o-bound`` (serving policies only): every run, for every ``o``, ends by ``max_j a_j + Σ_j o_j``
  (this project's stronger argument for the serving policies without re-prefill rounds: every round with an arrived unfinished job
  generates a token). Checked by running every ``o`` on the fast engine.

A violated claim yields a counterexample: ``o`` as the state graph or the enumeration found it; for
``finishes``, an exhaustive search of that configuration for a run past the engines' round limit, certified on
the reference engine as a :class:`~models.witness.LivenessWitness` when one exists (a run that only exceeds the
liveness bound is reported with its ``o`` and no file). A bounded proof states its scope; it says nothing beyond.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass

from models.errors import ModelViolation
from models.engine_fast import FastEngine
from models.engine_reference import liveness_bound
from models.schedulers import PolicySpec, guarantees_liveness
from models.schedulers.interface import RoundLimitExceeded
from models.grid import prompt_vectors
from models.shape import Shape
from models.status import ClaimStatus, in_vocabulary
from models.witness import LivenessWitness
from verify.explore import build_graph, longest_path_outputs
from verify.search import Problem, run_search


@dataclass
class LivenessResult:
    """One claim for one configuration: its bound, the longest run seen, its status and any counterexample."""

    claim: str  # "finishes" | "sum-o-bound"
    policy: str
    options: dict
    M: int
    s: tuple[int, ...]
    l: int  # noqa: E741
    u: int
    bound: int  # the round bound claimed for this configuration
    longest: int  # rounds of the longest run (finishes) / the largest makespan found (sum-o-bound)
    status: ClaimStatus  # proved | counterexample (a word outside ClaimStatus is refused)
    counterexample: tuple[int, ...] | None = None
    detail: str = ""
    witness: LivenessWitness | None = None
    seconds: float = 0.0

    def __post_init__(self) -> None:
        self.status = in_vocabulary(ClaimStatus, self.status, "status")

    def to_dict(self) -> dict:
        """The result as a JSON-ready dict.

        Returns
        -------
        dict
            Every field; tuples as lists, the witness as its own dict (or ``None``).
        """
        out = {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items() if k != "witness"}
        out["witness"] = None if self.witness is None else self.witness.to_dict()
        return out


def liveness_configurations(n: int, s_values: Sequence[int], l: int, u: int,  # noqa: E741
                            Ms: Sequence[int]) -> list[Shape]:
    """Every prompt vector in ``s_values^n`` with every ``M`` of ``Ms`` that holds it (``max s + u <= M``).

    Parameters
    ----------
    n : int
        Number of jobs.
    s_values : sequence of int
        The prompt sizes each job may have (every vector of them is a shape).
    l, u : int
        Every job's interval.
    Ms : sequence of int
        Capacities.

    Returns
    -------
    list of Shape
        Ordered by ``M``, then prompt vectors in lexicographic order.
    """
    return prompt_vectors(n, s_values, l, u, M=Ms)


def prove_liveness_config(config: Shape, policy: str, options: dict | None = None) -> list[LivenessResult]:
    """The liveness claims for one shape (the adversary picks the lengths).

    ``finishes`` for every policy, and ``sum-o-bound`` for one declaring ``may_pause`` (module docstring).

    Parameters
    ----------
    config : Shape
        The shape; ``l`` and ``u`` are read from its first job.
    policy : str
        An online policy.
    options : dict, optional
        Its options; the results record every option in effect.

    Returns
    -------
    list of LivenessResult
        ``finishes`` (bound: the liveness bound), and for a policy declaring ``may_pause`` ``sum-o-bound`` (bound: the largest
        ``max a + Σ o`` of the scope, ``max a + n·u``); a ``finishes`` counterexample carries a certified
        :class:`~models.witness.LivenessWitness` when a run past the round limit exists.

    Raises
    ------
    ModelViolation
        The state graph records a violation other than ``finishes`` (a broken engine rule).
    OptionError
        ``policy`` is a hindsight one (H-SF), or ``policy`` or ``options`` is not valid.
    Unproven
        The graph has more states than :func:`verify.explore.build_graph` allows.
    """
    spec = PolicySpec.parse(policy, options)
    options = dict(spec.options)
    r0 = config.requests[0]
    s_vec = tuple(r.s for r in config.requests)
    began = time.perf_counter()
    # The bound is judged on the longest path of the DAG, not by build_graph's per-state round check: states
    # of a time-invariant policy merge across rounds, and a state first reached early is not expanded again
    # when reached late, so that check can miss a run that passes the bound (vllm-v1, reprefill_rounds=2).
    sg = build_graph(config, policy, options, check_liveness=False)
    bound = liveness_bound(config)
    cycle = [v for v in sg.violations if v.claim == "finishes"]
    model = [v for v in sg.violations if v.claim != "finishes"]
    if model:
        raise ModelViolation(f"{policy} on M={config.M} s={s_vec}: {model[0].rule}")
    witness, outputs, detail = None, None, f"{sg.graph.number_of_nodes()} states"
    if cycle:
        detail = cycle[0].rule
        witness = _liveness_witness(config, policy, options)
        outputs = witness.instance.outputs if witness is not None else None
    elif sg.depth > bound:
        outputs = longest_path_outputs(sg.graph, config)
        detail = f"a run of {sg.depth} rounds > the liveness bound {bound} (it finishes)"
        witness = _liveness_witness(config, policy, options)
    finishes = LivenessResult("finishes", policy, options, config.M, s_vec, r0.l, r0.u, bound, sg.depth,
                              ClaimStatus.COUNTEREXAMPLE if cycle or sg.depth > bound else ClaimStatus.PROVED,
                              outputs, detail, witness, time.perf_counter() - began)
    if not spec.traits.may_pause:  # only a policy whose preemption keeps progress never redoes work
        return [finishes]
    began = time.perf_counter()
    engine = FastEngine.build(config, policy, None, **options)
    worst, first = 0, None
    for o in itertools.product(*(range(r.l, r.u + 1) for r in config.requests)):
        try:
            makespan = max(engine.run(o).completion)
        except RoundLimitExceeded:
            makespan = None
        limit = max(r.a for r in config.requests) + sum(o)
        if makespan is None or makespan > limit:
            first = first or (o, makespan, limit)
        elif makespan > worst:
            worst = makespan
    work = LivenessResult("sum-o-bound", policy, options, config.M, s_vec, r0.l, r0.u,
                          max(r.a for r in config.requests) + config.n * r0.u, worst,
                          ClaimStatus.COUNTEREXAMPLE if first else ClaimStatus.PROVED, first[0] if first else None,
                          (f"makespan {first[1] if first[1] is not None else 'beyond the round limit'} > max a + "
                           f"sum o = {first[2]}") if first else "makespan <= max a + sum o for every o",
                          seconds=time.perf_counter() - began)
    return [finishes, work]


def _liveness_witness(config: Shape, policy: str, options: dict) -> LivenessWitness | None:
    """A run past the round limit, if the exhaustive search of this configuration finds one (certified)."""
    found: list[LivenessWitness] = []
    run_search(Problem(config, policy, options, "opt", on_liveness=found.append), "exhaustive")
    return found[-1] if found else None


def prove_liveness(policy: str, options: dict | None, n: int, s_values: Sequence[int], l: int, u: int,  # noqa: E741
                   Ms: Sequence[int]) -> list[LivenessResult]:
    """:func:`prove_liveness_config` for every configuration of the scope (:func:`liveness_configurations`).

    Parameters
    ----------
    policy : str
        An online policy.
    options : dict or None
        Its options.
    n : int
        Jobs per configuration.
    s_values : sequence of int
        The prompt sizes each job may have.
    l : int
        Every job's lower end.
    u : int
        Every job's upper end.
    Ms : sequence of int
        Capacities.

    Returns
    -------
    list of LivenessResult
        FastEngine after configuration.

    Raises
    ------
    AssertionError
        A state graph records a broken engine rule.
    OptionError
        ``policy`` is a hindsight one (H-SF), or ``policy`` or ``options`` is not valid.
    RuntimeError
        A graph has more states than :func:`verify.explore.build_graph` allows.
    """
    results = []
    for config in liveness_configurations(n, s_values, l, u, Ms):
        results += prove_liveness_config(config, policy, options)
    return results


def claimed(policy: str, options: dict | None) -> bool:
    """Whether the toolkit claims liveness for this configuration (:func:`models.schedulers.guarantees_liveness`).

    Parameters
    ----------
    policy : str
        A policy name.
    options : dict or None
        Its options.

    Returns
    -------
    bool
        The ``liveness`` trait the policy's class declares for these options.

    Raises
    ------
    OptionError
        ``policy`` or ``options`` is not valid.
    """
    return guarantees_liveness(policy, options)


__all__ = ["LivenessResult", "claimed", "liveness_configurations", "prove_liveness", "prove_liveness_config"]
