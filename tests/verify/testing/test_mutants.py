"""The mutation check's machinery: every mutant's edits apply to the current code, and the fast
conformance suite alone already kills each one (``kvsched mutants`` runs every suite)."""

import pytest

from verify.testing.mutants import MUTANTS, run_mutants


def test_at_least_six_distinct_mutants():
    assert len({m.name for m in MUTANTS}) == len(MUTANTS) >= 6


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_mutant_is_killed(mutant):
    [result] = run_mutants([mutant], suites=["conformance", "memory_safety"], max_examples=30)
    assert not result.survived, f"{mutant.name} survived every suite"
