"""Validated, immutable problem instances (MODEL.md, "Instance").

An :class:`Instance` is a KV-cache capacity ``M`` and a tuple of :class:`Request` values. Every rule of
MODEL.md is checked on construction; a violation raises :class:`InstanceError` whose message names the
field (``requests[2].o``) and the rule, so that a CLI can print it as one line.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any
from models.errors import InvalidInput

REQUEST_KEYS = ("s", "o", "l", "u", "a", "priority")
_OPTIONAL_REQUEST_KEYS = {"a": 0, "priority": 0}


class InstanceError(InvalidInput):
    """An instance (or a file that should hold one) breaks a rule of MODEL.md."""


def require_int(value: Any, field: str, minimum: int | None) -> int:
    """Check that ``value`` is an integer (not a bool) of at least ``minimum``.

    Parameters
    ----------
    value : Any
        The value to check.
    field : str
        Its name in a message (``requests[2].s``).
    minimum : int or None
        The least value allowed (``None``: any integer).

    Returns
    -------
    int
        ``value``.

    Raises
    ------
    InstanceError
        ``value`` is not an integer, or is below ``minimum``; the message names ``field`` and the rule.
    """
    # bool is a subclass of int in Python; JSON `true` is not a token count.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InstanceError(f"{field}: must be an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise InstanceError(f"{field}: must be >= {minimum}, got {value}")
    return value


@dataclass(frozen=True, slots=True)
class Request:
    """One request: prompt size ``s``, true output length ``o``, predicted interval ``[l, u]``, arrival ``a``, and
    ``priority``, an integer that only vllm-v1 with its option ``priority`` reads (lower value first; MODEL.md,
    "Instance" and "Serving policies"), default 0."""

    s: int
    o: int
    l: int  # noqa: E741 - the paper's name
    u: int
    a: int = 0
    priority: int = 0

    def as_dict(self, *, priority: bool | None = None) -> dict[str, int]:
        """The request as a JSON object.

        Parameters
        ----------
        priority : bool, optional
            Whether to write the key ``priority``; by default only when it is not 0 (MODEL.md, "Instance": an
            instance whose priorities are all 0 is written without it, byte for byte as before the field existed).

        Returns
        -------
        dict
            ``{"s", "o", "l", "u", "a"}`` and, when asked, ``"priority"``.
        """
        out = {"s": self.s, "o": self.o, "l": self.l, "u": self.u, "a": self.a}
        if self.priority if priority is None else priority:
            out["priority"] = self.priority
        return out


def check_requests(M: Any, requests: Any, kind: type) -> tuple:
    """The rules of MODEL.md, "Instance", shared by instances and shapes (an instance without its ``o``).

    ``M >= 1``; at least one request; each a ``kind`` with integer ``s >= 0``, ``l, u >= 1``, ``a >= 0`` and an
    integer ``priority``; ``s + u <= M``; and ``l <= o <= u`` where ``kind`` has ``o`` (else ``l <= u``).

    Parameters
    ----------
    M : int
        The capacity.
    requests : iterable
        The requests.
    kind : type
        What each request must be (:class:`Request`, or :class:`~models.shape.JobShape` for a shape).

    Returns
    -------
    tuple
        ``requests`` as a tuple.

    Raises
    ------
    InstanceError
        A rule is broken; the message names the field (``requests[2].o``) and the rule.
    """
    require_int(M, "M", 1)
    requests = tuple(requests)
    if not requests:
        raise InstanceError("requests: must hold at least one request (n >= 1)")
    has_o = "o" in getattr(kind, "__dataclass_fields__", {})
    for j, r in enumerate(requests):
        if not isinstance(r, kind):
            raise InstanceError(f"requests[{j}]: must be a {kind.__name__}, got {type(r).__name__}")
        require_int(r.s, f"requests[{j}].s", 0)
        if has_o:
            require_int(r.o, f"requests[{j}].o", 1)
        require_int(r.l, f"requests[{j}].l", 1)
        require_int(r.u, f"requests[{j}].u", 1)
        require_int(r.a, f"requests[{j}].a", 0)
        require_int(r.priority, f"requests[{j}].priority", None)
        if has_o and r.l > r.o:
            raise InstanceError(f"requests[{j}].l: rule l <= o violated (l={r.l}, o={r.o})")
        if has_o and r.o > r.u:
            raise InstanceError(f"requests[{j}].o: rule o <= u violated (o={r.o}, u={r.u})")
        if r.l > r.u:
            raise InstanceError(f"requests[{j}].l: rule l <= u violated (l={r.l}, u={r.u})")
        if r.s + r.u > M:
            raise InstanceError(f"requests[{j}]: rule s + u <= M violated (s={r.s}, u={r.u}, M={M})")
    return requests


class Requests:
    """What an instance and a shape (:class:`models.shape.Shape`) derive alike from their ``requests``."""

    __slots__ = ()
    requests: tuple

    @property
    def n(self) -> int:
        """The number of requests ``n``."""
        return len(self.requests)

    @property
    def alpha(self) -> Fraction:
        """``α = min_j l_j / u_j`` as an exact fraction."""
        return min(Fraction(r.l, r.u) for r in self.requests)

    @property
    def space_size(self) -> int:
        """How many output vectors the requests' intervals allow: ``Π_j (u_j - l_j + 1)``."""
        return math.prod(r.u - r.l + 1 for r in self.requests)


@dataclass(frozen=True, slots=True)
class Instance(Requests):
    """A validated instance: ``M >= 1``, ``n >= 1`` requests, ``1 <= l <= o <= u``, ``s + u <= M``."""

    M: int
    requests: tuple[Request, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "requests", check_requests(self.M, self.requests, Request))

    @property
    def outputs(self) -> tuple[int, ...]:
        """The true output lengths ``(o_1, ..., o_n)``."""
        return tuple(r.o for r in self.requests)

    @property
    def has_priorities(self) -> bool:
        """Whether some request has a priority other than 0 (then every request's is written to JSON, else none).

        MODEL.md, "Instance".
        """
        return any(r.priority != 0 for r in self.requests)

    def with_outputs(self, outputs: tuple[int, ...] | list[int]) -> Instance:
        """The same configuration with other true output lengths (validated again).

        Parameters
        ----------
        outputs : tuple or list of int
            One true output length per request.

        Returns
        -------
        Instance
            This instance's ``M``, ``s``, ``l``, ``u``, ``a`` and priorities with ``o = outputs``.

        Raises
        ------
        InstanceError
            ``outputs`` does not have ``n`` values, or an ``o_j`` breaks a rule (``l_j <= o_j <= u_j``).
        """
        if len(outputs) != self.n:
            raise InstanceError(f"outputs: expected {self.n} values, got {len(outputs)}")
        return Instance(
            self.M,
            tuple(Request(r.s, o, r.l, r.u, r.a, r.priority) for r, o in zip(self.requests, outputs, strict=True)),
        )

    def as_dict(self) -> dict[str, Any]:
        """The instance as a JSON object (MODEL.md, "Instance": the file format).

        Returns
        -------
        dict
            ``{"M", "requests"}``; every request carries ``priority`` if some request's is not 0, none does
            otherwise (so files without priorities are unchanged byte for byte).
        """
        with_priority = self.has_priorities
        return {"M": self.M, "requests": [r.as_dict(priority=with_priority) for r in self.requests]}

    @classmethod
    def from_dict(cls, data: Any, *, extra_keys: frozenset[str] = frozenset()) -> Instance:
        """Build an instance from parsed JSON, rejecting missing and unknown keys.

        ``extra_keys`` names top-level keys that a containing format (a witness) may add.

        Parameters
        ----------
        data : Any
            The parsed JSON: ``{"M", "requests": [{"s", "o", "l", "u", "a", "priority"}, ...]}`` (``a`` and
            ``priority`` optional, default 0).
        extra_keys : frozenset of str
            Top-level keys allowed besides ``M`` and ``requests`` (ignored here).

        Returns
        -------
        Instance
            The validated instance.

        Raises
        ------
        InstanceError
            ``data`` is not an object, a key is missing or unknown, or a value breaks a rule of MODEL.md; the
            message names the field.
        """
        if not isinstance(data, Mapping):
            raise InstanceError(f"instance: must be a JSON object, got {type(data).__name__}")
        unknown = sorted(set(data) - {"M", "requests"} - extra_keys)
        if unknown:
            raise InstanceError(f"instance: unknown key {unknown[0]!r}")
        if "M" not in data:
            raise InstanceError("instance: missing key 'M'")
        if "requests" not in data:
            raise InstanceError("instance: missing key 'requests'")
        raw = data["requests"]
        if not isinstance(raw, list):
            raise InstanceError("requests: must be a JSON list")
        requests = []
        for j, item in enumerate(raw):
            if not isinstance(item, Mapping):
                raise InstanceError(f"requests[{j}]: must be a JSON object")
            unknown = sorted(set(item) - set(REQUEST_KEYS))
            if unknown:
                raise InstanceError(f"requests[{j}]: unknown key {unknown[0]!r}")
            values = {}
            for key in REQUEST_KEYS:
                if key in item:
                    values[key] = item[key]
                elif key in _OPTIONAL_REQUEST_KEYS:
                    values[key] = _OPTIONAL_REQUEST_KEYS[key]
                else:
                    raise InstanceError(f"requests[{j}]: missing key {key!r}")
            # Check types before constructing so the error names the field, not the dataclass.
            for key, minimum in (("s", 0), ("o", 1), ("l", 1), ("u", 1), ("a", 0), ("priority", None)):
                require_int(values[key], f"requests[{j}].{key}", minimum)
            requests.append(Request(**values))
        return cls(data["M"], tuple(requests))


def uniform_instance(M: int, s: int, l: int, u: int, outputs: list[int] | tuple[int, ...]) -> Instance:  # noqa: E741
    """The paper's setting: one prompt size, one interval, all arrivals 0.

    Parameters
    ----------
    M : int
        The capacity.
    s : int
        Every request's prompt size.
    l, u : int
        Every request's predicted interval ``[l, u]``.
    outputs : list or tuple of int
        The true output lengths, one request each.

    Returns
    -------
    Instance
        The validated instance.
    """
    return Instance(M, tuple(Request(s, o, l, u, 0) for o in outputs))


def read_json_file(path: str | Path) -> Any:
    """Parse a JSON file, turning I/O and syntax errors into :class:`InstanceError`.

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    Any
        The parsed JSON (strictly, as :func:`parse_json_text`).

    Raises
    ------
    InstanceError
        ``path`` is a folder or cannot be read, or its text is not valid strict JSON.
    """
    p = Path(path)
    if p.is_dir():
        raise InstanceError(f"{p}: is a folder, not a JSON file")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InstanceError(f"{p}: cannot read file ({exc.strerror})") from None
    return parse_json_text(raw, str(p))


MAX_JSON_DEPTH = 100
"""Nesting deeper than this is refused before parsing (an instance needs three levels)."""


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise InstanceError(f"duplicate key {key!r}: rule every key appears once in a JSON object")
        seen[key] = value
    return seen


def _too_deep(text: str, limit: int) -> bool:
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def parse_json_text(raw: bytes | str, name: str) -> Any:
    """Parse JSON strictly: UTF-8 only, no duplicate keys, nesting within limits, integers within limits.

    Nesting is at most :data:`MAX_JSON_DEPTH` and integers within Python's digit limit; every failure is an
    :class:`InstanceError` naming ``name`` and the rule.

    Parameters
    ----------
    raw : bytes or str
        The JSON text (bytes must be UTF-8).
    name : str
        What the text is (a file name), for messages.

    Returns
    -------
    Any
        The parsed JSON.

    Raises
    ------
    InstanceError
        Invalid UTF-8, nesting too deep, a duplicate key, invalid JSON or an integer beyond the digit limit.
    """
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InstanceError(f"{name}: not valid UTF-8 (byte {exc.start}: {exc.reason})") from None
    else:
        text = raw
    if _too_deep(text, MAX_JSON_DEPTH):
        raise InstanceError(f"{name}: JSON nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicates)
    except InstanceError as exc:
        raise InstanceError(f"{name}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InstanceError(f"{name}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise InstanceError(f"{name}: JSON nested too deeply") from None
    except ValueError as exc:  # an integer beyond Python's digit limit (sys.set_int_max_str_digits)
        raise InstanceError(f"{name}: invalid JSON: {str(exc).split(';')[0]}") from None


def load_instance(path: str | Path) -> Instance:
    """Load and validate an instance JSON file.

    The file is ``{"M": int, "requests": [{"s","o","l","u","a","priority"}, ...]}`` (``a`` and ``priority``
    optional, default 0).

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    Instance
        The validated instance.

    Raises
    ------
    InstanceError
        The file cannot be read, is not strict JSON, or breaks a rule of MODEL.md.
    """
    return Instance.from_dict(read_json_file(path))
