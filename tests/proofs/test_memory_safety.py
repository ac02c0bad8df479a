"""Bounded Z3 proofs of memory safety and liveness (n <= 4, u <= 6, M <= 16, one interval, s in {0, 1})."""

import pytest

from models.shape import Shape
from proofs.memory_safety import prove_config, prove_memory_safety
from verify.symbolic.scheduler_z3 import encode


@pytest.mark.parametrize("s", [0, 1])
def test_amax_proved_on_the_grid(s):
    results = prove_memory_safety("amax", {}, 4, range(s + 6, 17), [s], 1, 6, timeout=120)
    assert len(results) == 3 * len(range(s + 6, 17))
    assert all(r.status == "proved" for r in results), [r for r in results if r.status != "proved"]


@pytest.mark.parametrize(("s", "M"), [(0, 6), (1, 7), (0, 11), (1, 16)])
def test_amin_proved(s, M):
    results = prove_config(Shape.uniform(M, s, 1, 6, 4), "amin", {}, timeout=120)
    assert {r.claim: r.status for r in results} == {"finishes": "proved", "memory": "proved"}
    assert results[0].horizon == 4 * 6  # MODEL.md's liveness bound n * max u


def test_amin_smaller_grid_all_M():
    results = prove_memory_safety("amin", {}, 3, range(5, 17), [0, 1], 1, 5, timeout=120)
    assert results and all(r.status == "proved" for r in results)


def test_a_broken_claim_gives_a_replayed_counterexample():
    # With a horizon shorter than the run, "finishes" must fail, with a witness the engine confirms.
    import z3

    config = Shape.uniform(6, 0, 1, 3, 2)
    run = encode(config, "amin", {}, horizon=2)
    solver = z3.Solver()
    solver.add(run.constraints + [z3.Not(run.finished)])
    assert solver.check() == z3.sat


def test_timeout_is_unknown_never_proved():
    results = prove_config(Shape.uniform(16, 1, 1, 6, 4), "amin", {}, timeout=0.001)
    assert {r.status for r in results} <= {"unknown", "proved"}
    assert any(r.status == "unknown" for r in results)
