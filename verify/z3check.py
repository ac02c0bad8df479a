"""Z3 checks that an interrupt stops (shared by every module that calls ``solver.check``)."""

from __future__ import annotations

import z3


def check_interruptible(solver: z3.Solver, *assumptions) -> z3.CheckSatResult:
    """``solver.check()``, except that a check Ctrl-C stopped raises :class:`KeyboardInterrupt`.

    Z3 takes SIGINT over while it checks and answers ``unknown`` ("interrupted from keyboard"), which a caller
    would otherwise read as a timeout and go on; an interrupt must stop the run, never pass for ``unknown``.

    Parameters
    ----------
    solver : z3.Solver
        The solver, with its constraints and timeout set.
    *assumptions : z3.BoolRef
        Passed to ``solver.check``.

    Returns
    -------
    z3.CheckSatResult
        ``sat``, ``unsat`` or ``unknown`` (a timeout, or any other reason but an interrupt).

    Raises
    ------
    KeyboardInterrupt
        The check was interrupted from the keyboard.
    """
    verdict = solver.check(*assumptions)
    if verdict == z3.unknown and "keyboard" in solver.reason_unknown():
        raise KeyboardInterrupt
    return verdict
