"""The parent paper's synthetic family (Jaillet et al., arXiv 2502.07115), where memory holds one to three jobs.

``M ~ U[30, 50]``, per job ``s ~ U[1, 5]`` and ``o ~ U[1, M - s]`` (so ``s + o <= M``, MODEL.md, "Instance"),
``n ~ U[40, 60]`` (or fixed), arrivals all 0 or Poisson with a rate drawn in ``[0.5, 1.5]`` per round
(exponential gaps, ``a_j`` the integer part of the running sum). The family is about OPT, so ``l = u = o``;
:func:`with_intervals` puts intervals of ratio α around the true lengths for the online policies.
All draws are from ``random.Random`` seeded by the arguments: the same seed always gives the same instance.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

from models.errors import InvalidInput
from models.instance import Instance, Request


def parent_instance(seed: int, *, n: int | None = None, poisson: bool = False) -> Instance:
    """One instance of the family.

    Parameters
    ----------
    seed : int
        Trial seed.
    n : int, optional
        Number of jobs; drawn in ``[40, 60]`` when not given.
    poisson : bool
        Poisson arrivals (rate ``U[0.5, 1.5]`` per round) instead of all arrivals at 0.

    Returns
    -------
    Instance
        With ``l = u = o`` for every job.
    """
    rng = random.Random(f"parent-{seed}-{n}-{int(poisson)}")
    M = rng.randint(30, 50)
    count = rng.randint(40, 60) if n is None else n
    rate = rng.uniform(0.5, 1.5) if poisson else 0.0
    clock, reqs = 0.0, []
    for _ in range(count):
        s = rng.randint(1, 5)
        o = rng.randint(1, M - s)
        if poisson:
            clock += rng.expovariate(rate)
        reqs.append(Request(s, o, o, o, int(clock)))
    return Instance(M, tuple(reqs))


def with_intervals(instance: Instance, alpha: Fraction, seed: int) -> Instance:
    """The instance with an interval ``[l_j, u_j]`` of ratio at least α around each true length.

    As :func:`verify.workload.interval_instance`: ``l ~ U[⌈α o⌉, o]``, ``u = max(o, ⌊l / α⌋)``, and here ``u`` is
    capped at ``M - s`` so that the instance stays valid (``s + u <= M``); the cap only raises ``l / u``.

    Parameters
    ----------
    instance : Instance
        Source instance (its ``o``, ``s``, ``a`` and ``M`` are kept).
    alpha : Fraction
        In ``(0, 1]``.
    seed : int
        Seed of the draws of ``l``.

    Returns
    -------
    Instance
        Same true lengths, new intervals.

    Raises
    ------
    InvalidInput
        ``alpha`` is not in ``(0, 1]``.
    """
    if not 0 < alpha <= 1:
        raise InvalidInput(f"alpha: must be in (0, 1], got {alpha}")
    rng = random.Random(f"intervals-{seed}-{alpha}")
    reqs = []
    for r in instance.requests:
        l = rng.randint(max(1, math.ceil(r.o * alpha)), r.o)  # noqa: E741
        u = min(max(r.o, math.floor(l / alpha)), instance.M - r.s)
        reqs.append(Request(r.s, r.o, l, u, r.a, r.priority))
    return Instance(instance.M, tuple(reqs))
