"""Issue 23: nothing lost, nothing silently wrong — each test reproduces one defect class of the issue."""

import json

import pytest

from models.witness import load_witness
from verify.certify import replay
from verify.cli import main


def _search(out, *extra):
    return main(["search", "--n", "3", "--u", "4", "--l", "1", "--M", "6", "--strategy", "exhaustive",
                 "--out", str(out), "--json", *extra])


# --- 1. witness files: names carry the options, no stale files, full options stored --------------------------

def test_searches_differing_in_a_reading_keep_their_own_witnesses(tmp_path, capsys):
    assert _search(tmp_path, "--eviction", "most-progress") == 0
    first = json.loads(capsys.readouterr().out)
    assert _search(tmp_path, "--admission", "skip") == 0
    second = json.loads(capsys.readouterr().out)
    assert first["best_witness"] != second["best_witness"]
    most = load_witness(first["best_witness"])
    assert most.options == {"admission": "stop", "eviction": "most-progress"}
    assert str(most.ratio) == first["best_ratio"] == "15/8"
    assert load_witness(second["best_witness"]).options == {"admission": "skip", "eviction": "least-progress"}
    assert replay(most) == []
    assert "eviction=most-progress" in first["best_witness"]


def test_default_options_keep_the_plain_cell_name_and_are_stored_in_full(tmp_path, capsys):
    assert _search(tmp_path) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["best_witness"].endswith("/amin-n3-M6-s1-l1-u4-best.json")
    assert load_witness(summary["best_witness"]).options == {"admission": "stop", "eviction": "least-progress"}
    assert summary["options"] == {"admission": "stop", "eviction": "least-progress"}


def test_stale_numbered_witnesses_of_an_earlier_run_are_removed(tmp_path, capsys):
    stale = tmp_path / "amin-n3-M6-s1-l1-u4-042.json"
    stale.write_text("{}")
    other = tmp_path / "amin-n3-M6-s1-l1-u40-001.json"  # another cell's file, a prefix match only
    other.write_text("{}")
    assert _search(tmp_path) == 0
    capsys.readouterr()
    assert not stale.exists() and other.exists()
    names = sorted(p.name for p in tmp_path.glob("amin-n3-M6-s1-l1-u4-*.json"))
    assert names[-1] == "amin-n3-M6-s1-l1-u4-best.json"
    numbered = names[:-1]
    assert numbered == [f"amin-n3-M6-s1-l1-u4-{i:03d}.json" for i in range(1, len(numbered) + 1)]


@pytest.mark.parametrize("where", ["file", "under-file"])
def test_out_that_is_a_file_is_refused_before_the_search(tmp_path, capsys, where):
    f = tmp_path / "f"
    f.write_text("x")
    out = f if where == "file" else f / "sub"
    assert _search(out, "--strategy", "local", "--budget", "600") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--out" in err and "Traceback" not in err


# --- 2. the mutation check: a baseline first, harness errors are not kills, bad --max-examples ----------------

def test_mutants_max_examples_zero_is_one_line_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["mutants", "--max-examples", "0"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--max-examples" in err and ">= 1" in err


def test_harness_error_is_not_a_kill(monkeypatch):
    import verify.mutants as mutants

    def broken(impl, max_examples=None):
        raise FileNotFoundError("shared/examples/model_examples.json not found")

    def invalid(impl, max_examples=None):
        from hypothesis.errors import InvalidArgument
        raise InvalidArgument("max_examples=0 should be at least one")

    monkeypatch.setattr(mutants, "SUITES", {"broken": broken, "invalid": invalid})
    [result] = mutants.run_mutants([mutants.MUTANTS[0]], baseline=False)
    assert result.survived and result.killed_by == {}
    assert set(result.errors) == {"broken", "invalid"}


def test_invalid_max_examples_raise_in_the_library():
    from verify.mutants import MUTANTS, run_mutants

    with pytest.raises(ValueError, match="max_examples"):
        run_mutants([MUTANTS[0]], max_examples=0)


def test_mutants_baseline_must_pass(monkeypatch, tmp_path, capsys):
    # without the shared examples the conformance suite cannot run: that is no kill, and the check refuses to run
    monkeypatch.setenv("KVSCHED_SHARED", str(tmp_path))
    assert main(["mutants", "--max-examples", "5"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "baseline: suite conformance" in err and "Traceback" not in err


def test_baseline_runs_on_an_unmutated_copy(monkeypatch):
    import verify.mutants as mutants

    seen = []

    def records(impl, max_examples=None):
        seen.append(impl.engine.__name__)
        assert "baseline" not in impl.engine.__name__, "a property failure on the unmutated model"

    monkeypatch.setattr(mutants, "SUITES", {"records": records})
    with pytest.raises(mutants.BaselineFailure, match="suite records fails on the unmutated model"):
        mutants.run_mutants([mutants.MUTANTS[0]])
    assert len(seen) == 1 and "baseline" in seen[0]
