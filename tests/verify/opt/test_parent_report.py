"""The parent table's Markdown section (verify.report.parent_table) on synthetic rows, and its bench wiring."""

from fractions import Fraction


from verify.benchmarks.parent import PARENT_ALPHAS, PARENT_POLICIES, bench_parent_table
from verify.cli import main
from verify.report.parent_table import parent_table_markdown, summarize


def _row(which, seed, hsf, status, lower, upper):
    row = {"set": which, "seed": str(seed), "n": "40", "M": "30", "hsf": str(hsf), "status": status,
           "lower": str(lower), "upper": str(upper), "solver": "bnb", "seconds": "1.0"}
    row |= {f"{p}@{a}": str(hsf + 10) for p in PARENT_POLICIES for a in PARENT_ALPHAS}
    return row


ROWS = [_row("zero", 0, 100, "optimal", 100, 100), _row("zero", 1, 110, "optimal", 100, 100),
        _row("zero", 2, 200, "unknown", 150, 200), _row("zero", 3, 90, "unknown", 80, 90),
        _row("poisson", 0, 50, "unknown", 40, 50)]


def test_summary_figures_are_exact():
    z = summarize(ROWS, "zero")
    assert (z.trials, z.closed, z.hsf_optimal) == (4, 2, 1)
    assert z.ratio_mean == Fraction(21, 20) and z.ratio_best == 1 and z.ratio_worst == Fraction(11, 10)
    assert z.open_width_mean == (Fraction(1, 4) + Fraction(1, 9)) / 2
    assert z.open_width_widest == Fraction(1, 4) and z.widest_seed == "2"
    assert z.bracket_worst == (Fraction(11, 10), Fraction(200, 150))
    assert z.policies["amin@1"] == ((Fraction(110, 100) + Fraction(120, 110) + Fraction(210, 200)
                                     + Fraction(100, 90)) / 4, Fraction(100, 90))
    p = summarize(ROWS, "poisson")
    assert p.closed == 0 and p.ratio_mean is None and p.open_width_widest == Fraction(1, 5)
    assert summarize(ROWS, "other") is None


def test_markdown_has_one_column_per_set_and_the_figures():
    text = parent_table_markdown(ROWS, limit=3, solver="auto")
    assert "OPT by `auto`, 3 s per trial" in text
    assert "| trials closed exactly | 2 / 4 | 0 / 1 |" in text
    assert "| TEL(H-SF)/TEL(OPT), mean over closed | 1.0500 | – |" in text
    assert "| open trials: widest bracket | 25.0 % (seed 2) | 20.0 % (seed 0) |" in text
    assert "| `fcfs-recompute@1/4` |" in text
    assert parent_table_markdown([]).endswith("No trials.\n")


def test_bench_parent_table_writes_the_markdown_from_stored_rows(tmp_path):
    from rich.console import Console

    from verify.campaign.store import ParentStore

    db, md = tmp_path / "rows.db", tmp_path / "table.md"
    store = ParentStore(db)
    for r in ROWS:
        if int(r["seed"]) < 1:
            store.record(r, "auto", 3.0)
    store.close()
    rows = bench_parent_table(1, 3.0, "auto", Console(file=open(tmp_path / "log", "w")), db=str(db),
                              markdown=str(md))
    assert len(rows) == 2  # read back, nothing run
    text = md.read_text()
    assert "| trials closed exactly | 1 / 1 | 0 / 1 |" in text and "OPT by `auto`, 3 s per trial" in text


def test_markdown_flag_needs_an_existing_directory(capsys):
    assert main(["bench", "parent-table", "--markdown", "/nonexistent-dir/x.md"]) == 2
    assert "--markdown: directory of /nonexistent-dir/x.md does not exist" in capsys.readouterr().err
