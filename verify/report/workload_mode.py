"""Workload mode: mean TEL ratios to H-SF at n in the hundreds to thousands, for interval widths α.

The paper's experiments use LMSYS-Chat-1M, which cannot be fetched here. The default source is real lengths:
ShareGPT V3 (prompt, output) token counts shipped as package data (:mod:`verify.data.sharegpt`), filtered as
vLLM's serving benchmark does, each request with its own prompt size; the synthetic lognormal of
:mod:`verify.workload` (mean 200, σ = 1, clipped to [1, 1024], s = 64) stays an option — an assumption, not a
fit. Intervals of ratio α lie around the true length; the fast engine runs every policy. Ratios are exact per
run; means are exact fractions.

- :func:`run_workload`: the report's section (arrivals 0, M = 16,384, A_min, A_max, fcfs-recompute);
- :func:`run_serving_workload`: ``kvsched workload``, every policy including the serving ones, arrivals at 0
  or Poisson, several capacities (loads), with preemptions and recomputed tokens per request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from models.errors import InvalidInput
from models.engine_fast import FastEngine, simulate_fast
from models.instance import InstanceError
from models.run import fast_engine_problem
from models.schedulers import POLICIES, OptionError
from verify.workload import ARRIVALS, LENGTH_FILTERS, SOURCES, paper_like_instance, workload_instance

WORKLOAD_POLICIES = ("amin", "amax", "fcfs-recompute")


@dataclass(frozen=True)
class WorkloadRow:
    """One (α, policy) row of the report's workload section.

    Parameters
    ----------
    alpha : Fraction
        The interval ratio.
    policy : str
        The policy.
    mean_ratio : Fraction
        Mean over the seeds of TEL(policy) / TEL(H-SF).
    runs : int
        Seeds run.
    """
    alpha: Fraction
    policy: str
    mean_ratio: Fraction
    runs: int


REPORT_M = 16_384


def run_workload(n: int, alphas, seeds: int, source: str = "sharegpt") -> list[WorkloadRow]:
    """The report's workload section: every policy of :data:`WORKLOAD_POLICIES` against H-SF, per α.

    ``source`` lengths (``lognormal``: the paper-like instance), all arrivals 0, M = 16,384, seeds
    ``0 .. seeds − 1``, on the fast engine.

    Parameters
    ----------
    n : int
        Requests per instance.
    alphas : iterable of Fraction
        Interval ratios.
    seeds : int
        Instances per α.
    source : str
        ``sharegpt`` or ``lognormal``.

    Returns
    -------
    list of WorkloadRow
        One row per α and policy.

    Raises
    ------
    InvalidInput
        ``source`` is unknown, an α is not in ``(0, 1]``, ``n`` is out of range, or some ``s_j + u_j > M``.
    """
    rows = []
    for a in alphas:
        ratios: dict[str, list[Fraction]] = {p: [] for p in WORKLOAD_POLICIES}
        for seed in range(seeds):
            inst = (paper_like_instance(n, alpha=a, seed=seed) if source == "lognormal" else
                    workload_instance(source, n, alpha=a, M=REPORT_M, seed=seed))
            hsf = simulate_fast(inst, "hsf").tel
            for p in WORKLOAD_POLICIES:
                ratios[p].append(Fraction(simulate_fast(inst, p).tel, hsf))
        rows += [WorkloadRow(a, p, sum(r) / len(r), len(r)) for p, r in ratios.items()]
    return rows


# ---------------------------------------------------------------------------------------------------------
# Serving workload mode: real (ShareGPT) or lognormal lengths, arrivals, every policy against H-SF
# ---------------------------------------------------------------------------------------------------------

SERVING_WORKLOAD_POLICIES = ("amin", "amax", "fcfs-recompute", "vllm-v1", "sglang")
"""The policies of the serving workload mode; H-SF (``hsf``) is the benchmark of every row."""


class WorkloadError(InvalidInput):
    """A workload configuration that cannot run (a bad value, or an instance too large for the fast engine);
    the message names the field."""


@dataclass(frozen=True)
class WorkloadSpec:
    """What :func:`run_serving_workload` runs: every (arrivals, α, M, policy) over ``seeds`` seeds.

    ``Ms`` are the loads: the same requests (and arrivals) on a smaller KV capacity are a higher load.

    Parameters
    ----------
    source : str
        ``sharegpt`` or ``lognormal``.
    n : int
        Requests per instance.
    seeds : int
        Instances per cell.
    alphas : tuple of Fraction
        Interval ratios.
    arrivals : tuple of str
        ``zero`` and/or ``poisson``.
    Ms : tuple of int
        KV capacities.
    rate : Fraction
        Poisson arrivals per round.
    policies : tuple of str
        The policies compared with H-SF.
    options : dict
        Policy to its options (``make_scheduler``'s names); ``hsf`` for the benchmark's.
    length_filter : str
        ``sharegpt``: the filter of :func:`verify.workload.sharegpt_pool`.
    s : int
        ``lognormal``: every request's prompt size.
    base_seed : int
        The first seed.
    """

    source: str = "sharegpt"
    n: int = 1000
    seeds: int = 3
    alphas: tuple[Fraction, ...] = (Fraction(1), Fraction(1, 2), Fraction(1, 4), Fraction(1, 8))
    arrivals: tuple[str, ...] = ("zero", "poisson")
    Ms: tuple[int, ...] = (16_384, 32_768)
    rate: Fraction = Fraction(1, 7)
    policies: tuple[str, ...] = SERVING_WORKLOAD_POLICIES
    options: dict = field(default_factory=dict)
    length_filter: str = "vllm"
    s: int = 64
    base_seed: int = 0


@dataclass(frozen=True)
class ServingWorkloadRow:
    """One (source, arrivals, α, M, policy) cell over ``runs`` seeds; every figure an exact fraction.

    Parameters
    ----------
    source : str
        The length source.
    arrivals : str
        ``zero`` or ``poisson``.
    alpha : Fraction
        The interval ratio.
    M : int
        The capacity.
    policy : str
        The policy.
    mean_ratio : Fraction
        Mean over seeds of TEL(policy) / TEL(H-SF).
    preemptions_per_request : Fraction
        (The paper's evictions + the serving policies' progress-keeping preemptions) / requests, over all runs.
    recomputed_per_request : Fraction
        ``Σ (s_j + k_j)`` over those events / requests (the fast engine's ``recomputed_tokens``).
    wasted_per_request : Fraction
        Generated tokens lost by evictions / requests (0 for the serving policies, which keep progress).
    offered_load : Fraction or None
        Mean over seeds of ``rate · Σ_j area_j / (n · M)`` with ``area_j = s_j o_j + o_j (o_j + 1) / 2`` (the
        KV token-rounds of job j run alone); ``None`` for arrivals at 0.
    runs : int
        Seeds run.
    n : int
        Requests per instance.
    """

    source: str
    arrivals: str
    alpha: Fraction
    M: int
    policy: str
    mean_ratio: Fraction
    preemptions_per_request: Fraction
    recomputed_per_request: Fraction
    wasted_per_request: Fraction
    offered_load: Fraction | None
    runs: int
    n: int


def _check_spec(spec: WorkloadSpec) -> None:
    if spec.source not in SOURCES:
        raise WorkloadError(f"source: must be one of {', '.join(SOURCES)}, got {spec.source!r}")
    if spec.length_filter not in LENGTH_FILTERS:
        raise WorkloadError(f"length_filter: must be one of {', '.join(LENGTH_FILTERS)}, got {spec.length_filter!r}")
    for a in spec.arrivals:
        if a not in ARRIVALS:
            raise WorkloadError(f"arrivals: must be among {', '.join(ARRIVALS)}, got {a!r}")
    for p in spec.policies:
        if p not in POLICIES or p == "hsf":
            raise WorkloadError(f"policies: {p!r} is not a policy to compare with H-SF "
                                f"(choose from {', '.join(x for x in POLICIES if x != 'hsf')})")
    for a in spec.alphas:
        if not 0 < a <= 1:
            raise WorkloadError(f"alphas: each must be in (0, 1], got {a}")
    if spec.n < 1 or spec.seeds < 1:
        raise WorkloadError(f"{'n' if spec.n < 1 else 'seeds'}: must be >= 1")
    if not spec.rate > 0:
        raise WorkloadError(f"rate: must be > 0, got {spec.rate}")
    if not spec.Ms or any(M < 1 for M in spec.Ms):
        raise WorkloadError(f"M: each capacity must be an integer >= 1, got {list(spec.Ms)}")


def workload_instances(spec: WorkloadSpec, arrivals: str, alpha: Fraction, M: int):
    """The ``spec.seeds`` instances of one cell (seeds ``base_seed, base_seed + 1, …``).

    Parameters
    ----------
    spec : WorkloadSpec
        The workload.
    arrivals : str
        ``zero`` or ``poisson``.
    alpha : Fraction
        The interval ratio.
    M : int
        The capacity.

    Returns
    -------
    list of Instance
        One per seed.

    Raises
    ------
    WorkloadError
        ``M`` is too small for some request (``s_j + u_j > M``), or a value of ``spec`` is out of range.
    """
    out = []
    for seed in range(spec.base_seed, spec.base_seed + spec.seeds):
        try:
            out.append(workload_instance(spec.source, spec.n, alpha=alpha, M=M, seed=seed, arrivals=arrivals,
                                         rate=spec.rate, length_filter=spec.length_filter, s=spec.s))
        except InstanceError as exc:
            raise WorkloadError(f"M: {M} is too small for this workload (seed {seed}, alpha {alpha}): {exc}") from None
        except ValueError as exc:
            raise WorkloadError(str(exc)) from None
    return out


def run_serving_workload(spec: WorkloadSpec, progress=None) -> list[ServingWorkloadRow]:
    """Every cell of ``spec`` on the fast engine (which takes one ``s_j`` per request), H-SF the benchmark.

    Configurations are all built first, so a bad option or an instance the fast engine cannot hold exactly
    (sglang's exact ratio arithmetic at large ``n``) is refused before any run.

    Parameters
    ----------
    spec : WorkloadSpec
        The workload.
    progress : callable or None
        Called with one line of text per cell.

    Returns
    -------
    list of ServingWorkloadRow
        One per arrivals, α, M and policy, in that nesting order.

    Raises
    ------
    WorkloadError
        A field of ``spec`` is out of range or unknown, a policy's options are not valid, ``M`` is too small, or
        an instance is too large for the fast engine.
    """
    _check_spec(spec)
    cells = []
    for arrivals in spec.arrivals:
        for alpha in spec.alphas:
            for M in spec.Ms:
                insts = workload_instances(spec, arrivals, alpha, M)
                configs = []
                for inst in insts:
                    problem = fast_engine_problem(inst)
                    if problem:
                        raise WorkloadError(problem)
                    per = {}
                    for p in ("hsf", *spec.policies):
                        try:
                            per[p] = FastEngine.build(inst, p, None, **spec.options.get(p, {}))
                        except OverflowError as exc:
                            raise WorkloadError(f"n: {spec.n} is too large for {p} on the fast engine ({exc}); the "
                                                "workload mode runs the fast engine only: use a smaller n") from None
                        except OptionError as exc:
                            raise WorkloadError(str(exc)) from None
                    configs.append(per)
                cells.append((arrivals, alpha, M, insts, configs))
    rows = []
    for arrivals, alpha, M, insts, configs in cells:
        if progress:
            progress(f"{spec.source} arrivals={arrivals} alpha={alpha} M={M}: {len(insts)} seed(s) x n={spec.n}")
        ratios = {p: [] for p in spec.policies}
        events = {p: 0 for p in spec.policies}
        recomputed = {p: 0 for p in spec.policies}
        wasted = {p: 0 for p in spec.policies}
        loads = []
        for inst, per in zip(insts, configs, strict=True):
            hsf = per["hsf"].run(inst.outputs).tel
            if arrivals == "poisson":
                area = sum(r.s * r.o + r.o * (r.o + 1) // 2 for r in inst.requests)
                loads.append(spec.rate * Fraction(area, inst.n * M))
            for p in spec.policies:
                summary = per[p].run(inst.outputs)
                ratios[p].append(Fraction(summary.tel, hsf))
                events[p] += summary.evictions + summary.preemptions
                recomputed[p] += summary.recomputed_tokens
                wasted[p] += summary.wasted_tokens
        requests = spec.n * len(insts)
        load = sum(loads) / len(loads) if loads else None
        rows += [ServingWorkloadRow(spec.source, arrivals, alpha, M, p, sum(ratios[p]) / len(ratios[p]),
                                    Fraction(events[p], requests), Fraction(recomputed[p], requests),
                                    Fraction(wasted[p], requests), load, len(insts), spec.n)
                 for p in spec.policies]
    return rows


def serving_rows_markdown(rows: list[ServingWorkloadRow]) -> list[str]:
    """The rows as a Markdown table (decimals; the exact fractions are in the JSON output).

    Parameters
    ----------
    rows : list of ServingWorkloadRow
        The rows.

    Returns
    -------
    list of str
        The table's lines, header first.
    """
    L = ["| source | arrivals | alpha | M | load | policy | mean TEL/TEL(H-SF) | preemptions/req | recomputed/req |",
         "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        load = "-" if r.offered_load is None else f"{float(r.offered_load):.2f}"
        L.append(f"| {r.source} | {r.arrivals} | {r.alpha} | {r.M} | {load} | {r.policy} | {float(r.mean_ratio):.4f} "
                 f"| {float(r.preemptions_per_request):.3f} | {float(r.recomputed_per_request):.1f} |")
    return L


def serving_row_dict(r: ServingWorkloadRow) -> dict:
    """One row for JSON: exact fractions as ``"p/q"`` strings, with a decimal beside each.

    Parameters
    ----------
    r : ServingWorkloadRow
        The row.

    Returns
    -------
    dict
        The row's fields; each fraction as text (an integer as ``"p"``) and as ``<name>_decimal`` (6 places).
    """
    def frac(x: Fraction | None):
        return None if x is None else f"{x.numerator}/{x.denominator}" if x.denominator != 1 else str(x.numerator)

    out = {"source": r.source, "arrivals": r.arrivals, "alpha": frac(r.alpha), "M": r.M, "policy": r.policy,
           "runs": r.runs, "n": r.n}
    for name in ("mean_ratio", "preemptions_per_request", "recomputed_per_request", "wasted_per_request",
                 "offered_load"):
        value = getattr(r, name)
        out[name] = frac(value)
        out[name + "_decimal"] = None if value is None else round(float(value), 6)
    return out
