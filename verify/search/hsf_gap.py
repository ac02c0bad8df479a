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
    """The ranges the H-SF gap search draws instances from.

    Parameters
    ----------
    n : IntRange
        Number of requests.
    s : IntRange
        Prompt sizes.
    l : IntRange
        Lower ends of the predicted intervals (at least 1, at most the drawn ``u``).
    u : IntRange
        Upper ends of the predicted intervals (at least 1).
    M_slack : IntRange
        ``M = max_j (s_j + u_j) + slack``.
    uniform : bool
        One ``s`` and one ``[l, u]`` for all requests (the paper's setting); per request otherwise. Arrivals
        are 0 either way.
    samples : int
        Instances to draw.
    seed : int
        Seed of the draw.
    """
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
    """What an H-SF gap search found.

    Parameters
    ----------
    tried : int
        Instances drawn.
    gaps : int
        Instances with ``TEL(H-SF) > TEL(OPT)``.
    worst : Witness or None
        The instance with the largest ``TEL(H-SF) / TEL(OPT)``.
    smallest : Witness or None
        The smallest gap instance (fewest requests, then least ``M``, then least ``Σ o_j``).
    written : list of Path
        Every witness file written, in order (files are overwritten atomically).
    """
    tried: int = 0
    gaps: int = 0  # instances with TEL(H-SF) > TEL(OPT)
    worst: Witness | None = None
    smallest: Witness | None = None
    written: list[Path] = field(default_factory=list)  # every write, in order (files are overwritten atomically)

    @property
    def worst_ratio(self) -> Fraction:
        """The largest ``TEL(H-SF) / TEL(OPT)`` found (1 when no gap was found)."""
        return self.worst.ratio if self.worst else Fraction(1)


def draw_instance(rng: random.Random, cfg: GapConfig) -> Instance:
    """Draw one instance from the ranges of ``cfg``, arrivals 0.

    With ``cfg.uniform`` every request shares one ``s`` and one ``[l, u]`` and draws its own ``o`` in it;
    otherwise each request draws its own ``s``, ``[l, u]`` and ``o``. ``M`` is the largest ``s_j + u_j`` plus a
    slack drawn from ``cfg.M_slack``, so every request fits on its own.

    Parameters
    ----------
    rng : random.Random
        The source of randomness.
    cfg : GapConfig
        The ranges.

    Returns
    -------
    Instance
        A valid instance.

    Raises
    ------
    ValueError
        The ranges leave nothing to draw (an empty range, or ``l.lo`` above the drawn ``u``).
    """
    n = rng.randint(cfg.n.lo, cfg.n.hi)
    u = rng.randint(max(cfg.u.lo, cfg.l.lo, 1), cfg.u.hi)  # only a u that admits some l of the range
    l = rng.randint(max(cfg.l.lo, 1), min(cfg.l.hi, u))  # noqa: E741
    s = rng.randint(cfg.s.lo, cfg.s.hi)
    if cfg.uniform:
        reqs = [Request(s, rng.randint(l, u), l, u, 0) for _ in range(n)]
    else:
        reqs = []
        for _ in range(n):
            uj = rng.randint(max(cfg.u.lo, cfg.l.lo, 1), cfg.u.hi)
            lj = rng.randint(max(cfg.l.lo, 1), min(cfg.l.hi, uj))
            reqs.append(Request(rng.randint(cfg.s.lo, cfg.s.hi), rng.randint(lj, uj), lj, uj, 0))
    M = max(r.s + r.u for r in reqs) + rng.randint(cfg.M_slack.lo, cfg.M_slack.hi)
    return Instance(M, tuple(reqs))


def _size(w: Witness) -> tuple[int, int, int]:
    return (w.instance.n, w.instance.M, sum(r.o for r in w.instance.requests))


def search_hsf_gap(cfg: GapConfig, out: Path | None = None, *, budget: float | None = None,
                   progress: Callable[[GapResult], None] | None = None) -> GapResult:
    """Draw ``cfg.samples`` instances (or until ``budget`` seconds); keep the worst and the smallest gap.

    Each instance is run under H-SF (admission ``stop``) on the reference engine and certified against exact
    OPT (:func:`verify.certify.certify`); an instance with ratio above 1 is a gap.

    Parameters
    ----------
    cfg : GapConfig
        The ranges, the number of samples and the seed.
    out : Path or None
        Directory for ``hsf_gap_worst.json`` and ``hsf_gap_smallest.json``, rewritten on each improvement
        (``None``: nothing written).
    budget : float or None
        Seconds after which no further instance is drawn (``None``: no limit).
    progress : callable or None
        Called with the result after each gap found.

    Returns
    -------
    GapResult
        The counts, the worst and the smallest gap, the files written.

    Raises
    ------
    ValueError
        The ranges of ``cfg`` leave nothing to draw (:func:`draw_instance`).
    """
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
