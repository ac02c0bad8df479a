"""Campaigns on a real Dask LocalCluster (2 worker processes): end to end, a worker killed mid-campaign, and a
driver interrupted and resumed. Every cell must be recorded exactly once."""

import os
import signal
import sqlite3
import threading

import pytest

from verify.campaign import store
from verify.campaign.run import run_campaign
from verify.campaign.spec import SpecError, parse_spec

SPEC = {
    "name": "test",
    "benchmark": "opt",
    "strategies": ["local"],
    "budget": 0.6,
    "seed": 0,
    "retries": 3,
    "policies": [{"policy": "amin"}, {"policy": "amax"}],
    "grid": {"n": "3..4", "M": 9, "s": 1, "l": [1, 2], "u": 8},
}


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


def rows(path):
    conn = sqlite3.connect(path)
    out = conn.execute("SELECT cell_id, status, attempts FROM cells").fetchall()
    wit = conn.execute("SELECT cell_id, seq, COUNT(*) FROM witnesses GROUP BY cell_id, seq").fetchall()
    conn.close()
    return out, wit


def test_small_campaign_end_to_end(client, tmp_path):
    spec = parse_spec(SPEC)
    summary = run_campaign(spec, tmp_path / "c.db", client=client)
    assert summary.recorded == len(spec.cells) == 8 and summary.counts == {"pending": 0, "done": 8, "failed": 0}
    cells, witnesses = rows(tmp_path / "c.db")
    assert len(cells) == 8 and all(status == "done" and attempts == 1 for _, status, attempts in cells)
    assert witnesses and all(count == 1 for *_, count in witnesses)
    again = run_campaign(spec, tmp_path / "c.db", client=client)  # resume: nothing left to do
    assert again.skipped_done == 8 and again.recorded == 0


def test_worker_killed_mid_campaign(client, tmp_path):
    spec = parse_spec(SPEC | {"budget": 1.5, "name": "kill"})
    killed = threading.Event()

    def kill_one(line):
        if "[1/" in line and not killed.is_set():
            pids = client.run(os.getpid)
            os.kill(sorted(pids.values())[0], signal.SIGKILL)
            killed.set()

    summary = run_campaign(spec, tmp_path / "k.db", client=client, progress=kill_one)
    assert killed.is_set()
    assert summary.counts == {"pending": 0, "done": 8, "failed": 0}
    assert summary.recorded == 8
    cells, witnesses = rows(tmp_path / "k.db")
    assert sorted(c for c, *_ in cells) == sorted({c.cell_id for c in spec.cells})
    assert all(count == 1 for *_, count in witnesses)
    client.wait_for_workers(2, timeout=60)


def test_interrupted_driver_resumes_without_duplicates(client, tmp_path):
    spec = parse_spec(SPEC | {"name": "resume"})
    seen = []

    def interrupt(line):
        seen.append(line)
        if len([s for s in seen if s.startswith("[")]) == 3:
            raise KeyboardInterrupt

    first = run_campaign(spec, tmp_path / "r.db", client=client, progress=interrupt)
    assert first.interrupted and first.counts["done"] == 3
    second = run_campaign(spec, tmp_path / "r.db", client=client)
    assert second.skipped_done == 3 and second.recorded == 5
    cells, witnesses = rows(tmp_path / "r.db")
    assert len(cells) == 8 and all(status == "done" and attempts == 1 for _, status, attempts in cells)
    assert all(count == 1 for *_, count in witnesses)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"bogus": 1}, "bogus: unknown key"),
        ({"grid": {"n": 2, "M": "9..3", "s": 0, "l": 1, "u": 3}}, "grid.M: empty range"),
        ({"grid": {"n": 2, "M": 9, "s": 0, "l": 1, "u": 3, "x": 1}}, "grid.x: unknown key"),
        ({"grid": {"n": 2, "M": 2, "s": 0, "l": 1, "u": 3}}, "grid: no cell has l <= u and s \\+ u <= M"),
        ({"policies": [{"policy": "amax", "options": {"eviction": "most-progress"}}]}, "policies\\[0\\]: options.eviction"),
        ({"strategies": ["brute"]}, "strategies: must be"),
        ({"budget": 0}, "budget: must be a positive number"),
    ],
)
def test_bad_spec_rejected_before_any_task(change, message):
    with pytest.raises(SpecError, match=message):
        parse_spec(SPEC | change)


def test_incompatible_schema_refused(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("INSERT INTO meta VALUES ('schema_version', '0')")
    conn.commit()
    conn.close()
    with pytest.raises(store.IncompatibleDatabase, match="schema version 0"):
        store.open_campaign(path)


def test_shipped_quick_spec_is_valid():
    from verify.campaign.spec import load_spec

    from pathlib import Path

    spec = load_spec(Path(__file__).resolve().parents[3] / "reports" / "specs" / "quick.toml")
    assert len(spec.cells) == 72 and spec.excluded == 0
