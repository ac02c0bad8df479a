import json
from fractions import Fraction

import pytest

from models.instance import Instance, InstanceError, Request, load_instance


def make(M=10, **fields):
    base = {"s": 1, "o": 2, "l": 1, "u": 3, "a": 0} | fields
    return Instance(M, (Request(**base),))


@pytest.mark.parametrize(
    ("M", "fields", "message"),
    [
        (0, {}, "M: must be >= 1"),
        (10, {"s": -1}, "requests[0].s: must be >= 0"),
        (10, {"o": 0, "l": 1}, "requests[0].o: must be >= 1"),
        (10, {"l": 3, "o": 2}, "requests[0].l: rule l <= o violated"),
        (10, {"o": 4, "u": 3}, "requests[0].o: rule o <= u violated"),
        (3, {"s": 1, "u": 3}, "requests[0]: rule s + u <= M violated"),
        (10, {"a": -2}, "requests[0].a: must be >= 0"),
        (10, {"s": 1.5}, "requests[0].s: must be an integer"),
        (10, {"o": True}, "requests[0].o: must be an integer"),
    ],
)
def test_each_rule_is_enforced_and_named(M, fields, message):
    with pytest.raises(InstanceError, match=message.replace("[", r"\[").replace("]", r"\]").replace("+", r"\+")):
        make(M, **fields)


def test_empty_instance_rejected():
    with pytest.raises(InstanceError, match="at least one request"):
        Instance(5, ())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"requests": []}, "missing key 'M'"),
        ({"M": 5}, "missing key 'requests'"),
        ({"M": 5, "requests": [], "x": 1}, "unknown key 'x'"),
        ({"M": 5, "requests": [{"s": 0, "o": 1, "l": 1}]}, r"requests\[0\]: missing key 'u'"),
        ({"M": 5, "requests": [{"s": 0, "o": 1, "l": 1, "u": 1, "b": 0}]}, r"requests\[0\]: unknown key 'b'"),
        ({"M": 5, "requests": [{"s": 0, "o": 1, "l": 1, "u": 1}, {"s": 0, "o": "2", "l": 1, "u": 2}]},
         r"requests\[1\].o: must be an integer"),
        ({"M": 5, "requests": {}}, "requests: must be a JSON list"),
        ([1, 2], "instance: must be a JSON object"),
    ],
)
def test_from_dict_rejects_bad_json(data, message):
    with pytest.raises(InstanceError, match=message):
        Instance.from_dict(data)


def test_arrival_defaults_to_zero_and_alpha_is_exact():
    inst = Instance.from_dict({"M": 9, "requests": [{"s": 1, "o": 2, "l": 2, "u": 6}, {"s": 0, "o": 3, "l": 3, "u": 4}]})
    assert inst.requests[0].a == 0
    assert inst.alpha == Fraction(1, 3)
    assert Instance.from_dict(inst.as_dict()) == inst


def test_load_instance_reports_bad_json(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{oops")
    with pytest.raises(InstanceError, match="invalid JSON at line 1"):
        load_instance(path)


def test_with_outputs_revalidates():
    inst = make()
    assert inst.with_outputs([3]).outputs == (3,)
    with pytest.raises(InstanceError, match="o <= u"):
        inst.with_outputs([4])


# The per-request priority (MODEL.md, "Instance"): an integer of any sign, optional in JSON, default 0.

@pytest.mark.parametrize(("value", "message"), [(1.5, "requests[0].priority: must be an integer, got 1.5"),
                                                (True, "requests[0].priority: must be an integer, got True"),
                                                ("1", "requests[0].priority: must be an integer, got '1'")])
def test_priority_must_be_an_integer(value, message):
    with pytest.raises(InstanceError, match=message.replace("[", r"\[").replace("]", r"\]")):
        make(priority=value)
    data = {"M": 5, "requests": [{"s": 0, "o": 1, "l": 1, "u": 1, "priority": value}]}
    with pytest.raises(InstanceError, match=message.replace("[", r"\[").replace("]", r"\]")):
        Instance.from_dict(data)


def test_priority_defaults_to_zero_and_is_omitted_when_all_zero():
    text = '{"M": 9, "requests": [{"s": 1, "o": 2, "l": 2, "u": 6, "a": 0}, {"s": 0, "o": 3, "l": 3, "u": 4, "a": 1}]}'
    inst = Instance.from_dict(json.loads(text))
    assert [r.priority for r in inst.requests] == [0, 0] and not inst.has_priorities
    assert json.dumps(inst.as_dict()) == text  # byte for byte as before the field existed


def test_priorities_round_trip_on_every_request():
    data = {"M": 9, "requests": [{"s": 1, "o": 2, "l": 2, "u": 6, "priority": -3}, {"s": 0, "o": 3, "l": 3, "u": 4}]}
    inst = Instance.from_dict(data)
    assert [r.priority for r in inst.requests] == [-3, 0] and inst.has_priorities
    # once one priority is not 0, every request carries the key (0 included), so the file reads as a table
    assert [r["priority"] for r in inst.as_dict()["requests"]] == [-3, 0]
    assert Instance.from_dict(inst.as_dict()) == inst
    assert inst.with_outputs([2, 4]).requests[0].priority == -3  # copies keep it
    assert Request(1, 2, 2, 6, 0, 7).as_dict() == {"s": 1, "o": 2, "l": 2, "u": 6, "a": 0, "priority": 7}
    assert Request(1, 2, 2, 6).as_dict(priority=True)["priority"] == 0
