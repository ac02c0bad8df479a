"""A search problem ranges over the output vectors of a shape; an instance (with its o) is refused."""

import pytest

from models.errors import InvalidInput
from models.shape import Shape
from verify.search import Problem


def test_a_problem_takes_a_shape_not_an_instance():
    shape = Shape.uniform(6, 1, 2, 4, 2)
    with pytest.raises(InvalidInput, match=r"shape: must be a Shape \(Shape.of\(instance\) drops"):
        Problem(shape.with_outputs([2, 2]), "amin")
    problem = Problem(shape, "amin")
    assert problem.shape == shape and problem.space_size == 9
