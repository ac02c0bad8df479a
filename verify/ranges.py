"""Integer ranges on the command line: ``"5"`` or ``"8..20"`` (inclusive)."""

from __future__ import annotations

from dataclasses import dataclass
from models.errors import InvalidInput


class RangeError(InvalidInput):
    """A malformed or empty range; the message names the option."""


@dataclass(frozen=True)
class IntRange:
    """The integers ``lo .. hi``, both included; iterates over them."""

    lo: int
    hi: int

    def __iter__(self):
        return iter(range(self.lo, self.hi + 1))

    def __len__(self) -> int:
        return self.hi - self.lo + 1

    def __str__(self) -> str:
        return str(self.lo) if self.lo == self.hi else f"{self.lo}..{self.hi}"


def parse_range(text: str, name: str, minimum: int = 0) -> IntRange:
    """Parse ``"a"`` or ``"a..b"`` (inclusive) with ``minimum <= a <= b``.

    Parameters
    ----------
    text : str
        The option's value.
    name : str
        The option's name, which every error message starts with.
    minimum : int
        The least value allowed.

    Returns
    -------
    IntRange
        ``a .. a`` for a single integer.

    Raises
    ------
    RangeError
        ``text`` is neither form, its lower end is below ``minimum``, or the range is empty.
    """
    parts = text.split("..")
    try:
        if len(parts) == 1:
            lo = hi = int(parts[0])
        elif len(parts) == 2:
            lo, hi = int(parts[0]), int(parts[1])
        else:
            raise ValueError
    except ValueError:
        raise RangeError(f"{name}: expected an integer or a range 'a..b', got {text!r}") from None
    if lo < minimum:
        raise RangeError(f"{name}: must be >= {minimum}, got {lo}")
    if hi < lo:
        raise RangeError(f"{name}: empty range {text!r} (upper end below lower end)")
    return IntRange(lo, hi)


MAX_CONFIGURATIONS = 10_000
"""The most grid points (combinations of the ranges, before ``l <= u`` and ``s + u <= M`` are applied) a
command or a SPEC may ask for: beyond it the request is refused at once instead of hanging in validation."""

MAX_GRID_REQUESTS = 1_000_000
"""The most requests all of a grid's configurations may hold together (each configuration is built)."""


def check_grid_size(names: str, sizes: list[int], largest_n: int | None = None, *,
                    limit: int = MAX_CONFIGURATIONS) -> None:
    """Refuse a grid too large to validate: more than ``limit`` points, or too many requests in all.

    Parameters
    ----------
    names : str
        The options that span the grid, which every error message starts with.
    sizes : list of int
        The number of values of each range.
    largest_n : int, optional
        The most requests one configuration holds; when given, the grid's points times it may not exceed
        :data:`MAX_GRID_REQUESTS`.
    limit : int
        The most points allowed (:data:`MAX_CONFIGURATIONS` by default).

    Raises
    ------
    RangeError
        The grid has more than ``limit`` points, or its configurations hold more than
        :data:`MAX_GRID_REQUESTS` requests.
    """
    points = 1
    for size in sizes:
        points *= size
    if points > limit:
        raise RangeError(f"{names}: {points} combinations of the ranges, more than the limit of {limit}; "
                         "split the grid")
    if largest_n is not None and points * largest_n > MAX_GRID_REQUESTS:
        raise RangeError(f"{names}: up to {points * largest_n} requests in all configurations (largest n "
                         f"{largest_n}), more than the limit of {MAX_GRID_REQUESTS}")
