"""MODEL.md's serving conformance examples (models/examples/serving_examples.json): every integer must match, on
both engines. The drift check of the shipped copy is in test_conformance.py."""

import pytest

from models.engine_fast import simulate_fast
from models.engine_reference import simulate
from models.examples import serving_examples
from models.instance import Instance
from models.schedulers import make_scheduler

EXAMPLES = serving_examples()
CASES = [(e["name"], policy) for e in EXAMPLES for policy in e["expected"]]


def _run(engine, inst, policy):
    if engine == "reference":
        return simulate(inst, make_scheduler(policy, inst))
    return simulate_fast(inst, policy)


def test_examples_cover_both_policies_and_both_counters():
    assert len(EXAMPLES) >= 8
    assert {p for _, p in CASES} == {"vllm-v1", "sglang"}
    assert any(e["expected"]["vllm-v1"]["preemptions"] > 0 for e in EXAMPLES)
    assert any(e["expected"]["sglang"]["retractions"] > 0 for e in EXAMPLES)


@pytest.mark.parametrize("engine", ["reference", "fast"])
@pytest.mark.parametrize(("name", "policy"), CASES)
def test_serving_policy_matches_example(name, policy, engine):
    example = next(e for e in EXAMPLES if e["name"] == name)
    inst = Instance.from_dict(example["instance"])
    expected = example["expected"][policy]
    summary = _run(engine, inst, policy).summary()
    assert {key: summary[key] for key in expected} == expected
