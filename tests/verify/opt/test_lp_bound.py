"""The certified LP bound against exhaustive OPT, weak duality for any multipliers, and the MILP around it."""

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from models.instance import uniform_instance
from verify.opt import solve_opt
from verify.opt.bounds import start_window
from verify.opt.lp_bound import certify, lp_lower_bound
from verify.opt.milp import solve_milp
from verify.opt.time_indexed import build_model
from verify.testing.strategies import instances

small = instances(max_n=5, max_u=4, max_s=2, max_a=3, max_slack=6)


@given(small)
def test_lp_bound_is_at_most_opt_and_matches_the_lp(inst):
    model = build_model(inst, start_window(inst))
    lp = lp_lower_bound(model)
    assert lp is not None
    assert lp.tel <= solve_opt(inst, "exhaustive").tel
    # with HiGHS's optimal duals the certificate gives the LP optimum, up to the 2**-40 rounding of the duals
    assert abs(float(lp.value) - lp.lp_value) < 1e-6 * max(1.0, abs(lp.lp_value))


@settings(max_examples=60)
@given(small, st.data())
def test_any_multipliers_give_a_valid_bound(inst, data):
    # weak duality must hold for every λ, μ and clique ν (positive μ, ν are clipped to 0), not only HiGHS's duals
    model = build_model(inst, start_window(inst))
    reals = st.floats(-50, 50, allow_nan=False)
    lam = data.draw(st.lists(reals, min_size=len(model.classes), max_size=len(model.classes)))
    mu = data.draw(st.lists(reals, min_size=model.horizon, max_size=model.horizon))
    q = model.peak_cliques.shape[0]
    nu = data.draw(st.lists(reals, min_size=q, max_size=q))
    opt = solve_opt(inst, "exhaustive").tel
    assert certify(model, np.array(lam), np.array(mu))[0] <= opt
    assert certify(model, np.array(lam), np.array(mu), np.array(nu))[0] <= opt


@given(small)
def test_reduced_cost_fixing_keeps_every_optimal_schedule(inst):
    window = start_window(inst)
    model = build_model(inst, window)
    lp = lp_lower_bound(model)
    best = solve_opt(inst, "exhaustive")
    usable = lp.usable(below=best.tel + 1)
    variable = {(c, p): v for v, (c, p) in enumerate(zip(model.var_class, model.var_start))}
    job_class = {j: c for c, members in enumerate(model.members) for j in members}
    for j, p in enumerate(best.starts):
        assert usable[variable[(job_class[j], p)]], (j, p)


def test_milp_proves_hsf_optimal_when_no_schedule_beats_it():
    # Nothing with TEL below H-SF's 20 survives the fixing; HiGHS answers "infeasible", which proves 20.
    # (The earlier instance, M = 5, o = (4, 3, 5), is now proven by the LP with the peak cliques alone.)
    inst = uniform_instance(8, 2, 1, 5, [5, 2, 5, 1])
    r = solve_milp(inst)
    assert r.stats["highs_status"] == 2 and r.stats["lp_bound"] < 20
    assert r.status == "optimal" and r.tel == r.lower_bound == 20 == solve_opt(inst, "exhaustive").tel


def test_milp_reports_at_least_the_lp_bound_when_it_times_out():
    rng = random.Random(11)
    inst = uniform_instance(48, 1, 4, 16, [rng.randint(4, 16) for _ in range(30)])
    lp = lp_lower_bound(build_model(inst, start_window(inst)))
    r = solve_milp(inst, timeout=2.0)  # the LP takes about 0.1 s of it here
    assert lp is not None and lp.tel > start_window(inst).lower_tel  # the LP bound is the stronger one here
    assert lp.tel <= r.lower_bound <= r.tel
    assert r.stats["lp_bound"] == lp.tel


@settings(max_examples=60)
@given(instances(max_n=5, max_u=6, max_s=3, max_a=3, max_slack=4))
def test_every_schedule_in_the_window_keeps_the_peak_cliques(inst):
    # the cliques are valid inequalities: an optimal schedule (an integer point of the model) satisfies each row
    window = start_window(inst)
    model = build_model(inst, window)
    best = solve_opt(inst, "exhaustive")
    variable = {(c, p): v for v, (c, p) in enumerate(zip(model.var_class, model.var_start))}
    job_class = {j: c for c, members in enumerate(model.members) for j in members}
    x = np.zeros(len(model.var_class))
    for j, p in enumerate(best.starts):
        x[variable[(job_class[j], p)]] += 1
    assert (model.peak_cliques @ x <= 1).all()


def test_peak_cliques_lift_the_lp_bound_on_the_parent_family():
    # measured: n = 8, seed 0: 415 without the cliques (memory rows only), 495 with them; OPT is 529
    from verify.opt.families import parent_instance

    inst = parent_instance(0, n=8)
    model = build_model(inst, start_window(inst))
    assert model.peak_cliques.shape[0] > 0
    lp = lp_lower_bound(model)
    plain, _ = certify(model, *_plain_duals(model))
    assert plain <= 415 < 495 <= lp.tel <= 529 == solve_opt(inst, "bnb").tel


def _plain_duals(model):
    """HiGHS's duals of the relaxation without the cliques (memory rows only)."""
    from scipy.optimize import linprog

    res = linprog(model.cost.astype(float), A_ub=model.memory_matrix, b_ub=np.full(model.horizon, model.M),
                  A_eq=model.count_matrix, b_eq=model.counts.astype(float),
                  bounds=np.column_stack([np.zeros(len(model.var_class)), model.upper.astype(float)]), method="highs")
    return res.eqlin.marginals, res.ineqlin.marginals


@given(small)
def test_column_generation_solves_the_whole_relaxation(inst):
    # the same relaxation two ways: every column in HiGHS's model, and priced in from H-SF's starts
    window = start_window(inst)
    model = build_model(inst, window)
    whole, columns = lp_lower_bound(model), lp_lower_bound(model, around=window.upper_starts)
    assert whole.columns == len(model.var_class) >= columns.columns
    assert abs(float(whole.value - columns.value)) < 1e-6 * max(1.0, abs(whole.lp_value))
    assert columns.tel <= solve_opt(inst, "exhaustive").tel


def test_pricing_adds_the_columns_the_master_lacks_and_an_infeasible_master_gets_them_all(monkeypatch):
    from verify.opt import lp_bound
    from verify.opt.families import parent_instance

    monkeypatch.setattr(lp_bound, "SEED_WIDTH", 0)  # the first master: the given starts alone
    inst = parent_instance(0, n=8)
    window = start_window(inst)
    model = build_model(inst, window)
    whole = lp_lower_bound(model)
    priced = lp_lower_bound(model, around=window.upper_starts)
    assert priced.columns > inst.n and priced.tel == whole.tel == 495
    # every job started in round 0 overflows M in round 2, so that master is infeasible and gets every column
    assert sum(r.s + 3 for r in inst.requests if r.o > 2) > inst.M
    crowded = lp_lower_bound(model, around=(0,) * inst.n)
    assert crowded.columns == len(model.var_class) and crowded.tel == whole.tel


@given(st.lists(st.lists(st.integers(0, 2**40), min_size=3, max_size=3), min_size=1, max_size=4),
       st.lists(st.integers(0, 2**300), min_size=4, max_size=4))
def test_exact_column_sums_are_python_integer_sums(rows, weights):
    # limbs recombined must equal the plain integer product, for entries and weights far past int64
    from scipy.sparse import csr_matrix

    from verify.opt.lp_bound import _exact_column_sums

    weights = weights[:len(rows)]
    got = _exact_column_sums(csr_matrix(np.array(rows, dtype=np.int64)), weights)
    assert got.tolist() == [sum(row[j] * w for row, w in zip(rows, weights)) for j in range(3)]


def test_out_of_time_after_a_master_the_last_duals_still_certify_a_bound(monkeypatch):
    import highspy

    from verify.opt import lp_bound
    from verify.opt.families import parent_instance

    class SecondSolveOutOfTime(highspy.Highs):
        solves = 0

        def run(self):
            SecondSolveOutOfTime.solves += 1
            if SecondSolveOutOfTime.solves > 1:
                self.setOptionValue("time_limit", 0.0)
            return super().run()

    monkeypatch.setattr(lp_bound, "SEED_WIDTH", 0)  # the first master lacks columns, so pricing must go on
    monkeypatch.setattr(highspy, "Highs", SecondSolveOutOfTime)
    inst = parent_instance(0, n=8)
    model = build_model(inst, start_window(inst))
    cut_short = lp_lower_bound(model, around=start_window(inst).upper_starts, timeout=60)
    monkeypatch.undo()
    whole = lp_lower_bound(model)
    assert SecondSolveOutOfTime.solves == 2
    assert whole.converged and not cut_short.converged and cut_short.columns < whole.columns
    assert cut_short.value < whole.value and cut_short.tel <= 529 == solve_opt(inst, "bnb").tel
