"""OPT as a finite table over output vectors, for Z3 queries whose configuration is small.

OPT depends only on the multiset of ``(s, o, a)``. Jobs of one *type* (equal ``s, a, l, u``) are interchangeable,
so OPT is a function of how many jobs of each type take each length. When the number of such count vectors is
affordable, every OPT is computed exactly beforehand (memoised, by :func:`verify.opt.solve_opt`) and the Z3
benchmark becomes ``Σ_table If(counts == row, OPT(row), 0)``: the solver no longer has to find a schedule.
Proofs built on the table rest on the exact OPT solvers, which are cross-checked against each other.
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict

import z3

from models.instance import Instance
from verify.opt import solve_opt
from verify.opt.benchmark import UnprovenBenchmark


def _compositions(total: int, parts: int):
    """Every tuple of ``parts`` non-negative integers summing to ``total``."""
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in _compositions(total - first, parts - 1):
            yield (first, *rest)


def table_size(config: Instance) -> int:
    """The number of rows :func:`encode_opt_table` would solve: count vectors over the configuration's types.

    A type of ``c`` jobs with interval ``[l, u]`` contributes ``C(c + u - l, u - l)`` ways to spread its
    jobs over the ``u - l + 1`` lengths; the table is their product.

    Parameters
    ----------
    config : Instance
        The configuration (its ``o`` values are ignored); jobs with equal ``(s, a, l, u)`` form one type.

    Returns
    -------
    int
        The number of rows, each one exact OPT solve.
    """
    from math import comb

    types = defaultdict(int)
    for r in config.requests:
        types[(r.s, r.a, r.l, r.u)] += 1
    size = 1
    for (s, a, l, u), count in types.items():  # noqa: E741
        size *= comb(count + u - l, u - l)
    return size


def encode_opt_table(config: Instance, o: list[z3.ArithRef], *, timeout: float | None = None,
                     deadline: float | None = None) -> z3.ArithRef:
    """A Z3 term equal to OPT(o) for every o in the configuration's space (exact OPT precomputed per row).

    Parameters
    ----------
    config : Instance
        The configuration (``M`` and every request's ``s, l, u, a``; its ``o`` values are ignored).
    o : list of z3.ArithRef
        The symbolic output lengths, one per job, each constrained elsewhere to ``[l_j, u_j]``.
    timeout : float, optional
        Seconds per row (``None``: no limit).
    deadline : float, optional
        A ``time.perf_counter()`` value by which the whole table is built, each row solved within what
        remains (``None``: no limit).

    Returns
    -------
    z3.ArithRef
        ``If(counts == row, OPT(row), ...)`` over every row; 0 outside the configuration's space.

    Raises
    ------
    UnprovenBenchmark
        The deadline passed before a row, or a row's OPT was not proven in its time.
    """
    types: dict[tuple[int, int, int, int], list[int]] = defaultdict(list)
    for j, r in enumerate(config.requests):
        types[(r.s, r.a, r.l, r.u)].append(j)
    keys = sorted(types)
    count_terms = {}
    per_type_rows = []
    for key in keys:
        s, a, l, u = key  # noqa: E741
        members = types[key]
        for v in range(l, u + 1):
            count_terms[(key, v)] = z3.Sum([z3.If(o[j] == v, 1, 0) for j in members])
        per_type_rows.append(list(_compositions(len(members), u - l + 1)))
    cases = []
    for combo in itertools.product(*per_type_rows):
        conds = []
        for key, counts in zip(keys, combo, strict=True):
            s, a, l, u = key  # noqa: E741
            for v, c in zip(range(l, u + 1), counts, strict=True):
                conds.append(count_terms[(key, v)] == c)
        # any assignment of these lengths to the type's jobs has the same OPT
        inst = _instance_with(config, types, keys, combo)
        row_timeout = timeout
        if deadline is not None:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise UnprovenBenchmark(f"OPT table: the budget ran out after {len(cases)} rows")
            row_timeout = left if timeout is None else min(timeout, left)
        result = solve_opt(inst, timeout=row_timeout)
        if result.status != "optimal":
            raise UnprovenBenchmark(f"OPT table: row {combo} not proven within {row_timeout}s")
        cases.append((z3.And(conds), result.tel))
    term: z3.ArithRef = z3.IntVal(0)
    for cond, value in cases:
        term = z3.If(cond, value, term)
    return term


def _instance_with(config: Instance, types, keys, combo) -> Instance:
    outputs = [0] * config.n
    for key, counts in zip(keys, combo, strict=True):
        s, a, l, u = key  # noqa: E741
        lengths = [v for v, c in zip(range(l, u + 1), counts, strict=True) for _ in range(c)]
        for j, v in zip(types[key], lengths, strict=True):
            outputs[j] = v
    return config.with_outputs(outputs)
