"""The parent table's trials file (verify.campaign.store.ParentStore): exact round trip, the resume rule, one row
per (set, seed), and refusal of a file of another kind."""

import sqlite3

import pytest

from models.errors import InvalidInput
from verify.benchmarks.parent import PARENT_FIELDS
from verify.campaign import store
from verify.campaign.store import ParentStore, StoredTrial, trial_settled


def row(which="zero", seed=0, status="unknown", lower=100, upper=150, big=10**15):
    r = {f: "7" for f in PARENT_FIELDS}
    return r | {"set": which, "seed": str(seed), "n": "51", "M": "30", "hsf": str(big), "status": status,
                "lower": str(lower), "upper": str(upper), "solver": "bnb", "seconds": "1.000"}


def test_the_store_has_the_benchmark_fields():
    assert store.PARENT_TRIAL_FIELDS == PARENT_FIELDS


def test_a_trial_round_trips_exactly_and_integers_are_integers(tmp_path):
    path = tmp_path / "p.db"
    s = ParentStore(path)
    s.record(row(), "auto", 0.5)
    got = s.get("zero", 0)
    assert got == StoredTrial(row(), "auto", 0.5)  # "1.000" seconds and a 16-digit TEL come back as written
    assert s.get("zero", 1) is None and s.get("poisson", 0) is None
    s.close()
    conn = store.open_readonly(path, store.PARENT_TABLE)
    types = conn.execute('SELECT typeof(hsf), typeof(lower), typeof(upper), typeof("amin@1/2"), typeof(seconds) '
                         'FROM trials').fetchone()
    conn.close()
    assert types == ("integer", "integer", "integer", "integer", "text")


def test_record_replaces_the_row_of_its_set_and_seed(tmp_path):
    s = ParentStore(tmp_path / "p.db")
    s.record(row(seed=1), "auto", 0.5)
    s.record(row(seed=0), "auto", 0.5)
    s.record(row(seed=1, status="optimal", lower=120, upper=120), "auto", 2.0)
    assert [(t.row["seed"], t.row["status"], t.limit) for t in s.trials()] == [("0", "unknown", 0.5),
                                                                              ("1", "optimal", 2.0)]
    s.close()


def test_record_refuses_a_row_of_other_fields(tmp_path):
    s = ParentStore(tmp_path / "p.db")
    with pytest.raises(InvalidInput, match="parent trial: fields must be set, seed"):
        s.record({"set": "zero", "seed": "0"}, "auto", 1.0)
    with pytest.raises(InvalidInput, match="parent trial: lower must be an integer, got '1.5'"):
        s.record(row() | {"lower": "1.5"}, "auto", 1.0)
    assert s.trials() == []
    s.close()


def test_trial_settled_is_the_resume_rule():
    unknown, optimal = StoredTrial(row(), "auto", 2.0), StoredTrial(row(status="optimal"), "auto", 2.0)
    assert not trial_settled(None, "auto", 1.0)
    assert trial_settled(unknown, "auto", 2.0) and trial_settled(unknown, "auto", 1.0)
    assert not trial_settled(unknown, "auto", 3.0)  # unknown on a smaller limit: run again
    assert not trial_settled(unknown, "bnb", 1.0)  # another solver: run again
    assert trial_settled(optimal, "auto", 600.0) and trial_settled(optimal, "milp", 600.0)


def test_each_kind_of_file_refuses_the_other(tmp_path):
    campaign, grid, parent = tmp_path / "c.db", tmp_path / "g.db", tmp_path / "p.db"
    store.open_campaign(campaign).close()
    store.AgreementStore(grid).close()
    ParentStore(parent).close()
    before = [f.read_bytes() for f in (campaign, grid, parent)]
    for other in (campaign, grid):
        with pytest.raises(store.IncompatibleDatabase) as exc:
            ParentStore(other)
        assert str(exc.value) == f"{other}: not a kvsched database (no parent_table_schema in its meta table); " \
                                 "nothing was changed"
    with pytest.raises(store.IncompatibleDatabase, match="no schema_version"):
        store.open_campaign(parent)
    with pytest.raises(store.IncompatibleDatabase, match="no agreement_schema"):
        store.AgreementStore(parent)
    assert [f.read_bytes() for f in (campaign, grid, parent)] == before


def test_a_trials_file_of_another_version_is_refused(tmp_path):
    path = tmp_path / "p.db"
    ParentStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'parent_table_schema'")
    conn.commit()
    conn.close()
    with pytest.raises(store.IncompatibleDatabase, match="schema version 2, this kvsched reads version 1"):
        ParentStore(path)
