"""The growth study saves its liveness witnesses (#22 b): one certified file per cell that met a vector the
policy does not finish within the round limit, listed in the report's Markdown."""

from fractions import Fraction

from models.witness import LivenessWitness, load_any_witness
from verify.certify import replay
from verify.report.growth import GrowthConfig, certify_cell_liveness, run_study
from verify.report.growth_report import (
    growth_markdown,
    liveness_name,
    save_growth_witnesses,
)

# A_min most-progress at alpha = 1/8 (u = 16, l = 2), n = 3, M = u, s = 0: the equal family outlives the round limit
CFG = GrowthConfig("t", ("A_min most-progress", "A_min"), (3,), (3,), (Fraction(1),), ("0",), 16, 2.0, 0, 0.0, 0,
                   0.0, workers=1)


def test_study_certifies_and_saves_liveness_witnesses(tmp_path):
    study = run_study(CFG)
    live_cells = [r.cell for r in study.results if r.liveness]
    assert [c.label for c in live_cells] == ["A_min most-progress"]  # the default reading has a guarantee
    assert study.liveness_failures == []
    assert [c for c, _ in study.liveness] == live_cells
    cell, lw = study.liveness[0]
    assert lw.unfinished and lw.options["eviction"] == "most-progress"
    assert lw.tel is not None and lw.ratio > 1 and lw.extended_limit == 4 * lw.round_limit  # slow, not stuck
    assert replay(lw) == []
    names = save_growth_witnesses(study, tmp_path)
    name = names[("liveness", cell)]
    assert name == liveness_name(cell) and name.startswith("witnesses/liveness-a-min-most-progress-hsf-a1-8-n3-M16-s0")
    again = load_any_witness(tmp_path / name)
    assert isinstance(again, LivenessWitness) and again.to_dict() == lw.to_dict()
    md = "\n".join(growth_markdown(study, names, "t"))
    assert "### Liveness witnesses" in md and f"[file]({name})" in md
    assert "1 certified liveness witness(es)" in md


def test_an_engine_disagreement_is_reported_not_hidden():
    study = run_study(CFG)
    r = next(r for r in study.results if r.liveness)
    # a vector the reference engine finishes (every o = l): certify_cell_liveness reports it as an error
    from dataclasses import replace

    finished = replace(r, liveness=((2, 2, 2),))
    _cell, w, err = certify_cell_liveness(finished)
    assert w is None and "finishes within" in err


def test_slow_runs_are_scored_and_certified_with_the_limit_they_need():
    from verify.report.growth import GrowthCell, certify_result, run_growth_cell

    # A_min most-progress, n = 3, alpha = 1/16, M = u = 32: o = (32, 32, 32) ends after 795 rounds (limit 384)
    # with ratio 763/64 against H-SF; scoring only runs within the default limit found 351/43 here
    r = run_growth_cell(GrowthCell("A_min most-progress", 4, 3, 32, 0, 2, 32, "hsf", 2.0))
    assert r.error is None and r.ratio >= Fraction(763, 64)
    again = certify_result(r)
    assert again.certified and again.witness.ratio == r.ratio
    if r.ratio == Fraction(763, 64):
        assert again.witness.round_limit is not None and again.witness.round_limit > 4 * 3 * 32
