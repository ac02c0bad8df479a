"""Integer ranges on the command line: ``"5"`` or ``"8..20"`` (inclusive)."""

from __future__ import annotations

from dataclasses import dataclass


class RangeError(ValueError):
    """A malformed or empty range; the message names the option."""


@dataclass(frozen=True)
class IntRange:
    lo: int
    hi: int

    def __iter__(self):
        return iter(range(self.lo, self.hi + 1))

    def __str__(self) -> str:
        return str(self.lo) if self.lo == self.hi else f"{self.lo}..{self.hi}"


def parse_range(text: str, name: str, minimum: int = 0) -> IntRange:
    """Parse ``"a"`` or ``"a..b"`` with ``minimum <= a <= b``; errors name ``name`` and the rule."""
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
