"""The argument parser every ``kvsched`` command uses: a usage error is one line on stderr and exit status 2."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

EXIT_USAGE = 2
MAX_SECONDS = 10_000_000.0  # about 116 days: beyond, a "deadline" is no deadline (and overflows Z3's timeout)


class OneLineParser(argparse.ArgumentParser):
    """:class:`argparse.ArgumentParser` whose errors print ``prog: error: message`` alone, not the usage block."""

    def error(self, message: str) -> NoReturn:
        """Print ``prog: error: message`` on stderr and exit with status 2.

        Parameters
        ----------
        message : str
            argparse's description of the usage error.

        Raises
        ------
        SystemExit
            Always, with status :data:`EXIT_USAGE`.
        """
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def seconds(flag: str):
    """An argparse type: a finite number of seconds > 0 (not 0, negative, nan or inf).

    At most :data:`MAX_SECONDS`: beyond, a deadline is no deadline (and overflows Z3's timeout).

    Parameters
    ----------
    flag : str
        The option's name, given to the returned parser as its ``__name__`` (what argparse calls the type).

    Returns
    -------
    callable
        ``parse(text) -> float``, raising :class:`argparse.ArgumentTypeError` with the rule on a bad value.
    """
    import math

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(f"must be a finite number of seconds > 0, got {text!r}")
        if value > MAX_SECONDS:
            raise argparse.ArgumentTypeError(f"must be at most {MAX_SECONDS:.0f} seconds, got {text!r}")
        return value
    parse.__name__ = flag
    return parse


def positive_int(text: str) -> int:
    """An argparse type: an integer ``>= 1``; the error says the rule.

    Parameters
    ----------
    text : str
        The option's value.

    Returns
    -------
    int
        The value.

    Raises
    ------
    argparse.ArgumentTypeError
        ``text`` is not an integer, or it is below 1.
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {value}")
    return value
