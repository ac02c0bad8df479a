"""The proven worst cases kept in ``reports/proven``: every witness replays, and the state graph re-proves
that its ratio is the configuration's maximum (an oracle independent of the Z3 proof that produced it)."""

from pathlib import Path

import pytest

from models.witness import load_witness
from models.shape import Shape
from verify.certify import replay
from verify.search import Problem, run_search
from verify.search.runner import cell_name

PROVEN = sorted((Path(__file__).parents[3] / "reports" / "proven").glob("*.json"))


def test_the_record_is_not_empty():
    assert len(PROVEN) == 3


@pytest.mark.parametrize("path", PROVEN, ids=lambda p: p.stem)
def test_proven_witness_replays_and_is_the_maximum(path):
    witness = load_witness(path)
    assert replay(witness) == []
    reqs = witness.instance.requests
    l, u, s = reqs[0].l, reqs[0].u, reqs[0].s
    assert all((r.l, r.u, r.s, r.a) == (l, u, s, 0) for r in reqs)
    assert path.stem == cell_name(Shape.of(witness.instance), witness.policy)
    # the search ranges over every output vector of the witness's configuration; its own outputs are not used
    problem = Problem(Shape.of(witness.instance), witness.policy, dict(witness.options), witness.benchmark)
    outcome = run_search(problem, "statespace", budget=120)
    assert outcome.closed
    assert outcome.best_ratio == witness.ratio
