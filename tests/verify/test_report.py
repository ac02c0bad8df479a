"""kvsched report on a tiny preset: every file is written, verdicts are well-formed, witnesses replay."""

import json
from fractions import Fraction

from models.witness import load_witness
from verify.certify import replay
from verify.report import run_report
from verify.report.sweep import PRESETS, SweepConfig


def test_tiny_report(tmp_path, monkeypatch):
    tiny = SweepConfig("tiny", (0, 1, 2), 4, (3,), (1,), (Fraction(1),), 2.0, 6, 5000, 200, 1, 2, 3)
    monkeypatch.setitem(PRESETS, "tiny", tiny)
    summary = run_report("tiny", tmp_path, progress=lambda line: None)
    names = {p.name for p in tmp_path.iterdir()}
    assert {"report.md", "report.html", "verdicts.json", "ratio_vs_alpha.png", "amin_fit.png", "amin_readings.png",
            "memory_worst_witnesses.png", "workload.png", "witnesses"} <= names
    words = ("holds", "violated", "inconclusive", "not violated", "reached", "not reached", "sweep too small",
             "consistent with O(log 1/α)", "grows faster than log", "violated (witness)")
    assert all(v["verdict"].startswith(words) for v in summary["verdicts"])
    # an asymptotic claim is never said to hold
    assert not any("O(log" in v["claim"] and v["verdict"] == "holds" for v in summary["verdicts"])
    assert any("[vs H-SF]" in v["claim"] for v in summary["verdicts"])
    assert any("[vs OPT]" in v["claim"] for v in summary["verdicts"])
    html = (tmp_path / "report.html").read_text()
    assert "data:image/png;base64," in html and "<table>" in html
    for png in tmp_path.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    witnesses = sorted((tmp_path / "witnesses").iterdir())
    assert witnesses
    for w in witnesses[:5]:
        assert replay(load_witness(w)) == []
    assert json.loads((tmp_path / "verdicts.json").read_text())["cells"] >= 3 * 9
    assert "growth_vs_alpha_hsf.png" in names and "growth_vs_n_hsf.png" in names
