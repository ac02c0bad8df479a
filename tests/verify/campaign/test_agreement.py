"""The agreement runner: verdicts, the results file (resume, re-try of open points), and Dask workers."""

import sqlite3
from fractions import Fraction

import pytest

from verify.campaign import agreement
from verify.campaign.agreement import run_agreement
from verify.campaign.points import GridPoint, PointResult
from verify.campaign.store import AgreementStore, IncompatibleDatabase

POINTS = [GridPoint("amin", 2, 3, 1, 0, M) for M in (3, 4, 5)] + [GridPoint("amax", 3, 2, 1, 1, 4)]


def collect(points, budget=30.0, **kw):
    seen = []
    counts = run_agreement(points, "z3", budget, on_result=lambda r, stored: seen.append((r, stored)), **kw)
    return counts, seen


def test_every_point_agrees_and_is_stored(tmp_path):
    path = tmp_path / "grid.db"
    counts, seen = collect(POINTS, results=path)
    assert counts == {"agree": len(POINTS), "disagree": 0, "open": 0}
    assert sorted(r.point for r, _ in seen) == sorted(POINTS)
    assert not any(stored for _, stored in seen)
    for r, _ in seen:
        assert r.proved == r.exhaustive and r.proved >= 1
    store = AgreementStore(path)
    assert all(store.get("z3", p).verdict == "agree" for p in POINTS)
    assert store.get("statespace", POINTS[0]) is None  # results are kept per strategy
    store.close()


def test_closed_points_are_read_back_not_run(tmp_path, monkeypatch):
    path = tmp_path / "grid.db"
    first, _ = collect(POINTS, results=path)

    def must_not_run(*args):
        raise AssertionError(f"re-ran a closed point: {args}")

    monkeypatch.setattr(agreement, "check_point", must_not_run)
    again, seen = collect(POINTS, budget=600.0, results=path)
    assert again == first
    assert all(stored for _, stored in seen)


def test_open_point_retried_only_on_a_larger_budget(tmp_path, monkeypatch):
    path = tmp_path / "grid.db"
    point = POINTS[0]
    store = AgreementStore(path)
    store.record(PointResult(point, "z3", "open", Fraction(1), Fraction(2), 5.0, 5.0))
    store.close()
    ran = []
    real = agreement.check_point
    monkeypatch.setattr(agreement, "check_point", lambda *a: ran.append(a) or real(*a))

    counts, seen = collect([point], budget=5.0, results=path)
    assert counts["open"] == 1 and ran == [] and seen[0][1]

    counts, seen = collect([point], budget=30.0, results=path)
    assert ran == [(point, "z3", 30.0)]
    assert counts == {"agree": 1, "disagree": 0, "open": 0}
    store = AgreementStore(path)
    assert store.get("z3", point).verdict == "agree"  # the new result replaced the open one
    store.close()


def test_dask_workers_give_the_sequential_verdicts():
    sequential, _ = collect(POINTS)
    parallel, seen = collect(POINTS, workers=2)
    assert parallel == sequential
    assert sorted(r.point for r, _ in seen) == sorted(POINTS)


def test_results_file_of_another_schema_refused(tmp_path):
    path = tmp_path / "grid.db"
    AgreementStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'agreement_schema'")
    conn.commit()
    conn.close()
    with pytest.raises(IncompatibleDatabase, match="schema version 99"):
        AgreementStore(path)


@pytest.mark.parametrize("kw, message", [({"workers": 0}, "workers: must be at least 1"),
                                         ({"strategy": "local"}, "strategy: must be z3 or statespace")])
def test_bad_arguments(kw, message):
    args = {"strategy": "z3", **kw}
    with pytest.raises(ValueError, match=message):
        run_agreement(POINTS, args.pop("strategy"), 1.0, **args)


def test_results_csv_round_trips():
    results = [PointResult(POINTS[1], "z3", "agree", Fraction(9, 7), Fraction(9, 7), 1.234, 30.0),
               PointResult(POINTS[0], "z3", "open", Fraction(1), Fraction(2), 5.0, 5.0)]
    text = agreement.results_csv(results)
    assert text.splitlines()[0] == ",".join(agreement.CSV_FIELDS)
    assert "9/7,9/7,1.23,30" in text
    back = agreement.read_results_csv(text)
    assert [r.point for r in back] == [POINTS[0], POINTS[1]]  # sorted by point
    assert back[1].proved == Fraction(9, 7) and back[1].seconds == 1.23
    with pytest.raises(ValueError, match="agreement CSV: columns must be"):
        agreement.read_results_csv("a,b\n1,2\n")
    with pytest.raises(ValueError, match="agreement CSV: columns must be"):
        agreement.read_results_csv("a,b\n")  # a header alone is checked too


def test_interrupted_grid_raises_and_keeps_what_finished(tmp_path, monkeypatch):
    path = tmp_path / "grid.db"
    monkeypatch.setattr(agreement, "check_point",
                        lambda p, s, b: PointResult(p, s, "agree", Fraction(1), Fraction(1), 0.0, b))
    seen = []

    def stop_at_second(result, stored):
        seen.append(result.point)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_agreement(POINTS, "z3", 5.0, results=path, on_result=stop_at_second)
    store = AgreementStore(path)
    assert [p for p in POINTS if store.get("z3", p) is not None] == [p for p in POINTS if p in seen]
    store.close()
