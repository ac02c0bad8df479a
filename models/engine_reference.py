"""The reference engine: MODEL.md executed one round at a time, plainly, in exact integers.

This engine is the oracle every faster or symbolic component is checked against, so it favours being
obviously right over being fast. Each round ``t``:

1. build the scheduler's :class:`~models.view.RoundView` (arrived jobs only, no ``o_j``);
2. ask the scheduler for ``B_t`` (a :class:`~models.schedulers.interface.Decision`) and check it (known,
   arrived, not completed, no duplicates, fields disjoint, memory ``<= M``);
3. evict running jobs left out of ``B_t``, ``held`` and ``preempted`` (progress and KV cache dropped, tokens
   counted as wasted); preempted jobs release their KV cache but keep their progress (MODEL.md, "Serving
   policies");
4. every job in ``B_t`` generates one token, holding ``s_j + k_j + 1`` tokens of memory; every held job holds
   ``s_j + k_j`` and generates nothing;
5. ask the outcome oracle which jobs completed; they finish at ``C_j = t + 1``. A job that did not complete
   with ``k`` tokens reveals ``o_j >= k + 1``.

**Empty rounds are jumped over**: after a round in which no job was in memory and no arrived job was
unfinished, the next round played is the next arrival (or the round limit, whichever is first). The scheduler
is still consulted in the first such round, so a policy that reacts to an idle round (SGLang resets its
ratio) sees it; the rounds jumped over would repeat it exactly, with nothing to decide.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass

from models.errors import Inconsistency
from models.instance import Instance
from models.oracle import OracleViolation, OutcomeOracle, TrueLengths
from models.schedulers.interface import Decision, RoundLimitExceeded, Scheduler, SchedulerViolation
from models.trace import RoundRecord, Trace
from models.view import JobView, RoundView, Status


def liveness_bound(instance: Instance) -> int:
    """MODEL.md's bound for A_min (default eviction) and fcfs-recompute: ``max_j a_j + n · max_j u_j``.

    Parameters
    ----------
    instance : Instance
        The instance.

    Returns
    -------
    int
        ``max_j a_j + n · max_j u_j``: those policies complete every job within this many rounds.
    """
    return max(r.a for r in instance.requests) + instance.n * max(r.u for r in instance.requests)


def default_round_limit(instance: Instance) -> int:
    """The stated round limit a run is stopped at unless the caller gives one.

    The liveness span with its ``n · max_j u_j`` term taken four times: ``max_j a_j + 4 · n · max_j u_j``.
    Every built-in policy with its default options ends well before it.

    Parameters
    ----------
    instance : Instance
        The instance.

    Returns
    -------
    int
        ``max_j a_j + 4 · n · max_j u_j``.
    """
    return max(r.a for r in instance.requests) + 4 * instance.n * max(r.u for r in instance.requests)


@dataclass(slots=True)
class _Job:
    status: Status = Status.WAITING
    progress: int = 0
    revealed: int = 0
    run_start: int | None = None
    completion: int | None = None
    realised: int | None = None

    def clone(self) -> _Job:
        return _Job(self.status, self.progress, self.revealed, self.run_start, self.completion, self.realised)


def _freeze(value):
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


class Execution:
    """A run in progress, advanced one round at a time by :meth:`step` (the stateful adversary drives this).

    ``jobs`` holds each job's status, progress, revealed bound, run start and completion; ``rounds`` the records
    so far; ``t`` the next round.
    """

    def __init__(self, instance: Instance, scheduler: Scheduler, *, oracle: OutcomeOracle | None = None,
                 round_limit: int | None = None) -> None:
        self.instance = instance
        self.scheduler = scheduler
        self.oracle = oracle if oracle is not None else TrueLengths(instance.outputs)
        self.limit = default_round_limit(instance) if round_limit is None else round_limit
        self.jobs = [_Job() for _ in instance.requests]
        self.rounds: list[RoundRecord] = []
        self.evictions = self.wasted = self.preemptions = self.recomputed = 0
        self.t = 0
        scheduler.start(instance.M)

    @property
    def finished(self) -> bool:
        """Whether every job has completed."""
        return all(job.status is Status.DONE for job in self.jobs)

    def view(self) -> RoundView:
        """The scheduler's input for round ``t``: arrived jobs only, no ``o_j``.

        Returns
        -------
        RoundView
            Round ``t``, capacity ``M`` and a :class:`~models.view.JobView` of each arrived job (status,
            progress, revealed lower bound, run start, priority).
        """
        return RoundView(
            self.t,
            self.instance.M,
            tuple(
                JobView(j, r.s, r.l, r.u, r.a, job.status, job.progress, job.revealed, job.run_start, r.priority)
                for j, (r, job) in enumerate(zip(self.instance.requests, self.jobs, strict=True))
                if r.a <= self.t
            ),
        )

    def branch(self, *, scheduler: Scheduler | None = None, oracle: OutcomeOracle | None = None,
               history: bool = False) -> Execution:
        """An independent copy of this run in its current state, to explore one continuation of it.

        The copy shares the (immutable) instance and has its own job states; its scheduler is ``scheduler`` if
        given (used as is), else a :meth:`~models.schedulers.interface.Scheduler.clone` of this run's; its
        oracle is ``oracle`` if given, else this run's. ``history=False`` keeps only the last round record (an
        explorer never needs the rest, and copying it would make every branch cost O(depth)).

        Parameters
        ----------
        scheduler : Scheduler, optional
            The copy's scheduler, used as is; default a clone of this run's.
        oracle : OutcomeOracle, optional
            The copy's outcome oracle; default this run's.
        history : bool
            Keep every round record (default: only the last one).

        Returns
        -------
        Execution
            The independent copy.
        """
        twin = copy.copy(self)
        twin.jobs = [job.clone() for job in self.jobs]
        twin.rounds = list(self.rounds) if history else self.rounds[-1:]
        twin.scheduler = scheduler if scheduler is not None else self.scheduler.clone()
        if oracle is not None:
            twin.oracle = oracle
        return twin

    def state_key(self) -> tuple:
        """Canonical form of this round-start state (explicit-state exploration merges equal keys).

        A completed job is just "done": nothing about it can affect the future. The round number is part of
        the key while arrivals are pending or when the scheduler does not declare ``time_invariant``. The
        scheduler contributes ``scheduler.state_key(done)`` if it defines one, else all its fields.

        Returns
        -------
        tuple
            ``(round or -1, per-job states, the scheduler's part)``: equal keys have the same futures.
        """
        sched = self.scheduler
        pending = any(r.a > self.t for r in self.instance.requests)
        t_part = self.t if pending or not sched.time_invariant else -1
        done = frozenset(j for j, job in enumerate(self.jobs) if job.status is Status.DONE)
        jobs = tuple(("done",) if j in done else
                     (job.status.value, job.progress, job.revealed,
                      None if job.run_start is None else self.t - job.run_start)
                     for j, job in enumerate(self.jobs))
        own = sched.state_key(done) if hasattr(sched, "state_key") else _freeze(vars(sched))
        return (t_part, jobs, own)

    def step(self, decision: Decision | Iterable[int] | None = None) -> RoundRecord:
        """Play round ``t``: decide, check, evict, preempt, start, run, complete.

        ``decision``: a decision already taken in this very state (by this run's scheduler, in a branch of
        it), replayed without asking the scheduler again or building its view; it is checked like any other.
        Explicit-state exploration decides once per state and replays the decision for every adversary answer.

        After a round in which nothing was in memory and no arrived job was unfinished, ``t`` jumps to the next
        arrival (never past the round limit).

        Parameters
        ----------
        decision : Decision or iterable of int, optional
            A decision already taken in this state, replayed; default: ask the scheduler.

        Returns
        -------
        RoundRecord
            The round's batch, memory, evicted, started, completed, preempted and held jobs.

        Raises
        ------
        RoundLimitExceeded
            Round ``t`` is at the round limit (jobs remain).
        SchedulerViolation
            The decision breaks a rule of :class:`~models.schedulers.interface.Decision`, pauses jobs from a
            scheduler that does not declare ``may_pause``, or its memory exceeds ``M``.
        OracleViolation
            The oracle completes a job before ``l_j`` tokens or does not complete it at ``u_j``.
        """
        reqs, jobs, t = self.instance.requests, self.jobs, self.t
        if t >= self.limit:
            raise RoundLimitExceeded(self.limit, sum(job.status is not Status.DONE for job in jobs))
        empty = not any(job.status is Status.RUNNING or (job.status is Status.WAITING and r.a <= t)
                        for r, job in zip(reqs, jobs, strict=True))
        if decision is None:
            decision = self.scheduler.decide(self.view())
        batch, restarted, preempted, held = _checked_decision(decision, t, self.instance, jobs)
        if (preempted or held) and not self.scheduler.may_pause:
            raise SchedulerViolation(t, None, "Decision.preempted/held used by a scheduler that does not declare "
                                              "may_pause = True")

        stays = batch | held | preempted
        evicted = tuple(
            j for j, job in enumerate(jobs) if job.status is Status.RUNNING and (j not in stays or j in restarted)
        )
        for j in evicted:
            self.evictions += 1
            self.wasted += jobs[j].progress
            self.recomputed += reqs[j].s + jobs[j].progress
            jobs[j].status, jobs[j].progress, jobs[j].run_start = Status.WAITING, 0, None
        for j in sorted(preempted):
            self.preemptions += 1
            self.recomputed += reqs[j].s + jobs[j].progress
            jobs[j].status, jobs[j].run_start = Status.WAITING, None
        started = tuple(j for j in sorted(batch | held) if jobs[j].status is Status.WAITING)
        for j in started:
            jobs[j].status, jobs[j].run_start = Status.RUNNING, t

        memory = sum(reqs[j].s + jobs[j].progress + 1 for j in batch)
        memory += sum(reqs[j].s + jobs[j].progress for j in held)  # in memory, no new token this round
        if memory > self.instance.M:
            raise SchedulerViolation(t, None, f"batch memory {memory} exceeds M={self.instance.M}")

        completed = []
        for j in sorted(batch):
            job, r = jobs[j], reqs[j]
            job.progress += 1
            done = bool(self.oracle.completes(j, job.progress))
            if done and job.progress < r.l:
                raise OracleViolation(f"round {t}, job {j}: completed after {job.progress} < l={r.l} tokens")
            if not done and job.progress >= r.u:
                raise OracleViolation(f"round {t}, job {j}: not completed after u={r.u} tokens")
            if done:
                job.status, job.completion, job.realised = Status.DONE, t + 1, job.progress
                completed.append(j)
            else:
                job.revealed = max(job.revealed, job.progress + 1)
        record = RoundRecord(t, tuple(sorted(batch)), memory, evicted, started, tuple(completed),
                             tuple(sorted(preempted)), tuple(sorted(held)))
        self.rounds.append(record)
        self.t += 1
        if empty and not batch and not held:
            # Nothing ran and nothing could: every round until the next arrival is this one again. Jump, but
            # never past the limit, so that a run stopped there raises RoundLimitExceeded exactly as stepping would.
            pending = [r.a for r, job in zip(reqs, jobs, strict=True) if job.status is not Status.DONE and r.a > t]
            if pending:
                self.t = max(self.t, min(min(pending), self.limit))
        return record

    def trace(self) -> Trace:
        """The finished run's :class:`Trace`.

        Returns
        -------
        Trace
            Completions, realised output lengths, round records, evictions, wasted, preemptions and recomputed
            tokens.

        Raises
        ------
        Inconsistency
            The run has not finished (its caller took it for finished).
        """
        if not self.finished:
            raise Inconsistency("trace(): the run has not finished")
        return Trace(
            policy=self.scheduler.name,
            M=self.instance.M,
            arrivals=tuple(r.a for r in self.instance.requests),
            outputs=tuple(job.realised for job in self.jobs),  # type: ignore[misc]
            completion=tuple(job.completion for job in self.jobs),  # type: ignore[misc]
            rounds=tuple(self.rounds),
            evictions=self.evictions,
            wasted_tokens=self.wasted,
            preemptions=self.preemptions,
            recomputed_tokens=self.recomputed,
        )


def simulate(
    instance: Instance,
    scheduler: Scheduler,
    *,
    oracle: OutcomeOracle | None = None,
    round_limit: int | None = None,
) -> Trace:
    """Run ``scheduler`` on ``instance`` until every job completes and return the :class:`Trace`.

    ``oracle`` decides completions (default: the true lengths ``o_j``). Raises :class:`SchedulerViolation`
    on an invalid decision, :class:`OracleViolation` on an answer outside ``[l_j, u_j]`` and
    :class:`RoundLimitExceeded` if jobs remain after ``round_limit`` rounds (default
    :func:`default_round_limit`).

    Parameters
    ----------
    instance : Instance
        The instance to run.
    scheduler : Scheduler
        The policy; it is started with ``M`` and consulted once per round played.
    oracle : OutcomeOracle, optional
        Decides completions; default the true lengths ``o_j``.
    round_limit : int, optional
        Default :func:`default_round_limit`.

    Returns
    -------
    Trace
        The whole run.

    Raises
    ------
    SchedulerViolation
        An invalid decision.
    OracleViolation
        An oracle answer outside ``[l_j, u_j]``.
    RoundLimitExceeded
        Jobs remain after ``round_limit`` rounds.
    """
    run = Execution(instance, scheduler, oracle=oracle, round_limit=round_limit)
    while not run.finished:
        run.step()
    return run.trace()


def _checked_decision(
    decision: object, t: int, instance: Instance, jobs: list[_Job]
) -> tuple[set[int], set[int], set[int], set[int]]:
    """The batch, the explicitly evicted, the preempted and the held jobs of a decision, after checking every
    rule of :class:`~models.schedulers.interface.Decision`."""
    if isinstance(decision, Decision):
        chosen, restarted = list(decision.batch), set(decision.evicted)
        preempted_raw, held_raw = list(decision.preempted), list(decision.held)
    else:
        try:
            chosen, restarted = list(decision), set()  # type: ignore[call-overload]
        except TypeError:
            raise SchedulerViolation(
                t, None, f"decide() must return job indices or a Decision, got {type(decision).__name__}"
            ) from None
        preempted_raw, held_raw = [], []
    for j in restarted:
        if isinstance(j, bool) or not isinstance(j, int) or not 0 <= j < instance.n:
            raise SchedulerViolation(t, None, f"unknown job index {j!r} in evicted")
        if jobs[j].status is not Status.RUNNING:
            raise SchedulerViolation(t, j, "evicted job is not running")
    batch: set[int] = set()
    for j in chosen:
        if isinstance(j, bool) or not isinstance(j, int) or not 0 <= j < instance.n:
            raise SchedulerViolation(t, None, f"unknown job index {j!r}")
        if j in batch:
            raise SchedulerViolation(t, j, "job scheduled twice in one batch")
        if instance.requests[j].a > t:
            raise SchedulerViolation(t, j, f"job has not arrived (a={instance.requests[j].a})")
        if jobs[j].status is Status.DONE:
            raise SchedulerViolation(t, j, "completed job scheduled again")
        batch.add(j)
    preempted: set[int] = set()
    for j in preempted_raw:
        if isinstance(j, bool) or not isinstance(j, int) or not 0 <= j < instance.n:
            raise SchedulerViolation(t, None, f"unknown job index {j!r} in preempted")
        if j in preempted:
            raise SchedulerViolation(t, j, "job preempted twice in one round")
        if jobs[j].status is not Status.RUNNING:
            raise SchedulerViolation(t, j, "preempted job is not running")
        if j in batch or j in restarted:
            raise SchedulerViolation(t, j, "preempted job is also in the batch or evicted")
        preempted.add(j)
    held: set[int] = set()
    for j in held_raw:
        if isinstance(j, bool) or not isinstance(j, int) or not 0 <= j < instance.n:
            raise SchedulerViolation(t, None, f"unknown job index {j!r} in held")
        if j in held:
            raise SchedulerViolation(t, j, "job held twice in one round")
        if t < instance.requests[j].a:
            raise SchedulerViolation(t, j, f"held job has not arrived (a={instance.requests[j].a})")
        if jobs[j].status is Status.DONE:
            raise SchedulerViolation(t, j, "completed job held")
        if j in batch or j in restarted or j in preempted:
            raise SchedulerViolation(t, j, "held job is also in the batch, evicted or preempted")
        held.add(j)
    return batch, restarted, preempted, held
