"""The time-indexed model's memory rows against MODEL.md's memory rule, entry by entry."""

from hypothesis import given

from verify.opt.bounds import start_window
from verify.opt.time_indexed import build_model
from verify.testing.strategies import instances


@given(instances(max_n=5, max_u=5, max_s=3, max_a=3, max_slack=6))
def test_memory_rows_hold_s_plus_k_plus_1_in_the_kth_round_of_every_start(inst):
    # MODEL.md, "Rounds and memory": a job started at p holds s + k + 1 in round p + k, k = 0 .. o - 1
    model = build_model(inst, start_window(inst))
    expected = {}
    for v, (c, p) in enumerate(zip(model.var_class, model.var_start, strict=True)):
        s, o, _ = model.classes[c]
        for k in range(o):
            expected[(p + k, v)] = s + k + 1
    matrix = model.memory_matrix.tocoo()
    got = {(int(t), int(v)): a for t, v, a in zip(matrix.row, matrix.col, matrix.data, strict=True)}
    assert got == expected
    assert model.memory_matrix.shape == (model.horizon, len(model.var_class))
