"""Exact hindsight optimum (MODEL.md, "OPT") by three independent solvers that must agree."""

from __future__ import annotations

from models.instance import Instance
from verify.opt.exhaustive import solve_exhaustive
from verify.opt.bounds import trivial_lower_bound
from verify.opt.result import InvalidSchedule, OptResult, schedule_tel

SOLVERS = ("exhaustive", "milp", "z3")


def solve_opt(instance: Instance, solver: str = "auto", *, timeout: float | None = None) -> OptResult:
    """OPT by the named solver; ``"auto"`` takes exhaustive search for n <= 7 and the MILP beyond."""
    if solver == "auto":
        solver = "exhaustive" if instance.n <= 7 else "milp"
    if solver == "exhaustive":
        return solve_exhaustive(instance, timeout=timeout)
    if solver == "milp":
        from verify.opt.milp import solve_milp

        return solve_milp(instance, timeout=timeout)
    if solver == "z3":
        from verify.opt.z3_opt import solve_z3

        return solve_z3(instance, timeout=timeout)
    raise ValueError(f"solver: must be one of auto, {', '.join(SOLVERS)}, got {solver!r}")


__all__ = ["InvalidSchedule", "OptResult", "SOLVERS", "schedule_tel", "solve_opt", "trivial_lower_bound"]
