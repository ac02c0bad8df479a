"""Grids against the plain nested loops they replace (the oracle), and their input rules."""

import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.errors import InvalidInput
from models.grid import Grid, GridPoint

small = st.lists(st.integers(1, 6), min_size=1, max_size=3, unique=True)
prompts = st.lists(st.integers(0, 3), min_size=1, max_size=3, unique=True)


@given(small, prompts, small, small, st.lists(st.integers(1, 10), min_size=1, max_size=4, unique=True))
def test_absolute_axes_are_the_filtered_product_in_order(ns, ss, us, ls, Ms):
    grid = Grid.product(n=ns, s=ss, u=us, l=ls, M=Ms)
    expected = [GridPoint(n, M, s, l, u) for n, s, u, l, M in itertools.product(ns, ss, us, ls, Ms)
                if l <= u and s + u <= M]
    assert list(grid) == expected
    assert grid.excluded == len(ns) * len(ss) * len(us) * len(ls) * len(Ms) - len(expected)
    assert [p.shape().with_outputs([p.l] * p.n).n for p in grid] == [p.n for p in grid]


@given(small, prompts, small, st.lists(st.integers(0, 4), min_size=1, max_size=3, unique=True),
       st.lists(st.fractions(Fraction(1), Fraction(4)), min_size=1, max_size=2, unique=True))
def test_relative_axes_follow_their_rules(ns, ss, us, ks, factors):
    grid = Grid.product(n=ns, s=ss, u=us, k=ks, M_factor=factors)
    expected = list(dict.fromkeys(GridPoint(n, math.ceil(f * (s + u)), s, max(1, u // 2**k), u)
                                  for n, s, u in itertools.product(ns, ss, us) for k in ks for f in factors))
    assert list(grid) == expected
    slack = Grid.product(n=ns, s=ss, u=us, M_slack=[0, 2])
    assert list(slack) == [GridPoint(n, s + u + d, s, l, u) for n, s, u in itertools.product(ns, ss, us)
                           for l in range(1, u + 1) for d in (0, 2)]


@pytest.mark.parametrize("kwargs,message", [
    ({"l": [1], "k": [0], "M": [4]}, "give l or k"),
    ({"l": [1]}, "give exactly one of M, M_factor, M_slack, got none"),
    ({"l": [1], "M": [4], "M_slack": [0]}, "give exactly one of M, M_factor, M_slack"),
    ({"k": [-1], "M": [4]}, "k: every k must be >= 0"),
    ({"l": [1], "M_factor": [0]}, "M_factor: every factor must be > 0"),
    ({"l": [1], "M_slack": [-1]}, "M_slack: every slack must be >= 0"),
    ({"l": [0], "M": [4]}, "l: every value must be an integer >= 1"),
])
def test_bad_axes_are_refused_with_the_rule(kwargs, message):
    with pytest.raises(InvalidInput, match=message):
        Grid.product(n=[2], s=[0], u=[3], **kwargs)


def test_points_carry_alpha_and_factor_exactly():
    p = GridPoint(4, 12, 1, 2, 8)
    assert p.alpha == Fraction(1, 4) and p.factor == Fraction(4, 3) and p.label == "n=4 M=12 s=1 l=2 u=8"


def test_prompt_vectors_are_the_nested_loops_ordered_by_capacity():
    from models.grid import prompt_vectors
    from models.shape import JobShape, Shape

    loops = [Shape(M, tuple(JobShape(s, 1, 3) for s in v)) for M in (3, 4, 5)
             for v in itertools.product((0, 1, 2), repeat=2) if max(v) + 3 <= M]
    assert prompt_vectors(2, (0, 1, 2), 1, 3, M=(3, 4, 5)) == loops
    slack = prompt_vectors(2, (0, 2), 1, 3, M_slack=range(2))
    assert [(s.M, tuple(r.s for r in s.requests)) for s in slack] == [
        (3, (0, 0)), (4, (0, 0)), (5, (0, 2)), (5, (2, 0)), (5, (2, 2)), (6, (0, 2)), (6, (2, 0)), (6, (2, 2))]
    with pytest.raises(InvalidInput, match="exactly one of M, M_slack"):
        prompt_vectors(2, (0,), 1, 3)
