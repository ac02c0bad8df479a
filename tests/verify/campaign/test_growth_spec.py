"""The [growth] table of a campaign SPEC: the coupled grid of the growth study, validated, and one cell run."""

import pytest

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
