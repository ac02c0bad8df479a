"""The growth study's seeding in n (#22): a cell at 2n starts from its column's n witness lengthened to 2n jobs,
so its worst ratio is at least the exact ratio of every such start; gaps in n are listed, not hidden."""

from dataclasses import replace
from fractions import Fraction

from verify.certify import certify
from verify.report.growth import (
    GROWTH_PRESETS,
    GrowthCell,
    GrowthStudy,
    Worst,
    certify_result,
    columns,
    monotonicity_gaps,
    run_growth,
    seed_starts,
)
from verify.report.growth_report import monotonicity_lines, seeding_lines
from verify.search.families import replicated_starts, search_families
from verify.search import Problem
from models.grid import GridPoint
from models.shape import Shape

# A_max, alpha = 1/4 (l = 2, u = 8), s = 0, M = 12: exhaustive at n = 4 (a proven maximum, deterministic), then
# the families strategy with budget None (every family vector, no climb, no clock: deterministic) at n = 8.
N4 = GrowthCell("A_max", 2, 4, 12, 0, 2, 8, "hsf", 0.0, "exhaustive")
N8 = GrowthCell("A_max", 2, 8, 12, 0, 2, 8, "hsf", None, "families")
CFG = replace(GROWTH_PRESETS["quick"], workers=1)


def _exact_ratio(cell: GrowthCell, outputs: tuple[int, ...]) -> Fraction:
    """The ratio of ``outputs`` at ``cell``'s configuration on the reference engine (and H-SF there)."""
    return certify(cell.shape().with_outputs(outputs), "amax", {}, "hsf").witness.ratio


def test_replicated_starts_shapes():
    sh = GridPoint(8, 12, 0, 2, 8)
    got = dict(replicated_starts((8, 3, 2, 9), sh))  # 9 is clipped to u = 8
    assert got == {"tiled": (8, 3, 2, 8, 8, 3, 2, 8), "stretched": (8, 8, 3, 3, 2, 2, 8, 8),
                   "pad-last": (8, 3, 2, 8, 8, 8, 8, 8), "pad-l": (8, 3, 2, 8, 2, 2, 2, 2)}  # pad-u = pad-last
    assert replicated_starts((8,) * 9, sh) == []  # a longer witness gives no start


def test_seeded_2n_cell_is_at_least_the_replicated_n_witness_and_unseeded_finds_less():
    seeded = {r.cell.n: r for r in run_growth(CFG, cells=[N4, N8])}
    r4, r8 = seeded[4], seeded[8]
    assert r4.closed and r4.ratio == Fraction(17, 6)
    o4 = tuple(r4.witness.instance.outputs)
    starts = seed_starts(N8, [(4, o4)])
    exact = {name: _exact_ratio(N8, v) for name, v in starts}
    best_start = max(exact.values())
    assert best_start == Fraction(31, 7)  # the stretched witness
    assert r8.seeded_from == (4,) and r8.start is not None and r8.start[2] == best_start
    # the seeded 2n cell is at least every replicated n witness, evaluated exactly on the reference engine
    assert all(r8.ratio >= x for x in exact.values())
    assert certify_result(r8).witness.ratio == r8.ratio
    # ... and this check can fail: the same deterministic search without seeding finds less
    unseeded = {r.cell.n: r for r in run_growth(CFG, cells=[N4, N8], seeded=False)}[8]
    assert unseeded.seeded_from == () and unseeded.start is None
    assert unseeded.ratio == Fraction(95, 23) < best_start


def test_columns_run_in_increasing_n_and_parallel_run_matches():
    cells = [N8, replace(N8, label="A_min"), N4, replace(N4, label="A_min")]
    cols = columns(cells)
    assert [[c.n for c in col] for col in cols] == [[4, 8], [4, 8]]
    par = {(r.cell.label, r.cell.n): r.ratio for r in run_growth(replace(CFG, workers=2), cells=cells)}
    one = {(r.cell.label, r.cell.n): r.ratio for r in run_growth(CFG, cells=cells)}
    assert par == one  # exhaustive + budget None: the seeds, hence the results, do not depend on the schedule


def test_starts_are_a_floor_for_the_families_strategy():
    problem = Problem(Shape.uniform(12, 0, 2, 8, 8), "amax", {}, "hsf")
    start = (8, 8, 3, 3, 2, 2, 8, 8)
    out = search_families(problem, budget=None, starts=[start], start_names=["mine"])
    assert out.best_ratio >= _exact_ratio(N8, start)
    assert any("mine" in n for n in out.notes)
    from verify.search.targeted import search_targeted

    out = search_targeted(problem, budget=None, batch=20, families=False, starts=[start])  # no clock
    assert out.best_ratio >= _exact_ratio(N8, start)


def _worst(ratio: Fraction) -> Worst:
    return Worst(ratio, None, False)  # type: ignore[arg-type]


def test_monotonicity_gaps_lists_every_fall_against_the_best_smaller_n():
    table = {Fraction(1, 2): {4: _worst(Fraction(3)), 8: _worst(Fraction(5)), 16: _worst(Fraction(4)),
                              32: _worst(Fraction(6))},
             Fraction(1, 4): {4: _worst(Fraction(2)), 8: _worst(Fraction(2))}}
    assert monotonicity_gaps(table) == [(Fraction(1, 2), 16, Fraction(4), 8, Fraction(5))]


def test_report_lines_name_the_weakness_and_the_seeding_floor():
    results = run_growth(CFG, cells=[N4, N8])
    # pretend the n = 8 cell found less than n = 4: the report must list it
    weak = [r if r.cell.n == 4 else replace(r, ratio=Fraction(2)) for r in results]
    study = GrowthStudy(CFG, weak, [], [])
    lines = monotonicity_lines(study)
    assert any(line.startswith("- adversary weakness at n=8: A_max vs H-SF, alpha=1/4: worst 2") for line in lines)
    assert any("None: at every" in line for line in monotonicity_lines(GrowthStudy(CFG, results, [], [])))
    text = " ".join(seeding_lines(study))
    assert "at least the best replicated-start ratio" in text and "1 cell(s) were given" in text
