"""Shapes: the rules of an instance that do not involve o, and with_outputs as the only way to an instance."""

import pytest
from hypothesis import given

from models.instance import Instance, InstanceError
from models.shape import JobShape, Shape
from verify.testing.strategies import instances


@given(instances(max_n=5, max_u=6, max_s=3, max_a=3))
def test_the_shape_of_an_instance_gives_it_back_with_its_outputs(inst):
    shape = Shape.of(inst)
    assert shape.with_outputs(inst.outputs) == inst
    assert (shape.n, shape.M, shape.alpha) == (inst.n, inst.M, inst.alpha)
    assert shape.lows == tuple(r.l for r in inst.requests) and shape.highs == tuple(r.u for r in inst.requests)


def test_space_size_counts_the_output_vectors():
    shape = Shape(9, (JobShape(1, 2, 4), JobShape(0, 1, 1), JobShape(2, 3, 7)))
    assert shape.space_size == 3 * 1 * 5


@pytest.mark.parametrize("make,message", [
    (lambda: Shape(0, (JobShape(0, 1, 1),)), "M: must be >= 1, got 0"),
    (lambda: Shape(5, ()), "requests: must hold at least one request"),
    (lambda: Shape(5, (JobShape(0, 3, 2),)), r"requests\[0\].l: rule l <= u violated \(l=3, u=2\)"),
    (lambda: Shape(5, (JobShape(0, 1, 2), JobShape(4, 1, 2))), r"requests\[1\]: rule s \+ u <= M violated"),
    (lambda: Shape(5, (JobShape(-1, 1, 2),)), r"requests\[0\].s: must be >= 0"),
    (lambda: Shape(5, (JobShape(0, 1, 2, True),)), r"requests\[0\].a: must be an integer"),
    (lambda: Shape.uniform(5, 0, 1, 2, 0), "n: must be >= 1, got 0"),
])
def test_a_broken_rule_names_the_field(make, message):
    with pytest.raises(InstanceError, match=message):
        make()


def test_with_outputs_validates_each_length():
    shape = Shape.uniform(6, 1, 2, 4, 2)
    assert shape.with_outputs([2, 4]) == Instance.from_dict(
        {"M": 6, "requests": [{"s": 1, "o": 2, "l": 2, "u": 4}, {"s": 1, "o": 4, "l": 2, "u": 4}]})
    with pytest.raises(InstanceError, match=r"requests\[1\].o: rule o <= u violated"):
        shape.with_outputs([2, 5])
    with pytest.raises(InstanceError, match="outputs: expected 2 values, got 1"):
        shape.with_outputs([2])



def test_a_shape_keeps_priorities():
    inst = Instance.from_dict({"M": 6, "requests": [{"s": 1, "o": 2, "l": 1, "u": 4, "priority": 3},
                                                    {"s": 0, "o": 1, "l": 1, "u": 2, "priority": -1}]})
    shape = Shape.of(inst)
    assert [r.priority for r in shape.requests] == [3, -1]
    assert shape.with_outputs(inst.outputs) == inst
    with pytest.raises(InstanceError, match=r"requests\[0\].priority: must be an integer"):
        Shape(5, (JobShape(0, 1, 2, 0, 0.5),))
