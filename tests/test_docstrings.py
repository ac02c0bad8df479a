"""Numpydoc docstrings on every public function and method (#21 item 8).

The modules of :data:`CHECKED` are read with :mod:`ast` (nothing is imported). A function or method is
*public* when its name does not start with ``_``, every class around it is public too, and no part of its
module's path starts with ``_`` (``__init__.py`` excepted). Each public one must have a docstring that opens
with a one-line summary (its first paragraph is one line), and:

- a ``Parameters`` section naming exactly its parameters (``self`` and ``cls`` aside; ``*args`` and
  ``**kwargs`` by their names) when it takes any;
- a ``Returns`` or ``Yields`` section when its return annotation is not ``None`` (nor ``NoReturn``/``Never``),
  or, unannotated, when its body returns a value or yields;
- a ``Raises`` section naming each exception class it raises itself (a ``raise`` statement in its own body,
  outside a ``try`` block that may catch it). Not required for a bare ``raise``, for ``AssertionError`` (an
  internal invariant, like ``assert``) or for ``_``-prefixed classes (private control-flow signals).

Exempt: ``__dunder__`` methods; methods a decorator generates (a dataclass's ``__init__``, ``__eq__``, ...,
which are not in the source); nested functions; and properties (``@property``, ``@cached_property``, and a
property's ``.setter``/``.deleter``), which need only a docstring, a one-line summary of what they are.

Checking one more package or file is one more line in :data:`CHECKED`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHECKED = [
    "models",
    "verify",
    "proofs",
]
"""Packages (every ``.py`` below them) and single files, relative to the repository root."""

PROPERTY_DECORATORS = {"property", "cached_property"}
NO_RETURN = {"None", "NoReturn", "Never"}
_SECTION = re.compile(r"^([A-Z][A-Za-z ]*)\n-{3,}[ \t]*$", re.MULTILINE)


def modules(entries: list[str], root: Path) -> list[Path]:
    """The public modules of ``entries``: the ``.py`` files under each package, and each file."""
    found = []
    for entry in entries:
        path = root / entry
        assert path.exists(), f"CHECKED names {entry}, which does not exist"
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            parts = file.relative_to(root).parts
            if not any(p.startswith("_") and p != "__init__.py" for p in parts):
                found.append(file)
    return found


def public_functions(tree: ast.Module):
    """Yield ``(qualified name, function node)`` for the public functions and methods of a module."""
    def walk(body, prefix):
        for node in body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                yield from walk(node.body, f"{prefix}{node.name}.")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
                yield f"{prefix}{node.name}", node
            elif isinstance(node, (ast.If, ast.Try, ast.TryStar)):  # definitions under `if`/`try` at this level
                for block in (node.body, node.orelse, getattr(node, "finalbody", []),
                              *(h.body for h in getattr(node, "handlers", []))):
                    yield from walk(block, prefix)
    yield from walk(tree.body, "")


def decorator_names(node) -> set[str]:
    """The last dotted part of each decorator: ``functools.cached_property`` -> ``cached_property``,
    ``x.setter`` -> ``setter``."""
    names = set()
    for dec in node.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        if isinstance(target, ast.Attribute):
            names.add(target.attr)
        elif isinstance(target, ast.Name):
            names.add(target.id)
    return names


def sections(doc: str) -> dict[str, str]:
    """The numpydoc sections of a cleaned docstring: header -> body text."""
    heads = list(_SECTION.finditer(doc))
    return {m.group(1).strip(): doc[m.end():heads[i + 1].start() if i + 1 < len(heads) else len(doc)]
            for i, m in enumerate(heads)}


def entry_names(body: str) -> set[str]:
    """The names a section lists: its unindented lines, ``a, b : int`` -> ``{a, b}``, ``*args`` -> ``args``."""
    names = set()
    for line in body.splitlines():
        if line.strip() and not line[0].isspace():
            names.update(n.strip().lstrip("*") for n in line.split(" : ")[0].split(","))
    return names - {""}


def parameter_names(node, in_class: bool) -> list[str]:
    """The parameters to document: all of them but a method's ``self``/``cls``."""
    a = node.args
    names = [x.arg for x in a.posonlyargs + a.args]
    if in_class and names and names[0] in ("self", "cls") and "staticmethod" not in decorator_names(node):
        names = names[1:]
    names += [x.arg for x in a.kwonlyargs]
    names += [x.arg for x in (a.vararg, a.kwarg) if x is not None]
    return names


def own_nodes(node):
    """The nodes of a function's own body: nested functions, classes and lambdas are not walked into."""
    stack = list(node.body)
    while stack:
        n = stack.pop()
        yield n
        if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(n))


def returns_value(node) -> bool:
    """Whether the function must document what it returns or yields."""
    if node.returns is not None:
        ann = node.returns
        name = ann.value if isinstance(ann, ast.Constant) else ast.unparse(ann).split(".")[-1]
        return name not in NO_RETURN and name is not None
    return any(isinstance(n, (ast.Yield, ast.YieldFrom))
               or (isinstance(n, ast.Return) and n.value is not None
                   and not (isinstance(n.value, ast.Constant) and n.value.value is None))
               for n in own_nodes(node))


def raised_names(node) -> set[str]:
    """Exception classes the function raises itself, outside any ``try`` body of its own."""
    guarded = set()
    for n in own_nodes(node):
        if isinstance(n, (ast.Try, ast.TryStar)):
            for stmt in n.body:
                guarded.update(id(x) for x in ast.walk(stmt))
    names = set()
    for n in own_nodes(node):
        if isinstance(n, ast.Raise) and n.exc is not None and id(n) not in guarded:
            exc = n.exc.func if isinstance(n.exc, ast.Call) else n.exc
            if isinstance(exc, (ast.Name, ast.Attribute)):
                name = ast.unparse(exc).split(".")[-1]
                if not name.startswith("_") and name != "AssertionError" and name[0].isupper():
                    names.add(name)
    return names


def problems(name: str, node, in_class: bool) -> list[str]:
    """What the docstring of one public function lacks (empty: nothing)."""
    if name.split(".")[-1].startswith("__"):
        return []
    doc = ast.get_docstring(node)  # cleaned: common indentation removed
    if not doc:
        return ["no docstring"]
    wrong = []
    if "\n" in doc.split("\n\n")[0].strip():
        wrong.append("summary is more than one line")
    if decorator_names(node) & (PROPERTY_DECORATORS | {"setter", "deleter"}):
        return wrong
    found = sections(doc)
    params = parameter_names(node, in_class)
    if params:
        if "Parameters" not in found:
            wrong.append("no Parameters section")
        else:
            listed = entry_names(found["Parameters"]) | entry_names(found.get("Other Parameters", ""))
            if missing := [p for p in params if p not in listed]:
                wrong.append(f"Parameters does not list {', '.join(missing)}")
            if extra := sorted(listed - set(params)):
                wrong.append(f"Parameters lists {', '.join(extra)}, not a parameter")
    if returns_value(node) and not ({"Returns", "Yields"} & found.keys()):
        wrong.append("no Returns/Yields section")
    if raised := raised_names(node):
        listed = {name.split(".")[-1] for name in entry_names(found.get("Raises", ""))}
        if missing := sorted(raised - listed):
            wrong.append(f"Raises does not list {', '.join(missing)}")
    return wrong


def offenders(entries: list[str] = CHECKED, root: Path = ROOT) -> list[str]:
    """Every public function of ``entries`` whose docstring breaks a rule, as ``file:line name: problem``."""
    out = []
    for file in modules(entries, root):
        tree = ast.parse(file.read_text(), filename=str(file))
        for name, node in public_functions(tree):
            for problem in problems(name, node, "." in name):
                out.append(f"{file.relative_to(root)}:{node.lineno} {name}: {problem}")
    return out


def test_every_public_function_has_numpydoc_sections():
    bad = offenders()
    assert not bad, f"{len(bad)} docstring problems in public functions:\n" + "\n".join(bad)


def test_the_check_sees_a_missing_section(tmp_path):
    # The rules themselves, on a module written here: each offence is reported, a complete docstring is not.
    source = '''
def good(x: int, *rest, flag=False) -> int:
    """Sum.

    Parameters
    ----------
    x : int
        First.
    *rest : int
        More.
    flag : bool
        Unused.

    Returns
    -------
    int
        The sum.

    Raises
    ------
    InvalidInput
        Never really.
    """
    if x < 0:
        raise InvalidInput("x")
    try:
        raise KeyError
    except KeyError:
        pass
    return x


def bare(x):
    return x


def no_params(x) -> int:
    """Summary.

    Returns
    -------
    int
    """
    raise ValueError("x")


class C:
    @property
    def p(self) -> int:
        """A property."""
        return 1

    if True:
        def q(self, z):
            """A summary
            over two lines."""

    def m(self, y) -> None:
        """Summary.

        Parameters
        ----------
        z : int
        """

    def gen(self):
        """Summary."""
        yield 1
'''
    (tmp_path / "mod.py").write_text(source)
    assert offenders(["mod.py"], tmp_path) == [
        "mod.py:33 bare: no docstring",
        "mod.py:37 no_params: no Parameters section",
        "mod.py:37 no_params: Raises does not list ValueError",
        "mod.py:54 C.q: summary is more than one line",
        "mod.py:54 C.q: no Parameters section",
        "mod.py:58 C.m: Parameters does not list y",
        "mod.py:58 C.m: Parameters lists z, not a parameter",
        "mod.py:66 C.gen: no Returns/Yields section",
    ]
