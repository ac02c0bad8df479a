"""MODEL.md's conformance examples (models/examples/model_examples.json): every integer must match."""

import json
from pathlib import Path

import pytest

from models.engine_reference import simulate
from models.examples import EXAMPLE_FILES, example_path, model_examples
from models.instance import Instance
from models.schedulers import make_scheduler
from verify.opt import solve_opt

EXAMPLES = model_examples()
CASES = [(e["name"], key) for e in EXAMPLES for key in e["expected"]]
# The project's steering folder beside the checkout, where the examples were first given. Only the drift test
# below reads it, and only if it is there: a user's clone has no such folder and needs none.
OUTSIDE = Path(__file__).resolve().parents[3] / "shared" / "examples"


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


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_shipped_examples_match_the_given_ones(name):
    """Drift check: the shipped copy equals the examples as given, where that folder exists."""
    given = OUTSIDE / name
    if not given.exists():
        pytest.skip(f"{given} is not beside this checkout (only the project's own machines have it)")
    assert json.loads(example_path(name).read_text()) == json.loads(given.read_text())
