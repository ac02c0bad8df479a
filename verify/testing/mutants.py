"""Mutation check: seeded bugs in copies of the model, and which property suites kill each.

Each mutant copies the whole ``models`` package to a temporary folder under a new package name, applies one
textual change (each must match exactly once, so a refactor that moves the code fails loudly instead of
silently producing an unmutated copy), imports the copy and runs every suite of :mod:`verify.testing.properties`
against it. A mutant survives if no suite fails; ``kvsched mutants`` exits 1 if any survives.

Only a property failure kills: an ``AssertionError`` (a violated property or trace check) or a rule violation
the copied model itself raises (``SchedulerViolation``, ``RoundLimitExceeded``). Any other exception — a
Hypothesis ``InvalidArgument``, a missing data file, an import error — is an error of the harness, recorded in
``errors`` and never counted as a kill. Before any mutant, an unmutated copy runs every suite (the baseline):
if one fails there, :class:`BaselineFailure` is raised, since a kill by that suite would prove nothing.
"""

from __future__ import annotations

import importlib
import itertools
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import models
from models.errors import Inconsistency, InvalidInput
from verify.testing.properties import SUITES, Impl


@dataclass(frozen=True)
class Mutant:
    """A seeded bug: textual edits of files of the ``models`` package, each of which must match exactly once."""

    name: str
    description: str
    edits: tuple[tuple[str, str, str], ...]  # (file under models/, old text, new text)


MUTANTS: tuple[Mutant, ...] = (
    Mutant("admission-off-by-one", "MC-SF admission test forgets the +1 in s + k + τ + 1",
           (("feasibility.py", "load = sum(s + k + tau + 1 for", "load = sum(s + k + tau for"),)),
    Mutant("engine-memory-off-by-one", "engine charges s + k instead of s + k + 1 per job",
           (("engine_reference.py", "memory = sum(reqs[j].s + jobs[j].progress + 1 for j in batch)",
             "memory = sum(reqs[j].s + jobs[j].progress for j in batch)"),)),
    Mutant("eviction-keeps-memory", "eviction does not free the job's KV cache (progress kept)",
           (("engine_reference.py",
             "jobs[j].status, jobs[j].progress, jobs[j].run_start = Status.WAITING, 0, None",
             "jobs[j].status, jobs[j].run_start = Status.WAITING, None"),)),
    Mutant("admission-ignores-running", "admission plans as if no job were running",
           (("schedulers/mcsf.py",
             "running_items = [(v.s, v.progress, self.assumed_length(v)) for v in kept]",
             "running_items = []"),)),
    Mutant("amin-reads-u", "A_min plans with u_j instead of its pseudo lower bound",
           (("schedulers/a_min.py", "return self.lower[job.j]", "return max(self.lower[job.j], job.u)"),)),
    Mutant("amin-reads-o", "A_min is handed the true lengths and plans with them",
           (("schedulers/spec.py", "if cls is HSF:", "if cls is HSF or cls is AMin:"),
            ("schedulers/spec.py", "return HSF(outputs, **options)",
             "return HSF(outputs, admission=options.get('admission', 'stop'))"))),
    Mutant("lower-bound-frozen", "A_min's pseudo lower bound never updates",
           (("schedulers/a_min.py", "self.lower[v.j] = max(self.lower[v.j], v.progress + 1)",
             "self.lower[v.j] = self.lower[v.j]"),)),
    Mutant("ignores-arrivals", "the batch may contain jobs that have not arrived (a_j <= t not enforced)",
           (("engine_reference.py", "if r.a <= self.t", "if True"),
            ("engine_reference.py", "if instance.requests[j].a > t:", "if False:"))),
)


_COPIES = itertools.count()


@dataclass
class MutantResult:
    """Which suites killed a mutant (with the first line of each failure), which passed, and harness errors."""

    mutant: Mutant
    killed_by: dict[str, str]  # suite -> first line of its failure
    passed: list[str]
    seconds: float
    errors: dict[str, str] = field(default_factory=dict)  # suite -> harness error (not a kill)

    @property
    def survived(self) -> bool:
        """Whether no suite killed the mutant (harness errors are no kill)."""
        return not self.killed_by


def build_mutant(mutant: Mutant, root: Path, index: int):
    """Copy ``models`` to ``root/<pkg>`` under a fresh package name, apply the edits, and import it.

    Parameters
    ----------
    mutant : Mutant
        The edits to apply (none for the baseline).
    root : Path
        A folder for the copy; it is put on ``sys.path``.
    index : int
        The mutant's position, part of the package name.

    Returns
    -------
    Impl
        The copy's engine, schedulers and instance modules.

    Raises
    ------
    RuntimeError
        An edit's text does not occur exactly once in its file (the model changed under the mutant).
    """
    # unique in the process: a second run must not find the first run's (deleted) copy in sys.modules
    pkg = f"kvsched_mutant_{index}_{next(_COPIES)}_{mutant.name.replace('-', '_')}"
    src = Path(models.__file__).parent
    dst = root / pkg
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__"))
    for path in dst.rglob("*.py"):
        text = path.read_text()
        path.write_text(text.replace("from models.", f"from {pkg}.").replace("import models.", f"import {pkg}."))
    for rel, old, new in mutant.edits:
        path = dst / rel
        text = path.read_text()
        if text.count(old) != 1:
            raise RuntimeError(f"mutant {mutant.name}: {rel} holds {old!r} {text.count(old)} times, expected once")
        path.write_text(text.replace(old, new))
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    engine = importlib.import_module(f"{pkg}.engine_reference")
    schedulers = importlib.import_module(f"{pkg}.schedulers")
    instance = importlib.import_module(f"{pkg}.instance")
    return Impl(engine, schedulers, instance)


class BaselineFailure(Inconsistency, RuntimeError):
    """A suite fails (or errs) on the unmutated model: the mutation check cannot count on it."""


MODEL_RULE_ERRORS = ("SchedulerViolation", "RoundLimitExceeded")


def is_property_failure(exc: BaseException, pkg: str) -> bool:
    """Whether a suite's exception kills the mutant (module docstring): a property failure, not a harness error.

    Parameters
    ----------
    exc : BaseException
        What the suite raised.
    pkg : str
        The mutant copy's package name.

    Returns
    -------
    bool
        ``True`` for an ``AssertionError``, or a ``SchedulerViolation``/``RoundLimitExceeded`` defined in the
        copy ``pkg`` itself; for an exception group, ``True`` only when every member is.
    """
    if isinstance(exc, BaseExceptionGroup):
        return all(is_property_failure(e, pkg) for e in exc.exceptions)
    if isinstance(exc, AssertionError):
        return True
    cls = type(exc)
    return cls.__module__.startswith(f"{pkg}.") and cls.__name__ in MODEL_RULE_ERRORS


def _describe(exc: BaseException) -> str:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return f"{type(exc).__name__}: {first}"[:120]


def _run_suite(name: str, impl: Impl, max_examples: int) -> None:
    suite = SUITES[name]
    if name == "conformance":
        suite(impl)
    else:
        suite(impl, max_examples=max_examples)


BASELINE = Mutant("baseline", "the unmutated model", ())


def run_mutants(mutants=MUTANTS, *, max_examples: int = 60, suites=None, progress=None,
                baseline: bool = True) -> list[MutantResult]:
    """Run every suite against every mutant.

    Parameters
    ----------
    mutants : sequence of Mutant
        The mutants (:data:`MUTANTS` by default).
    max_examples : int
        Hypothesis examples per suite, ``>= 1``.
    suites : list of str, optional
        Names of :data:`verify.testing.properties.SUITES` to run (default, or empty: all).
    progress : callable, optional
        Called with each :class:`MutantResult` as it is done.
    baseline : bool
        First run every suite on an unmutated copy; a suite that fails there makes the check meaningless.

    Returns
    -------
    list of MutantResult
        One per mutant, in order.

    Raises
    ------
    InvalidInput
        ``max_examples`` is not an integer ``>= 1``, or a suite name is unknown.
    BaselineFailure
        A suite fails (or errs) on the unmutated copy.
    RuntimeError
        A mutant's edit does not match its file exactly once (:func:`build_mutant`).
    """
    if isinstance(max_examples, bool) or not isinstance(max_examples, int) or max_examples < 1:
        raise InvalidInput(f"max_examples: must be an integer >= 1, got {max_examples!r}")
    suites = suites or list(SUITES)
    unknown = [s for s in suites if s not in SUITES]
    if unknown:
        raise InvalidInput(f"suites: unknown suite {unknown[0]!r} (choose from {', '.join(SUITES)})")
    results = []
    with tempfile.TemporaryDirectory(prefix="kvsched-mutants-") as tmp:
        if baseline:
            impl = build_mutant(BASELINE, Path(tmp), len(mutants))
            for name in suites:
                try:
                    _run_suite(name, impl, max_examples)
                except Exception as exc:  # noqa: BLE001 - any failure here makes the check meaningless
                    raise BaselineFailure(f"baseline: suite {name} fails on the unmutated model "
                                          f"({_describe(exc)}); no mutant can be judged by it") from None
        for i, mutant in enumerate(mutants):
            began = time.perf_counter()
            impl = build_mutant(mutant, Path(tmp), i)
            pkg = impl.engine.__name__.rpartition(".")[0]
            killed, passed, errors = {}, [], {}
            for name in suites:
                try:
                    _run_suite(name, impl, max_examples)
                except Exception as exc:  # noqa: BLE001 - classified below
                    (killed if is_property_failure(exc, pkg) else errors)[name] = _describe(exc)
                else:
                    passed.append(name)
            results.append(MutantResult(mutant, killed, passed, time.perf_counter() - began, errors))
            if progress:
                progress(results[-1])
    return results
