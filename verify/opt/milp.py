"""Exact OPT as a time-indexed MILP over job classes (:mod:`verify.opt.time_indexed`), solved by HiGHS
(``scipy.optimize.milp``).

Before the MILP, the LP relaxation gives a lower bound certified in exact arithmetic
(:mod:`verify.opt.lp_bound`). If it meets H-SF's TEL there is nothing left to solve; otherwise it is the floor
of the reported lower bound, so a run that times out still reports at least the LP bound. The same certificate
drops every variable that no schedule better than H-SF's can use (reduced-cost fixing), so the MILP searches
only for schedules that beat H-SF and OPT is the smaller of H-SF's TEL and the MILP's optimum; "infeasible"
from HiGHS then means H-SF is optimal. (As the floor of the
objective row ``lower <= objective <= H-SF's TEL`` it was measured to help on some instances and hurt on others,
so that row keeps the combinatorial bound of :mod:`verify.opt.bounds`.)

The MILP solution is rounded to integers and re-checked exactly by :func:`verify.opt.result.schedule_tel`; the
proof of optimality is HiGHS's dual bound, rounded up to the next integer after a 1e-6 tolerance (objective
coefficients are integers). ``mip_rel_gap`` is 0 so HiGHS does not stop at a near-optimal solution.
"""

from __future__ import annotations

import math
import time

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from models.instance import Instance
from verify.opt.bounds import PreparationTimeout, start_window
from verify.opt.highs_stdout import c_stdout_to_stderr
from verify.opt.lp_bound import lp_lower_bound
from verify.opt.result import OptResult, out_of_time, schedule_tel
from verify.opt.time_indexed import build_model

_TOL = 1e-6
_INFEASIBLE = 2  # scipy.optimize.milp status
_SOLVER_FAILED = 4  # scipy.optimize.milp: "other" (HiGHS gave up, neither a limit nor a verdict)


def _left(began: float, timeout: float | None) -> float | None:
    """Seconds left of ``timeout`` since ``began`` (``None``: unbounded; ``0``: none left)."""
    return None if timeout is None else max(timeout - (time.perf_counter() - began), 0.0)


def solve_milp(instance: Instance, *, timeout: float | None = None) -> OptResult:
    """Minimum TEL over non-preemptive schedules (MODEL.md, "OPT") by the time-indexed MILP (module docstring).

    Parameters
    ----------
    instance : Instance
        Any valid instance; ``l`` and ``u`` are not read.
    timeout : float, optional
        Seconds for the whole call, H-SF's run and the LP bound included (``None``: no limit).

    Returns
    -------
    OptResult
        ``optimal`` when the bounds meet (H-SF proven optimal by a bound, or HiGHS's proof); otherwise
        ``unknown`` with the best schedule and the best proven lower bound. ``stats`` records the model's
        size, the LP bound and HiGHS's status.
    """
    began = time.perf_counter()
    try:
        window = start_window(instance, deadline=None if timeout is None else began + timeout)
    except PreparationTimeout as exc:
        return out_of_time("milp", instance, began, str(exc))
    tel, starts, lower = window.upper_tel, window.upper_starts, window.lower_tel

    def result(stats: dict) -> OptResult:
        status = "optimal" if lower >= tel else "unknown"
        return OptResult("milp", status, tel, tuple(starts), min(lower, tel), tel, time.perf_counter() - began,
                         stats)

    if tel == lower:  # H-SF meets the combinatorial lower bound: nothing to solve
        return result({"variables": 0})
    model = build_model(instance, window)
    stats: dict = {"variables": len(model.var_class), "rows": len(model.classes) + model.horizon}
    lp = lp_lower_bound(model, timeout=_left(began, timeout), around=starts)
    if lp is not None:
        lower = max(lower, lp.tel)
        model = model.restricted(lp.usable(below=tel))
        stats |= {"lp_bound": lp.tel, "lp_value": round(lp.lp_value, 4), "lp_seconds": round(lp.seconds, 4),
                  "lp_converged": lp.converged,
                  "lp_fixed": stats["variables"] - len(model.var_class)}
        if not model.covers_every_class():  # some class has no start left: nothing beats H-SF
            lower = tel
    if lower >= tel:  # the LP bound proves H-SF optimal
        return result(stats)
    remaining = _left(began, timeout)
    if remaining == 0:  # the model and its LP took the whole time: report what they proved
        return result(stats | {"timed_out": "after the LP bound"})
    cost = model.cost.astype(float)

    def run(presolve: bool, limit: float | None):
        with c_stdout_to_stderr():
            return milp(
                c=cost,
                constraints=[LinearConstraint(model.count_matrix, model.counts, model.counts),
                             LinearConstraint(model.memory_matrix, -np.inf, instance.M),
                             *([LinearConstraint(model.peak_cliques, -np.inf, 1)] if model.peak_cliques.shape[0] else []),
                             LinearConstraint(cost[None, :], window.lower_tel, tel)],
                integrality=np.ones(len(cost)),
                bounds=Bounds(0, model.upper),
                options={"disp": False, "mip_rel_gap": 0.0, "presolve": presolve,
                         **({} if limit is None else {"time_limit": limit})},
            )

    res = run(True, remaining)
    if res.status == _SOLVER_FAILED and _left(began, timeout) != 0:
        # HiGHS's presolve can fail on these models (measured: 8 jobs, M = 10, status 4 with presolve, optimal
        # without); a failure is not a limit, so the same model is solved once more without presolve
        res = run(False, _left(began, timeout))
        stats["highs_retry"] = "presolve off"
    if res.x is not None:
        found = model.starts_from_counts(np.rint(res.x).astype(np.int64), instance.n)
        found_tel = schedule_tel(instance, found)  # exact re-check of the float solution
        if found_tel < tel:
            tel, starts = found_tel, found
    # The model holds every schedule with TEL below H-SF's (and perhaps others): OPT = min(H-SF, its optimum).
    if res.status == _INFEASIBLE:
        lower = window.upper_tel
    dual = getattr(res, "mip_dual_bound", None)
    if dual is not None and math.isfinite(dual):
        lower = max(lower, min(window.upper_tel, math.ceil(dual - _TOL)))
    if res.status == 0 and res.x is not None:
        lower = max(lower, min(tel, math.ceil(res.fun - _TOL)))
    return result(stats | {"highs_status": int(res.status)})
