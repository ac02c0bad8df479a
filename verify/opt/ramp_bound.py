"""The area bound with the memory a ramp must leave unused: the *ramp-waste* bound.

:func:`verify.opt.bounds.completion_area_bound` lets the first k completions use all ``M·C`` token-rounds of
``[0, C)``. Ramps cannot: MODEL.md, "OPT", a running job holds one more each round, so memory rises between
completions and is full at most in the round before one.

**Lemma (waste).** Let ``g(t)`` be the memory used in round ``t`` of a non-preemptive schedule, ``c`` a round in
which some job completes (its last round is ``c - 1``) and no job completes in ``(t, c)``, ``t < c``. Then
``M - g(t) >= min(M, c - 1 - t)``. If ``g(t) = 0`` the waste is ``M``. Otherwise every job running in round ``t``
is still running in rounds ``t + 1 .. c - 1`` (none completes before ``c``), so ``g`` grows by at least one
per round: ``g(t) <= g(c - 1) - (c - 1 - t) <= M - (c - 1 - t)``.

**Bound.** Let ``C = C_(k)`` be the k-th smallest completion. The distinct completion rounds ``c_1 < ... < c_m =
C`` in ``(0, C]`` number ``m <= k`` and cut ``[0, C)`` into ``m`` segments ``[c_{i-1}, c_i)`` (``c_0 = 0``) of
lengths ``ℓ_i`` summing to ``C``; by the lemma a segment of length ``ℓ`` wastes at least
``w(ℓ) = Σ_{x < ℓ} min(M, x)``. ``w`` is convex with ``w(0) = 0``, so the total waste is at least ``W_k(C)``,
the value of the most even split of ``C`` into ``k`` parts (more parts only lower it). The k jobs completed
by ``C`` used at least ``A_k``, the sum of the k smallest areas, so ``A_k <= M·C - W_k(C)``; the right side
does not decrease in ``C`` (``w`` grows by at most ``M`` per round). So ``C_(k)`` is at least the least such
``C``, at least ``ends[k-1]`` (the k-th smallest earliest completion) and at least the previous bound
(completions are sorted). Everything is integer.
"""

from __future__ import annotations

from collections.abc import Sequence

from models.instance import Instance


def segment_waste(length: int, M: int) -> int:
    """``w(ℓ) = Σ_{x=0}^{ℓ-1} min(M, x)``: the least memory a segment ending at a completion leaves unused.

    A segment of ``ℓ`` rounds (module docstring, the waste lemma).

    Parameters
    ----------
    length : int
        The segment's length ``ℓ >= 0`` in rounds.
    M : int
        The capacity.

    Returns
    -------
    int
        ``w(ℓ)``, in token-rounds.
    """
    if length <= M + 1:
        return length * (length - 1) // 2
    return M * (M + 1) // 2 + (length - 1 - M) * M


def least_waste(C: int, k: int, M: int) -> int:
    """``W_k(C)``: the waste of ``C`` rounds cut into ``k`` segments as evenly as possible (the least).

    Parameters
    ----------
    C : int
        Rounds, ``>= 0``.
    k : int
        Segments, ``>= 1``.
    M : int
        The capacity.

    Returns
    -------
    int
        ``r·w(q + 1) + (k - r)·w(q)`` with ``C = q·k + r``.
    """
    q, r = divmod(C, k)
    return r * segment_waste(q + 1, M) + (k - r) * segment_waste(q, M)


def ramp_area_bound(ends: Sequence[int], areas: Sequence[int], M: int) -> int:
    """``Σ_k`` of the lower bound on the k-th smallest completion round of the module docstring.

    Parameters
    ----------
    ends : sequence of int
        Each job's earliest completion (``a_j + o_j``), sorted ascending.
    areas : sequence of int
        Each job's area ``o_j·s_j + o_j(o_j+1)/2``, sorted ascending.
    M : int
        The memory limit.

    Returns
    -------
    int
        A lower bound on ``Σ_j C_j`` over every non-preemptive schedule of these jobs alone (with other jobs
        in memory as well it only grows); at least :func:`verify.opt.bounds.completion_area_bound`'s value.

    Raises
    ------
    ValueError
        The k smallest areas sum to more than ``k·M(M+1)/2``, which no valid jobs do (each job's area is at
        most ``M(M+1)/2`` when ``s + o <= M``).
    """
    total, prefix, C = 0, 0, 0
    for k, (end, area) in enumerate(zip(ends, areas, strict=True), start=1):
        prefix += area
        if prefix > k * (M * (M + 1) // 2):
            # a segment holds at most w's complement, M(M+1)/2 (rounds more than M before a completion are
            # idle); a job with s + o <= M has area at most M(M+1)/2, so only areas of no valid job get here
            raise ValueError(f"areas: the {k} smallest sum to {prefix} > {k} * M(M+1)/2 with M={M}; no job has "
                             "an area above M(M+1)/2")
        C = max(C, end, -(-prefix // M))
        while M * C - least_waste(C, k, M) < prefix:
            C += 1
        total += C
    return total


def ramp_lower_bound(instance: Instance) -> int:
    """The ramp-waste lower bound on OPT's TEL: :func:`ramp_area_bound` over all jobs, minus ``Σ a_j``.

    Parameters
    ----------
    instance : Instance
        Any valid instance; its true lengths are read.

    Returns
    -------
    int
        A lower bound on OPT's TEL.
    """
    reqs = instance.requests
    return (ramp_area_bound(sorted(r.a + r.o for r in reqs), sorted(r.o * r.s + r.o * (r.o + 1) // 2 for r in reqs),
                            instance.M) - sum(r.a for r in reqs))
