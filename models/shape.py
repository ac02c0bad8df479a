"""Shapes: everything of an instance but the true output lengths (MODEL.md, "Instance").

A search, a proof or a grid point fixes the capacity ``M`` and every request's prompt ``s``, interval
``[l, u]`` and arrival ``a``; the output lengths ``o`` are what it ranges over. A :class:`Shape` is exactly
that, so no code needs a placeholder instance whose ``o`` "is ignored". ``shape.with_outputs(o)`` is the
instance of the shape with those true lengths, validated as every instance is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.instance import Instance, InstanceError, Request, Requests, check_requests, require_int


@dataclass(frozen=True, slots=True)
class JobShape:
    """One request without its true output length: prompt ``s``, interval ``[l, u]``, arrival ``a`` and
    ``priority`` (read by vllm-v1 with its option ``priority`` only)."""

    s: int
    l: int  # noqa: E741 - the paper's name
    u: int
    a: int = 0
    priority: int = 0


@dataclass(frozen=True, slots=True)
class Shape(Requests):
    """A validated shape: ``M >= 1``, ``n >= 1`` jobs, ``s >= 0``, ``1 <= l <= u``, ``s + u <= M``, ``a >= 0``,
    integer priorities.

    The rules are MODEL.md's rules of an instance that do not involve ``o``; an instance of the shape exists
    for every ``o ∈ Π_j [l_j, u_j]`` and for no other vector.
    """

    M: int
    requests: tuple[JobShape, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "requests", check_requests(self.M, self.requests, JobShape))

    @classmethod
    def uniform(cls, M: int, s: int, l: int, u: int, n: int) -> Shape:  # noqa: E741
        """The paper's setting: ``n`` jobs with one prompt size ``s``, one interval ``[l, u]``, arrivals 0.

        Parameters
        ----------
        M : int
            KV-cache capacity in tokens.
        s : int
            Every job's prompt size.
        l, u : int
            Every job's predicted interval.
        n : int
            Number of jobs, ``>= 1``.

        Returns
        -------
        Shape

        Raises
        ------
        InstanceError
            If a rule of the class docstring is broken (the message names the field and the rule).
        """
        require_int(n, "n", 1)
        return cls(M, (JobShape(s, l, u, 0),) * n)

    @classmethod
    def of(cls, instance: Instance) -> Shape:
        """The shape of ``instance``: the same ``M``, ``s``, ``[l, u]``, ``a`` and priority, without ``o``.

        Parameters
        ----------
        instance : Instance

        Returns
        -------
        Shape
        """
        return cls(instance.M, tuple(JobShape(r.s, r.l, r.u, r.a, r.priority) for r in instance.requests))

    @property
    def lows(self) -> tuple[int, ...]:
        """Every job's ``l``: the least output vector of the shape."""
        return tuple(r.l for r in self.requests)

    @property
    def highs(self) -> tuple[int, ...]:
        """Every job's ``u``: the largest output vector of the shape."""
        return tuple(r.u for r in self.requests)

    def with_outputs(self, outputs: Sequence[int]) -> Instance:
        """The instance of this shape with true output lengths ``outputs``.

        Parameters
        ----------
        outputs : sequence of int
            One true output length per job, ``l_j <= o_j <= u_j``.

        Returns
        -------
        Instance

        Raises
        ------
        InstanceError
            If the length differs from ``n`` or some ``o_j`` lies outside ``[l_j, u_j]``.
        """
        if len(outputs) != self.n:
            raise InstanceError(f"outputs: expected {self.n} values, got {len(outputs)}")
        return Instance(self.M, tuple(Request(r.s, o, r.l, r.u, r.a, r.priority)
                                      for r, o in zip(self.requests, outputs, strict=True)))

    def describe(self) -> str:
        """``n=…, M=…`` and, when every job has one ``s``, ``[l, u]`` and ``a = 0``, those values.

        Returns
        -------
        str
            ``"n=… M=… s=… l=… u=…"`` for identical jobs (arrivals and priorities 0), else
            ``"n=… M=… (jobs differ)"``.
        """
        first = self.requests[0]
        if all(r == first for r in self.requests) and first.a == 0 and first.priority == 0:
            return f"n={self.n} M={self.M} s={first.s} l={first.l} u={first.u}"
        return f"n={self.n} M={self.M} (jobs differ)"
