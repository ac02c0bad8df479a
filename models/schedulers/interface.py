"""The scheduler interface: what a user implements to have their policy checked like the paper's.

A scheduler is an object with :meth:`Scheduler.decide`. At the start of every round the engine hands it a
:class:`~models.view.RoundView` (no true output lengths in it) and it returns the batch ``B_t``: the job
indices to run this round, either as an iterable or as a :class:`Decision`. A running job left out of the
batch is evicted (MODEL.md, "Rounds, batches, memory"). A job that is evicted and restarted from zero in the
same round must be named in ``Decision.evicted`` as well as in the batch, since a bare index in the batch
means "keep running". The serving policies (MODEL.md, "Serving policies") also need the two moves of
``Decision.preempted`` (leave memory, keep progress) and ``Decision.held`` (stay in memory, no token this
round). The engine checks every decision and raises :class:`SchedulerViolation` on a round over ``M``, a job
that has not arrived, a completed job, an unknown index, or a job named in two incompatible fields.

Example
-------
>>> class SmallestPromptFirst(Scheduler):
...     name = "smallest-prompt-first"
...     def decide(self, view):
...         batch, used = [], 0
...         for job in sorted(view.running, key=lambda v: v.j) + sorted(view.waiting, key=lambda v: (v.s, v.j)):
...             if used + job.memory <= view.M:
...                 batch.append(job.j)
...                 used += job.memory
...         return batch
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from models.errors import ModelViolation
from models.view import RoundView


@dataclass(frozen=True)
class PolicyTraits:
    """What a policy is and guarantees, declared once by its class (:meth:`Scheduler.traits`) and read by every
    consumer (engines, OPT, certification, exploration, Z3, the property suites) instead of deciding by name.

    - ``hindsight``: built from the true output lengths (H-SF); not an online policy, so the adversary's
      state graph and the outcome oracle do not apply to it.
    - ``never_evicts``: no decision ever evicts or preempts a running job (checked as a property).
    - ``may_pause``: may preempt keeping progress or hold a job without a token (:attr:`Scheduler.may_pause`);
      the non-preemptive OPT is then no lower bound on its TEL.
    - ``liveness``: MODEL.md's liveness bound ``max_j a_j + n · max_j u_j`` holds for every run (checked as a
      property wherever true).
    - ``z3_unsupported``: why there is no Z3 encoding (``None``: there is one).
    - ``fast_engine``: the fast engine implements it (built-in policies only).
    - ``time_invariant``: decisions never read ``view.t``, so states at different rounds can merge.
    """

    hindsight: bool = False
    never_evicts: bool = False
    may_pause: bool = False
    liveness: bool = False
    z3_unsupported: str | None = ("policy: a user's scheduler has no Z3 encoding (built-in policies only); use the "
                                  "exhaustive, local or hypothesis strategy")
    fast_engine: bool = False
    time_invariant: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    """A round's decision: the batch ``B_t`` and what happens to the running jobs outside it.

    - ``batch``: the jobs that generate one token this round, each holding ``s_j + k_j + 1``. A waiting job
      with kept progress ``k_j > 0`` (one that was preempted) resumes from ``k_j``.
    - ``evicted``: running jobs evicted at the round's start (MODEL.md's eviction: memory and progress
      dropped). Running jobs absent from ``batch``, ``held`` and ``preempted`` are evicted whether or not
      they are listed here; a job in both ``evicted`` and ``batch`` is evicted and restarts from progress 0
      in this round.
    - ``preempted``: running jobs that leave memory at the round's start but **keep** their progress ``k_j``
      (MODEL.md, "Serving policies": vLLM's preemption, SGLang's retraction). They wait with ``k_j`` and run
      again from it.
    - ``held``: jobs that are in memory this round but make no progress: they hold ``s_j + k_j`` (no new
      token). SGLang's running jobs during a prefill round, and the ``reprefill_rounds`` of a resumed job.
      A held job that was waiting (preempted) is back in memory from this round on.

    The round's memory is ``Σ_batch (s_j + k_j + 1) + Σ_held (s_j + k_j)`` and must be ``<= M``. The four
    fields must be disjoint, except ``evicted`` with ``batch``.
    """

    batch: tuple[int, ...]
    evicted: tuple[int, ...] = ()
    preempted: tuple[int, ...] = ()
    held: tuple[int, ...] = ()


class Scheduler(ABC):
    """Base class for online (and hindsight) schedulers.

    Subclasses set :attr:`name`, may keep per-run state (reset it in :meth:`start`, which the engine calls
    before round 0 of every run), and implement :meth:`decide`.
    """

    name: ClassVar[str] = "custom"
    may_pause: ClassVar[bool] = False
    """Declared trait: the scheduler may preempt a job keeping its progress or hold one in memory without a token
    (``Decision.preempted``/``held``; MODEL.md, "Serving policies"). Such a run is no non-preemptive schedule, so
    the non-preemptive OPT is then no lower bound on its TEL. The engine refuses ``preempted``/``held`` from a
    scheduler that does not declare it."""

    time_invariant: ClassVar[bool] = False
    """Declared trait: decisions never read ``view.t`` (explicit-state exploration may merge rounds)."""

    @classmethod
    def traits(cls, options: Mapping[str, Any]) -> PolicyTraits:
        """The traits of this class built with ``options`` (the options in effect, defaults included).

        A user's scheduler declares ``may_pause`` and ``time_invariant`` as class attributes, or overrides
        this to declare more; the default claims no guarantee.

        Parameters
        ----------
        options : Mapping
            The options in effect, defaults included.

        Returns
        -------
        PolicyTraits
            The default: only the class's ``may_pause`` and ``time_invariant``.
        """
        return PolicyTraits(may_pause=cls.may_pause, time_invariant=cls.time_invariant)

    def start(self, M: int) -> None:  # noqa: B027 - optional hook, stateless schedulers need nothing
        """Reset per-run state; called once before round 0 of each simulation.

        Parameters
        ----------
        M : int
            The run's KV-cache capacity.
        """

    @abstractmethod
    def decide(self, view: RoundView) -> Decision | Iterable[int]:
        """Return batch ``B_t`` (job indices, or a :class:`Decision`) for the round described by ``view``.

        Parameters
        ----------
        view : RoundView
            Round ``t``, capacity ``M`` and the arrived jobs (no true output lengths).

        Returns
        -------
        Decision or iterable of int
            The batch; a running job left out of it (and out of ``held``/``preempted``) is evicted.
        """

    @property
    def options(self) -> Mapping[str, Any]:
        """The named options this scheduler was built with (recorded in witnesses)."""
        return {}

    def clone(self) -> Scheduler:
        """An independent copy of this scheduler and its per-run state.

        The state-space explorer branches runs with it. The default deep-copies; override for speed.

        Returns
        -------
        Scheduler
            The copy.
        """
        import copy

        return copy.deepcopy(self)


class SchedulerViolation(ModelViolation):
    """A scheduler decision broke a rule of the model; the message names round, job and rule."""

    def __init__(self, t: int, job: int | None, rule: str) -> None:
        self.t, self.job, self.rule = t, job, rule
        where = f"round {t}" + (f", job {job}" if job is not None else "")
        super().__init__(f"{where}: {rule}")


class RoundLimitExceeded(ModelViolation):
    """A run did not finish within its stated round limit."""

    def __init__(self, limit: int, unfinished: int) -> None:
        self.limit, self.unfinished = limit, unfinished
        super().__init__(f"round limit {limit} reached with {unfinished} job(s) unfinished")
