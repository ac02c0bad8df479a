"""The status vocabularies of the toolkit's results, as ``str`` enums.

Each member *is* its string (``OptStatus.OPTIMAL == "optimal"``, and ``str``/``format``/JSON/SQLite give the
bare word), so files and databases are unchanged; a result built with a word outside its vocabulary is refused
at construction instead of travelling on as a typo.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from models.errors import InvalidInput

E = TypeVar("E", bound=StrEnum)


class OptStatus(StrEnum):
    """An OPT solver's answer: ``optimal`` (lower bound = upper bound, proven) or ``unknown`` (a bracket)."""

    OPTIMAL = "optimal"
    UNKNOWN = "unknown"


class SearchProof(StrEnum):
    """What a search proved of its configuration: ``closed`` (the best found is the maximum), ``bracketed``
    (no instance reaches a stated ratio), ``unproven`` (nothing)."""

    CLOSED = "closed"
    BRACKETED = "bracketed"
    UNPROVEN = "unproven"


class ClaimStatus(StrEnum):
    """A bounded proof's answer for one claim: ``proved``, ``counterexample`` (with a replayable witness) or
    ``unknown`` (a solver timeout or an exhausted budget; never "proved")."""

    PROVED = "proved"
    COUNTEREXAMPLE = "counterexample"
    UNKNOWN = "unknown"


def in_vocabulary(vocabulary: type[E], word: object, field: str) -> E:
    """``word`` as a member of ``vocabulary``, refused if it is outside it.

    Parameters
    ----------
    vocabulary : type of StrEnum
        The status vocabulary, e.g. :class:`OptStatus`.
    word : object
        A member, or its string.
    field : str
        The field's name, for the message.

    Returns
    -------
    StrEnum
        The member of ``vocabulary`` that ``word`` is.

    Raises
    ------
    models.errors.InvalidInput
        ``word`` is not in the vocabulary: one line, ``field: must be one of ..., got ...``.
    """
    try:
        return vocabulary(word)
    except ValueError:
        raise InvalidInput(f"{field}: must be one of {', '.join(vocabulary)}, got {word!r}") from None


__all__ = ["ClaimStatus", "OptStatus", "SearchProof", "in_vocabulary"]
