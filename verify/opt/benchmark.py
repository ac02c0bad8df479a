"""The benchmark a ratio is against (MODEL.md, "Objective"): exact OPT or H-SF, and a memo that cannot be
shared wrongly.

A search asks for the benchmark's TEL of thousands of output vectors of one configuration; many give the same
value, so it is memoised. What a value depends on is the rule of the memo, not a convention of its callers:

- OPT depends on ``M`` and the multiset of ``(s_j, o_j, a_j)``: a schedule of one instance relabels into a
  schedule of any instance with the same multiset.
- H-SF's TEL depends on ``M`` and on the sequence of ``(s_j, o_j, a_j)`` in H-SF's priority order
  ``(o_j, a_j, j)``: ties between jobs of equal ``(o_j, a_j)`` are broken by index, and jobs that tie may
  differ in ``s_j``, so the multiset alone does not determine it (a 4-job instance and a relabelling of it
  give TEL 19 and 18).

:class:`BenchmarkMemo` holds one benchmark for one ``M`` and refuses an instance of another ``M``.
"""

from __future__ import annotations

from collections.abc import Callable

from models.errors import InvalidInput, Unproven
from models.engine_reference import simulate
from models.instance import Instance
from models.schedulers import HSF
from models.witness import BENCHMARKS


class UnprovenBenchmark(Unproven):
    """OPT could not be proven within the time allowed, so no ratio against it can be certified."""


def benchmark_tel(instance: Instance, benchmark: str, *, solver: str = "auto", timeout: float | None = None) -> int:
    """TEL of the benchmark of ``instance``.

    Parameters
    ----------
    instance : Instance
        The instance, true lengths included (both benchmarks are hindsight).
    benchmark : {"opt", "hsf"}
        ``"opt"``: the exact optimum (MODEL.md, "OPT"); ``"hsf"``: H-SF with admission ``"stop"``.
    solver : str
        Passed to :func:`verify.opt.solve_opt` for ``"opt"``; not used for ``"hsf"``.
    timeout : float, optional
        Seconds for OPT (``None``: no limit); not used for ``"hsf"``.

    Returns
    -------
    int
        The benchmark's TEL.

    Raises
    ------
    UnprovenBenchmark
        OPT was not proven optimal within ``timeout``.
    InvalidInput
        ``benchmark`` is neither ``"opt"`` nor ``"hsf"``.
    ValueError
        ``solver`` is not a solver name (from :func:`verify.opt.solve_opt`).
    """
    if benchmark == "hsf":
        return simulate(instance, HSF(instance.outputs)).tel
    if benchmark == "opt":
        from verify.opt import solve_opt  # verify.opt's __init__ imports this module

        result = solve_opt(instance, solver, timeout=timeout)
        if result.status != "optimal":
            raise UnprovenBenchmark(
                f"OPT not proven by {result.solver} within {timeout}s (bounds {result.lower_bound}..{result.upper_bound})"
            )
        return result.tel
    raise InvalidInput(f"benchmark: must be one of {', '.join(BENCHMARKS)}, got {benchmark!r}")


class BenchmarkMemo:
    """Benchmark TELs of instances of one capacity ``M``, keyed by what determines them (module docstring).

    One memo may serve every search of the same ``M`` and benchmark, whatever their prompts and arrivals.

    Parameters
    ----------
    M : int
        The capacity of every instance the memo will hold.
    benchmark : {"opt", "hsf"}
        The benchmark whose TELs it holds.

    Raises
    ------
    InvalidInput
        ``benchmark`` is neither ``"opt"`` nor ``"hsf"``.
    """

    def __init__(self, M: int, benchmark: str) -> None:
        if benchmark not in BENCHMARKS:
            raise InvalidInput(f"benchmark: must be one of {', '.join(BENCHMARKS)}, got {benchmark!r}")
        self.M, self.benchmark = M, benchmark
        self._values: dict[tuple, int] = {}

    def __len__(self) -> int:
        return len(self._values)

    def holds(self, instance: Instance) -> bool:
        """Whether the value of ``instance`` is memoised already (it costs nothing to ask for).

        Parameters
        ----------
        instance : Instance
            An instance of the memo's ``M``.

        Returns
        -------
        bool
            ``True`` when an instance with the same key has been valued.

        Raises
        ------
        InvalidInput
            ``instance.M`` is not the memo's ``M``.
        """
        self.check(instance.M, self.benchmark)
        return self.key(instance) in self._values

    def key(self, instance: Instance) -> tuple:
        """The value's key: the multiset of ``(s, o, a)`` for OPT, their sequence in ``(o, a, j)`` order for H-SF.

        Parameters
        ----------
        instance : Instance
            The instance to key (its ``M`` is not part of the key: the memo holds one ``M``).

        Returns
        -------
        tuple
            Of ``(s, o, a)`` triples: sorted for OPT, in H-SF's priority order ``(o_j, a_j, j)`` for H-SF.
        """
        jobs = [(r.s, r.o, r.a) for r in instance.requests]
        if self.benchmark == "opt":
            return tuple(sorted(jobs))
        return tuple(jobs[j] for j in sorted(range(len(jobs)), key=lambda j: (jobs[j][1], jobs[j][2], j)))

    def check(self, M: int, benchmark: str) -> None:
        """Refuse a share with a search of another ``M`` or benchmark (its values would be wrong there).

        Parameters
        ----------
        M : int
            The capacity of the search that wants to use the memo.
        benchmark : str
            Its benchmark.

        Raises
        ------
        InvalidInput
            ``(M, benchmark)`` differs from the memo's.
        """
        if (M, benchmark) != (self.M, self.benchmark):
            raise InvalidInput(f"memo: holds benchmark {self.benchmark!r} for M={self.M}, "
                             f"asked for {benchmark!r} with M={M}")

    def tel(self, instance: Instance, compute: Callable[[Instance], int] | None = None) -> int:
        """:func:`benchmark_tel` of ``instance``, computed once per key.

        ``compute`` replaces :func:`benchmark_tel` for a caller with a faster way to the same integer (the
        fast engine's H-SF); the key, and so what may share a value, stays the memo's.

        Parameters
        ----------
        instance : Instance
            An instance of the memo's ``M``.
        compute : callable, optional
            ``compute(instance) -> int``, called on a miss; by default :func:`benchmark_tel` with no timeout.

        Returns
        -------
        int
            The benchmark's TEL of ``instance``.

        Raises
        ------
        InvalidInput
            ``instance.M`` is not the memo's ``M``.
        UnprovenBenchmark
            On a miss, OPT was not proven: by ``compute`` within its own timeout, or, by default (no time
            limit), only if the MILP gave up.
        """
        self.check(instance.M, self.benchmark)
        key = self.key(instance)
        if key not in self._values:
            self._values[key] = (compute or (lambda i: benchmark_tel(i, self.benchmark)))(instance)
        return self._values[key]
