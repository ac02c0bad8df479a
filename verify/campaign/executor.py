"""The one executor of campaigns, agreement grids and the parent table: a list of tasks run in this process, one
after another, or as Dask tasks on single-threaded worker processes, each result handed to a callback as it
arrives.

On Dask the tasks run on an embedded ``LocalCluster`` (``workers`` single-threaded worker processes, one per core
by default), on an existing cluster (``scheduler="tcp://host:port"``; its workers need this package installed),
or on a ``distributed.Client`` the caller already has. A worker that dies mid-task has its task rescheduled by
Dask up to ``retries`` times. Ctrl-C (a :class:`KeyboardInterrupt`, also one raised by a callback) stops the run
cleanly: no further result is handed on, an embedded cluster is shut down, and the run reports itself
interrupted; every result handed on before stays handed on. A client the run opens (on an embedded cluster or
on ``scheduler``) is closed when it ends; a caller's ``client`` is left open.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from models.errors import InvalidInput

T = TypeVar("T")
R = TypeVar("R")


class SchedulerUnreachable(InvalidInput, RuntimeError):
    """``--scheduler`` names an address where no Dask scheduler answers."""


@dataclass(frozen=True)
class Where:
    """Where tasks run.

    ``serial``: in this process, one after another, in order (no Dask). Otherwise on Dask: ``client`` (an
    existing ``distributed.Client``), else ``scheduler`` (the address of an existing Dask scheduler), else an
    embedded ``LocalCluster`` of ``workers`` single-threaded worker processes (``None``: one per core).
    ``retries``: how often Dask reschedules a task whose worker died (``None``: Dask's default).
    """

    serial: bool = False
    workers: int | None = None
    scheduler: str | None = None
    client: Any = None
    retries: int | None = None


SERIAL = Where(serial=True)


@dataclass(frozen=True)
class Ran:
    """What became of a run: ``interrupted`` is true when Ctrl-C stopped it before every task was handed on."""

    interrupted: bool


def run_tasks(fn: Callable[..., R], tasks: Sequence[T], args: Callable[[T], tuple], *,
              on_result: Callable[[T, R], None], on_error: Callable[[T, Exception], None] | None = None,
              where: Where = SERIAL, key: Callable[[T], str] | None = None) -> Ran:
    """Run ``fn(*args(task))`` for every task and hand each result on as it arrives.

    Parameters
    ----------
    fn : callable
        The task function; on Dask it is pickled to the workers, so a module-level function.
    tasks : sequence
        The tasks, in submission order (serially, also the order of the results).
    args : callable
        The positional arguments of ``fn`` for a task (plain, picklable values).
    on_result : callable
        ``on_result(task, result)``, called in this process once per finished task (the progress callback).
        A :class:`KeyboardInterrupt` it raises interrupts the run; any other exception propagates.
    on_error : callable, optional
        ``on_error(task, exc)`` for a task whose ``fn`` raised (on Dask also a worker that died more than
        ``retries`` times); the run goes on. Without it the first such exception propagates.
    where : Where
        Serially in this process (the default) or on Dask.
    key : callable, optional
        A task's Dask key (Dask's own when omitted).

    Returns
    -------
    Ran
        Whether Ctrl-C interrupted the run.

    Raises
    ------
    SchedulerUnreachable
        ``where.scheduler`` names an address where no Dask scheduler answers (an ``InvalidInput``).
    Exception
        A task's own exception, when ``on_error`` is not given.
    """
    try:
        if where.serial:
            _run_serially(fn, tasks, args, on_result, on_error)
        else:
            _run_on_dask(fn, tasks, args, on_result, on_error, where, key)
    except KeyboardInterrupt:
        return Ran(interrupted=True)
    return Ran(interrupted=False)


def _run_serially(fn: Callable[..., R], tasks: Sequence[T], args: Callable[[T], tuple],
                  on_result: Callable[[T, R], None], on_error: Callable[[T, Exception], None] | None) -> None:
    for task in tasks:
        try:
            result = fn(*args(task))
        except Exception as exc:
            if on_error is None:
                raise
            on_error(task, exc)
            continue
        on_result(task, result)


def _run_on_dask(fn: Callable[..., R], tasks: Sequence[T], args: Callable[[T], tuple],
                 on_result: Callable[[T, R], None], on_error: Callable[[T, Exception], None] | None, where: Where,
                 key: Callable[[T], str] | None) -> None:
    # Dask is imported here, not at the top: importing distributed costs about half a second, which every
    # ``kvsched`` command would otherwise pay (distributed is a third-party package, not one of our layers).
    import dask
    from distributed import Client, LocalCluster, as_completed

    config = {} if where.retries is None else {"distributed.scheduler.allowed-failures": where.retries}
    own_cluster = own_client = None  # what this run opened, and so closes
    with dask.config.set(config):
        client = where.client
        if client is None:
            if where.scheduler:
                try:
                    client = own_client = Client(where.scheduler, timeout="10s")
                except Exception as exc:  # noqa: BLE001 - refused, timed out, or not a Dask scheduler at all
                    raise SchedulerUnreachable(f"--scheduler: no Dask scheduler answers at {where.scheduler} "
                                               f"({type(exc).__name__}: {str(exc)[:120]})") from None
            else:
                own_cluster = LocalCluster(n_workers=where.workers or os.cpu_count() or 1, threads_per_worker=1,
                                           processes=True, dashboard_address=None)
                client = own_client = Client(own_cluster)
        try:
            futures = {client.submit(fn, *args(task), pure=False, **({"key": key(task)} if key else {})): task
                       for task in tasks}
            for future in as_completed(futures):
                task = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # KilledWorker after the retries, or the task's own error
                    if on_error is None:
                        raise
                    on_error(task, exc)
                    continue
                on_result(task, result)
        finally:
            if own_client is not None:
                own_client.close()
            if own_cluster is not None:
                own_cluster.close()
