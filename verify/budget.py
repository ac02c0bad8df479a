"""A wall-clock budget with one meaning of "unbounded".

Every search strategy, and every exact benchmark a search asks for on the way, spends one :class:`Budget`.
``Budget(None)`` (or :meth:`Budget.unbounded`) is the only way to say "no limit"; a number is seconds from the
moment the budget is made. A solver call made under a budget gets :meth:`Budget.remaining` as its timeout, so
a search cannot overrun its budget by a whole solve: the solve comes back unproven instead, and the search
stops with what it has certified so far.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from models.errors import InvalidInput


@dataclass(frozen=True)
class Budget:
    """Seconds of wall-clock time from :attr:`began`; ``seconds=None``: unbounded.

    Parameters
    ----------
    seconds : float or None
        The allowance, ``>= 0`` and finite; ``None`` for no limit.

    Raises
    ------
    InvalidInput
        ``seconds`` is negative, NaN or infinite.
    """

    seconds: float | None
    began: float = field(default_factory=time.perf_counter)

    def __post_init__(self) -> None:
        if self.seconds is not None and not (math.isfinite(self.seconds) and self.seconds >= 0):
            raise InvalidInput(f"budget: must be a finite number of seconds >= 0 (or None for no limit), "
                             f"got {self.seconds}")

    @classmethod
    def unbounded(cls) -> Budget:
        """A budget with no limit.

        Returns
        -------
        Budget
            ``Budget(None)``.
        """
        return cls(None)

    @classmethod
    def of(cls, value: float | Budget | None) -> Budget:
        """``value`` as a budget: a Budget unchanged, seconds from now, or ``None`` for no limit.

        Parameters
        ----------
        value : float or Budget or None
            Seconds from now, a budget, or ``None``.

        Returns
        -------
        Budget
            ``value`` itself when it is a budget (it keeps its start).

        Raises
        ------
        InvalidInput
            ``value`` is a negative, NaN or infinite number of seconds.
        """
        return value if isinstance(value, Budget) else cls(value)

    @property
    def bounded(self) -> bool:
        """Whether there is a limit."""
        return self.seconds is not None

    @property
    def deadline(self) -> float | None:
        """The ``time.perf_counter()`` value at which the budget is spent (``None``: never)."""
        return None if self.seconds is None else self.began + self.seconds

    def remaining(self) -> float | None:
        """Seconds left, never below 0 (``None``: unbounded): the timeout to hand a solver called now.

        Returns
        -------
        float or None
            ``None`` for an unbounded budget.
        """
        return None if self.seconds is None else max(0.0, self.began + self.seconds - time.perf_counter())

    def expired(self) -> bool:
        """Whether the budget is spent (never, unbounded).

        Returns
        -------
        bool
            ``True`` from its deadline on.
        """
        return self.seconds is not None and time.perf_counter() >= self.began + self.seconds

    def split(self, fraction: float) -> Budget:
        """A sub-budget starting now: ``fraction`` of what remains; unbounded stays unbounded.

        Parameters
        ----------
        fraction : float
            In ``(0, 1]``.

        Returns
        -------
        Budget
            ``fraction · remaining()`` seconds from now, or unbounded.

        Raises
        ------
        InvalidInput
            ``fraction`` is not in ``(0, 1]``.
        """
        if not 0 < fraction <= 1:
            raise InvalidInput(f"fraction: must be in (0, 1], got {fraction}")
        left = self.remaining()
        return Budget(None if left is None else left * fraction)
