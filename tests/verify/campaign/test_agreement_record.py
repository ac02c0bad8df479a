"""The agreement record kept in ``reports/agreement``: one run of the whole search grid with the Z3 strategy.

The file must cover exactly the issue's grid for A_min and A_max, every point closed on exhaustive search's
maximum; a seeded sample of points, and the points Z3 took longest on, are recomputed by exhaustive search now,
so the record is checked against the current model rather than trusted.
"""

import random
from pathlib import Path

import pytest

from verify.campaign.agreement import read_results_csv
from verify.campaign.points import GridPoint
from verify.benchmarks.agreement import search_grid_points
from verify.search import run_search

RECORD = Path(__file__).parents[3] / "reports" / "agreement" / "z3-grid.csv"
RESULTS = read_results_csv(RECORD.read_text(encoding="utf-8"))
GRID = {GridPoint(policy, *p) for policy in ("amin", "amax") for p in search_grid_points()}


def test_record_covers_the_grid_and_every_point_agrees():
    assert len(RESULTS) == len(GRID) == 2240
    assert {r.point for r in RESULTS} == GRID
    assert {r.strategy for r in RESULTS} == {"z3"}
    assert [r.point for r in RESULTS if r.verdict != "agree"] == []
    assert all(r.proved == r.exhaustive for r in RESULTS)


SAMPLE = (random.Random(0).sample(RESULTS, 30)
          + sorted(RESULTS, key=lambda r: r.seconds, reverse=True)[:6])


@pytest.mark.parametrize("result", SAMPLE, ids=lambda r: r.point.label.replace(" ", "-"))
def test_recorded_maximum_is_exhaustive_search_maximum_now(result):
    outcome = run_search(result.point.problem(), "exhaustive")
    assert outcome.closed
    assert outcome.best_ratio == result.exhaustive
