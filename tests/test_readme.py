"""The README's Python examples run as written: each ```python block, in order, in one namespace.

A line ``print(expr)  # value`` must print exactly ``value``; a block that defines ``test_*`` functions has
them called, so the examples a user copies into a test file are checked too.
"""

import contextlib
import io
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
PRINTED = re.compile(r"^print\((.*)\)\s+#\s*(\S.*)$")


def test_readme_has_python_examples():
    assert len(BLOCKS) >= 2


def test_readme_python_examples_run(monkeypatch):
    monkeypatch.chdir(ROOT)  # the examples name files relative to the repository root
    namespace: dict = {}
    for block in BLOCKS:
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - the README's own examples
        for line in block.splitlines():
            match = PRINTED.match(line.strip())
            if match:
                out = io.StringIO()
                with contextlib.redirect_stdout(out):
                    exec(compile(line.strip(), "README.md", "exec"), namespace)  # noqa: S102
                assert out.getvalue().strip() == match.group(2).strip(), line
        for name, value in list(namespace.items()):
            if name.startswith("test_") and callable(value):
                value()
                del namespace[name]
