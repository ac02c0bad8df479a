"""Witness files (MODEL.md, "Witness files"): an instance, a policy run on it, and its exact ratio.

``{"M", "requests", "policy", "options", "tel", "benchmark", "benchmark_tel", "ratio"}`` with ``ratio`` the
reduced fraction ``"p/q"`` of ``tel / benchmark_tel``. Loading validates every field; replaying lives in
:mod:`verify.certify`, which recomputes every integer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from models.atomic import write_atomic
from models.instance import Instance, InstanceError, read_json_file

BENCHMARKS = ("opt", "hsf")
WITNESS_KEYS = frozenset({"policy", "options", "tel", "benchmark", "benchmark_tel", "ratio"})


def format_ratio(r: Fraction) -> str:
    return f"{r.numerator}/{r.denominator}"


def parse_ratio(text: Any, field_name: str = "ratio") -> Fraction:
    if not isinstance(text, str) or text.count("/") != 1:
        raise InstanceError(f"{field_name}: must be a string 'p/q', got {text!r}")
    p, q = text.split("/")
    if not (p.isdigit() and q.isdigit()) or int(q) == 0:
        raise InstanceError(f"{field_name}: must be 'p/q' with non-negative integers and q > 0, got {text!r}")
    return Fraction(int(p), int(q))


@dataclass(frozen=True)
class Witness:
    instance: Instance
    policy: str
    options: dict[str, Any] = field(default_factory=dict)
    tel: int = 0
    benchmark: str = "opt"
    benchmark_tel: int = 1

    @property
    def ratio(self) -> Fraction:
        return Fraction(self.tel, self.benchmark_tel)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.instance.as_dict(),
            "policy": self.policy,
            "options": dict(self.options),
            "tel": self.tel,
            "benchmark": self.benchmark,
            "benchmark_tel": self.benchmark_tel,
            "ratio": format_ratio(self.ratio),
        }

    @classmethod
    def from_dict(cls, data: Any) -> Witness:
        instance = Instance.from_dict(data, extra_keys=WITNESS_KEYS)
        missing = sorted(WITNESS_KEYS - set(data))
        if missing:
            raise InstanceError(f"witness: missing key {missing[0]!r}")
        if not isinstance(data["policy"], str):
            raise InstanceError("policy: must be a string")
        if not isinstance(data["options"], dict):
            raise InstanceError("options: must be a JSON object")
        for key in ("tel", "benchmark_tel"):
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InstanceError(f"{key}: must be a positive integer, got {value!r}")
        if data["benchmark"] not in BENCHMARKS:
            raise InstanceError(f"benchmark: must be one of {', '.join(BENCHMARKS)}, got {data['benchmark']!r}")
        w = cls(instance, data["policy"], dict(data["options"]), data["tel"], data["benchmark"], data["benchmark_tel"])
        if parse_ratio(data["ratio"]) != w.ratio:
            raise InstanceError(f"ratio: {data['ratio']} is not tel/benchmark_tel = {format_ratio(w.ratio)}")
        return w


def load_witness(path: str | Path) -> Witness:
    return Witness.from_dict(read_json_file(path))


def save_witness(witness: Witness, path: str | Path) -> Path:
    """Write the witness atomically (temporary file, then rename)."""
    return write_atomic(path, json.dumps(witness.to_dict(), indent=1) + "\n")
