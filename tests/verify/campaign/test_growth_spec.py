"""The [growth] table of a campaign SPEC: the coupled grid of the growth study, validated, and one cell run."""

import json

import pytest

from models.instance import uniform_instance
from verify.certify import certify
from models.grid import GridPoint
from verify.search.families import replicated_starts

from verify.campaign.run import run_cell
from verify.campaign.spec import SpecError, load_spec, parse_spec

BASE = {"name": "g", "benchmark": "hsf", "strategies": ["families"], "budget": 0.2,
        "policies": [{"policy": "amin"}]}


def test_shipped_growth_spec_has_issue_grid():
    spec = load_spec("reports/specs/growth.toml")
    assert len(spec.cells) == 9 * 5 * 3 * 4 * 8
    alphas = {(c.l, c.u) for c in spec.cells}
    assert (1, 256) in alphas and (16, 16) in alphas and (8, 16) in alphas
    assert {c.s for c in spec.cells if c.u == 256} == {0, 1, 64}
    assert {c.M for c in spec.cells if c.u == 16 and c.s == 4} == {20, 30, 40, 80}


def test_growth_table_validation():
    with pytest.raises(SpecError, match="growth.s"):
        parse_spec(BASE | {"growth": {"k": "0..1", "n": 4, "M_factors": ["1"], "s": ["2"]}})
    with pytest.raises(SpecError, match="growth.M_factors"):
        parse_spec(BASE | {"growth": {"k": "0..1", "n": 4, "M_factors": ["1/2"], "s": ["1"]}})
    with pytest.raises(SpecError, match="not both"):
        parse_spec(BASE | {"growth": {"k": 0, "n": 4, "M_factors": ["1"], "s": ["1"]},
                           "grid": {"n": 2, "M": 4, "s": 0, "l": 1, "u": 2}})


def test_growth_cell_runs_with_families():
    spec = parse_spec(BASE | {"growth": {"k": 2, "n": 4, "M_factors": ["2"], "s": ["1"], "u_min": 8}})
    (cell,) = spec.cells
    assert (cell.n, cell.M, cell.s, cell.l, cell.u) == (4, 18, 1, 2, 8)
    result = run_cell(cell.params)
    assert result["witness"]["benchmark"] == "hsf" and result["best_ratio"] is not None


# A_max, alpha = 1/4 (l = 2, u = 8), s = 0, M = ceil(3/2 * 8) = 12, n in {4, 8}: the n = 4 maximum is 17/6 at
# o = (4, 4, 2, 2); lengthened to n = 8 (stretched) it has ratio 31/7 against H-SF (tests/verify/test_growth_seeding)
SEEDED = BASE | {"policies": [{"policy": "amax"}],
                 "growth": {"k": 2, "n": [4, 8], "M_factors": ["3/2"], "s": ["0"], "u_min": 8}}


def test_growth_spec_seeds_in_n_and_can_be_turned_off():
    spec = parse_spec(SEEDED)
    n4, n8 = sorted(spec.cells, key=lambda c: c.n)
    assert spec.seed_in_n and [[c.n for c in w] for w in spec.waves()] == [[4], [8]]
    assert spec.seed_sources(n8) == [n4] and spec.seed_sources(n4) == []
    off = parse_spec(SEEDED | {"growth": SEEDED["growth"] | {"seed_in_n": False}})
    assert not off.seed_in_n and off.waves() == [list(off.cells)] and off.seed_sources(n8) == []
    assert {c.cell_id for c in off.cells} == {c.cell_id for c in spec.cells}  # seeding does not change cell ids
    with pytest.raises(SpecError, match="growth.seed_in_n"):
        parse_spec(SEEDED | {"growth": SEEDED["growth"] | {"seed_in_n": "yes"}})
    plain = parse_spec(BASE | {"grid": {"n": "2..3", "M": 9, "s": 1, "l": 2, "u": 8}})
    assert not plain.seed_in_n and len(plain.waves()) == 1


def test_seeds_come_from_the_stored_witness_and_floor_the_cell(tmp_path):
    from fractions import Fraction

    from verify.campaign import store
    from verify.campaign.run import _stored_sources

    spec = parse_spec(SEEDED)
    n4, n8 = sorted(spec.cells, key=lambda c: c.n)
    conn = store.open_campaign(tmp_path / "g.db")
    store.plan(conn, spec.name, spec.cells)
    assert _stored_sources(conn, spec, n8) == ()  # nothing stored yet: no seed
    stored = run_cell(n4.params)
    stored["witness"]["requests"] = [dict(r, o=o) for r, o in zip(stored["witness"]["requests"], (4, 4, 2, 2))]
    store.record_result(conn, stored)  # (the stored vector is what seeds, whatever the search found)
    sources = _stored_sources(conn, spec, n8)
    assert sources == ((4, 4, 2, 2),)
    seeded = run_cell(n8.params, sources)
    assert Fraction(seeded["best_ratio"]) >= Fraction(31, 7)


def test_growth_campaign_runs_in_n_order_and_resumes(tmp_path):
    import sqlite3
    from fractions import Fraction

    from distributed import Client

    from verify.campaign.run import run_campaign

    spec = parse_spec(SEEDED)
    order = []
    with Client(processes=False, n_workers=1, threads_per_worker=1, dashboard_address=":0") as client:
        summary = run_campaign(spec, tmp_path / "g.db", client=client, progress=order.append)
        assert summary.recorded == 2 and summary.failed == 0
        assert [line.split(" n=")[1].split()[0] for line in order if line.startswith("[")] == ["4", "8"]
        again = run_campaign(spec, tmp_path / "g.db", client=client)  # resume: nothing left
        assert again.skipped_done == 2 and again.recorded == 0
    conn = sqlite3.connect(tmp_path / "g.db")
    rows = conn.execute("SELECT params, best_ratio, witness FROM cells").fetchall()
    conn.close()
    by_n = {json.loads(p)["n"]: (Fraction(r), json.loads(w)) for p, r, w in rows}
    n8 = max(spec.cells, key=lambda c: c.n)
    o4 = tuple(r["o"] for r in by_n[4][1]["requests"])
    starts = replicated_starts(o4, GridPoint(8, n8.M, n8.s, n8.l, n8.u))
    exact = [certify(uniform_instance(n8.M, n8.s, n8.l, n8.u, list(v)), "amax", {}, "hsf").witness.ratio
             for _, v in starts]
    assert by_n[8][0] >= max(exact)  # at least every lengthened stored n = 4 witness, evaluated exactly
