"""Workloads shaped like the paper's experiments: real ShareGPT lengths or a synthetic lognormal.

LMSYS-Chat-1M (the paper's data) cannot be fetched here. Two sources stand in:

- ``sharegpt``: (prompt, output) token counts of ShareGPT V3 conversations, shipped as package data
  (:mod:`verify.data.sharegpt`), sampled without replacement; each request keeps its own prompt size ``s_j``.
  By default vLLM's serving-benchmark filter applies (``4 <= s``, ``4 <= o``, ``s <= 1024``, ``s + o <= 2048``),
  which also makes ``s + u <= 16,384`` for every ``α >= 1/8``;
- ``lognormal``: output lengths lognormal with a chosen mean, clipped to ``[1, max_output]``, one ``s`` for all.

Each request gets an interval ``[l, u]`` with ``l / u = α`` exactly where rounding allows (``u = ⌊l / α⌋``),
placed at random around its true length so that ``l <= o <= u``. Arrivals are all 0, or a Poisson process of a
given rate (exponential gaps, arrival rounds the floors of their running sums). Everything is drawn from one
seeded ``numpy`` generator, so a seed reproduces the instance.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from models.errors import InvalidInput
from models.instance import Instance, Request
from verify.data.sharegpt import shipped_lengths


def lognormal_outputs(n: int, *, mean: float = 200.0, sigma: float = 1.0, max_output: int = 1024,
                      rng: np.random.Generator) -> np.ndarray:
    """``n`` integer output lengths, lognormal with the given mean (before clipping) and shape ``sigma``.

    Parameters
    ----------
    n : int
        How many.
    mean : float
        The lognormal's mean, before rounding and clipping.
    sigma : float
        The shape (standard deviation of the underlying normal).
    max_output : int
        Lengths are clipped to ``[1, max_output]``.
    rng : numpy.random.Generator
        The source of randomness.

    Returns
    -------
    numpy.ndarray
        ``n`` lengths, int64, each rounded to the nearest integer and clipped.
    """
    mu = math.log(mean) - sigma**2 / 2
    draws = rng.lognormal(mu, sigma, size=n)
    return np.clip(np.rint(draws), 1, max_output).astype(np.int64)


def interval_instance(outputs, *, alpha: Fraction, s, M: int, rng: np.random.Generator,
                      arrivals=None) -> Instance:
    """An instance whose request j has true length ``outputs[j]`` and an interval of ratio ``alpha`` around it.

    ``l_j`` is drawn uniformly from the values with ``l_j <= o_j <= ⌊l_j / α⌋``, and
    ``u_j = max(o_j, ⌊l_j / α⌋)``, so ``l_j / u_j = α`` exactly where rounding allows (module docstring).

    Parameters
    ----------
    outputs : sequence of int
        True output lengths, each ``>= 1``.
    alpha : Fraction
        The interval ratio, in ``(0, 1]``.
    s : int or sequence of int
        One prompt size for every request, or one per request.
    M : int
        The capacity.
    rng : numpy.random.Generator
        The source of randomness.
    arrivals : sequence of int or None
        Arrival rounds, one per request (``None``: all 0).

    Returns
    -------
    Instance
        The instance.

    Raises
    ------
    InvalidInput
        ``alpha`` is not in ``(0, 1]``, ``s`` has the wrong length, or the instance breaks a rule of MODEL.md,
        *Instance* (e.g. ``s_j + u_j > M``).
    """
    if not 0 < alpha <= 1:
        raise InvalidInput(f"alpha: must be in (0, 1], got {alpha}")
    prompts = [int(s)] * len(outputs) if isinstance(s, (int, np.integer)) else [int(x) for x in s]
    if len(prompts) != len(outputs):
        raise InvalidInput(f"s: needs one prompt size per request ({len(outputs)}), got {len(prompts)}")
    reqs = []
    for j, o in enumerate(int(x) for x in outputs):
        s = prompts[j]
        lo = max(1, math.ceil(o * alpha))  # smallest l with u = l/α >= o
        l = int(rng.integers(lo, o + 1))  # noqa: E741
        u = max(o, math.floor(l / alpha))
        a = 0 if arrivals is None else int(arrivals[j])
        reqs.append(Request(s, o, l, u, a))
    return Instance(M, tuple(reqs))


def paper_like_instance(n: int, *, alpha: Fraction = Fraction(1, 4), s: int = 64, M: int = 16_384,
                        mean: float = 200.0, seed: int = 0) -> Instance:
    """The paper-like workload of the benchmarks: lognormal lengths, ``s = 64``, ``M = 16,384``, all arrivals 0.

    Parameters
    ----------
    n : int
        Number of requests.
    alpha : Fraction
        The interval ratio.
    s : int
        Every request's prompt size.
    M : int
        The capacity.
    mean : float
        The lognormal's mean (clipped to ``[1, 1024]``).
    seed : int
        The seed of the one generator.

    Returns
    -------
    Instance
        The instance.

    Raises
    ------
    InvalidInput
        ``alpha`` is not in ``(0, 1]``, or some ``s + u_j > M``.
    """
    rng = np.random.default_rng(seed)
    return interval_instance(lognormal_outputs(n, mean=mean, rng=rng), alpha=alpha, s=s, M=M, rng=rng)


SOURCES = ("sharegpt", "lognormal")
ARRIVALS = ("zero", "poisson")
LENGTH_FILTERS = ("vllm", "none")


def sharegpt_pool(length_filter: str = "vllm") -> tuple[tuple[int, int], ...]:
    """The shipped ShareGPT (prompt, output) rows that the filter keeps, in file order.

    Parameters
    ----------
    length_filter : str
        ``vllm``: vLLM's ``sample_sharegpt_requests`` rule (drop ``s < 4`` or ``o < 4``, and ``s > 1024`` or
        ``s + o > 2048``). ``none``: every row with ``o >= 1`` (the model needs an output token).

    Returns
    -------
    tuple of tuple of (int, int)
        The rows kept.

    Raises
    ------
    InvalidInput
        ``length_filter`` is neither.
    """
    rows = shipped_lengths().rows
    if length_filter == "vllm":
        return tuple((p, o) for p, o in rows if p >= 4 and o >= 4 and p <= 1024 and p + o <= 2048)
    if length_filter == "none":
        return tuple((p, o) for p, o in rows if o >= 1)
    raise InvalidInput(f"length_filter: must be one of {', '.join(LENGTH_FILTERS)}, got {length_filter!r}")


def poisson_arrivals(n: int, rate: Fraction, rng: np.random.Generator) -> np.ndarray:
    """Arrival rounds of a Poisson process with ``rate`` requests per round.

    Request j arrives at ``⌊E_1 + … + E_j⌋`` for exponential gaps ``E_i`` of mean ``1 / rate``: non-decreasing,
    so the index order is the arrival order.

    Parameters
    ----------
    n : int
        Number of requests.
    rate : Fraction
        Requests per round, ``> 0``.
    rng : numpy.random.Generator
        The source of randomness.

    Returns
    -------
    numpy.ndarray
        ``n`` arrival rounds, int64.

    Raises
    ------
    InvalidInput
        ``rate`` is not above 0.
    """
    if not rate > 0:
        raise InvalidInput(f"rate: must be > 0, got {rate}")
    gaps = rng.exponential(1.0 / float(rate), size=n)
    return np.floor(np.cumsum(gaps)).astype(np.int64)


def sample_lengths(source: str, n: int, rng: np.random.Generator, *, length_filter: str = "vllm",
                   s: int = 64, mean: float = 200.0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` (prompt sizes, output lengths) from ``source``.

    ``sharegpt``: rows of :func:`sharegpt_pool` drawn without replacement; ``lognormal``: lognormal outputs
    (mean ``mean``, σ 1, clipped to [1, 1024]) with the one prompt size ``s``.

    Parameters
    ----------
    source : str
        ``sharegpt`` or ``lognormal``.
    n : int
        Number of requests.
    rng : numpy.random.Generator
        The source of randomness.
    length_filter : str
        ``sharegpt``: the filter of :func:`sharegpt_pool`.
    s : int
        ``lognormal``: every request's prompt size.
    mean : float
        ``lognormal``: the mean.

    Returns
    -------
    tuple of numpy.ndarray
        ``(prompts, outputs)``, int64, ``n`` each.

    Raises
    ------
    InvalidInput
        ``source`` or ``length_filter`` is unknown, or ``n`` is not in ``1..`` the number of ShareGPT rows kept.
    """
    if source == "sharegpt":
        pool = sharegpt_pool(length_filter)
        if not 1 <= n <= len(pool):
            raise InvalidInput(f"n: must be in 1..{len(pool)} (ShareGPT rows kept by filter {length_filter!r}), "
                             f"got {n}")
        picked = np.asarray(pool, dtype=np.int64)[rng.choice(len(pool), size=n, replace=False)]
        return picked[:, 0].copy(), picked[:, 1].copy()
    if source == "lognormal":
        return np.full(n, s, dtype=np.int64), lognormal_outputs(n, mean=mean, rng=rng)
    raise InvalidInput(f"source: must be one of {', '.join(SOURCES)}, got {source!r}")


def workload_instance(source: str, n: int, *, alpha: Fraction, M: int, seed: int, arrivals: str = "zero",
                      rate: Fraction = Fraction(1, 7), length_filter: str = "vllm", s: int = 64) -> Instance:
    """One workload instance of ``n`` requests from ``source``, with intervals of ratio ``alpha``.

    Draw order from ``default_rng(seed)``: the lengths, then the arrivals (if Poisson), then the intervals, so
    that one seed gives the same requests and arrivals at every α and M.

    Parameters
    ----------
    source : str
        ``sharegpt`` or ``lognormal``.
    n : int
        Number of requests.
    alpha : Fraction
        The interval ratio, in ``(0, 1]``.
    M : int
        The capacity.
    seed : int
        The seed of the one generator.
    arrivals : str
        ``zero`` or ``poisson``.
    rate : Fraction
        ``poisson``: requests per round.
    length_filter : str
        ``sharegpt``: the filter of :func:`sharegpt_pool`.
    s : int
        ``lognormal``: every request's prompt size.

    Returns
    -------
    Instance
        The instance.

    Raises
    ------
    InvalidInput
        ``arrivals``, ``source`` or ``length_filter`` is unknown, ``n``, ``rate`` or ``alpha`` is out of range,
        or some ``s_j + u_j > M``.
    """
    if arrivals not in ARRIVALS:
        raise InvalidInput(f"arrivals: must be one of {', '.join(ARRIVALS)}, got {arrivals!r}")
    rng = np.random.default_rng(seed)
    prompts, outputs = sample_lengths(source, n, rng, length_filter=length_filter, s=s)
    arr = poisson_arrivals(n, rate, rng) if arrivals == "poisson" else None
    return interval_instance(outputs, alpha=alpha, s=prompts, M=M, rng=rng, arrivals=arr)
