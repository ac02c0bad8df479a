"""The benchmark memo: keyed by what determines a value, refusing a share it would be wrong for."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.instance import Instance
from verify.opt.benchmark import BenchmarkMemo, benchmark_tel
from verify.testing.strategies import instances

# Two relabellings of one multiset of (s, o, a): H-SF breaks ties of equal o by index, and the tied jobs have
# different prompts, so its TEL differs (19 and 18). A memo keyed by the multiset alone would return 19 twice.
RELABELLED = [
    {"M": 7, "requests": [{"s": 2, "o": 1, "l": 1, "u": 3}, {"s": 2, "o": 3, "l": 1, "u": 3},
                          {"s": 3, "o": 3, "l": 1, "u": 4}, {"s": 1, "o": 3, "l": 1, "u": 5}]},
    {"M": 7, "requests": [{"s": 3, "o": 3, "l": 1, "u": 4}, {"s": 2, "o": 1, "l": 1, "u": 3},
                          {"s": 1, "o": 3, "l": 1, "u": 5}, {"s": 2, "o": 3, "l": 1, "u": 3}]},
]


def test_hsf_memo_tells_relabellings_apart():
    first, second = (Instance.from_dict(d) for d in RELABELLED)
    assert (benchmark_tel(first, "hsf"), benchmark_tel(second, "hsf")) == (19, 18)
    memo = BenchmarkMemo(7, "hsf")
    assert (memo.tel(first), memo.tel(second)) == (19, 18)
    opt = BenchmarkMemo(7, "opt")
    assert opt.tel(first) == opt.tel(second) == benchmark_tel(first, "opt") and len(opt) == 1


def test_memo_refuses_another_M_or_benchmark():
    memo = BenchmarkMemo(7, "opt")
    with pytest.raises(ValueError, match="memo: holds benchmark 'opt' for M=7"):
        memo.check(8, "opt")
    with pytest.raises(ValueError, match="asked for 'hsf'"):
        memo.check(7, "hsf")
    with pytest.raises(ValueError, match="memo:"):
        memo.tel(Instance.from_dict({"M": 8, "requests": [{"s": 0, "o": 1, "l": 1, "u": 1}]}))
    with pytest.raises(ValueError, match="benchmark: must be one of"):
        BenchmarkMemo(7, "fcfs")


@settings(max_examples=40)
@given(st.data(), st.sampled_from(["opt", "hsf"]))
def test_shared_memo_equals_direct_computation(data, benchmark):
    """Differential: one memo shared across many instances of one M gives every value benchmark_tel gives."""
    first = data.draw(instances(max_n=4, max_u=4, max_s=2, max_a=2, max_slack=3))
    memo = BenchmarkMemo(first.M, benchmark)
    for _ in range(4):
        other = data.draw(instances(max_n=4, max_u=4, max_s=2, max_a=2, max_slack=3))
        if max(r.s + r.u for r in other.requests) > first.M:
            continue
        inst = Instance(first.M, other.requests)
        perm = data.draw(st.permutations(range(inst.n)))
        relabelled = Instance(inst.M, tuple(inst.requests[j] for j in perm))
        for candidate in (inst, relabelled):
            assert memo.tel(candidate) == benchmark_tel(candidate, benchmark)
