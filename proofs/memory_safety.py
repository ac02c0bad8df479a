"""Bounded Z3 proofs of memory safety and liveness, for every output vector of a configuration.

For one interval ``[l, u]`` shared by ``n`` jobs with prompt ``s``, all arriving at 0, and capacity ``M``, the
scheduler's execution is unrolled symbolically (:mod:`verify.symbolic.scheduler_z3`, the same encoding the
search uses and checks against the reference engine) and Z3 is asked for an ``o ∈ [l, u]^n`` that breaks a
claim:

- ``finishes``: every job completes within the unrolled horizon (MODEL.md's liveness bound
  ``max a + n·max u`` for A_min with default eviction and fcfs-recompute; ``max a + Σ u`` for A_max, H-SF);
- ``memory``: every executed batch uses at most ``M`` tokens, in every round of that horizon;
- ``no-eviction`` (A_max, H-SF): no running job is ever evicted.

``unsat`` is ``proved`` — for exactly that configuration and horizon; ``sat`` is a ``counterexample`` whose
output vector is replayed on the reference engine; a timeout is ``unknown``, never ``proved``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import z3

from models.engine_reference import simulate
from models.grid import Grid
from models.instance import Instance
from models.shape import Shape
from models.schedulers import PolicySpec, make_scheduler
from models.status import ClaimStatus
from verify.symbolic.scheduler_z3 import encode, make_solver
from verify.z3check import check_interruptible


@dataclass(frozen=True)
class ProofResult:
    """One claim for one configuration: its status, the horizon it holds for, and a counterexample if any."""

    claim: str
    policy: str
    options: dict
    n: int
    M: int
    s: int
    l: int  # noqa: E741
    u: int
    horizon: int
    status: ClaimStatus
    counterexample: tuple[int, ...] | None
    seconds: float
    detail: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", ClaimStatus(self.status))

    def to_dict(self) -> dict:
        """The result as a JSON-ready dict.

        Returns
        -------
        dict
            Every field; tuples as lists, ``status`` as its string.
        """
        return {k: (list(v) if isinstance(v, tuple) else str(v) if k == "status" else v)
                for k, v in self.__dict__.items()}


def _claims(policy: str, options: dict | None = None) -> list[str]:
    """The claims proved for a policy: ``no-eviction`` where it declares ``never_evicts``."""
    return ["finishes", "memory"] + (["no-eviction"] if PolicySpec.parse(policy, options).traits.never_evicts else [])


def prove_config(config: Shape, policy: str, options: dict | None = None, *,
                 timeout: float | None = 60.0) -> list[ProofResult]:
    """Every claim for one shape, by Z3 over every output vector (the lengths ``o_j`` are symbolic).

    Parameters
    ----------
    config : Shape
        The shape; ``s``, ``l``, ``u`` are read from its first job.
    policy : str
        A policy with a Z3 encoding.
    options : dict, optional
        Its options; the results record every option in effect.
    timeout : float, optional
        Seconds per claim (``None``: no limit).

    Returns
    -------
    list of ProofResult
        ``finishes``, ``memory`` and, where the policy declares ``never_evicts``, ``no-eviction``: each
        ``proved`` (unsat), ``counterexample`` (sat; replayed on the reference engine, in ``detail``) or
        ``unknown``.

    Raises
    ------
    OptionError
        ``policy`` or ``options`` is not valid.
    UnsupportedForZ3
        The policy or an option has no Z3 encoding.
    KeyboardInterrupt
        A check was interrupted.
    """
    spec = PolicySpec.parse(policy, options)
    options = spec.options
    run = encode(config, spec)
    r0 = config.requests[0]
    results = []
    for claim in _claims(spec):
        if claim == "finishes":
            violation = z3.Not(run.finished)
        elif claim == "memory":
            violation = z3.Or([m > config.M for m in run.memory])
        else:
            violation = z3.Or([e for row in run.evicted for e in row])
        solver = make_solver()
        if timeout is not None:
            solver.set("timeout", int(timeout * 1000))
        solver.add(run.constraints + [violation])
        began = time.perf_counter()
        verdict = check_interruptible(solver)
        seconds = time.perf_counter() - began
        witness, detail = None, ""
        if verdict == z3.sat:
            witness = run.outputs_from(solver.model())
            detail = _replay(config.with_outputs(witness), policy, options, run.horizon)
        status = "proved" if verdict == z3.unsat else "counterexample" if verdict == z3.sat else "unknown"
        results.append(ProofResult(claim, policy, options, config.n, config.M, r0.s, r0.l, r0.u, run.horizon,
                                   status, witness, seconds, detail))
    return results


def _replay(inst: Instance, policy: str, options: dict, horizon: int) -> str:
    """What the reference engine does on a counterexample (it must fail the same way)."""
    try:
        trace = simulate(inst, make_scheduler(policy, inst, **options), round_limit=horizon)
    except Exception as exc:  # the engine's own check caught it: that is the confirmation
        return f"reference engine: {type(exc).__name__}: {exc}"
    return f"reference engine: finished, peak memory {trace.peak_memory}, evictions {trace.evictions}"


def prove_memory_safety(policy: str, options: dict | None, n: int, Ms, s_values, l: int, u: int,  # noqa: E741
                        *, timeout: float | None = 60.0) -> list[ProofResult]:
    """Every claim for every ``M`` in ``Ms`` and ``s`` in ``s_values`` (skipping ``s + u > M``).

    Each configuration has ``n`` jobs with prompt ``s``, interval ``[l, u]`` and arrival 0.

    Parameters
    ----------
    policy : str
        A policy with a Z3 encoding.
    options : dict or None
        Its options.
    n : int
        Jobs per configuration.
    Ms : iterable of int
        Capacities.
    s_values : iterable of int
        Prompt sizes.
    l : int
        Every job's lower end.
    u : int
        Every job's upper end.
    timeout : float, optional
        Seconds per claim (``None``: no limit).

    Returns
    -------
    list of ProofResult
        :func:`prove_config`'s results, configuration after configuration (``s`` outer, ``M`` inner).

    Raises
    ------
    OptionError
        ``policy`` or ``options`` is not valid.
    UnsupportedForZ3
        The policy or an option has no Z3 encoding.
    InvalidInput
        A value is not an integer in its range (``n, u, l, M >= 1``, ``s >= 0``: :meth:`models.grid.Grid.product`).
    KeyboardInterrupt
        A check was interrupted.
    """
    results = []
    for shape in Grid.product(n=[n], s=s_values, u=[u], l=[l], M=Ms).shapes():
        results += prove_config(shape, policy, options, timeout=timeout)
    return results
