"""The curated public API (#21): every name in ``models.__all__`` and ``verify.__all__`` resolves, is the
object of its home module, and has a docstring."""

import importlib

import pytest

import models
import verify


@pytest.mark.parametrize("package", [models, verify], ids=["models", "verify"])
def test_every_public_name_resolves_to_its_home(package):
    assert package.__all__ and sorted(package.__all__) == package.__all__
    for name in package.__all__:
        obj = getattr(package, name)
        assert obj is getattr(importlib.import_module(package._PUBLIC[name]), name)
        assert isinstance(obj, tuple) or obj.__doc__, f"{package.__name__}.{name} has no docstring"


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        models.nope  # noqa: B018
