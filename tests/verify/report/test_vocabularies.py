"""The bound-check and symbolic-check vocabularies (#21 item 4): str enums whose members are their words, so
verdicts.json, Markdown and the command line print what they printed before; a word outside is refused."""

import json

import pytest

from models.errors import InvalidInput
from models.status import ClaimStatus
from proofs.bounds import CheckResult, CheckStatus
from proofs.liveness import LivenessResult
from verify.report.verdicts import BoundVerdict, Verdict


def test_a_bound_verdict_is_its_word_everywhere():
    v = Verdict("claim", "holds", "detail")
    assert v.verdict is BoundVerdict.HOLDS
    assert json.dumps(v.__dict__) == '{"claim": "claim", "verdict": "holds", "detail": "detail", "witnesses": []}'
    assert f"**{v.verdict}**" == "**holds**" and v.verdict.upper() == "HOLDS"


def test_a_word_outside_the_bound_vocabulary_is_refused():
    with pytest.raises(InvalidInput, match="verdict: must be one of holds, violated, inconclusive, got 'hold'"):
        Verdict("claim", "hold", "detail")


def test_an_asymptotic_claim_carries_growth_words_but_never_holds():
    v = Verdict("CR(A_min) = O(log 1/alpha)", "sweep too small", "fewer than 3 alpha values", asymptotic=True)
    assert v.verdict == "sweep too small" and "asymptotic" not in v.__dict__
    with pytest.raises(InvalidInput, match="an asymptotic claim never holds"):
        Verdict("CR(A_min) = O(log 1/alpha)", "holds", "detail", asymptotic=True)


def test_check_and_liveness_statuses_are_refused_outside_their_vocabulary():
    assert CheckResult("c", "proved", "e").status is CheckStatus.PROVED
    assert str(CheckResult("c", CheckStatus.FAILED, "e")) == "[failed] c: e"
    with pytest.raises(InvalidInput, match="status: must be one of proved, failed, got 'ok'"):
        CheckResult("c", "ok", "e")
    r = LivenessResult("finishes", "amin", {}, 8, (0,), 1, 2, 10, 3, "proved")
    assert r.status is ClaimStatus.PROVED and r.to_dict()["status"] == "proved"
    with pytest.raises(InvalidInput, match="status: must be one of proved, counterexample, unknown, got 'done'"):
        LivenessResult("finishes", "amin", {}, 8, (0,), 1, 2, 10, 3, "done")
