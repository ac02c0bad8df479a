"""Certified ratios: every ratio that leaves the toolkit is recomputed here by the reference engine and an
exact benchmark (DESIGN.md, "Certified ratios"), and witnesses are replayed integer by integer."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from models.engine_reference import simulate
from models.instance import Instance
from models.schedulers import HSF, make_scheduler
from models.trace import Trace
from models.witness import BENCHMARKS, Witness


class UnprovenBenchmark(RuntimeError):
    """OPT could not be proven within the time allowed, so no ratio against it can be certified."""


def benchmark_tel(instance: Instance, benchmark: str, *, solver: str = "auto", timeout: float | None = None) -> int:
    """TEL of the benchmark: exact OPT (proven, else :class:`UnprovenBenchmark`) or H-SF (admission "stop")."""
    if benchmark == "hsf":
        return simulate(instance, HSF(instance.outputs)).tel
    if benchmark == "opt":
        from verify.opt import solve_opt

        result = solve_opt(instance, solver, timeout=timeout)
        if result.status != "optimal":
            raise UnprovenBenchmark(
                f"OPT not proven by {result.solver} within {timeout}s (bounds {result.lower_bound}..{result.upper_bound})"
            )
        return result.tel
    raise ValueError(f"benchmark: must be one of {', '.join(BENCHMARKS)}, got {benchmark!r}")


def memoised_benchmark_tel(memo: dict[tuple, int], config: Instance, outputs: tuple[int, ...], benchmark: str) -> int:
    """:func:`benchmark_tel` of ``config`` with ``outputs``, memoised in ``memo`` by the multiset of
    ``(s, o, a)``: OPT and H-SF's TEL do not depend on job indices. One memo may serve every search of the same
    ``M`` and benchmark."""
    key = tuple(sorted((r.s, o, r.a) for r, o in zip(config.requests, outputs, strict=True)))
    if key not in memo:
        memo[key] = benchmark_tel(config.with_outputs(outputs), benchmark)
    return memo[key]


@dataclass(frozen=True)
class Certified:
    trace: Trace
    witness: Witness

    @property
    def ratio(self) -> Fraction:
        return self.witness.ratio


def certify(instance: Instance, policy: str, options: dict[str, Any], benchmark: str = "opt", *,
            benchmark_value: int | None = None) -> Certified:
    """Run ``policy`` on the reference engine and compare with the exact benchmark. ``benchmark_value``: the
    benchmark's TEL when a caller already holds it from :func:`benchmark_tel` (a search's memo), which spares
    proving the same OPT twice; ALG is re-run on the reference engine either way."""
    scheduler = make_scheduler(policy, instance, **options)
    full = {**options, **scheduler.options}  # the options in effect, defaults included (recorded in the witness)
    trace = simulate(instance, scheduler)
    bench = benchmark_tel(instance, benchmark) if benchmark_value is None else benchmark_value
    return Certified(trace, Witness(instance, policy, full, trace.tel, benchmark, bench))


def replay(witness: Witness) -> list[str]:
    """Re-run a witness; return one line per stored integer that differs (empty list: it replays exactly)."""
    again = certify(witness.instance, witness.policy, witness.options, witness.benchmark).witness
    problems = []
    for key in ("tel", "benchmark_tel"):
        stored, now = getattr(witness, key), getattr(again, key)
        if stored != now:
            problems.append(f"{key}: stored {stored}, replay gives {now}")
    if witness.ratio != again.ratio:
        problems.append(f"ratio: stored {witness.ratio}, replay gives {again.ratio}")
    return problems
