"""Certified ratios: every ratio that leaves the toolkit is recomputed here by the reference engine and an
exact benchmark (:mod:`verify.opt.benchmark`), and witnesses are replayed integer by integer."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from models.engine_reference import simulate
from models.instance import Instance
from models.schedulers import make_scheduler
from models.trace import Trace
from models.witness import Witness
from verify.opt.benchmark import UnprovenBenchmark, benchmark_tel


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
    trace = simulate(instance, make_scheduler(policy, instance, **options))
    bench = benchmark_tel(instance, benchmark) if benchmark_value is None else benchmark_value
    return Certified(trace, Witness(instance, policy, dict(options), trace.tel, benchmark, bench))


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


__all__ = ["Certified", "UnprovenBenchmark", "benchmark_tel", "certify", "replay"]
