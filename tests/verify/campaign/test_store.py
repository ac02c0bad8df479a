"""The one store: each kind of results file refuses the other kind, with one line naming the file and the rule,
and a verdict outside the agreement vocabulary is refused, in a result and in a CSV."""

from fractions import Fraction

import pytest

from models.errors import InvalidInput
from verify.campaign import agreement, store
from verify.campaign.points import AgreementVerdict, GridPoint, PointResult

POINT = GridPoint("amin", 2, 3, 1, 0, 4)


def test_each_kind_of_file_refuses_the_other(tmp_path):
    campaign, grid = tmp_path / "c.db", tmp_path / "g.db"
    store.open_campaign(campaign).close()
    store.AgreementStore(grid).close()
    before = (campaign.read_bytes(), grid.read_bytes())
    with pytest.raises(store.IncompatibleDatabase) as exc:
        store.AgreementStore(campaign)
    assert str(exc.value) == f"{campaign}: not a kvsched database (no agreement_schema in its meta table); " \
                             "nothing was changed"
    for open_ in (store.open_campaign, store.open_campaign_readonly):
        with pytest.raises(store.IncompatibleDatabase, match=f"{grid}: not a kvsched database .no schema_version"):
            open_(grid)
    assert (campaign.read_bytes(), grid.read_bytes()) == before


def test_an_agreement_file_reads_back_read_only(tmp_path):
    path = tmp_path / "g.db"
    s = store.AgreementStore(path)
    s.record(PointResult(POINT, "z3", "open", Fraction(1), Fraction(2), 5.0, 5.0))
    s.close()
    conn = store.open_readonly(path, store.AGREEMENT)
    assert conn.execute("SELECT verdict FROM points").fetchall() == [("open",)]
    conn.close()


def test_a_verdict_outside_the_vocabulary_is_refused():
    r = PointResult(POINT, "z3", "agree", Fraction(1), Fraction(1), 1.0, 1.0)
    assert r.verdict is AgreementVerdict.AGREE and r.verdict == "agree" and f"{r.verdict}" == "agree"
    with pytest.raises(InvalidInput, match="verdict: must be one of agree, disagree, open, got 'agreed'"):
        PointResult(POINT, "z3", "agreed", Fraction(1), Fraction(1), 1.0, 1.0)
    text = agreement.results_csv([r]).replace(",agree,", ",maybe,")
    with pytest.raises(InvalidInput, match="got 'maybe'"):
        agreement.read_results_csv(text)


@pytest.mark.parametrize("verdict", list(AgreementVerdict))
def test_settled_is_the_resume_rule(verdict):
    previous = PointResult(POINT, "z3", verdict, Fraction(1), Fraction(1), 5.0, 5.0)
    assert not store.settled(None, 5.0)
    assert store.settled(previous, 5.0)
    assert store.settled(previous, 30.0) == (verdict != "open")
