import json

import pytest

from models.instance import Instance, InstanceError, Request as R
from models.witness import Witness, load_witness, save_witness
from verify.certify import certify, replay

INST = Instance(8, (R(1, 4, 1, 4), R(1, 4, 1, 4), R(1, 1, 1, 4)))


def test_certified_witness_round_trips_and_replays(tmp_path):
    w = certify(INST, "amin", {"eviction": "least-progress"}, "opt").witness
    assert (w.tel, w.benchmark_tel, str(w.ratio)) == (12, 11, "12/11")
    path = save_witness(w, tmp_path / "w.json")
    data = json.loads(path.read_text())
    assert data["ratio"] == "12/11" and data["requests"][2] == {"s": 1, "o": 1, "l": 1, "u": 4, "a": 0}
    assert load_witness(path) == w
    assert replay(load_witness(path)) == []
    assert [p.name for p in tmp_path.iterdir()] == ["w.json"]  # no temporary file left behind


def test_replay_reports_every_changed_integer():
    w = certify(INST, "amax", {}, "hsf").witness
    tampered = Witness(w.instance, w.policy, w.options, w.tel + 1, w.benchmark, w.benchmark_tel)
    problems = replay(tampered)
    assert any(p.startswith("tel: stored 16, replay gives 15") for p in problems)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ratio": "1/2"}, "ratio: 1/2 is not tel/benchmark_tel"),
        ({"ratio": "0.5"}, "ratio: must be"),
        ({"benchmark": "best"}, "benchmark: must be one of"),
        ({"tel": 0}, "tel: must be a positive integer"),
        ({"policy": None}, "policy: must be a string"),
        ({"extra": 1}, "unknown key 'extra'"),
        ({"objective": "preemptions"}, "objective, objective_value: both given or both absent"),
        ({"objective": "latency", "objective_value": 1}, "objective: must be one of preemptions, recomputed"),
        ({"objective": "preemptions", "objective_value": -1}, "objective_value: must be an integer >= 0"),
        ({"objective": "preemptions", "objective_value": True}, "objective_value: must be an integer >= 0"),
    ],
)
def test_invalid_witness_fields(change, message):
    data = certify(INST, "amin", {}, "hsf").witness.to_dict() | change
    with pytest.raises(InstanceError, match=message):
        Witness.from_dict(data)


def test_missing_witness_key():
    data = certify(INST, "amin", {}, "hsf").witness.to_dict()
    del data["options"]
    with pytest.raises(InstanceError, match="missing key 'options'"):
        Witness.from_dict(data)


def test_objective_witness_records_the_reference_run():
    w = certify(INST, "amin", {}, "opt", objective="preemptions").witness
    tr = certify(INST, "amin", {}, "opt").trace
    assert (w.objective, w.objective_value) == ("preemptions", tr.max_departures)
    data = w.to_dict()
    assert data["objective"] == "preemptions" and Witness.from_dict(data) == w
    assert "objective" not in certify(INST, "amin", {}, "opt").witness.to_dict()


def test_witness_carries_priorities_and_omits_them_when_all_zero(tmp_path):
    prio = Instance(8, (R(1, 4, 1, 4, 0, 2), R(1, 4, 1, 4, 0, 0), R(1, 1, 1, 4, 0, -1)))
    w = certify(prio, "vllm-v1", {"priority": True}, "opt").witness
    path = save_witness(w, tmp_path / "w.json")
    data = json.loads(path.read_text())
    assert [r["priority"] for r in data["requests"]] == [2, 0, -1] and data["options"]["priority"] is True
    assert load_witness(path) == w and replay(load_witness(path)) == []
    plain = certify(INST, "vllm-v1", {}, "opt").witness.to_dict()
    assert all("priority" not in r for r in plain["requests"])
