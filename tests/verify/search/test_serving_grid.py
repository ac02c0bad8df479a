"""The serving grid: exact worst and least ratios, worst preemptions of one job, with replayable witnesses."""

from fractions import Fraction

import pytest

from models.witness import load_any_witness
from verify.certify import replay
from verify.search.serving_grid import ServingGrid, describe_witness, run_serving_grid, save_grid_witnesses

GRID = ServingGrid(ns=(2, 3), s_values=(0, 1, 2), l=1, us=(4,), slack=4)


@pytest.fixture(scope="module")
def results():
    return {r.policy: r for r in run_serving_grid(GRID)}


def test_grid_counts_every_instance(results):
    # n=2: 3^2 prompt vectors x 5 M x 4^2 outputs; n=3: 3^3 x 5 x 4^3
    assert {r.instances for r in results.values()} == {9 * 5 * 16 + 27 * 5 * 64} == {9360}


def test_worst_ratios_and_witnesses(results):
    got = {p: (r.worst_ratio.ratio, describe_witness(r.worst_ratio)) for p, r in results.items()}
    assert got == {
        "vllm-v1": (Fraction(15, 8), "M=6 s=(1, 2, 2) o=(4, 2, 1): TEL 15 / OPT 8"),
        "sglang": (Fraction(5, 2), "M=4 s=(0, 0, 0) o=(4, 1, 1): TEL 15 / OPT 6"),
        "fcfs-recompute": (Fraction(15, 8), "M=5 s=(1, 1, 1) o=(4, 2, 1): TEL 15 / OPT 8"),
        "amin": (Fraction(15, 8), "M=6 s=(2, 1, 2) o=(4, 2, 1): TEL 15 / OPT 8"),
    }


def test_only_vllm_v1_beats_the_non_preemptive_opt_here(results):
    # a ratio below 1 is a finding for a policy that may pause (MODEL.md); impossible for the others
    assert results["vllm-v1"].least_ratio.ratio == Fraction(19, 24) and results["vllm-v1"].below_one == 1633
    assert all(results[p].below_one == 0 and results[p].least_ratio.ratio >= 1
               for p in ("sglang", "fcfs-recompute", "amin"))


def test_worst_preemptions_of_one_job(results):
    got = {p: (r.worst_preemptions.objective_value, r.worst_recomputed.objective_value) for p, r in results.items()}
    assert got == {"vllm-v1": (2, 11), "sglang": (0, 0), "fcfs-recompute": (4, 16), "amin": (4, 16)}
    assert describe_witness(results["vllm-v1"].worst_preemptions) == "M=5 s=(0, 0, 0) o=(2, 4, 3): TEL 11 / OPT 10"


def test_saved_witnesses_replay(results, tmp_path):
    save_grid_witnesses(list(results.values()), tmp_path)
    assert len(list(tmp_path.glob("*.json"))) == 16
    w = load_any_witness(tmp_path / "vllm-v1-worst-preemptions.json")
    assert (w.objective, w.objective_value) == ("preemptions", 2) and replay(w) == []
    least = load_any_witness(tmp_path / "vllm-v1-least-ratio.json")
    assert least.ratio == Fraction(19, 24) and replay(least) == []


@pytest.mark.parametrize("kw, message", [({"ns": ()}, "n: every n must be >= 1"), ({"us": (0,)}, "u: every u"),
                                         ({"slack": -1}, "slack: must be >= 0"), ({"s_values": (-1,)}, "s: every s")])
def test_bad_grid_names_the_field(kw, message):
    with pytest.raises(ValueError, match=message):
        ServingGrid(**kw)
