"""The time-indexed model over job classes that the MILP and its LP bound share.

Jobs with equal ``(s, o, a)`` are interchangeable, so the model counts starts per class instead of naming jobs:
variable ``x[v]`` is the number of jobs of class ``var_class[v]`` that start in round ``var_start[v]``, for every
start in the class's window (:func:`verify.opt.bounds.start_window`). MODEL.md, "OPT":

- counts: ``Σ_{v of class c} x[v] = N_c``;
- memory, every round ``t``: ``Σ_{v running at t} (s_c + t - p_v + 1) · x[v] <= M``;
- objective: ``Σ (p_v + o_c - a_c) · x[v]``, the TEL;
- bounds: ``0 <= x[v] <= N_c``;
- peak cliques (valid inequalities, :attr:`TimeIndexedModel.peak_cliques`): ``Σ_{v covering θ} x[v] <= 1``.

**Peak cliques.** The memory rows see a job spread over many starts as a job with a lower ramp; the relaxation
then packs such fractions side by side where whole jobs do not fit (measured on the parent family: 415 against
OPT 529 at n = 8). The peak-interval lemma of :mod:`verify.opt.peak_bound` gives every *big* job (``2 P > M``,
``P = s + o``) that completes in round ``C`` the doubled-time interval ``[2 C - λ, 2 C + ρ)``, with
``λ = 2 P - M`` and ``ρ = min(λ, M - 2 σ)`` (``σ``: the largest ``s`` of a big class), and proves the intervals of
two big jobs disjoint in every schedule (two jobs of one class included). So for any doubled-time point ``θ``
at most one big start covers it: one row per left end of an interval (where an interval graph's largest
cliques are), ``1`` for every big variable whose interval contains the point. Every integer schedule satisfies
them, so the relaxation stays a relaxation; on the parent family they lift it from 415 to 495 at n = 8 and
from 699 to 881 at n = 16.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix

from models.instance import Instance
from verify.opt.bounds import StartWindow
from verify.opt.peak_bound import peak_arms, peak_cap


@dataclass(frozen=True)
class TimeIndexedModel:
    """Classes, one variable per (class, start) in the window, and the rounds ``0 .. horizon-1`` they cover.

    The arrays and matrices below are derived once per model (``cached_property``) and shared by the LP, its
    certificate and the MILP; callers copy before changing them.
    """

    M: int
    classes: tuple[tuple[int, int, int], ...]  # (s, o, a)
    members: tuple[tuple[int, ...], ...]  # job indices of each class
    var_class: tuple[int, ...]
    var_start: tuple[int, ...]
    horizon: int

    @cached_property
    def counts(self) -> np.ndarray:
        """``N_c`` per class."""
        return np.array([len(m) for m in self.members], dtype=np.int64)

    @cached_property
    def upper(self) -> np.ndarray:
        """Each variable's upper bound, its class size."""
        return self.counts[np.array(self.var_class, dtype=np.int64)]

    @cached_property
    def cost(self) -> np.ndarray:
        """Each variable's objective coefficient, ``p + o - a`` (integers)."""
        return np.array([p + self.classes[c][1] - self.classes[c][2]
                         for c, p in zip(self.var_class, self.var_start, strict=True)], dtype=np.int64)

    @cached_property
    def count_matrix(self) -> csr_matrix:
        """Rows: classes; ``1`` where a variable belongs to the class."""
        nv = len(self.var_class)
        return coo_matrix((np.ones(nv), (list(self.var_class), list(range(nv)))),
                          shape=(len(self.classes), nv)).tocsr()

    @cached_property
    def memory_matrix(self) -> csr_matrix:
        """Rows: rounds; ``s + k + 1`` where a variable's jobs are in their k-th round (integers as floats).

        Built with array operations: a variable of class ``(s, o, a)`` starting at ``p`` has the entries
        ``(p + k, s + k + 1)`` for ``k = 0 .. o - 1``, and the all-``u`` vectors of the parent family have millions.
        """
        classes = np.array(self.classes, dtype=np.int64).reshape(-1, 3)
        var_class = np.array(self.var_class, dtype=np.int64)
        lengths = classes[var_class, 1]
        cols = np.repeat(np.arange(len(var_class)), lengths)
        k = _offsets(lengths)
        rows = np.repeat(np.array(self.var_start, dtype=np.int64), lengths) + k
        vals = (np.repeat(classes[var_class, 0], lengths) + k + 1).astype(float)
        return coo_matrix((vals, (rows, cols)), shape=(self.horizon, len(self.var_class))).tocsr()

    @cached_property
    def peak_cliques(self) -> csr_matrix:
        """Rows: doubled-time points; ``1`` where a big variable's interval covers the point (module docstring).

        No rows when no class is big or ``M < 2 σ`` (then no right arm is valid).
        """
        cap = peak_cap([s for s, o, _ in self.classes if 2 * (s + o) > self.M], self.M)
        arms = [peak_arms(s, o, self.M, cap) if cap >= 0 else None for s, o, _ in self.classes]
        big = np.array([a is not None for a in arms], dtype=bool)
        lam = np.array([a[0] if a is not None else 0 for a in arms], dtype=np.int64)
        rho = np.array([a[1] if a is not None else 0 for a in arms], dtype=np.int64)
        var_class = np.array(self.var_class, dtype=np.int64)
        lengths = np.array([o for _, o, _ in self.classes], dtype=np.int64)
        cols_v = np.flatnonzero(big[var_class])
        c = var_class[cols_v]
        end = 2 * (np.array(self.var_start, dtype=np.int64)[cols_v] + lengths[c])
        left, right = end - lam[c], end + rho[c]
        points = np.unique(left)
        lo, hi = np.searchsorted(points, left), np.searchsorted(points, right)
        width = hi - lo  # the points of [left, right): rows lo .. hi - 1
        cols_a = np.repeat(cols_v, width)
        rows_a = np.repeat(lo, width) + _offsets(width)
        return coo_matrix((np.ones(len(rows_a)), (rows_a, cols_a)), shape=(len(points), len(self.var_class))).tocsr()

    def restricted(self, keep: Sequence[bool]) -> TimeIndexedModel:
        """The model with only the variables ``keep`` marks (``horizon`` shrinks to what they cover).

        Parameters
        ----------
        keep : sequence of bool
            One flag per variable (e.g. :meth:`verify.opt.lp_bound.LpBound.usable`).

        Returns
        -------
        TimeIndexedModel
            The same classes and members, the kept variables in their order; ``horizon`` 0 when none is kept.
        """
        chosen = [v for v, k in enumerate(keep) if k]
        var_class = tuple(self.var_class[v] for v in chosen)
        var_start = tuple(self.var_start[v] for v in chosen)
        horizon = max((p + self.classes[c][1] for c, p in zip(var_class, var_start, strict=True)), default=0)
        return TimeIndexedModel(self.M, self.classes, self.members, var_class, var_start, horizon)

    def covers_every_class(self) -> bool:
        """Whether every class still has a start to choose (else the count rows cannot hold).

        Returns
        -------
        bool
            ``True`` when each class has at least one variable.
        """
        return set(self.var_class) == set(range(len(self.classes)))

    def starts_from_counts(self, counts: np.ndarray, n: int) -> tuple[int, ...]:
        """A start per job from integer per-variable counts (jobs of a class take the class's starts).

        Parameters
        ----------
        counts : numpy.ndarray
            One non-negative integer per variable: how many of its class's jobs start at its round.
        n : int
            The number of jobs of the instance.

        Returns
        -------
        tuple of int
            One start round per job, in job order (not checked against memory: see
            :func:`verify.opt.result.schedule_tel`).

        Raises
        ------
        ValueError
            The counts of some class do not add up to its size.
        """
        per_class = np.bincount(np.array(self.var_class), weights=counts, minlength=len(self.classes))
        if not np.array_equal(per_class, self.counts):
            raise ValueError(f"counts: must give every class its size {self.counts.tolist()}, "
                             f"got {per_class.astype(int).tolist()}")
        queues = [list(m) for m in self.members]
        starts = [0] * n
        for v in np.flatnonzero(counts):
            for _ in range(int(counts[v])):
                starts[queues[self.var_class[v]].pop()] = self.var_start[v]
        return tuple(starts)


def _offsets(lengths: np.ndarray) -> np.ndarray:
    """``0 .. length - 1`` for each length in turn, concatenated (the position of each entry in its run)."""
    return np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)


def build_model(instance: Instance, window: StartWindow) -> TimeIndexedModel:
    """One variable per class and start from the class's arrival to its latest start in ``window``.

    Parameters
    ----------
    instance : Instance
        Any valid instance; jobs with equal ``(s, o, a)`` form one class.
    window : StartWindow
        :func:`verify.opt.bounds.start_window` of ``instance``.

    Returns
    -------
    TimeIndexedModel
        Over rounds ``0 .. window.horizon - 1``.
    """
    members: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for j, r in enumerate(instance.requests):
        members[(r.s, r.o, r.a)].append(j)
    classes = sorted(members)
    var_class, var_start = [], []
    for ci, c in enumerate(classes):
        for p in range(c[2], window.latest[members[c][0]] + 1):
            var_class.append(ci)
            var_start.append(p)
    return TimeIndexedModel(instance.M, tuple(classes), tuple(tuple(members[c]) for c in classes),
                            tuple(var_class), tuple(var_start), window.horizon)
