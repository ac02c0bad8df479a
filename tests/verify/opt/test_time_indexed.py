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


@given(instances(max_n=6, max_u=6, max_s=3, max_a=3, max_slack=4))
def test_peak_clique_rows_are_the_points_each_big_interval_covers(inst):
    # the module docstring's rule, read variable by variable: a big start's doubled-time interval
    # [2 (p + o) - λ, 2 (p + o) + ρ) covers exactly the left ends of intervals that lie inside it
    from verify.opt.peak_bound import peak_arms, peak_cap

    model = build_model(inst, start_window(inst))
    cap = peak_cap([s for s, o, _ in model.classes if 2 * (s + o) > model.M], model.M)
    intervals = {}
    for v, (c, p) in enumerate(zip(model.var_class, model.var_start, strict=True)):
        s, o, _ = model.classes[c]
        arms = peak_arms(s, o, model.M, cap) if cap >= 0 else None
        if arms is not None:
            intervals[v] = (2 * (p + o) - arms[0], 2 * (p + o) + arms[1])
    points = sorted({left for left, _ in intervals.values()})
    expected = {(q, v) for v, (left, right) in intervals.items() for q, x in enumerate(points) if left <= x < right}
    matrix = model.peak_cliques.tocoo()
    assert {(int(q), int(v)) for q, v in zip(matrix.row, matrix.col, strict=True)} == expected
    assert set(matrix.data.tolist()) <= {1.0}
    assert model.peak_cliques.shape == (len(points), len(model.var_class))
