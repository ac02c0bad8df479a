"""Keep the HiGHS library's own prints off stdout, where ``--json`` output goes."""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def c_stdout_to_stderr() -> Iterator[None]:
    """Point file descriptor 1 at stderr while HiGHS runs (every HiGHS call of :mod:`verify.opt` runs inside).

    The HiGHS that scipy bundles writes some debugging lines with C stdio straight to stdout (seen: 7 lines of
    ``HighsMipSolverData::transformNewIntegerFeasibleSolution tmpSolver.run();`` at n = 30 of the
    ``bench opt`` family, seed 2, after about 3 s), which corrupted ``kvsched opt --json``. C's stdout buffer is
    flushed on the way in and on the way out: unless ``PYTHONUNBUFFERED`` is set, C stdio buffers a non-terminal
    stdout, and the lines would otherwise surface on stdout after fd 1 is restored.

    Yields
    ------
    None
        Inside the ``with`` block fd 1 is stderr; it is restored on the way out, exceptions included.
    """
    sys.stdout.flush()
    _flush_c_stdio()  # what was buffered before still belongs on stdout
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        _flush_c_stdio()
        os.dup2(saved, 1)
        os.close(saved)


def _flush_c_stdio() -> None:
    try:
        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError):  # no C runtime to reach (not Linux/macOS): nothing buffered by us
        pass
