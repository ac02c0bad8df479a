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
