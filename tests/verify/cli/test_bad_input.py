"""Bad input to every subcommand (and every bench subcommand): exit status 2, one line on stderr, no traceback.

Each case breaks one rule (a bad number, a bad range, an unknown policy, a bad ``--option key=value``, a missing
or garbled file, a bad JSON field) and must be refused before any work starts.
"""

import argparse
import json

import pytest

from verify.cli import COMMANDS, build_parser, main
from verify.campaign import store
from verify.cli.bench import add_parser as bench_parser

GOOD = {"M": 8, "requests": [{"s": 1, "o": 4, "l": 1, "u": 4}, {"s": 1, "o": 1, "l": 1, "u": 4}]}
BAD_FIELD = {"M": 8, "requests": [{"s": 1, "o": 9, "l": 1, "u": 4}]}  # o above u


@pytest.fixture
def files(tmp_path):
    paths = {"good": tmp_path / "good.json", "field": tmp_path / "field.json", "garbled": tmp_path / "garbled.json",
             "missing": tmp_path / "missing.json", "toml": tmp_path / "garbled.toml", "db": tmp_path / "garbled.db",
             "dir": tmp_path}
    paths["good"].write_text(json.dumps(GOOD))
    paths["field"].write_text(json.dumps(BAD_FIELD))
    paths["garbled"].write_text('{"M": 8, "requests": [')
    paths["toml"].write_text("name = [unclosed")
    paths["db"].write_bytes(b"not a database" * 10)
    paths["campaign"] = tmp_path / "campaign.db"
    store.open_campaign(paths["campaign"]).close()
    return {k: str(v) for k, v in paths.items()}


CASES = [
    # command-level
    [], ["nosuch"],
    # simulate
    ["simulate", "{missing}"], ["simulate", "{garbled}"], ["simulate", "{field}"], ["simulate", "{dir}"],
    ["simulate", "{good}", "--policy", "nosuch"], ["simulate", "{good}", "--option", "no-equals"],
    ["simulate", "{good}", "--option", "nosuch=1"], ["simulate", "{good}", "--policy", "vllm-v1", "--option",
                                                     "max_num_seqs=0"],
    ["simulate", "{good}", "--timeout", "-1"], ["simulate", "{good}", "--engine", "warp"],
    # replay
    ["replay", "{missing}"], ["replay", "{garbled}"], ["replay", "{good}"],
    # opt
    ["opt", "{missing}"], ["opt", "{garbled}"], ["opt", "{field}"], ["opt", "{good}", "--timeout", "0"],
    ["opt", "{good}", "--solver", "magic"],
    # search
    ["search", "--n", "a"], ["search", "--n", "5..2"], ["search", "--policy", "nosuch"],
    ["search", "--budget", "-1"], ["search", "--option", "nosuch=1"], ["search", "--instance", "{missing}"],
    ["search", "--instance", "{field}"], ["search", "--n", "2", "--start", "1,x"], ["search", "--seed", "x"],
    # prove
    ["prove", "memory-safety", "--n", "0"], ["prove", "memory-safety", "--M", "5..a"],
    ["prove", "memory-safety", "--policy", "nosuch"], ["prove", "liveness", "--method", "z3"],
    ["prove", "memory-safety", "--l", "7", "--u", "6"], ["prove", "magic"],
    ["prove", "memory-safety", "--option", "nosuch=1"], ["prove", "liveness", "--n", "0"],
    ["prove", "liveness", "--policy", "vllm-v1", "--option", "watermark=2"], ["prove", "growth-families", "--bogus"],
    # mutants
    ["mutants", "--max-examples", "0"],
    # report
    ["report", "--preset", "huge"], ["report", "--from", "{missing}"], ["report", "--from", "{db}"],
    # workload
    ["workload", "--alphas", "2"], ["workload", "--rate", "0"], ["workload", "--rate", "x"],
    ["workload", "--policies", "nosuch"], ["workload", "--n", "0"], ["workload", "--M", "a"],
    # campaign
    ["campaign", "run", "{missing}"], ["campaign", "run", "{toml}"], ["campaign", "status", "{missing}"],
    ["campaign", "export", "{db}"], ["campaign", "run", "{good}"], ["campaign", "run", "{toml}", "--workers", "0"], ["campaign", "frob", "{db}"], ["campaign", "status", "{garbled}"],
    # hsf-gap
    ["hsf-gap", "--n", "0..x"], ["hsf-gap", "--l", "9", "--u", "2"], ["hsf-gap", "--budget", "0"], ["hsf-gap", "--samples", "0"],
    # bench
    ["bench"], ["bench", "magic"], ["bench", "opt", "--solvers", "magic"], ["bench", "opt", "--limits", "-1"],
    ["bench", "opt", "--max-n", "x"], ["bench", "engine", "--tiny", "0"], ["bench", "engine", "--policies", "nosuch"],
    ["bench", "engine", "--fast-sizes", "a"], ["bench", "serving-grid", "--n", "0"],
    ["bench", "serving-grid", "--policies", "nosuch"], ["bench", "agreement", "--n", "x"],
    ["bench", "agreement", "--workers", "0"], ["bench", "agreement", "--policies", "nosuch"],
    ["bench", "search", "--sizes", "a,b"], ["bench", "search", "--alphas", "1/0"],
    ["bench", "z3-tactics", "--seeds", "x"], ["bench", "z3-tactics", "--limit", "0"],
    ["bench", "campaign", "--spec", "{missing}"], ["bench", "campaign", "--spec", "{toml}"],
    ["bench", "statespace", "--limit", "inf"], ["bench", "parent-scaling", "--limits", "x"], ["bench", "lp", "--seeds", "a,b"],
    ["bench", "parent-scaling", "--limits", "-1"], ["bench", "parent-scaling", "--solvers", "magic"],
    ["bench", "parent-table", "--trials", "0"], ["bench", "parent-table", "--limit", "-1"],
    ["bench", "parent-table", "--workers", "0"], ["bench", "parent-table", "--solver", "magic"],
    ["bench", "parent-table", "--markdown", "/nonexistent-dir/x.md"], ["bench", "parent-table", "--db", "{good}/x.db"],
    ["bench", "parent-table", "--db", "{dir}"], ["bench", "parent-table", "--db", "{db}"],
    ["bench", "parent-table", "--db", "{campaign}"], ["bench", "parent-table", "--csv", "{good}/x.csv"],
    ["bench", "parent-table", "--scheduler", "nonsense"], ["bench", "parent-table", "--scheduler", "tcp://127.0.0.1:1"],
    ["bench", "parent-table", "--results", "x.csv"],
]


@pytest.mark.parametrize("case", CASES, ids=[" ".join(c) or "(none)" for c in CASES])
def test_bad_input_is_exit_2_and_one_line(case, files, capsys):
    argv = [a.format(**files) for a in case]
    code = main(argv)  # a usage error too is a returned status, never SystemExit
    captured = capsys.readouterr()
    assert code == 2, (code, captured.err)
    assert captured.err.count("\n") == 1 and captured.err.endswith("\n"), captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""  # nothing half-written on stdout either


def _choices(parser: argparse.ArgumentParser, dest: str) -> set[str]:
    """The names a subparser or positional ``dest`` of ``parser`` accepts."""
    action = next(a for a in parser._actions if a.dest == dest)
    return set(action.choices)


def test_every_subcommand_and_each_of_its_actions_is_swept():
    commands = _choices(build_parser(), "command")
    assert commands == set(COMMANDS)
    assert commands <= {c[0] for c in CASES if c}
    top = argparse.ArgumentParser()
    assert _choices(bench_parser(top.add_subparsers()), "what") <= {c[1] for c in CASES if c[:1] == ["bench"] and len(c) > 1}
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    for command, dest in (("prove", "property"), ("campaign", "action")):
        assert _choices(sub.choices[command], dest) <= {c[1] for c in CASES if c[:1] == [command] and len(c) > 1}
