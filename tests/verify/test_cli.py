"""The kvsched command line: JSON output, readable output, exit status 2 and one line for bad input."""

import json

import pytest

from verify.cli import main

EXAMPLE = {"M": 8, "requests": [{"s": 1, "o": 4, "l": 1, "u": 4}, {"s": 1, "o": 4, "l": 1, "u": 4},
                                {"s": 1, "o": 1, "l": 1, "u": 4}]}


@pytest.fixture
def instance_file(tmp_path):
    path = tmp_path / "inst.json"
    path.write_text(json.dumps(EXAMPLE))
    return path


def test_simulate_json(instance_file, capsys):
    assert main(["simulate", str(instance_file), "--policy", "amin", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["policy"] == "amin" and out["tel"] == 12 and out["completion"] == [4, 7, 1]
    assert out["evictions"] == 1 and out["peak_memory"] == 8
    assert out["options"] == {"admission": "stop", "eviction": "least-progress"}


def test_simulate_with_benchmark(instance_file, capsys):
    assert main(["simulate", str(instance_file), "--policy", "amax", "--json", "--benchmark", "opt"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["tel"], out["benchmark_tel"], out["ratio"]) == (15, 11, "15/11")


def test_simulate_table_defaults_to_shipped_example(capsys):
    assert main(["simulate"]) == 0
    assert "TEL 12" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ({"M": 3, "requests": [{"s": 1, "o": 3, "l": 1, "u": 3}]}, [], "requests[0]: rule s + u <= M violated"),
        ({"M": 9, "requests": [{"s": 1, "o": 3, "l": 4, "u": 5}]}, [], "requests[0].l: rule l <= o"),
        ({"M": 9, "requests": []}, [], "at least one request"),
        (EXAMPLE, ["--policy", "hsf", "--eviction", "most-progress"], "options.eviction: not an option"),
        (EXAMPLE, ["--policy", "nope"], "invalid choice: 'nope'"),
    ],
)
def test_bad_input_exit_2_one_line(tmp_path, capsys, content, args, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(content))
    assert main(["simulate", str(path), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_missing_file(capsys):
    assert main(["simulate", "/nonexistent/x.json"]) == 2
    assert "cannot read file" in capsys.readouterr().err


def test_replay_ok_and_mismatch(tmp_path, capsys):
    from models.witness import Witness, save_witness
    from models.instance import Instance
    from verify.certify import certify

    w = certify(Instance.from_dict(EXAMPLE), "amin", {}, "opt").witness
    good = save_witness(w, tmp_path / "good.json")
    assert main(["replay", str(good)]) == 0
    assert "OK" in capsys.readouterr().out
    bad = save_witness(Witness(w.instance, w.policy, w.options, w.tel, w.benchmark, w.benchmark_tel + 1),
                       tmp_path / "bad.json")
    assert main(["replay", str(bad)]) == 1
    assert "MISMATCH benchmark_tel: stored 12, replay gives 11" in capsys.readouterr().out


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_simulate_engines_agree(instance_file, capsys, engine):
    assert main(["simulate", str(instance_file), "--policy", "fcfs-recompute", "--json", "--engine", engine]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["engine"] == engine and out["tel"] == 12 and out["evictions"] == 1


def test_campaign_and_report_inputs_are_checked(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nstrategies = ["local"]\nbogus = 1\n')
    assert main(["campaign", "run", str(bad), "--db", str(tmp_path / "x.db")]) == 2
    assert "bogus: unknown key" in capsys.readouterr().err
    assert main(["campaign", "status", str(tmp_path / "missing.db")]) == 2
    assert main(["report", "--from", str(tmp_path / "missing.db")]) == 2


def test_prove_and_search_by_statespace(tmp_path, capsys):
    assert main(["prove", "memory-safety", "--policy", "amin", "--n", "2", "--u", "3", "--M", "4", "--s", "1",
                 "--method", "statespace", "--json", "--dot", str(tmp_path / "g.dot")]) == 0
    results = json.loads(capsys.readouterr().out)
    assert {r["status"] for r in results} == {"proved"} and (tmp_path / "g.dot").read_text().startswith("digraph")
    assert main(["search", "--n", "3", "--u", "4", "--l", "1", "--M", "6", "--strategy", "statespace",
                 "--out", str(tmp_path / "s"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["best_ratio"] == "17/11" and summary["cells"][0]["proof"] == "closed"


def test_search_from_a_start_vector(tmp_path, capsys):
    assert main(["search", "--n", "3", "--u", "4", "--l", "1", "--M", "6", "--strategy", "z3", "--start", "4,4,2",
                 "--budget", "120", "--out", str(tmp_path / "s"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["best_ratio"] == "17/11" and summary["cells"][0]["proof"] == "closed"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--strategy", "exhaustive", "--start", "4,4,2"], "--start: only the z3, statespace, local, targeted strategies"),
        (["--strategy", "z3", "--start", "4,9,2"], "--start: value 1 must lie in [l, u] = [1, 4], got 9"),
        (["--strategy", "z3", "--start", "4,4"], "--start: needs n=3 values, got 2"),
        (["--strategy", "z3", "--start", "4,x,2"], "--start: must be comma-separated integers"),
        (["--strategy", "z3", "--start", "4,4,2", "--M", "6..7"], "--start: needs exactly one configuration"),
    ],
)
def test_search_start_bad_input(tmp_path, capsys, args, message):
    base = ["search", "--n", "3", "--u", "4", "--l", "1", "--M", "6", "--out", str(tmp_path / "s")]
    assert main(base + args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert not (tmp_path / "s").exists()


def test_search_validates_the_policy_once_for_the_whole_grid(tmp_path, monkeypatch, capsys):
    """#21: the policy and its options are parsed and validated once per command (was 5 times per cell);
    every cell, evaluator, engine and certificate reuses the PolicySpec."""
    from collections import Counter

    from models.schedulers import spec as spec_module
    from verify.cli import main

    parse = spec_module.PolicySpec.parse.__func__
    names: Counter = Counter()

    def counting(cls, name, options=None):
        if isinstance(name, str):
            names[name] += 1
        return parse(cls, name, options)

    monkeypatch.setattr(spec_module.PolicySpec, "parse", classmethod(counting))
    rc = main(["search", "--strategy", "exhaustive", "--n", "2..3", "--M", "6..7", "--s", "1", "--l", "1",
               "--u", "3", "--eviction", "most-progress", "--out", str(tmp_path), "--json"])
    assert rc == 0 and len(json.loads(capsys.readouterr().out)["cells"]) == 4
    assert names["amin"] == 1


def test_hsf_gap_draws_only_intervals_the_ranges_allow(tmp_path, capsys):
    # u is drawn among the values that admit an l of --l: u = 2 would leave l in 3..2 (a traceback before)
    assert main(["hsf-gap", "--n", "2", "--l", "3..4", "--u", "2..5", "--samples", "20", "--out", str(tmp_path)]) == 0
    assert "tried 20 instances" in capsys.readouterr().out
