"""``kvsched workload``: exact JSON rows reproducible from --seed, serving options passed through, one-line errors."""

import json
from fractions import Fraction

import pytest

from verify.cli import main

SMALL = ["workload", "--n", "40", "--seeds", "1", "--alphas", "1,1/8", "--M", "8192", "--json"]


def run_json(capsys, *extra):
    assert main([*SMALL, *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_rows_exact_and_reproducible(capsys):
    a = run_json(capsys, "--seed", "4")
    assert a["spec"]["source"] == "sharegpt" and a["spec"]["arrivals"] == ["zero", "poisson"]
    assert a["spec"]["benchmark"] == "hsf" and a["spec"]["rate"] == "1/7"
    assert len(a["rows"]) == 2 * 2 * 5
    for r in a["rows"]:
        assert abs(float(Fraction(r["mean_ratio"])) - r["mean_ratio_decimal"]) < 1e-6
    b = run_json(capsys, "--seed", "4")
    assert a["rows"] == b["rows"]
    assert run_json(capsys, "--seed", "5")["rows"] != a["rows"]


def test_serving_options_and_sources(capsys):
    out = run_json(capsys, "--policies", "vllm-v1,sglang", "--max-num-seqs", "4", "--watermark", "1/100",
                   "--sglang-policy", "lof", "--schedule-conservativeness", "3/10", "--arrivals", "poisson")
    assert out["spec"]["options"]["vllm-v1"] == {"max_num_seqs": 4, "watermark": "1/100"}
    assert out["spec"]["options"]["sglang"] == {"policy": "lof", "schedule_conservativeness": "3/10"}
    assert {r["policy"] for r in out["rows"]} == {"vllm-v1", "sglang"}
    assert all(r["offered_load"] is not None for r in out["rows"])
    default = run_json(capsys, "--policies", "vllm-v1", "--arrivals", "poisson")
    capped = [r for r in out["rows"] if r["policy"] == "vllm-v1"]
    assert [r["mean_ratio"] for r in capped] != [r["mean_ratio"] for r in default["rows"]]  # the option is used
    lognormal = run_json(capsys, "--source", "lognormal", "--policies", "amin")
    assert lognormal["spec"]["source"] == "lognormal" and len(lognormal["rows"]) == 4


def test_table_output(capsys):
    assert main(["workload", "--n", "30", "--seeds", "1", "--alphas", "1/2", "--M", "8192"]) == 0
    captured = capsys.readouterr()
    assert "| sharegpt | poisson | 1/2 | 8192 |" in captured.out and "benchmark H-SF" in captured.out


@pytest.mark.parametrize("args, field", [
    (["--alphas", "3/2"], "--alphas"), (["--alphas", "x"], "--alphas"), (["--rate", "0"], "--rate"),
    (["--rate", "1,2"], "--rate"), (["--policies", "hsf"], "--policies"), (["--arrivals", "zero,zero"], "--arrivals"),
    (["--M", "0"], "--M"), (["--M", "100"], "M"), (["--n", "0"], "--n"), (["--n", "99999"], "n"),
    (["--watermark", "2"], "options.watermark"), (["--schedule-conservativeness", "0.5e"],
                                                 "options.schedule_conservativeness"),
    (["--source", "lmsys"], "--source"), (["--max-num-seqs", "0"], "--max-num-seqs"),
])
def test_bad_input_is_one_line_exit_2(args, field, capsys):
    code = main(["workload", "--n", "20", "--seeds", "1", *args])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and field in err, err
