"""What the two serving policies (:mod:`models.schedulers.vllm_v1`, :mod:`models.schedulers.sglang`) share:
their running list and waiting queue, kept in sync with the engine's view, and option checks.

Both keep their own order of jobs (MODEL.md, "Serving policies": the running list R in admission order and the
waiting queue Q), which the view does not carry. At the start of each round completed jobs leave R and jobs
that arrived join Q's tail in index order.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from models.errors import Inconsistency
from models.schedulers.interface import PolicyTraits, Scheduler
from models.view import JobView, RoundView, Status


def int_option(name: str, value: Any, minimum: int) -> int:
    """An integer option ``>= minimum``; ``ValueError("<name>: rule")`` otherwise (the registry prefixes ``options.``).

    Parameters
    ----------
    name : str
        The option's name, for the message.
    value : Any
        The value given.
    minimum : int
        The least value allowed.

    Returns
    -------
    int
        ``value``.

    Raises
    ------
    ValueError
        ``value`` is not an integer (a bool is not), or is below ``minimum``.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}: must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name}: must be an integer >= {minimum}, got {value}")
    return value


def optional_bound(name: str, value: Any) -> int | None:
    """A count bound ``>= 1``, or ``None`` (unbounded, the default).

    Parameters
    ----------
    name : str
        The option's name, for the message.
    value : Any
        The value given.

    Returns
    -------
    int or None
        ``value``.

    Raises
    ------
    ValueError
        ``value`` is neither ``None`` nor an integer ``>= 1`` (from :func:`int_option`).
    """
    return None if value is None else int_option(name, value, 1)


def fraction_option(name: str, value: Any) -> Fraction:
    """An exact fraction: an int, a :class:`Fraction`, or a string such as ``"1/100"`` or ``"0.01"``.

    A float is refused: it is not exact, and the model allows no rounding.

    Parameters
    ----------
    name : str
        The option's name, for the message.
    value : Any
        The value given.

    Returns
    -------
    Fraction
        ``value`` as an exact fraction.

    Raises
    ------
    ValueError
        ``value`` is a float or a bool, or neither an int, a Fraction nor a string that reads as a fraction.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError(f"{name}: must be exact (an int, a Fraction or a string like '1/100'), got {value!r}")
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            pass
    raise ValueError(f"{name}: must be exact (an int, a Fraction or a string like '1/100'), got {value!r}")


def format_fraction(x: Fraction) -> str | int:
    """A JSON-ready exact form: an int when whole, else ``"p/q"``.

    Parameters
    ----------
    x : Fraction
        The value.

    Returns
    -------
    str or int
        ``x`` as an int when its denominator is 1, else ``"p/q"``.
    """
    return x.numerator if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


class ServingScheduler(Scheduler):
    """Running list ``R``, waiting queue ``Q`` and re-prefill countdowns, synchronised with each view.

    ``reprefill_left[j]``: rounds job ``j`` still spends in memory re-prefilling (holding ``s_j + k_j``, no
    token) after a resume; absent when 0.
    """

    time_invariant = True  # decisions never read view.t: states at different rounds can merge
    may_pause = True  # preemption keeps progress; prefill rounds hold running jobs

    @classmethod
    def traits(cls, options):
        """Serving traits: may pause, fast engine, no Z3 encoding; liveness only without re-prefill rounds.

        With ``reprefill_rounds = 0`` no progress is ever lost and every round with an arrived unfinished job
        generates a token (vllm-v1: the head of R is never preempted; sglang: a prefill round runs its admitted
        jobs, a decode round all of R), so every job ends by ``max_j a_j + Σ_j o_j <= max_j a_j + n · max_j u_j``
        (this project's argument, tested). With re-prefill rounds a resumed job can be preempted again before
        it generates: no guarantee.

        Parameters
        ----------
        options : Mapping
            The options in effect (``reprefill_rounds`` read, default 0).

        Returns
        -------
        PolicyTraits
            ``may_pause``, ``fast_engine``, ``time_invariant``, ``z3_unsupported`` set, and ``liveness`` when
            ``reprefill_rounds = 0``.
        """
        return PolicyTraits(may_pause=True, liveness=options.get("reprefill_rounds", 0) == 0, fast_engine=True,
                            z3_unsupported=f"policy: {cls.name!r} is not encodable in Z3 (its running list and "
                            "queue orders, progress-keeping preemption and held rounds have no encoding here); use "
                            "the exhaustive, local or hypothesis strategy", time_invariant=True)

    def __init__(self, reprefill_rounds: int = 0) -> None:
        self.reprefill_rounds = int_option("reprefill_rounds", reprefill_rounds, 0)
        self.R: list[int] = []
        self.Q: list[int] = []
        self.reprefill_left: dict[int, int] = {}
        self.seen: set[int] = set()

    def start(self, M: int) -> None:
        """Empty R, Q, the re-prefill countdowns and the set of jobs seen.

        Parameters
        ----------
        M : int
            The run's KV-cache capacity (not needed).
        """
        self.R, self.Q, self.reprefill_left, self.seen = [], [], {}, set()

    def _copy_state_to(self, twin: ServingScheduler) -> None:
        twin.R, twin.Q, twin.seen = list(self.R), list(self.Q), set(self.seen)
        twin.reprefill_left = dict(self.reprefill_left)

    def base_state_key(self, done: frozenset[int]) -> tuple:
        """The order of R and Q and the countdowns: all of the policy's memory that can still matter.

        Which jobs arrived is in the state's round number and job states.

        Parameters
        ----------
        done : frozenset of int
            The completed jobs (not read: completed jobs are out of R and Q after the round's sync).

        Returns
        -------
        tuple
            ``(R, Q, ((j, rounds left), ...))``.
        """
        return (tuple(self.R), tuple(self.Q), tuple(sorted(self.reprefill_left.items())))

    def sync(self, view: RoundView) -> dict[int, JobView]:
        """Drop completed jobs from R, append new arrivals to Q (index order); return the view by job.

        Parameters
        ----------
        view : RoundView
            The round's view.

        Returns
        -------
        dict of int to JobView
            The view's jobs by index.

        Raises
        ------
        Inconsistency
            A job left in R is not running in the engine's view (the policy's state and the engine's disagree).
        """
        jobs = {v.j: v for v in view.jobs}
        self.R = [j for j in self.R if jobs[j].status is not Status.DONE]
        for j in sorted(j for j in jobs if j not in self.seen):
            self.seen.add(j)
            self.Q.append(j)
        for j in self.R:
            if jobs[j].status is not Status.RUNNING:
                raise Inconsistency(f"{self.name}: job {j} is in the running list but the engine says "
                                   f"{jobs[j].status.value}")
        return jobs

    def resumes_with_reprefill(self, v: JobView) -> bool:
        """A preempted job (kept progress) coming back spends ``reprefill_rounds`` rounds re-prefilling.

        Parameters
        ----------
        v : JobView
            The job being admitted.

        Returns
        -------
        bool
            Whether ``reprefill_rounds > 0`` and the job kept progress from a preemption.
        """
        return self.reprefill_rounds > 0 and v.preempted

    def tick(self, held: list[int]) -> None:
        """One more re-prefill round spent by every re-prefilling job held this round.

        A countdown that reaches 0 is removed: the job generates again from its next round.

        Parameters
        ----------
        held : list of int
            The jobs held this round (those without a countdown are left alone).
        """
        for j in held:
            left = self.reprefill_left.get(j, 0)
            if left > 1:
                self.reprefill_left[j] = left - 1
            else:
                self.reprefill_left.pop(j, None)
