"""kvsched bench engine: every policy measured on both engines in one run, summaries identical."""

import io

import pytest
from rich.console import Console

from verify.benchmarks.engine import bench_engine
from verify.cli import main


def test_bench_engine_measures_the_serving_policies():
    rows = bench_engine([40], [40, 80], 5, Console(file=io.StringIO()), ["vllm-v1", "sglang"])
    assert [(r["policy"], r["n"]) for r in rows] == [("vllm-v1", 40), ("vllm-v1", 80), ("sglang", 40), ("sglang", 80)]
    assert all(r["identical"] for r in rows if "reference_seconds" in r)
    assert sum("reference_seconds" in r for r in rows) == 2


@pytest.mark.parametrize("args, message", [(["--policies", "hsf"], "--policies: unknown policy 'hsf'"),
                                           (["--tiny", "0"], "--tiny: must be an integer >= 1")])
def test_bench_engine_bad_input(capsys, args, message):
    code = main(["bench", "engine", *args])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and message in err, err


def test_bench_opt_reports_the_largest_n_per_limit_from_one_run(monkeypatch):
    # every solver climbs once with the largest limit; the summary reads each limit off that one run
    import verify.benchmarks.opt as opt_bench
    import verify.opt as opt
    from types import SimpleNamespace

    seconds = {2: 0.1, 3: 4.0, 4: 30.0, 5: None, 6: None}
    timeouts = []

    def fake_solve(instance, solver, *, timeout=None):
        timeouts.append(timeout)
        sec = seconds[instance.n]
        return SimpleNamespace(status="unknown" if sec is None else "optimal", seconds=sec or timeout, tel=1,
                               lower_bound=1, stats={})

    monkeypatch.setattr(opt, "solve_opt", fake_solve)
    out = opt_bench.bench_opt(["milp", "bnb"], [1.0, 10.0, 60.0], 6, Console(file=io.StringIO()))
    assert out == {s: {1.0: 2, 10.0: 3, 60.0: 4} for s in ("milp", "bnb")}
    assert set(timeouts) == {60.0}
