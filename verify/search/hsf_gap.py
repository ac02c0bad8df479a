"""The H-SF gap: search small instances for the largest TEL(H-SF) / TEL(OPT).

H-SF is the paper's benchmark but not always optimal in this model. This search draws instances from the given
ranges (reproducibly from ``seed``), computes H-SF on the reference engine and OPT exactly, and writes every
instance that improves the best gap as a witness (policy ``hsf``, benchmark ``opt``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from models.instance import Instance, Request
from models.witness import Witness, save_witness
from verify.certify import certify
from verify.ranges import IntRange


@dataclass(frozen=True)
class GapConfig:
    n: IntRange
    s: IntRange
    l: IntRange  # noqa: E741
    u: IntRange
    M_slack: IntRange  # M = max(s + u) + slack
    uniform: bool = True  # one s and one [l, u] for all requests, arrivals 0 (the paper's setting)
    samples: int = 2000
    seed: int = 0


@dataclass
class GapResult:
    tried: int = 0
    gaps: int = 0  # instances with TEL(H-SF) > TEL(OPT)
    worst: Witness | None = None
    smallest: Witness | None = None
    written: list[Path] = field(default_factory=list)  # every write, in order (files are overwritten atomically)

    @property
    def worst_ratio(self) -> Fraction:
        return self.worst.ratio if self.worst else Fraction(1)


def draw_instance(rng: random.Random, cfg: GapConfig) -> Instance:
    n = rng.randint(cfg.n.lo, cfg.n.hi)
    u = rng.randint(max(cfg.u.lo, 1), cfg.u.hi)
    l = rng.randint(max(cfg.l.lo, 1), min(cfg.l.hi, u))  # noqa: E741
    s = rng.randint(cfg.s.lo, cfg.s.hi)
    if cfg.uniform:
        reqs = [Request(s, rng.randint(l, u), l, u, 0) for _ in range(n)]
    else:
        reqs = []
        for _ in range(n):
            uj = rng.randint(max(cfg.u.lo, 1), cfg.u.hi)
            lj = rng.randint(max(cfg.l.lo, 1), min(cfg.l.hi, uj))
            reqs.append(Request(rng.randint(cfg.s.lo, cfg.s.hi), rng.randint(lj, uj), lj, uj, 0))
    M = max(r.s + r.u for r in reqs) + rng.randint(cfg.M_slack.lo, cfg.M_slack.hi)
    return Instance(M, tuple(reqs))


def _size(w: Witness) -> tuple[int, int, int]:
    return (w.instance.n, w.instance.M, sum(r.o for r in w.instance.requests))


def search_hsf_gap(cfg: GapConfig, out: Path | None = None, *, budget: float | None = None,
                   progress: Callable[[GapResult], None] | None = None) -> GapResult:
    """Draw ``cfg.samples`` instances (or until ``budget`` seconds); keep the worst and the smallest gap."""
    rng = random.Random(cfg.seed)
    result = GapResult()
    began = time.perf_counter()
    for _ in range(cfg.samples):
        if budget is not None and time.perf_counter() - began > budget:
            break
        inst = draw_instance(rng, cfg)
        result.tried += 1
        w = certify(inst, "hsf", {"admission": "stop"}, "opt").witness
        if w.ratio <= 1:
            continue
        result.gaps += 1
        if result.worst is None or w.ratio > result.worst.ratio:
            result.worst = w
            if out is not None:
                result.written.append(save_witness(w, out / "hsf_gap_worst.json"))
        if result.smallest is None or _size(w) < _size(result.smallest):
            result.smallest = w
            if out is not None:
                result.written.append(save_witness(w, out / "hsf_gap_smallest.json"))
        if progress:
            progress(result)
    return result
