"""``kvsched bench parent-table``: the table's aggregation on synthetic per-trial rows, and its trials run as a
campaign (stored in the parent table's trials file, resumed, run serially or on Dask)."""

import io

import pytest
from rich.console import Console

from verify.benchmarks import parent
from verify.benchmarks.opt import largest_proven
from verify.benchmarks.parent import (PARENT_ALPHAS, PARENT_CSV_FIELDS, PARENT_FIELDS, PARENT_POLICIES,
                                      bench_parent_table, parent_table)
from verify.campaign.store import ParentStore
from verify.cli import main


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


# --- the trials as a campaign: stored in the parent table's trials file, resumed, serial or on Dask -----------

@pytest.fixture
def calls(monkeypatch):
    """``parent_trial`` replaced by a fast fake that records its calls: OPT closes at a limit of 1 s or more."""
    seen = []

    def fake(which, seed, limit, solver="auto"):
        seen.append((which, seed, limit, solver))
        closed = limit >= 1
        r = _row(which, seed, 110, "optimal" if closed else "unknown", 100 if closed else 90, 100)
        return r | {"solver": "bnb", "seconds": f"{limit:.3f}"}

    monkeypatch.setattr(parent, "parent_trial", fake)
    return seen


def quiet(tmp_path):
    return Console(file=open(tmp_path / "log", "a"), width=200)


def test_a_rerun_with_more_trials_runs_only_the_new_ones(tmp_path, calls):
    db = str(tmp_path / "p.db")
    assert len(bench_parent_table(2, 0.1, "auto", quiet(tmp_path), db=db)) == 4
    assert len(calls) == 4
    calls.clear()
    rows = bench_parent_table(3, 0.1, "auto", quiet(tmp_path), db=db)
    assert calls == [("zero", 2, 0.1, "auto"), ("poisson", 2, 0.1, "auto")]
    assert [(r["set"], r["seed"]) for r in rows] == [(w, str(s)) for w in ("zero", "poisson") for s in range(3)]


def test_an_unknown_trial_is_rerun_only_on_a_larger_limit_or_another_solver(tmp_path, calls):
    db = str(tmp_path / "p.db")
    bench_parent_table(1, 0.5, "auto", quiet(tmp_path), db=db)
    calls.clear()
    bench_parent_table(1, 0.5, "auto", quiet(tmp_path), db=db)
    bench_parent_table(1, 0.1, "auto", quiet(tmp_path), db=db)
    assert calls == []  # stored unknown on at least this limit, same solver
    rows = bench_parent_table(1, 2.0, "auto", quiet(tmp_path), db=db)
    assert calls == [("zero", 0, 2.0, "auto"), ("poisson", 0, 2.0, "auto")]
    assert {r["status"] for r in rows} == {"optimal"}
    store = ParentStore(db)
    assert [(t.row["status"], t.limit, t.solver) for t in store.trials()] == [("optimal", 2.0, "auto")] * 2
    store.close()
    calls.clear()
    bench_parent_table(1, 60.0, "milp", quiet(tmp_path), db=db)
    assert calls == []  # optimal: never run again, whatever the limit or solver
    ParentStore(db).record(_row("zero", 1, 110, "unknown", 90, 100), "auto", 60.0)
    bench_parent_table(2, 1.0, "bnb", quiet(tmp_path), db=db)
    assert calls == [("zero", 1, 1.0, "bnb"), ("poisson", 1, 1.0, "bnb")]  # unknown by another solver: rerun


def test_an_interrupted_run_keeps_the_finished_trials_and_resumes(tmp_path, monkeypatch):
    db = str(tmp_path / "p.db")
    ran = []

    def stops_at_the_third(which, seed, limit, solver="auto"):
        if len(ran) == 2:
            raise KeyboardInterrupt
        ran.append((which, seed))
        return _row(which, seed, 110, "unknown", 90, 100)

    monkeypatch.setattr(parent, "parent_trial", stops_at_the_third)
    with pytest.raises(KeyboardInterrupt):
        bench_parent_table(2, 0.1, "auto", quiet(tmp_path), db=db)
    store = ParentStore(db)
    assert [(t.row["set"], int(t.row["seed"])) for t in store.trials()] == [("zero", 0), ("zero", 1)]
    store.close()
    ran.clear()
    monkeypatch.setattr(parent, "parent_trial", lambda w, s, lim, sol: ran.append((w, s)) or _row(w, s, 1, "x", 1, 1))
    assert len(bench_parent_table(2, 0.1, "auto", quiet(tmp_path), db=db)) == 4
    assert ran == [("poisson", 0), ("poisson", 1)]


def test_cli_db_and_csv(tmp_path, calls, capsys):
    db, out, md = tmp_path / "p.db", tmp_path / "sub" / "rows.csv", tmp_path / "t.md"
    argv = ["bench", "parent-table", "--trials", "2", "--limit", "0.1", "--db", str(db), "--csv", str(out),
            "--markdown", str(md)]
    assert main(argv) == 0
    assert len(calls) == 4
    lines = out.read_text().splitlines()
    assert lines[0] == ",".join(PARENT_CSV_FIELDS) and len(lines) == 5
    assert lines[1].startswith("zero,0,40,30,110,unknown,90,100,bnb,0.100,") and lines[1].endswith(",auto,0.1")
    assert "OPT by `auto`, 0.1 s per trial" in md.read_text()
    assert main(argv) == 0 and len(calls) == 4  # everything read back
    assert "0 run now, 4 read back from" in capsys.readouterr().out


def test_serial_and_dask_give_the_same_rows(tmp_path):
    """The real trials in this process and on a LocalCluster of 2 workers: the same instances, H-SF and policy
    TELs. OPT's bracket and seconds depend on the wall clock under a time limit (a cold worker may still be
    loading its compiled code when the limit passes), so of those only the bracket's validity is compared."""
    serial = bench_parent_table(1, 0.05, "auto", quiet(tmp_path))
    db = str(tmp_path / "p.db")
    on_dask = bench_parent_table(1, 0.05, "auto", quiet(tmp_path), db=db, workers=2)
    assert all(r.keys() == set(PARENT_FIELDS) for r in serial + on_dask)
    clock = {"status", "lower", "upper", "solver", "seconds"}
    fixed = lambda rows: [{k: v for k, v in r.items() if k not in clock} for r in rows]  # noqa: E731
    assert fixed(on_dask) == fixed(serial) and len(serial) == 2
    assert all(int(r["lower"]) <= int(r["upper"]) and r["status"] in ("optimal", "unknown") for r in on_dask)
    store = ParentStore(db)
    assert [t.row for t in store.trials()] == on_dask[::-1]  # stored exactly, by set name: poisson first
    store.close()


@pytest.mark.parametrize("name, poisson, seed, hsf_tel", [("hsf-not-optimal-poisson-113.json", True, 113, 5951),
                                                          ("hsf-not-optimal-zero-0.json", False, 0, 4995)])
def test_the_kept_witnesses_that_hsf_is_not_optimal_on_the_parent_family(name, poisson, seed, hsf_tel):
    # findings of the parent table: schedules with TEL below H-SF's, re-checked exactly (no search here)
    import json
    from pathlib import Path

    from models.engine_reference import simulate
    from models.instance import Instance
    from models.schedulers import make_scheduler
    from verify.opt.families import parent_instance
    from verify.opt.result import schedule_tel

    kept = json.loads((Path(__file__).parents[3] / "reports/parent" / name).read_text())
    inst = Instance.from_dict(kept["instance"])
    assert inst == parent_instance(seed, poisson=poisson)
    hsf = sum(c - r.a for c, r in zip(simulate(inst, make_scheduler("hsf", inst)).completion, inst.requests))
    assert hsf == kept["hsf_tel"] == hsf_tel
    assert schedule_tel(inst, tuple(kept["starts"])) == kept["tel"] < hsf
