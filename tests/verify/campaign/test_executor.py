"""The one executor: serially in order, or on Dask; a task's error goes to ``on_error`` or propagates; Ctrl-C
raised by a callback stops the run cleanly, with every result handed on before kept."""

import pytest

from verify.campaign.executor import SERIAL, Where, run_tasks


def square(x: int) -> int:
    if x < 0:
        raise ValueError(f"negative: {x}")
    return x * x


def run(tasks, where, **kw):
    got, errors = [], []
    ran = run_tasks(square, tasks, lambda t: (t,), on_result=lambda t, r: got.append((t, r)),
                    on_error=(lambda t, e: errors.append((t, str(e)))) if kw.pop("errors", True) else None,
                    where=where, **kw)
    return ran, got, errors


def test_serial_runs_in_order_and_hands_errors_on():
    ran, got, errors = run([1, -2, 3], SERIAL)
    assert not ran.interrupted
    assert got == [(1, 1), (3, 9)] and errors == [(-2, "negative: -2")]


def test_serial_without_on_error_propagates_the_task_error():
    with pytest.raises(ValueError, match="negative: -2"):
        run([1, -2, 3], SERIAL, errors=False)


def test_a_keyboard_interrupt_from_a_callback_stops_the_run():
    seen = []

    def stop_at_second(task, result):
        seen.append(task)
        if len(seen) == 2:
            raise KeyboardInterrupt

    ran = run_tasks(square, [1, 2, 3, 4], lambda t: (t,), on_result=stop_at_second)
    assert ran.interrupted and seen == [1, 2]


def test_dask_gives_the_serial_results_and_errors():
    ran, got, errors = run([1, -2, 3, 4], Where(workers=2), key=lambda t: f"sq-{t}")
    assert not ran.interrupted
    assert sorted(got) == [(1, 1), (3, 9), (4, 16)] and errors == [(-2, "negative: -2")]


def test_the_client_it_opens_on_a_scheduler_is_closed_after_the_run():
    import time

    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        ran, got, errors = run([1, 2], Where(scheduler=cluster.scheduler_address))
        assert sorted(got) == [(1, 1), (2, 4)] and not ran.interrupted
        deadline = time.monotonic() + 5
        while set(cluster.scheduler.clients) - {"fire-and-forget"} and time.monotonic() < deadline:
            time.sleep(0.05)
        assert set(cluster.scheduler.clients) == {"fire-and-forget"}
