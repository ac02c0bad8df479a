"""``kvsched bench lp``: both ways of solving the relaxation are run, timed and checked equal."""

import io

from rich.console import Console

from verify.benchmarks.lp import bench_lp
from verify.cli import main


def test_bench_lp_times_both_ways_and_prints_a_row_per_seed():
    out = io.StringIO()
    totals = bench_lp([0, 1], True, Console(file=out, width=200), n=10)
    assert set(totals) == {"whole", "columns"} and min(totals.values()) > 0
    text = out.getvalue()
    assert "Poisson arrivals" in text and "│  all │" in text
    assert sum(1 for line in text.splitlines() if line.startswith("│    0 │") or line.startswith("│    1 │")) == 2


def test_bench_lp_from_the_cli(capsys):
    assert main(["bench", "lp", "--seeds", "3", "--n", "8"]) == 0
    assert "whole model vs column generation" in capsys.readouterr().out
