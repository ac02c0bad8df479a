"""Certified ratios: every ratio that leaves the toolkit is recomputed here by the reference engine and an
exact benchmark (:mod:`verify.opt.benchmark`), and witnesses are replayed integer by integer."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from models.errors import Inconsistency
from models.engine_reference import Execution, simulate
from models.instance import Instance
from models.schedulers import PolicySpec, RoundLimitExceeded, make_scheduler, opt_bounds_tel
from models.trace import Trace, objective_of
from models.view import Status
from models.witness import LivenessWitness, Witness
from verify.opt.benchmark import UnprovenBenchmark, benchmark_tel


@dataclass(frozen=True)
class Certified:
    """A certified run: the reference engine's trace and the witness recording it against its benchmark."""

    trace: Trace
    witness: Witness

    @property
    def ratio(self) -> Fraction:
        """The witness's exact ratio ``TEL(ALG) / TEL(benchmark)``."""
        return self.witness.ratio


class ImpossibleRatio(Inconsistency, ArithmeticError):
    """A ratio below 1 against exact OPT: no schedule beats the optimum, so the run or the benchmark is wrong."""


def check_ratio(tel: int, bench: int, benchmark: str, policy: str | PolicySpec) -> None:
    """Check rule ``TEL(ALG) >= TEL(OPT)`` for a policy that does not pause jobs.

    An eviction restarts a job from zero, so the final runs of any valid run form a non-preemptive schedule
    with the same completions, and no run beats the exact optimum (MODEL.md, "OPT"). A ratio below 1 against
    OPT therefore means the run is not what it claims (a scheduler that tampered with the engine). Against
    H-SF, which is not optimal, ratios below 1 are real, and so they are for a policy that may pause a job
    keeping its progress: a serving policy's run is no non-preemptive schedule, and a ratio below 1 against OPT
    there is a finding, not an error (MODEL.md, "Engine rules every run obeys").

    Parameters
    ----------
    tel : int
        The run's TEL.
    bench : int
        The benchmark's TEL.
    benchmark : {"opt", "hsf"}
        Which benchmark ``bench`` is.
    policy : str or PolicySpec
        The run's policy (its declared ``may_pause`` trait decides whether the rule applies).

    Raises
    ------
    ImpossibleRatio
        ``benchmark == "opt"``, ``tel < bench`` and the policy does not pause jobs; the message names the rule.
    OptionError
        ``policy`` is not a valid policy name.
    """
    if benchmark == "opt" and tel < bench and opt_bounds_tel(policy):
        name = policy.name if isinstance(policy, PolicySpec) else policy
        raise ImpossibleRatio(f"ratio: rule TEL(ALG) >= TEL(OPT) violated ({name}: TEL {tel} < OPT {bench}); a "
                              "ratio below 1 against exact OPT is impossible, so this run cannot be certified")


def certify(instance: Instance, policy: str | PolicySpec, options: dict[str, Any] | None = None,
            benchmark: str = "opt", *, benchmark_value: int | None = None, round_limit: int | None = None,
            objective: str | None = None) -> Certified:
    """Run ``policy`` on the reference engine and compare with the exact benchmark.

    Parameters
    ----------
    instance : Instance
        The instance, true lengths included.
    policy : str or PolicySpec
        The policy, or a parsed spec (then ``options`` may be left out).
    options : dict, optional
        The policy's options; the witness records every option in effect, defaults included.
    benchmark : {"opt", "hsf"}
        What the ratio is against (MODEL.md, "Objective").
    benchmark_value : int, optional
        The benchmark's TEL when a caller already holds it from :func:`benchmark_tel` (a search's memo), which
        spares proving the same OPT twice; ALG is re-run on the reference engine either way.
    round_limit : int, optional
        A limit above the default, for a run that needs more rounds (recorded in the witness).
    objective : {"preemptions", "recomputed"}, optional
        Record the reference run's value of it in the witness as well (``None`` or ``"ratio"``: nothing).

    Returns
    -------
    Certified
        The reference trace and its witness.

    Raises
    ------
    OptionError
        ``policy`` or ``options`` is not valid.
    ModelViolation
        The run breaks a rule of the model, or does not finish within the round limit.
    ImpossibleRatio
        A ratio below 1 against OPT for a policy that does not pause jobs (:func:`check_ratio`).
    UnprovenBenchmark
        OPT, computed here with no time limit, was still not proven (the MILP gave up).
    InvalidInput
        ``benchmark`` or ``objective`` is not one of those above.
    """
    spec = PolicySpec.parse(policy, options)
    trace = simulate(instance, spec.build(instance), round_limit=round_limit)
    bench = benchmark_tel(instance, benchmark) if benchmark_value is None else benchmark_value
    check_ratio(trace.tel, bench, benchmark, spec)
    value = None if objective in (None, "ratio") else objective_of(trace, objective)
    # the options in effect, defaults included, are what the witness records
    return Certified(trace, Witness(instance, spec.name, spec.options, trace.tel, benchmark, bench, round_limit,
                                    None if value is None else objective, value))


def unfinished_after(instance: Instance, policy: str | PolicySpec, options: dict[str, Any] | None,
                     limit: int) -> tuple[int, ...]:
    """The jobs not done after ``limit`` rounds of ``policy`` on the reference engine (empty: it finished).

    Parameters
    ----------
    instance : Instance
        The instance, true lengths included.
    policy : str or PolicySpec
        The policy, or a parsed spec (then ``options`` is ``None``).
    options : dict or None
        The policy's options.
    limit : int
        Rounds to run.

    Returns
    -------
    tuple of int
        The unfinished jobs, ascending.

    Raises
    ------
    OptionError
        ``policy`` or ``options`` is not valid.
    ModelViolation
        A decision breaks an engine rule within ``limit`` rounds.
    """
    run = Execution(instance, PolicySpec.parse(policy, options).build(instance), round_limit=limit)
    while not run.finished and run.t < limit:
        run.step()
    return tuple(j for j, job in enumerate(run.jobs) if job.status is not Status.DONE)


def certify_liveness(instance: Instance, policy: str | PolicySpec, options: dict[str, Any] | None, benchmark: str,
                     *, round_limit: int, extended_limit: int, benchmark_value: int | None = None) -> LivenessWitness:
    """Certify a liveness witness: a run unfinished after ``round_limit`` rounds, on the reference engine.

    The run is tried again up to ``extended_limit`` rounds; if it ends there, its true TEL and the exact
    benchmark are recorded too (MODEL.md, "Witness files").

    Parameters
    ----------
    instance : Instance
        The instance, true lengths included.
    policy : str or PolicySpec
        The policy, or a parsed spec (then ``options`` is ``None``).
    options : dict or None
        The policy's options; the witness records every option in effect.
    benchmark : {"opt", "hsf"}
        What a ratio, if the run ends, is against.
    round_limit : int
        The limit the run is claimed not to finish within.
    extended_limit : int
        The larger limit it is tried again with.
    benchmark_value : int, optional
        The benchmark's TEL when the caller holds it already.

    Returns
    -------
    LivenessWitness
        With ``tel`` and ``benchmark_tel`` only when the run ends within ``extended_limit``.

    Raises
    ------
    Inconsistency
        The run finishes within ``round_limit`` on the reference engine: the fast engine that reported it
        unfinished disagrees with it.
    ImpossibleRatio
        The run ends with a ratio below 1 against OPT for a policy that does not pause jobs.
    OptionError
        ``policy`` or ``options`` is not valid.
    ModelViolation
        A decision breaks an engine rule.
    """
    spec = PolicySpec.parse(policy, options)
    full = spec.options
    unfinished = unfinished_after(instance, spec, None, round_limit)
    if not unfinished:
        raise Inconsistency(f"{spec.name} on {list(instance.outputs)} finishes within {round_limit} rounds on the "
                             "reference engine, but the fast engine says it does not")
    try:
        trace = simulate(instance, spec.build(instance), round_limit=extended_limit)
    except RoundLimitExceeded:
        return LivenessWitness(instance, spec.name, full, benchmark, round_limit, unfinished, extended_limit)
    bench = benchmark_tel(instance, benchmark) if benchmark_value is None else benchmark_value
    check_ratio(trace.tel, bench, benchmark, spec)
    return LivenessWitness(instance, spec.name, full, benchmark, round_limit, unfinished, extended_limit, trace.tel,
                           bench)


def replay(witness: Witness | LivenessWitness, *, stored_ratio: Fraction | None = None) -> list[str]:
    """Re-run a witness and compare every integer it stores (MODEL.md, "Witness files").

    ``tel`` (and ``objective_value``) are recomputed with the reference engine, ``benchmark_tel`` with exact
    OPT or H-SF; a liveness witness is replayed by :func:`replay_liveness`.

    Parameters
    ----------
    witness : Witness or LivenessWitness
        The witness to replay.
    stored_ratio : Fraction, optional
        The file's ``ratio`` when it was loaded without checking it against ``tel / benchmark_tel``.

    Returns
    -------
    list of str
        One line per stored value that differs; empty: it replays exactly.

    Raises
    ------
    ImpossibleRatio
        The replayed run has a ratio below 1 against OPT for a policy that does not pause jobs.
    ModelViolation
        The replayed run breaks a rule of the model.
    OptionError
        The witness's policy or options are not valid.
    """
    if isinstance(witness, LivenessWitness):
        return replay_liveness(witness)
    again = certify(witness.instance, witness.policy, witness.options, witness.benchmark,
                    round_limit=witness.round_limit, objective=witness.objective).witness
    problems = []
    for key in ("tel", "benchmark_tel", "objective_value"):
        stored, now = getattr(witness, key), getattr(again, key)
        if stored != now:
            problems.append(f"{key}: stored {stored}, replay gives {now}")
    ratio = witness.ratio if stored_ratio is None else stored_ratio
    if ratio != again.ratio:
        problems.append(f"ratio: stored {ratio}, replay gives {again.ratio}")
    return problems


def replay_liveness(witness: LivenessWitness) -> list[str]:
    """Re-run a liveness witness and compare every value it stores.

    The same jobs must be unfinished after its round limit, the same TEL (or none) come out within its
    extended limit, and, when the run ends there, the same benchmark TEL.

    Parameters
    ----------
    witness : LivenessWitness
        The witness to replay.

    Returns
    -------
    list of str
        One line per stored value that differs; empty: it replays exactly.

    Raises
    ------
    ModelViolation
        A decision of the replayed run breaks an engine rule.
    OptionError
        The witness's policy or options are not valid.
    """
    w = witness
    problems = []
    unfinished = unfinished_after(w.instance, w.policy, w.options, w.round_limit)
    if unfinished != w.unfinished:
        problems.append(f"unfinished: stored {list(w.unfinished)} after {w.round_limit} rounds, replay gives "
                        f"{list(unfinished)}")
    try:
        tel = simulate(w.instance, make_scheduler(w.policy, w.instance, **w.options), round_limit=w.extended_limit).tel
    except RoundLimitExceeded:
        tel = None
    if tel != w.tel:
        problems.append(f"tel: stored {w.tel}, replay gives {tel} (within {w.extended_limit} rounds)")
    elif tel is not None:
        bench = benchmark_tel(w.instance, w.benchmark)
        if bench != w.benchmark_tel:
            problems.append(f"benchmark_tel: stored {w.benchmark_tel}, replay gives {bench}")
    return problems


__all__ = ["Certified", "UnprovenBenchmark", "benchmark_tel", "certify", "replay"]
