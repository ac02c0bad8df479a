"""MODEL.md's conformance examples (../shared/examples/model_examples.json): every integer must match."""

import json
import os
from pathlib import Path

import pytest

from models.engine_reference import simulate
from models.instance import Instance
from models.schedulers import make_scheduler
from verify.opt import solve_opt

SHARED = Path(os.environ.get("KVSCHED_SHARED", Path(__file__).resolve().parents[3] / "shared"))
EXAMPLES_FILE = SHARED / "examples" / "model_examples.json"


def _load():
    if not EXAMPLES_FILE.exists():
        raise FileNotFoundError(f"{EXAMPLES_FILE} not found: set KVSCHED_SHARED to the project's shared/ folder")
    return json.loads(EXAMPLES_FILE.read_text())


EXAMPLES = _load()
CASES = [(e["name"], key) for e in EXAMPLES for key in e["expected"]]


def parse_key(key):
    """'amin eviction=most-progress' -> ('amin', {'eviction': 'most-progress'})."""
    policy, *opts = key.split()
    return policy, dict(o.split("=", 1) for o in opts)


def test_examples_are_many():
    assert len(EXAMPLES) >= 12 and len(CASES) >= 100


@pytest.mark.parametrize(("name", "key"), CASES)
def test_scheduler_matches_example(name, key):
    example = next(e for e in EXAMPLES if e["name"] == name)
    inst = Instance.from_dict(example["instance"])
    policy, options = parse_key(key)
    trace = simulate(inst, make_scheduler(policy, inst, **options))
    got = {k: trace.summary()[k] for k in example["expected"][key]}
    assert got == example["expected"][key]


@pytest.mark.parametrize("name", [e["name"] for e in EXAMPLES])
def test_opt_matches_example(name):
    example = next(e for e in EXAMPLES if e["name"] == name)
    result = solve_opt(Instance.from_dict(example["instance"]), "exhaustive")
    assert result.status == "optimal"
    assert result.tel == example["opt_tel"]
