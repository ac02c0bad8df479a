"""Liveness witnesses in campaigns (#22 b): a cell whose search meets a run unfinished at the round limit stores
the certified liveness witness in the ``liveness`` table, and ``kvsched report --from DB`` lists and writes it.
No Dask here: ``run_cell`` is called directly (the campaign's Dask path is tested in test_campaign.py)."""

import json
import sqlite3

from models.witness import LivenessWitness, load_any_witness
from verify.campaign import store
from verify.campaign.run import run_cell
from verify.campaign.spec import Cell
from verify.certify import replay
from verify.report.from_db import report_from_db

# A_min most-progress, every o = u = 16 at M = u: the equal family outlives the default round limit from n = 3 on
LIVE = Cell("amin", (("eviction", "most-progress"),), 3, 16, 0, 2, 16, "families", "hsf", 2.0, 0)
# A_min default: has the liveness guarantee, so never a liveness witness
SAFE = Cell("amin", (), 3, 16, 0, 2, 16, "families", "hsf", 2.0, 0)


def test_run_cell_reports_a_certified_liveness_witness():
    result = run_cell(LIVE.params)
    # the families strategy's first vector past the limit, and (when the best vector is one) the evaluator's own
    assert 1 <= len(result["liveness"]) <= 2
    for data in result["liveness"]:
        w = LivenessWitness.from_dict(data)
        assert w.policy == "amin" and w.options["eviction"] == "most-progress"
        assert w.unfinished and w.round_limit == 4 * 3 * 16 and w.extended_limit >= 4 * w.round_limit
        assert w.tel is not None and w.tel > w.benchmark_tel  # it ends within the extended limit: a real ratio
        assert replay(w) == []
    # the best witness is such a slow run, certified with the limit it needs
    assert result["witness"]["round_limit"] is not None and result["best_ratio"] == "13/2"
    assert run_cell(SAFE.params)["liveness"] == []


def test_liveness_table_round_trip_and_report(tmp_path):
    path = tmp_path / "c.db"
    conn = store.open_campaign(path)
    store.plan(conn, "t", [LIVE, SAFE])
    for cell in (LIVE, SAFE):
        assert store.record_result(conn, run_cell(cell.params))
    stored = store.liveness_witnesses(conn)
    conn.close()
    assert [cid for cid, _, _ in stored] == [LIVE.cell_id] * len(stored) and stored
    summary = report_from_db(path, tmp_path / "rep")
    assert summary["liveness"] == len(stored)
    md = (tmp_path / "rep" / "report.md").read_text()
    assert "## Liveness witnesses" in md and LIVE.cell_id in md
    f = tmp_path / "rep" / "witnesses" / f"liveness-{LIVE.cell_id}-0.json"
    again = load_any_witness(f)
    assert isinstance(again, LivenessWitness) and again.to_dict() == stored[0][2]


def test_a_database_without_the_liveness_table_still_reads_and_gains_it(tmp_path):
    path = tmp_path / "old.db"
    conn = store.open_campaign(path)
    store.plan(conn, "t", [SAFE])
    conn.execute("DROP TABLE liveness")  # as written before the table existed
    conn.close()
    ro = store.open_campaign_readonly(path)
    assert store.liveness_witnesses(ro) == []
    ro.close()
    assert report_from_db(path, tmp_path / "rep")["liveness"] == 0
    conn = store.open_campaign(path)  # opened for writing: the additive table is created
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert "liveness" in names


def test_record_result_without_liveness_key_is_accepted(tmp_path):
    # results of a worker running an older run_cell carry no "liveness" key
    conn = store.open_campaign(tmp_path / "c.db")
    store.plan(conn, "t", [SAFE])
    result = run_cell(SAFE.params)
    del result["liveness"]
    assert store.record_result(conn, result)
    assert store.liveness_witnesses(conn) == []
    conn.close()
    assert json.loads(sqlite3.connect(tmp_path / "c.db").execute("SELECT witness FROM cells").fetchone()[0])
