"""The growth study's worst table: the worst ratio per (alpha, n) over the regimes, proven only when every cell
of the group closed."""

from fractions import Fraction

from verify.report.growth import GrowthCell, GrowthResult, worst_table


def _result(M: int, ratio: Fraction | None, closed: bool) -> GrowthResult:
    cell = GrowthCell("A_min", 2, 4, M, 0, 4, 16, "opt", 1.0, "exhaustive")
    return GrowthResult(cell, ratio, None, closed, (), (), (), 0.0)


def test_the_worst_over_the_regimes_is_closed_only_if_every_cell_closed():
    closed = [_result(16, Fraction(3, 2), True), _result(24, Fraction(5, 4), True)]
    (row,) = worst_table(closed, "A_min", "opt").values()
    assert row[4].ratio == Fraction(3, 2) and row[4].closed
    one_open = closed + [_result(32, Fraction(1), False)]
    assert not worst_table(one_open, "A_min", "opt")[Fraction(1, 4)][4].closed
    # a cell that found no ratio at all (an error, or every run past the round limit) proves nothing either
    one_empty = closed + [_result(32, None, False)]
    worst = worst_table(one_empty, "A_min", "opt")[Fraction(1, 4)][4]
    assert worst.ratio == Fraction(3, 2) and not worst.closed
