"""Z3 encoding of *some* feasible non-preemptive schedule for symbolic output lengths (MODEL.md, "OPT").

Integer starts ``q_j >= a_j`` with ``q_j + o_j <= max_j a_j + Σ_j u_j`` (the horizon MODEL.md says suffices)
and, every round, ``Σ_j If(q_j <= t < q_j + o_j, s_j + t - q_j + 1, 0) <= M``. Any satisfying schedule's TEL is
at least OPT's, so ``TEL(ALG) >= r · TEL(S)`` being unsatisfiable proves ``TEL(ALG) < r · OPT`` for every ``o``.
"""

from __future__ import annotations

from dataclasses import dataclass

import z3

from models.instance import Instance


@dataclass
class SymbolicSchedule:
    """A symbolic schedule: its start variables, the constraints that make it feasible, and its TEL term."""

    starts: list[z3.ArithRef]
    constraints: list[z3.BoolRef]
    tel: z3.ArithRef


def encode_schedule(config: Instance, o: list[z3.ArithRef], prefix: str = "q") -> SymbolicSchedule:
    """Some feasible non-preemptive schedule of ``config`` for the symbolic lengths ``o`` (module docstring).

    Parameters
    ----------
    config : Instance
        The configuration (``M`` and every request's ``s, u, a``; its ``o`` values are ignored).
    o : list of z3.ArithRef
        The symbolic output lengths, one per job.
    prefix : str
        Prefix of the start variables' names (``q0``, ``q1``, ...), to keep two encodings apart.

    Returns
    -------
    SymbolicSchedule
        Whose ``constraints`` hold iff the starts form a valid schedule within the horizon
        ``max_j a_j + Σ_j u_j``.
    """
    reqs = config.requests
    horizon = max(r.a for r in reqs) + sum(r.u for r in reqs)
    q = [z3.Int(f"{prefix}{j}") for j in range(config.n)]
    cons = []
    for j, r in enumerate(reqs):
        cons += [q[j] >= r.a, q[j] + o[j] <= horizon]
    for t in range(horizon):
        terms = [z3.If(z3.And(q[j] <= t, t < q[j] + o[j]), r.s + t + 1 - q[j], 0)
                 for j, r in enumerate(reqs) if r.a <= t]
        if terms:
            cons.append(z3.Sum(terms) <= config.M)
    tel = z3.Sum([q[j] + o[j] - r.a for j, r in enumerate(reqs)])
    return SymbolicSchedule(q, cons, tel)
