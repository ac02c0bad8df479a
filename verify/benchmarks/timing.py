"""Wall-clock timing for the benchmarks (never inside tests' assertions)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def timed(fn: Callable[..., Any], *args: Any, **kw: Any) -> tuple[Any, float]:
    """``fn(*args, **kw)`` and its wall time.

    Parameters
    ----------
    fn : callable
        What to run.
    *args : object
        Its positional arguments.
    **kw : object
        Its keyword arguments.

    Returns
    -------
    tuple
        ``(result, seconds)``: the call's result and its ``time.perf_counter`` duration.
    """
    began = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - began
