"""The fast engine: MODEL.md's built-in policies compiled with numba, identical to the reference engine.

It implements H-SF, A_max, A_min (every option), fcfs-recompute and the serving policies vllm-v1 and sglang
(every option; MODEL.md, "Serving policies") on flat integer arrays and returns the same integers as
:func:`models.engine_reference.simulate` (completions, evictions, preemptions, TEL, peak memory, wasted and
recomputed tokens); differential property tests hold it to that. This module is the Python side: it validates
the policy, lays out the arrays and the integer parameters (with the named codes of :mod:`models.fast_kernel`,
which holds the compiled loops and says what makes them fast) and returns :class:`RunSummary` values. SGLang's
ratio ``r`` is kept exactly in integers, and a shape whose products could leave int64 is refused with
:class:`OverflowError` (use the reference engine) rather than computed inexactly.

Only the true-length outcome oracle is supported (the fast engine reads ``o_j`` to find completions); user
schedulers and adversarial oracles run on the reference engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from models import fast_kernel as kernel
from models.engine_reference import default_round_limit
from models.instance import Instance
from models.schedulers import POLICIES, SERVING_POLICIES, OptionError, PolicySpec
from models.schedulers.interface import RoundLimitExceeded
from models.schedulers.sglang import ratio_constants
from models.shape import Shape
from models.trace import RunOutcome

_KEY_LIMIT = 2**62


@dataclass(frozen=True)
class RunSummary(RunOutcome):
    """The integers every engine must agree on (no per-round records)."""

    policy: str
    arrivals: tuple[int, ...]
    completion: tuple[int, ...]
    evictions: int
    peak_memory: int
    wasted_tokens: int
    preemptions: int = 0
    recomputed_tokens: int = 0
    departures: tuple[int, ...] = ()


@dataclass(frozen=True)
class FastEngine:
    """The fast engine set up for one shape and one policy with its options, to run many output vectors.

    ``serving``: the serving policies' integer parameters (:func:`_serving_parameters`), empty otherwise.
    ``rank``: vllm-v1 with ``priority``: each job's rank in ascending ``(priority_j, a_j, j)`` (MODEL.md, "Serving
    policies"), computed for every engine and read only there; the kernel compares ranks, so priorities of
    any size stay exact."""

    policy: str
    options: dict
    M: int
    s: np.ndarray
    l: np.ndarray  # noqa: E741
    u: np.ndarray
    a: np.ndarray
    codes: tuple[int, int, int]
    round_limit: int
    serving: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    rank: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    @classmethod
    def build(cls, instance: Instance | Shape, policy: str | PolicySpec, round_limit: int | None = None, /,
              **options) -> FastEngine:
        """Set up the engine for ``policy`` on ``instance``'s shape, for many output vectors.

        Parameters
        ----------
        instance : Instance or Shape
            The shape (or an instance, whose lengths are not read) whose fields (``M``, ``s``, ``l``, ``u``,
            ``a``, priorities) the runs share.
        policy : str or PolicySpec
            A name (validated here with ``options``) or a :class:`PolicySpec` (validated already).
        round_limit : int, optional
            Default :func:`~models.engine_reference.default_round_limit`.
        **options
            The policy's named options.

        Returns
        -------
        FastEngine

        Raises
        ------
        OptionError
            An unknown policy or option, or a policy the fast engine does not implement (a user's scheduler).
        OverflowError
            The instance is too large for the kernel's integer priority keys (or, for sglang, its exact ratio
            arithmetic).
        """
        spec = PolicySpec.parse(policy, options)
        if not spec.traits.fast_engine:
            raise OptionError(f"policy: the fast engine implements the built-in policies only "
                              f"({', '.join(POLICIES)}), got {spec.name!r}")
        policy, full = spec.name, spec.options
        codes = (
            kernel.POLICY_CODES[policy],
            kernel.ADMISSION_CODES[full.get("admission", "stop")],
            kernel.EVICTION_CODES[full.get("eviction", "least-progress")],
        )
        reqs = instance.requests
        n = instance.n
        max_a = max(r.a for r in reqs)
        max_e = max(r.u for r in reqs) + 1
        if (max_e + 1) * (max_a + 1) * n >= _KEY_LIMIT:
            raise OverflowError("instance too large for the fast engine's integer priority keys")
        arr = lambda xs: np.asarray(xs, dtype=np.int64)  # noqa: E731
        serving = _serving_parameters(instance, policy, full) if policy in SERVING_POLICIES else arr([])
        rank = np.zeros(n, np.int64)
        for position, j in enumerate(sorted(range(n), key=lambda j: (reqs[j].priority, reqs[j].a, j))):
            rank[j] = position
        return cls(
            policy, full, instance.M,
            arr([r.s for r in reqs]), arr([r.l for r in reqs]), arr([r.u for r in reqs]), arr([r.a for r in reqs]),
            codes, default_round_limit(instance) if round_limit is None else round_limit, serving, rank,
        )

    def run(self, outputs) -> RunSummary:
        """Run once, with the true output lengths ``outputs`` deciding completions.

        Parameters
        ----------
        outputs : sequence of int
            One true output length ``o_j`` per job.

        Returns
        -------
        RunSummary
            The run's integers (completions, evictions, peak memory, wasted, preemptions, recomputed tokens,
            departures).

        Raises
        ------
        RoundLimitExceeded
            Jobs remain after the round limit.
        """
        o = np.asarray(outputs, dtype=np.int64)
        if self.policy in SERVING_POLICIES:
            completion, preemptions, peak, recomputed, status, dep = kernel.simulate_serving(
                self.codes[0], self.M, self.s, o, self.u, self.a, self.round_limit, self.serving, self.rank)
            evictions = wasted = 0
        else:
            completion, evictions, peak, wasted, recomputed, status, dep = kernel.simulate_mcsf(
                self.codes[0], self.codes[1], self.codes[2], self.M, self.s, o, self.l, self.u, self.a,
                self.round_limit
            )
            preemptions = 0
        if status != 0:
            raise RoundLimitExceeded(self.round_limit, int(status))
        return RunSummary(self.policy, tuple(int(x) for x in self.a), tuple(int(c) for c in completion),
                          int(evictions), int(peak), int(wasted), int(preemptions), int(recomputed),
                          tuple(int(d) for d in dep))

    def tel_many(self, outputs: np.ndarray) -> np.ndarray:
        """TEL for every row of ``outputs`` (shape ``(m, n)``), in one compiled loop.

        Parameters
        ----------
        outputs : numpy.ndarray
            One true-length vector per row.

        Returns
        -------
        numpy.ndarray
            int64, shape ``(m,)``: the TEL of each row's run.

        Raises
        ------
        RoundLimitExceeded
            A run leaves jobs after the round limit (see :meth:`objectives_many`).
        """
        return self.objectives_many(outputs)[:, 0].copy()

    def objectives_many(self, outputs: np.ndarray) -> np.ndarray:
        """Three objectives for every row of ``outputs`` (shape ``(m, n)``), in one compiled loop.

        Parameters
        ----------
        outputs : numpy.ndarray
            One true-length vector per row.

        Returns
        -------
        numpy.ndarray
            int64, shape ``(m, 3)``: per row ``[TEL, the most departures from memory of any one job, recomputed
            tokens]`` (see :attr:`RunSummary.departures`).

        Raises
        ------
        RoundLimitExceeded
            At the first run that leaves jobs after the round limit.
        """
        o = np.ascontiguousarray(outputs, dtype=np.int64)
        rows, status = kernel.objectives_many(self.codes[0], self.codes[1], self.codes[2], self.M, self.s, o, self.l,
                                              self.u, self.a, self.round_limit, self.serving, self.rank)
        if status != 0:
            raise RoundLimitExceeded(self.round_limit, int(status))
        return rows


def _serving_parameters(instance: Instance, policy: str, options: dict) -> np.ndarray:
    """The serving kernel's integer parameters, from the scheduler's validated full options.

    Laid out by the indices of :mod:`models.fast_kernel`. vllm-v1: ``max_num_seqs``, ``⌊watermark·M⌋``,
    ``reprefill_rounds``, ``priority`` (0 or 1). sglang: ``lof`` (0 or 1), ``max_running_requests``, ``D``,
    ``reprefill_rounds`` and the reduced fractions ``r₀``, ``r_min``, ``δ`` (numerator and denominator each).
    Unbounded counts become ``n + 1``.

    Parameters
    ----------
    instance : Instance
        The instance (or shape) the engine runs on.
    policy : str
        ``"vllm-v1"`` or ``"sglang"``.
    options : dict
        The policy's options in effect (validated by :class:`~models.schedulers.PolicySpec`).

    Returns
    -------
    numpy.ndarray
        int64, :data:`~models.fast_kernel.VLLM_PARAMETERS` or :data:`~models.fast_kernel.SGLANG_PARAMETERS` long.

    Raises
    ------
    OverflowError
        SGLang's exact ratio arithmetic could leave int64 on this instance.
    """
    n, M = instance.n, instance.M
    if policy == "vllm-v1":
        par = np.zeros(kernel.VLLM_PARAMETERS, dtype=np.int64)
        cap = options["max_num_seqs"]
        par[kernel.VLLM_MAX_NUM_SEQS] = n + 1 if cap is None else min(cap, n + 1)
        par[kernel.VLLM_WATERMARK_TOKENS] = (Fraction(options["watermark"]) * M).__floor__()
        par[kernel.VLLM_REPREFILL_ROUNDS] = options["reprefill_rounds"]
        par[kernel.VLLM_PRIORITY] = 1 if options["priority"] else 0
        return par
    r0, r_min, delta = ratio_constants(Fraction(options["schedule_conservativeness"]))
    cap = options["max_running_requests"]
    sum_u = sum(r.u for r in instance.requests)
    y_max = max(sum_u, r0.denominator, r_min.denominator)
    # the kernel's largest products: (M + Σu)·Y·qd (admission) and Y·qm·(qd + pd) (the floor test), Y <= y_max
    if 4 * y_max * delta.denominator * max(M + sum_u, r_min.denominator) >= 2**62:
        raise OverflowError("fast engine: sglang's exact ratio arithmetic would exceed int64 on this instance "
                            "(use engine='reference')")
    par = np.zeros(kernel.SGLANG_PARAMETERS, dtype=np.int64)
    par[kernel.SGLANG_LOF] = 1 if options["policy"] == "lof" else 0
    par[kernel.SGLANG_MAX_RUNNING] = n + 1 if cap is None else min(cap, n + 1)
    par[kernel.SGLANG_RETRACT_DECODE_STEPS] = options["retract_decode_steps"]
    par[kernel.SGLANG_REPREFILL_ROUNDS] = options["reprefill_rounds"]
    par[kernel.SGLANG_R0_NUM], par[kernel.SGLANG_R0_DEN] = r0.numerator, r0.denominator
    par[kernel.SGLANG_RMIN_NUM], par[kernel.SGLANG_RMIN_DEN] = r_min.numerator, r_min.denominator
    par[kernel.SGLANG_DELTA_NUM], par[kernel.SGLANG_DELTA_DEN] = delta.numerator, delta.denominator
    return par


def simulate_fast(instance: Instance, policy: str | PolicySpec, /, *, round_limit: int | None = None,
                  **options) -> RunSummary:
    """Run a built-in policy on ``instance`` with the fast engine.

    It follows MODEL.md's rules and returns the reference engine's integers.

    Parameters
    ----------
    instance : Instance
        The instance; its true lengths decide completions.
    policy : str or PolicySpec
        A built-in policy name (validated here with ``options``) or a parsed spec.
    round_limit : int, optional
        Default :func:`~models.engine_reference.default_round_limit`.
    **options
        The policy's named options.

    Returns
    -------
    RunSummary

    Raises
    ------
    OptionError
        An unknown policy or option, or a user's scheduler.
    RoundLimitExceeded
        Jobs remain after the round limit.
    OverflowError
        The instance is too large for the kernel's int64 arithmetic.
    """
    return FastEngine.build(instance, policy, round_limit, **options).run(instance.outputs)
