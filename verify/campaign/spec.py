"""Campaign SPEC files (TOML): the grid of (policy × options × configuration × strategy) cells.

```toml
name = "quick"
benchmark = "opt"                      # or "hsf"
strategies = ["exhaustive", "local"]
budget = 2.0                           # seconds per cell
seed = 0
retries = 2                            # a cell whose worker dies is retried this often, then recorded as failed
[[policies]]
policy = "amin"
options = { eviction = "most-progress" }
[grid]                                 # one interval for all jobs, arrivals 0; ints, "a..b" ranges or lists
n = "2..3"
M = "6..8"
s = [0, 1]
l = 1
u = "3..4"
```

Everything is validated before any task is submitted; an error names the key and the rule. Grid combinations
with ``l > u`` or ``s + u > M`` are not cells (the plan says how many were excluded).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import tomllib
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Any

from models.errors import InvalidInput
from models.grid import Grid, GridPoint
from models.schedulers import OptionError, PolicySpec
from models.witness import BENCHMARKS
from verify.ranges import MAX_CONFIGURATIONS, RangeError, check_grid_size, parse_range

TOP_KEYS = {"name", "benchmark", "strategies", "budget", "seed", "retries", "policies", "grid", "growth"}
GROWTH_KEYS = {"k", "n", "M_factors", "s", "u_min", "seed_in_n"}
SEEDED_STRATEGIES = ("families", "targeted")
"""The strategies a growth campaign seeds with smaller-n witnesses (they take ``starts``)."""
GRID_KEYS = {"n": 1, "M": 1, "s": 0, "l": 1, "u": 1}
POLICY_KEYS = {"policy", "options"}
MAX_BUDGET = 10_000_000.0
CAMPAIGN_STRATEGIES = ("exhaustive", "local", "hypothesis", "portfolio", "statespace", "z3", "families", "targeted")


class SpecError(InvalidInput):
    """A SPEC that breaks a rule; the message names the key."""


@dataclass(frozen=True)
class Cell:
    policy: str
    options: tuple[tuple[str, Any], ...]
    n: int
    M: int
    s: int
    l: int  # noqa: E741
    u: int
    strategy: str
    benchmark: str
    budget: float
    seed: int

    @property
    def params(self) -> dict[str, Any]:
        """The cell as plain JSON values (``options`` as a dict): what a worker receives and the database keeps."""
        d = self.__dict__.copy()
        d["options"] = dict(self.options)
        return d

    @property
    def cell_id(self) -> str:
        """The cell's key: the first 16 hex digits of the SHA-1 of its sorted-key JSON parameters."""
        return hashlib.sha1(json.dumps(self.params, sort_keys=True).encode()).hexdigest()[:16]

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Cell:
        """The cell of :attr:`params`.

        Parameters
        ----------
        params : dict
            A cell's parameters, as :attr:`params` gives them.

        Returns
        -------
        Cell
            The cell (its options sorted by name).
        """
        return cls(**(params | {"options": tuple(sorted(params["options"].items()))}))


@dataclass(frozen=True)
class Spec:
    name: str
    cells: tuple[Cell, ...]
    excluded: int
    retries: int
    seed_in_n: bool = False  # a [growth] SPEC (unless seed_in_n = false): cells run in n order, seeded

    def waves(self, cells: tuple[Cell, ...] | list[Cell] | None = None) -> list[list[Cell]]:
        """The cells in the order they may run: one wave per n, increasing, when the SPEC seeds in n.

        A cell's smaller-n sources are then done before it starts; a SPEC that does not seed in n has one wave.

        Parameters
        ----------
        cells : sequence of Cell, optional
            The cells to order (default: all of the SPEC's).

        Returns
        -------
        list of list of Cell
            The waves, each to finish before the next starts (none for no cells).
        """
        cells = list(self.cells if cells is None else cells)
        if not self.seed_in_n:
            return [cells] if cells else []
        return [[c for c in cells if c.n == n] for n in sorted({c.n for c in cells})]

    def seed_sources(self, cell: Cell) -> list[Cell]:
        """The cells whose stored witnesses seed ``cell``: its column at smaller n (a [growth] SPEC only).

        The column is every parameter but n equal. A cell's starts are the lengthened witnesses of these
        (:func:`verify.search.families.replicated_starts`), so they are derived from stored results only and a
        rerun of the SPEC reproduces them.

        Parameters
        ----------
        cell : Cell
            A cell of this SPEC.

        Returns
        -------
        list of Cell
            Its sources in increasing n; none unless the SPEC seeds in n and the cell's strategy takes starts
            (:data:`SEEDED_STRATEGIES`).
        """
        if not self.seed_in_n or cell.strategy not in SEEDED_STRATEGIES:
            return []
        return [c for c in self._columns.get(replace(cell, n=0), []) if c.n < cell.n]

    @cached_property
    def _columns(self) -> dict[Cell, list[Cell]]:
        """The cells by column (the cell with n = 0 as key), each in increasing n."""
        cols: dict[Cell, list[Cell]] = {}
        for c in sorted(self.cells, key=lambda c: c.n):
            cols.setdefault(replace(c, n=0), []).append(c)
        return cols


def _values(grid: dict, key: str) -> list[int]:
    raw = grid[key]
    if isinstance(raw, bool):
        raise SpecError(f"grid.{key}: must be an integer, a range 'a..b' or a list, got {raw!r}")
    if isinstance(raw, int):
        raw = str(raw)
    if isinstance(raw, str):
        try:
            values = parse_range(raw, f"grid.{key}", GRID_KEYS[key])
        except RangeError as exc:
            raise SpecError(str(exc)) from None
        if len(values) > MAX_CONFIGURATIONS:
            raise SpecError(f"grid.{key}: {len(values)} values, more than the limit of {MAX_CONFIGURATIONS} grid points")
        return list(values)
    if isinstance(raw, list) and raw and all(isinstance(v, int) and not isinstance(v, bool) for v in raw):
        if min(raw) < GRID_KEYS[key]:
            raise SpecError(f"grid.{key}: values must be >= {GRID_KEYS[key]}, got {min(raw)}")
        return sorted(set(raw))
    raise SpecError(f"grid.{key}: must be an integer, a range 'a..b' or a non-empty list of integers, got {raw!r}")


def _growth_grid(growth: Any) -> dict[str, Any]:
    """A ``[growth]`` table (the growth study's coupled grid: alpha = 2^-k with u = max(u_min, 2^k), l = u·alpha,
    M = ceil(f·(s+u)), s in {"0", "1", "u/4"}) as the list of explicit configurations it stands for, in the
    internal form ``{"configs": [(n, M, s, l, u), ...]}``."""
    if not isinstance(growth, dict):
        raise SpecError("growth: must be a table")
    unknown = sorted(set(growth) - GROWTH_KEYS)
    if unknown:
        raise SpecError(f"growth.{unknown[0]}: unknown key (allowed: {', '.join(sorted(GROWTH_KEYS))})")
    missing = sorted(GROWTH_KEYS - set(growth) - {"u_min", "seed_in_n"})
    if missing:
        raise SpecError(f"growth.{missing[0]}: missing key")
    raw_k = growth["k"]
    try:
        ks = [raw_k] if isinstance(raw_k, int) and not isinstance(raw_k, bool) and raw_k >= 0 else \
            list(parse_range(raw_k, "growth.k", 0)) if isinstance(raw_k, str) else None
    except RangeError as exc:
        raise SpecError(str(exc)) from None
    if ks is None:
        raise SpecError(f"growth.k: must be a non-negative integer or a range 'a..b', got {raw_k!r}")
    ns = _values({"n": growth["n"]}, "n")
    try:
        factors = [Fraction(str(f)) for f in growth["M_factors"]]
    except (ValueError, TypeError, ZeroDivisionError):
        raise SpecError(f"growth.M_factors: must be a list of numbers or 'p/q' strings, got {growth['M_factors']!r}")
    if not factors or min(factors) < 1:
        raise SpecError("growth.M_factors: every factor must be >= 1 (s + u <= M)")
    rules = growth["s"]
    if not isinstance(rules, list) or not rules or any(r not in ("0", "1", "u/4") for r in rules):
        raise SpecError(f"growth.s: must be a non-empty list drawn from \"0\", \"1\", \"u/4\", got {rules!r}")
    u_min = growth.get("u_min", 16)
    if isinstance(u_min, bool) or not isinstance(u_min, int) or u_min < 1:
        raise SpecError(f"growth.u_min: must be a positive integer, got {u_min!r}")
    if not isinstance(growth.get("seed_in_n", True), bool):
        raise SpecError(f"growth.seed_in_n: must be true or false, got {growth['seed_in_n']!r}")
    configs = []
    for k in ks:
        u = max(u_min, 2**k)  # u grows with k, so each k is its own grid
        s_values = [u // 4 if rule == "u/4" else int(rule) for rule in rules]
        configs += [(p.n, p.M, p.s, p.l, p.u) for p in Grid.product(n=ns, s=s_values, u=[u], k=[k], M_factor=factors)]
    return {"configs": sorted(set(configs))}


def parse_spec(data: dict[str, Any]) -> Spec:
    """A SPEC from its parsed TOML, validated whole before any task is submitted.

    Parameters
    ----------
    data : dict
        The TOML document (the format is in this module's docstring).

    Returns
    -------
    Spec
        Its cells (grid combinations with ``l > u`` or ``s + u > M`` left out and counted) and its retries.

    Raises
    ------
    SpecError
        A key or value breaks a rule: one line naming the key and the rule.
    """
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise SpecError(f"{unknown[0]}: unknown key (allowed: {', '.join(sorted(TOP_KEYS))})")
    if "growth" in data and "grid" not in data:
        data = {**data, "grid": _growth_grid(data["growth"])}
    elif "growth" in data:
        raise SpecError("growth: give either [grid] or [growth], not both")
    for key in ("name", "policies", "grid", "strategies"):
        if key not in data:
            raise SpecError(f"{key}: missing key")
    name = data["name"]
    if not isinstance(name, str) or not name:
        raise SpecError("name: must be a non-empty string")
    benchmark = data.get("benchmark", "opt")
    if benchmark not in BENCHMARKS:
        raise SpecError(f"benchmark: must be one of {', '.join(BENCHMARKS)}, got {benchmark!r}")
    strategies = data["strategies"]
    if not isinstance(strategies, list) or not strategies or any(s not in CAMPAIGN_STRATEGIES for s in strategies):
        raise SpecError(f"strategies: must be a non-empty list drawn from {', '.join(CAMPAIGN_STRATEGIES)}")
    budget = data.get("budget", 10.0)
    if (isinstance(budget, bool) or not isinstance(budget, int | float) or not math.isfinite(budget) or budget <= 0
            or budget > MAX_BUDGET):
        raise SpecError(f"budget: must be a positive number of seconds, finite and at most {MAX_BUDGET:.0f}, got {budget!r}")
    seed, retries = data.get("seed", 0), data.get("retries", 2)
    for key, value in (("seed", seed), ("retries", retries)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise SpecError(f"{key}: must be a non-negative integer, got {value!r}")
    grid = data["grid"]
    if not isinstance(grid, dict):
        raise SpecError("grid: must be a table")
    axes = None
    if "configs" in grid and set(grid) == {"configs"}:  # from [growth]
        configs = grid["configs"]
        grid_sizes, max_n = [len(configs)], max((c[0] for c in configs), default=0)
    else:
        unknown = sorted(set(grid) - set(GRID_KEYS))
        if unknown:
            raise SpecError(f"grid.{unknown[0]}: unknown key (allowed: {', '.join(GRID_KEYS)})")
        missing = sorted(set(GRID_KEYS) - set(grid))
        if missing:
            raise SpecError(f"grid.{missing[0]}: missing key")
        axes = {key: _values(grid, key) for key in GRID_KEYS}
        grid_sizes, max_n = [len(axes[k]) for k in GRID_KEYS], max(axes["n"])
    policies = data["policies"]
    if not isinstance(policies, list) or not policies:
        raise SpecError("policies: must be a non-empty list of tables [[policies]]")
    parsed = []
    for i, p in enumerate(policies):
        if not isinstance(p, dict):
            raise SpecError(f"policies[{i}]: must be a table")
        unknown = sorted(set(p) - POLICY_KEYS)
        if unknown:
            raise SpecError(f"policies[{i}].{unknown[0]}: unknown key (allowed: policy, options)")
        if "policy" not in p:
            raise SpecError(f"policies[{i}].policy: missing key")
        options = p.get("options", {})
        if not isinstance(options, dict):
            raise SpecError(f"policies[{i}].options: must be a table")
        try:
            PolicySpec.parse(p["policy"], options)
        except OptionError as exc:
            raise SpecError(f"policies[{i}]: {exc}") from None
        parsed.append((p["policy"], tuple(sorted(options.items()))))
    try:
        check_grid_size("grid", [len(parsed), len(strategies), *grid_sizes], max_n)
    except RangeError as exc:
        raise SpecError(f"{exc} (policies x strategies x grid points)") from None
    # built only once its size is known to be within the limit
    if axes is not None:
        points = Grid.product(n=axes["n"], s=axes["s"], u=axes["u"], l=axes["l"], M=axes["M"])
    else:
        points = Grid(tuple(GridPoint(*c) for c in configs))
    cells, excluded = [], 0
    for (policy, options), strategy in itertools.product(parsed, strategies):
        excluded += points.excluded
        cells += [Cell(policy, options, p.n, p.M, p.s, p.l, p.u, strategy, benchmark, float(budget), seed)
                  for p in points]
    if not cells:
        raise SpecError("grid: no cell has l <= u and s + u <= M")
    seed_in_n = "growth" in data and data["growth"].get("seed_in_n", True)
    return Spec(name, tuple(cells), excluded, retries, seed_in_n)


def load_spec(path: str | Path) -> Spec:
    """A SPEC file, read and validated (:func:`parse_spec`).

    Parameters
    ----------
    path : str or Path
        The TOML file.

    Returns
    -------
    Spec
        The campaign.

    Raises
    ------
    SpecError
        A folder, an unreadable file, invalid UTF-8 or TOML, or a SPEC that breaks a rule: one line.
    """
    if Path(path).is_dir():
        raise SpecError(f"{path}: is a folder, not a SPEC file")
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise SpecError(f"{path}: cannot read file ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(f"{path}: not valid UTF-8 (byte {exc.start}: {exc.reason})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise SpecError(f"{path}: invalid TOML: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer beyond Python's digit limit
        raise SpecError(f"{path}: invalid TOML: {str(exc).split(';')[0]}") from None
    return parse_spec(data)
