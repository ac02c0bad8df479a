"""Hypothesis plays the adversary online: a ``RuleBasedStateMachine`` that decides completions round by round.

The machine draws a configuration (arrivals included), builds the scheduler, and each step plays one round of
the reference engine's :class:`~models.engine_reference.Execution`. Whenever a running job has generated ``k``
tokens with ``l_j <= k < u_j``, Hypothesis decides whether it completes now — after seeing the scheduler's
decisions, the way a worst-case adversary is defined (it must stop at ``u_j``, may not before ``l_j``, and
stays consistent with one fixed ``o``: a job seen unfinished at ``k`` tokens cannot complete at ``k`` or fewer
in a later run).
Invariants checked after every round:

- memory of the executed batch <= M (recomputed from the machine's own progress counters);
- no job runs past ``u_j``; a completed job never reappears;
- tokens generated = Σ realised lengths of completed jobs + tokens lost to evictions (+ progress in flight);
- H-SF-free: A_max never evicts; A_min's ``l̃_j >= l_j``, never decreases, and is ``>= k_j + 1`` for jobs
  running at the round's start;
- A_min (default eviction) and fcfs-recompute finish within MODEL.md's liveness bound;
- the scheduler's view holds no true output length.

H-SF is not driven here: it is a hindsight scheduler and needs every ``o_j`` before round 0.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from models.schedulers import PolicySpec
from models.view import JobView
from verify.testing.impl import Impl
from verify.testing.strategies import instances
from verify.testing.trace_check import check_trace


class DrawnOutcomes:
    """An outcome oracle whose answers Hypothesis draws, within ``[l_j, u_j]``.

    ``data`` (a Hypothesis ``st.data()`` object) must be set before each round it answers in.

    Parameters
    ----------
    instance : Instance
        The instance run (its ``l`` and ``u`` bound the answers).
    """

    def __init__(self, instance) -> None:
        self.instance = instance
        self.data = None
        self.floor = [r.l for r in instance.requests]  # a job seen unfinished at k has o > k, in every run

    def completes(self, j: int, k: int) -> bool:
        """Whether job ``j`` completes after ``k`` tokens: forced at ``u_j``, else drawn once allowed.

        A completion is allowed from ``l_j`` on and above every progress at which the job was seen not to
        complete (in any of its runs), so the answers stay those of one fixed ``o``.

        Parameters
        ----------
        j : int
            The job.
        k : int
            The tokens it has generated in its current run, this round's included.

        Returns
        -------
        bool
            The answer; a "no" raises the job's floor to ``k + 1``.
        """
        r = self.instance.requests[j]
        if k >= r.u:
            return True
        done = k >= self.floor[j] and self.data.draw(st.booleans(), label=f"job {j} completes after {k} tokens")
        if not done:
            self.floor[j] = max(self.floor[j], k + 1)
        return done


def adversary_machine(make_scheduler: Callable, *, impl=None, policy: str | None = None,
                      options: dict | None = None) -> type[RuleBasedStateMachine]:
    """A state machine class for the scheduler built by ``make_scheduler(instance)`` (module docstring).

    Parameters
    ----------
    make_scheduler : callable
        ``make_scheduler(instance) -> Scheduler``: a fresh scheduler for each drawn configuration.
    impl : Impl, optional
        The model implementation to run on (default: the real ``models`` package).
    policy : str, optional
        The policy's name, when it is a built-in one: its declared traits switch on the ``never_evicts`` and
        ``liveness`` checks, and ``"amin"`` the checks of ``l̃``. ``None``: a user's scheduler, whole-run
        checks only.
    options : dict, optional
        The policy's options.

    Returns
    -------
    type
        A :class:`hypothesis.stateful.RuleBasedStateMachine` subclass, for
        :func:`hypothesis.stateful.run_state_machine_as_test`.

    Raises
    ------
    OptionError
        ``policy`` or ``options`` is not valid.
    """

    impl = impl or Impl.default()
    options = options or {}
    traits = None if policy is None else PolicySpec.parse(policy, options).traits
    checks_liveness = traits is not None and traits.liveness

    class Adversary(RuleBasedStateMachine):
        @initialize(config=instances(max_n=5, max_u=6, max_s=3, max_a=4, max_slack=10))
        def setup(self, config):
            self.inst = impl.convert(config)
            self.scheduler = make_scheduler(self.inst)
            self.oracle = DrawnOutcomes(self.inst)
            self.run = impl.engine.Execution(self.inst, self.scheduler, oracle=self.oracle)
            self.k = [0] * self.inst.n
            self.done: set[int] = set()
            self.tokens = self.wasted = 0
            self.realised = 0
            self.lower_before: dict[int, int] = {}

        @precondition(lambda self: hasattr(self, "run") and not self.run.finished)
        @rule(data=st.data())
        def play_round(self, data):
            self.oracle.data = data
            running_before = {j: self.k[j] for j in range(self.inst.n) if self.k[j] > 0 and j not in self.done}
            rec = self.run.step()
            for j in rec.evicted:
                self.wasted += self.k[j]
                self.k[j] = 0
            # preempted jobs keep their k (MODEL.md, "Serving policies"); held ones hold s + k without a token
            memory = sum(self.inst.requests[j].s + self.k[j] + 1 for j in rec.batch)
            memory += sum(self.inst.requests[j].s + self.k[j] for j in rec.held)
            assert memory <= self.inst.M, f"round {rec.t}: memory {memory} > M={self.inst.M}"
            assert not set(rec.batch) & self.done, f"round {rec.t}: completed job scheduled again"
            for j in rec.batch:
                self.k[j] += 1
                self.tokens += 1
                assert self.k[j] <= self.inst.requests[j].u, f"job {j} ran past u"
            for j in rec.completed:
                self.realised += self.k[j]
                self.done.add(j)
                self.k[j] = 0
            if traits is not None and traits.never_evicts:
                assert not rec.evicted, f"round {rec.t}: {policy} evicted {rec.evicted}"
            lower = getattr(self.scheduler, "lower", None)
            if policy == "amin" and lower is not None:
                for j, value in lower.items():
                    assert value >= self.inst.requests[j].l, f"job {j}: l~ below l"
                    assert value >= self.lower_before.get(j, 0), f"job {j}: l~ decreased"
                for j, k in running_before.items():
                    assert lower[j] >= k + 1, f"job {j}: l~={lower[j]} not updated to k+1={k + 1}"
                self.lower_before = dict(lower)
            if checks_liveness:
                assert rec.t < impl.engine.liveness_bound(self.inst), "liveness bound exceeded"

        @precondition(lambda self: hasattr(self, "run") and self.run.finished)
        @rule()
        def whole_trace_is_valid(self):
            check_trace(self.inst, self.run.trace())

        @invariant()
        def tokens_are_accounted(self):
            if hasattr(self, "run"):
                in_flight = sum(self.k[j] for j in range(self.inst.n) if j not in self.done)
                assert self.tokens == self.realised + self.wasted + in_flight

        @invariant()
        def view_has_no_true_lengths(self):
            assert "o" not in {f.name for f in dataclasses.fields(JobView)}

    Adversary.__name__ = f"Adversary[{policy or 'user'}]"
    return Adversary
