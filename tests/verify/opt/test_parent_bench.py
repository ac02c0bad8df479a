"""The parent table's aggregation (``kvsched bench parent-table``) on synthetic per-trial rows."""

import io

from rich.console import Console

from verify.benchmarks.opt import largest_proven
from verify.benchmarks.parent import PARENT_ALPHAS, PARENT_POLICIES, parent_table


def _row(which, seed, hsf, status, lower, upper):
    row = {"set": which, "seed": str(seed), "n": "40", "M": "30", "hsf": str(hsf), "status": status,
           "lower": str(lower), "upper": str(upper), "solver": "bnb", "seconds": "1.0"}
    row |= {f"{p}@{a}": str(hsf + 10) for p in PARENT_POLICIES for a in PARENT_ALPHAS}
    return row


def test_parent_table_counts_closed_trials_and_the_widest_bracket():
    rows = [_row("zero", 0, 100, "optimal", 100, 100), _row("zero", 1, 110, "optimal", 100, 100),
            _row("zero", 2, 200, "unknown", 150, 200), _row("poisson", 0, 50, "unknown", 40, 50)]
    out = io.StringIO()
    parent_table(rows, Console(file=out, width=200))
    text = out.getvalue()
    assert "2 / 3" in text and "0 / 1" in text
    assert "21/20 = 1.0500" in text  # mean of 1 and 11/10 over the closed trials
    assert "[150, 200] (25.0 %)" in text and "[40, 50] (20.0 %)" in text


def test_largest_proven_counts_per_limit_and_stops_after_two_failures():
    from types import SimpleNamespace


    # n = 2..9: seconds per n, None = not proven; stops at n = 7 (second consecutive failure), never asks 8, 9
    table = {2: 0.1, 3: 5.0, 4: None, 5: 30.0, 6: None, 7: None, 8: 0.1, 9: 0.1}
    asked = []

    def solve(n):
        asked.append(n)
        sec = table[n]
        return SimpleNamespace(status="unknown" if sec is None else "optimal", seconds=sec or 60.0)

    assert largest_proven(solve, [1.0, 10.0, 60.0], 9) == {1.0: 2, 10.0: 3, 60.0: 5}
    assert asked == [2, 3, 4, 5, 6, 7]
