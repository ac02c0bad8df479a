"""Synthetic workloads shaped like the paper's experiments (LMSYS-Chat-1M output lengths cannot be fetched here).

Output lengths are lognormal with a chosen mean, clipped to ``[1, max_output]``; each request gets an interval
``[l, u]`` with ``l / u = α`` exactly where rounding allows (``u = ⌊l / α⌋``), placed at random around its true
length so that ``l <= o <= u``. Everything is drawn from one seeded ``numpy`` generator, so a seed reproduces
the instance.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from models.instance import Instance, Request


def lognormal_outputs(n: int, *, mean: float = 200.0, sigma: float = 1.0, max_output: int = 1024,
                      rng: np.random.Generator) -> np.ndarray:
    """``n`` integer output lengths, lognormal with the given mean (before clipping) and shape ``sigma``."""
    mu = math.log(mean) - sigma**2 / 2
    draws = rng.lognormal(mu, sigma, size=n)
    return np.clip(np.rint(draws), 1, max_output).astype(np.int64)


def interval_instance(outputs, *, alpha: Fraction, s: int, M: int, rng: np.random.Generator,
                      arrivals=None) -> Instance:
    """An instance whose request j has true length ``outputs[j]`` and an interval of ratio ``alpha`` around it."""
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha: must be in (0, 1], got {alpha}")
    reqs = []
    for j, o in enumerate(int(x) for x in outputs):
        lo = max(1, math.ceil(o * alpha))  # smallest l with u = l/α >= o
        l = int(rng.integers(lo, o + 1))  # noqa: E741
        u = max(o, math.floor(l / alpha))
        a = 0 if arrivals is None else int(arrivals[j])
        reqs.append(Request(s, o, l, u, a))
    return Instance(M, tuple(reqs))


def paper_like_instance(n: int, *, alpha: Fraction = Fraction(1, 4), s: int = 64, M: int = 16_384,
                        mean: float = 200.0, seed: int = 0) -> Instance:
    """The paper-like workload of the benchmarks: lognormal lengths (mean 200, clipped to [1, 1024]), s = 64,
    M = 16,384, all arrivals 0."""
    rng = np.random.default_rng(seed)
    return interval_instance(lognormal_outputs(n, mean=mean, rng=rng), alpha=alpha, s=s, M=M, rng=rng)
