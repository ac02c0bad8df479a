"""Witness files (MODEL.md, "Witness files"): an instance, a policy run on it, and its exact ratio.

``{"M", "requests", "policy", "options", "tel", "benchmark", "benchmark_tel", "ratio"}`` with ``ratio`` the
reduced fraction ``"p/q"`` of ``tel / benchmark_tel``. Loading validates every field; replaying lives in
:mod:`verify.certify`, which recomputes every integer.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from models.atomic import write_atomic
from models.instance import Instance, InstanceError, read_json_file

BENCHMARKS = ("opt", "hsf")
WITNESS_KEYS = frozenset({"policy", "options", "tel", "benchmark", "benchmark_tel", "ratio"})
OPTIONAL_WITNESS_KEYS = frozenset({"round_limit", "objective", "objective_value"})
OBJECTIVES = ("ratio", "preemptions", "recomputed")
"""What a search maximises: the latency ratio; ``preemptions``, the most departures from memory (evictions plus
preemptions) of any one job; ``recomputed``, the run's recomputed tokens (MODEL.md, "Serving policies")."""
LIVENESS_KEYS = frozenset({"kind", "policy", "options", "benchmark", "round_limit", "unfinished", "extended_limit",
                           "tel", "benchmark_tel", "ratio"})


def format_ratio(r: Fraction) -> str:
    """Write a ratio as a witness stores it: the reduced fraction ``"p/q"``.

    Parameters
    ----------
    r : Fraction
        The ratio.

    Returns
    -------
    str
        ``"p/q"`` (a :class:`~fractions.Fraction` is always reduced, with ``q > 0``).
    """
    return f"{r.numerator}/{r.denominator}"


_RATIO = re.compile(r"(0|[1-9][0-9]*)/([1-9][0-9]*)", re.ASCII)
POLICY_SYNTAX = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
"""``module.path:ClassName`` with Python identifiers: what a user scheduler's name must look like."""


def parse_ratio(text: Any, field_name: str = "ratio") -> Fraction:
    """Read a witness's ratio ``"p/q"``: ASCII digits, no leading zeros, ``q > 0``, reduced.

    That is, exactly as :func:`format_ratio` writes it.

    Parameters
    ----------
    text : Any
        The stored value.
    field_name : str
        The field's name, for messages.

    Returns
    -------
    Fraction
        ``p/q``.

    Raises
    ------
    InstanceError
        ``text`` is not a string ``"p/q"`` of that form, or the fraction is not reduced.
    """
    if not isinstance(text, str) or text.count("/") != 1:
        raise InstanceError(f"{field_name}: must be a string 'p/q', got {text!r}")
    m = _RATIO.fullmatch(text)
    if m is None:
        raise InstanceError(f"{field_name}: must be 'p/q' with non-negative ASCII integers and q > 0, got {text!r}")
    p, q = int(m.group(1)), int(m.group(2))
    if math.gcd(p, q) != 1:
        raise InstanceError(f"{field_name}: must be a reduced fraction, got {text!r} "
                            f"(reduced: {format_ratio(Fraction(p, q))})")
    return Fraction(p, q)


def check_policy_name(policy: Any) -> str:
    """A witness's ``policy``, checked before anything imports it: a built-in name or ``module:Class``.

    Parameters
    ----------
    policy : Any
        The stored value.

    Returns
    -------
    str
        ``policy``: one of the built-in policy names, or :data:`POLICY_SYNTAX` (``module.path:ClassName``).

    Raises
    ------
    InstanceError
        ``policy`` is not a string, or neither a built-in name nor ``module:Class``.
    """
    from models.schedulers import POLICIES

    if not isinstance(policy, str):
        raise InstanceError("policy: must be a string")
    if policy not in POLICIES and not POLICY_SYNTAX.fullmatch(policy):
        raise InstanceError(f"policy: must be one of {', '.join(POLICIES)} or 'module:Class', got {policy!r}")
    return policy


@dataclass(frozen=True)
class Witness:
    """A replayable result (MODEL.md, "Witness files"): the instance, the policy with its options, the exact
    TELs of the run and of the benchmark, and their ratio; ``kvsched replay`` must give the same integers."""

    instance: Instance
    policy: str
    options: dict[str, Any] = field(default_factory=dict)
    tel: int = 0
    benchmark: str = "opt"
    benchmark_tel: int = 1
    round_limit: int | None = None  # set when the run needs more rounds than the default limit (replay uses it)
    # a search that maximised another objective than the ratio: its name (OBJECTIVES) and the run's value of it
    objective: str | None = None
    objective_value: int | None = None

    @property
    def ratio(self) -> Fraction:
        """The exact ratio ``tel / benchmark_tel``."""
        return Fraction(self.tel, self.benchmark_tel)

    def to_dict(self) -> dict[str, Any]:
        """The witness as a JSON object (MODEL.md, "Witness files").

        Returns
        -------
        dict
            The instance's keys, ``policy``, ``options``, ``tel``, ``benchmark``, ``benchmark_tel`` and
            ``ratio`` (``"p/q"``); ``round_limit`` when set; ``objective`` and ``objective_value`` when set.
        """
        return {
            **self.instance.as_dict(),
            "policy": self.policy,
            "options": dict(self.options),
            "tel": self.tel,
            "benchmark": self.benchmark,
            "benchmark_tel": self.benchmark_tel,
            "ratio": format_ratio(self.ratio),
            **({"round_limit": self.round_limit} if self.round_limit is not None else {}),
            **({"objective": self.objective, "objective_value": self.objective_value}
               if self.objective is not None else {}),
        }

    @classmethod
    def from_dict(cls, data: Any, *, check_ratio: bool = True) -> Witness:
        """Read and validate a ratio witness from parsed JSON, rejecting missing and unknown keys.

        ``check_ratio=False`` (replay): a stored ratio that is not tel/benchmark_tel is left for the replay to
        report, next to the integer that differs.

        Parameters
        ----------
        data : Any
            The parsed JSON.
        check_ratio : bool
            Whether to require ``ratio`` to equal ``tel / benchmark_tel`` (its form is checked either way).

        Returns
        -------
        Witness

        Raises
        ------
        InstanceError
            A key is missing or unknown, or a field breaks its rule (the instance's rules; ``policy``;
            ``options`` an object; ``tel``, ``benchmark_tel`` and ``round_limit`` positive integers;
            ``benchmark``; ``objective`` and ``objective_value`` together; ``ratio``).
        """
        instance = Instance.from_dict(data, extra_keys=WITNESS_KEYS | OPTIONAL_WITNESS_KEYS)
        missing = sorted(WITNESS_KEYS - set(data))
        if missing:
            raise InstanceError(f"witness: missing key {missing[0]!r}")
        check_policy_name(data["policy"])
        if not isinstance(data["options"], dict):
            raise InstanceError("options: must be a JSON object")
        for key in ("tel", "benchmark_tel"):
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InstanceError(f"{key}: must be a positive integer, got {value!r}")
        if data["benchmark"] not in BENCHMARKS:
            raise InstanceError(f"benchmark: must be one of {', '.join(BENCHMARKS)}, got {data['benchmark']!r}")
        limit = data.get("round_limit")
        if limit is not None:
            _positive_int(limit, "round_limit")
        objective, value = data.get("objective"), data.get("objective_value")
        if (objective is None) != (value is None):
            raise InstanceError("objective, objective_value: both given or both absent")
        if objective is not None:
            if objective not in OBJECTIVES[1:]:
                raise InstanceError(f"objective: must be one of {', '.join(OBJECTIVES[1:])}, got {objective!r}")
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InstanceError(f"objective_value: must be an integer >= 0, got {value!r}")
        w = cls(instance, data["policy"], dict(data["options"]), data["tel"], data["benchmark"], data["benchmark_tel"],
                limit, objective, value)
        if parse_ratio(data["ratio"]) != w.ratio and check_ratio:
            raise InstanceError(f"ratio: {data['ratio']} is not tel/benchmark_tel = {format_ratio(w.ratio)}")
        return w


def _positive_int(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InstanceError(f"{key}: must be a positive integer, got {value!r}")
    return value


@dataclass(frozen=True)
class LivenessWitness:
    """A run that is still unfinished after its stated round limit: under a reading without a liveness
    guarantee, the strongest adversarial result there is.

    ``unfinished``: the jobs not done after ``round_limit`` rounds (reference engine). ``extended_limit``: the
    larger limit the run was tried with; ``tel`` and ``benchmark_tel`` are its true TEL and the benchmark's
    when it ends within that, else ``None``. File: the instance, ``"kind": "liveness"``, ``policy``,
    ``options``, ``benchmark``, ``round_limit``, ``unfinished``, ``extended_limit``, ``tel``, ``benchmark_tel``,
    ``ratio`` (``"p/q"`` or ``null``)."""

    instance: Instance
    policy: str
    options: dict[str, Any]
    benchmark: str
    round_limit: int
    unfinished: tuple[int, ...]
    extended_limit: int
    tel: int | None = None
    benchmark_tel: int | None = None

    @property
    def ratio(self) -> Fraction | None:
        """The exact ratio ``tel / benchmark_tel``, or ``None`` when the run did not end within ``extended_limit``."""
        return None if self.tel is None else Fraction(self.tel, self.benchmark_tel)

    def to_dict(self) -> dict[str, Any]:
        """The liveness witness as a JSON object.

        Returns
        -------
        dict
            The instance's keys, ``"kind": "liveness"``, ``policy``, ``options``, ``benchmark``, ``round_limit``,
            ``unfinished``, ``extended_limit``, ``tel``, ``benchmark_tel`` and ``ratio`` (``"p/q"`` or ``None``).
        """
        return {**self.instance.as_dict(), "kind": "liveness", "policy": self.policy, "options": dict(self.options),
                "benchmark": self.benchmark, "round_limit": self.round_limit, "unfinished": list(self.unfinished),
                "extended_limit": self.extended_limit, "tel": self.tel, "benchmark_tel": self.benchmark_tel,
                "ratio": None if self.ratio is None else format_ratio(self.ratio)}

    @classmethod
    def from_dict(cls, data: Any) -> LivenessWitness:
        """Read and validate a liveness witness from parsed JSON, rejecting missing and unknown keys.

        Parameters
        ----------
        data : Any
            The parsed JSON.

        Returns
        -------
        LivenessWitness

        Raises
        ------
        InstanceError
            A key is missing or unknown, ``kind`` is not ``"liveness"``, or a field breaks its rule
            (``extended_limit >= round_limit``; ``unfinished`` a non-empty ascending list of job indices;
            ``tel``, ``benchmark_tel`` and ``ratio`` all null or all given, and ``ratio = tel / benchmark_tel``).
        """
        instance = Instance.from_dict(data, extra_keys=LIVENESS_KEYS)
        missing = sorted(LIVENESS_KEYS - set(data))
        if missing:
            raise InstanceError(f"liveness witness: missing key {missing[0]!r}")
        if data["kind"] != "liveness":
            raise InstanceError(f"kind: must be 'liveness', got {data['kind']!r}")
        _check_policy_fields(data)
        limit = _positive_int(data["round_limit"], "round_limit")
        extended = _positive_int(data["extended_limit"], "extended_limit")
        if extended < limit:
            raise InstanceError(f"extended_limit: rule extended_limit >= round_limit violated ({extended} < {limit})")
        unfinished = data["unfinished"]
        if (not isinstance(unfinished, list) or not unfinished
                or any(isinstance(j, bool) or not isinstance(j, int) or not 0 <= j < instance.n for j in unfinished)
                or unfinished != sorted(set(unfinished))):
            raise InstanceError(f"unfinished: must be a non-empty ascending list of job indices in 0..{instance.n - 1}")
        tel, bench = data["tel"], data["benchmark_tel"]
        if (tel is None) != (bench is None) or (tel is None) != (data["ratio"] is None):
            raise InstanceError("tel, benchmark_tel, ratio: all null (the run did not end) or all given")
        if tel is not None:
            _positive_int(tel, "tel")
            _positive_int(bench, "benchmark_tel")
        w = cls(instance, data["policy"], dict(data["options"]), data["benchmark"], limit, tuple(unfinished), extended,
                tel, bench)
        if tel is not None and parse_ratio(data["ratio"]) != w.ratio:
            raise InstanceError(f"ratio: {data['ratio']} is not tel/benchmark_tel = {format_ratio(w.ratio)}")
        return w


def _check_policy_fields(data: Any) -> None:
    check_policy_name(data["policy"])
    if not isinstance(data["options"], dict):
        raise InstanceError("options: must be a JSON object")
    if data["benchmark"] not in BENCHMARKS:
        raise InstanceError(f"benchmark: must be one of {', '.join(BENCHMARKS)}, got {data['benchmark']!r}")


def witness_from_dict(data: Any) -> Witness | LivenessWitness:
    """A ratio witness, or a liveness witness (``"kind": "liveness"``).

    Parameters
    ----------
    data : Any
        The parsed JSON; a ``kind`` key makes it a liveness witness.

    Returns
    -------
    Witness or LivenessWitness
        The validated witness.
    """
    if isinstance(data, dict) and "kind" in data:
        return LivenessWitness.from_dict(data)
    return Witness.from_dict(data)


def load_witness(path: str | Path) -> Witness:
    """Load and validate a ratio witness file.

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    Witness

    Raises
    ------
    InstanceError
        The file cannot be read, is not strict JSON, or breaks a rule of a witness.
    """
    return Witness.from_dict(read_json_file(path))


def load_any_witness(path: str | Path) -> Witness | LivenessWitness:
    """Load and validate a witness file of either kind (ratio or liveness).

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    Witness or LivenessWitness

    Raises
    ------
    InstanceError
        The file cannot be read, is not strict JSON, or breaks a rule of a witness.
    """
    return witness_from_dict(read_json_file(path))


def save_witness(witness: Witness | LivenessWitness, path: str | Path) -> Path:
    """Write the witness atomically (temporary file, then rename).

    Parameters
    ----------
    witness : Witness or LivenessWitness
        The witness.
    path : str or Path
        The file.

    Returns
    -------
    Path
        ``path``.
    """
    return write_atomic(path, json.dumps(witness.to_dict(), indent=1) + "\n")
