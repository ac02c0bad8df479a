"""The shared admission test of MODEL.md ("Shared admission test (MC-SF feasibility)").

A job is a triple ``(s, k, e)``: prompt size, progress, assumed total length with ``e >= k + 1``. A set is
feasible iff for every offset ``τ >= 0``

    Σ_{(s, k, e) in set, k + τ + 1 <= e} (s + k + τ + 1) <= M.

Each term grows with τ until the job's last assumed round, so only ``τ ∈ {e - k - 1}`` need testing.
"""

from __future__ import annotations

from collections.abc import Sequence
from models.errors import InvalidInput

Item = tuple[int, int, int]  # (s, k, e)

ADMISSION_RULES = ("stop", "skip")


def peak_load(items: Sequence[Item]) -> int:
    """The largest future memory of ``items`` over all offsets τ (0 for an empty set).

    Only the offsets ``τ = e - k - 1`` of the jobs themselves are tested: each job's term grows with τ until
    its last assumed round.

    Parameters
    ----------
    items : sequence of (int, int, int)
        The jobs as ``(s, k, e)``: prompt size, progress, assumed total length (``e >= k + 1``).

    Returns
    -------
    int
        ``max over τ`` of ``Σ (s + k + τ + 1)`` over the jobs still running at offset τ.
    """
    best = 0
    for _, k0, e0 in items:
        tau = e0 - k0 - 1
        load = sum(s + k + tau + 1 for s, k, e in items if k + tau + 1 <= e)
        best = max(best, load)
    return best


def is_feasible(items: Sequence[Item], M: int) -> bool:
    """MODEL.md's feasibility of a set of jobs against capacity ``M``.

    Parameters
    ----------
    items : sequence of (int, int, int)
        The jobs as ``(s, k, e)``: prompt size, progress, assumed total length.
    M : int
        The KV-cache capacity.

    Returns
    -------
    bool
        Whether the set's future memory stays within ``M`` at every offset τ (its :func:`peak_load` is at
        most ``M``).
    """
    return peak_load(items) <= M


def greedy_admit(
    running: Sequence[Item],
    candidates: Sequence[tuple[int, Item]],
    M: int,
    admission: str,
) -> list[int]:
    """Greedy admission: take ``candidates`` (``(j, item)`` in priority order) while the set stays feasible.

    ``admission="stop"`` ends at the first infeasible candidate; ``"skip"`` passes over it and tries the rest
    (MODEL.md **[reading]**). Returns the admitted job indices in the order taken.

    Parameters
    ----------
    running : sequence of (int, int, int)
        The jobs already running, as ``(s, k, e)``; they stay in the set.
    candidates : sequence of (int, (int, int, int))
        The waiting jobs as ``(j, item)``, in priority order.
    M : int
        The KV-cache capacity.
    admission : str
        ``"stop"`` or ``"skip"``: what to do at the first candidate that breaks feasibility.

    Returns
    -------
    list of int
        The admitted job indices, in the order taken.

    Raises
    ------
    InvalidInput
        If ``admission`` is not one of :data:`ADMISSION_RULES`.
    """
    if admission not in ADMISSION_RULES:
        raise InvalidInput(f"admission: must be one of {', '.join(ADMISSION_RULES)}, got {admission!r}")
    chosen: list[Item] = list(running)
    admitted: list[int] = []
    for j, item in candidates:
        chosen.append(item)
        if is_feasible(chosen, M):
            admitted.append(j)
        else:
            chosen.pop()
            if admission == "stop":
                break
    return admitted

