"""MODEL.md's conformance examples ("Conformance examples"), shipped with the package as data.

The integers in these files are facts of the model: every engine and scheduler must reproduce each one. They
are read from the installed package, so the suites that check them (the tests, ``kvsched mutants``) need
nothing outside the repository.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any
from models.errors import InvalidInput

EXAMPLE_FILES = ("model_examples.json", "serving_examples.json")


def example_path(name: str) -> Path:
    """The path of the shipped example file ``name`` (one of :data:`EXAMPLE_FILES`).

    Parameters
    ----------
    name : str
        The file's name.

    Returns
    -------
    Path
        Its path inside the installed package.

    Raises
    ------
    InvalidInput
        If ``name`` is not one of :data:`EXAMPLE_FILES`.
    """
    if name not in EXAMPLE_FILES:
        raise InvalidInput(f"name: must be one of {', '.join(EXAMPLE_FILES)}, got {name!r}")
    return Path(str(files(__name__) / name))


def model_examples() -> list[dict[str, Any]]:
    """The paper's schedulers' examples: ``[{"name", "instance", "expected", "opt_tel"}, ...]``.

    Returns
    -------
    list of dict
        The examples of ``model_examples.json``, in file order.
    """
    return json.loads(example_path("model_examples.json").read_text())


def serving_examples() -> list[dict[str, Any]]:
    """The serving policies' examples (vllm-v1, sglang): ``[{"name", "instance", "expected"}, ...]``.

    Returns
    -------
    list of dict
        The ``examples`` of ``serving_examples.json``, in file order.
    """
    return json.loads(example_path("serving_examples.json").read_text())["examples"]
