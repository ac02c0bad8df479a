"""The command line of issue #24's remaining parts: --option, search --objective, prove liveness,
bench serving-grid; bad input is one line naming the field, exit status 2."""

import json

import pytest

from models.instance import Instance, Request as R
from models.run import run_policy
from verify.cli import main

SERVING0 = {"M": 7, "requests": [{"s": 0, "o": 3, "l": 1, "u": 6}, {"s": 0, "o": 6, "l": 1, "u": 6},
                                 {"s": 0, "o": 5, "l": 1, "u": 6}]}


def test_simulate_takes_serving_options(tmp_path, capsys):
    path = tmp_path / "i.json"
    path.write_text(json.dumps(SERVING0))
    assert main(["simulate", str(path), "--policy", "vllm-v1", "--json"]) == 0
    default = json.loads(capsys.readouterr().out)
    assert (default["preemptions"], default["departures"], default["recomputed_tokens"]) == (2, [0, 0, 2], 5)
    assert main(["simulate", str(path), "--policy", "vllm-v1", "--option", "max_num_seqs=1", "--option",
                 "watermark=1/10", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["options"] == {"max_num_seqs": 1, "watermark": "1/10", "reprefill_rounds": 0, "priority": False}
    inst = Instance(7, (R(0, 3, 1, 6), R(0, 6, 1, 6), R(0, 5, 1, 6)))
    ref = run_policy(inst, "vllm-v1", {"max_num_seqs": 1, "watermark": "1/10"}, engine="reference")
    assert out["completion"] == list(ref.completion) == [3, 9, 14] and out["preemptions"] == 0


@pytest.mark.parametrize("args, message", [
    (["--option", "max_num_seqs"], "argument --option: must be key=value"),
    (["--option", "max_num_seqs=0"], "options.max_num_seqs: must be an integer >= 1, got 0"),
    (["--option", "watermark=0.5.1"], "options.watermark: must be exact"),
    (["--option", "policy=lof"], "options.policy: not an option of policy 'vllm-v1'"),
])
def test_bad_options_are_one_line_exit_2(tmp_path, capsys, args, message):
    path = tmp_path / "i.json"
    path.write_text(json.dumps(SERVING0))
    code = main(["simulate", str(path), "--policy", "vllm-v1", *args])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and message in err, err


def test_search_objective_preemptions(tmp_path, capsys):
    assert main(["search", "--policy", "vllm-v1", "--n", "3", "--M", "5", "--s", "0", "--l", "1", "--u", "4",
                 "--strategy", "exhaustive", "--objective", "preemptions", "--out", str(tmp_path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    (cell,) = out["cells"]
    assert (out["objective"], cell["best_value"], cell["best_ratio"], cell["proof"]) == ("preemptions", 2, "11/10",
                                                                                          "closed")
    assert cell["witness"].endswith("vllm-v1-n3-M5-s0-l1-u4-preemptions-best.json")
    assert main(["replay", cell["witness"]]) == 0
    assert "preemptions 2" in capsys.readouterr().out


def test_search_objective_needs_an_objective_strategy(tmp_path, capsys):
    code = main(["search", "--objective", "recomputed", "--strategy", "portfolio", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "--objective: recomputed is searched by --strategy" in err


def test_prove_liveness_json(tmp_path, capsys):
    assert main(["prove", "liveness", "--policy", "sglang", "--n", "2", "--u", "3", "--s", "0..1", "--M", "3..5",
                 "--out", str(tmp_path), "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    # M=3: s=(0,0); M=4, 5: every vector of {0,1}^2; two claims each
    assert len(results) == 2 * (1 + 4 + 4) and {r["status"] for r in results} == {"proved"}
    assert max(r["longest"] for r in results) <= 6


def test_prove_liveness_counterexample_exit_1(tmp_path, capsys):
    code = main(["prove", "liveness", "--policy", "vllm-v1", "--option", "reprefill_rounds=2", "--n", "3", "--u", "4",
                 "--s", "0", "--M", "4", "--out", str(tmp_path), "--json"])
    results = json.loads(capsys.readouterr().out)
    assert code == 1 and [r["counterexample"] for r in results] == [[4, 4, 4], [3, 3, 2]]


def test_prove_liveness_refuses_z3(capsys):
    assert main(["prove", "liveness", "--method", "z3", "--policy", "vllm-v1"]) == 2
    assert "--method: liveness is proved by statespace only" in capsys.readouterr().err


def test_bench_serving_grid_small(tmp_path, capsys):
    assert main(["bench", "serving-grid", "--n", "2", "--s", "0..1", "--u", "2", "--slack", "1", "--out",
                 str(tmp_path)]) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    rows = {p["policy"]: p for p in summary["policies"]}
    # 4 prompt vectors x 2 M x 2^2 outputs
    assert {p["instances"] for p in rows.values()} == {32}
    assert set(rows) == {"vllm-v1", "sglang", "fcfs-recompute", "amin"}
    assert len(list(tmp_path.glob("*-worst-ratio.json"))) == 4
    assert main(["replay", rows["vllm-v1"]["witnesses"]["worst_preemptions"]]) == 0


@pytest.mark.parametrize("args, message", [(["--policies", "vllm"], "--policies: unknown policy 'vllm'"),
                                           (["--n", "0"], "--n"), (["--slack", "-1"], "slack: must be >= 0")])
def test_bench_serving_grid_bad_input(tmp_path, capsys, args, message):
    code = main(["bench", "serving-grid", *args, "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and message in err, err
