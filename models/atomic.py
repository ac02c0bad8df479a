"""Crash-safe file output: write to a temporary name in the target folder, then rename over the target."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see either the old file or the whole new one, never a part.

    The data goes to a temporary name in the target's folder (created if missing), is flushed to disk, and is
    then renamed over ``path``; on any failure the temporary file is removed and ``path`` is left as it was.

    Parameters
    ----------
    path : str or Path
        The file to write.
    data : str or bytes
        The new contents: text is written as UTF-8, bytes as they are.

    Returns
    -------
    Path
        ``path`` as a :class:`~pathlib.Path`.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp's 0600 is for the temporary name only: 0644 under umask 022
        with os.fdopen(fd, mode, **({} if isinstance(data, bytes) else {"encoding": "utf-8"})) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


@contextmanager
def building_dir(target: str | Path) -> Iterator[Path]:
    """Build a folder whole: yield a temporary sibling folder to fill, then rename it to ``target``.

    On success the temporary folder is renamed to ``target`` (an older ``target`` is moved aside first and then
    removed); on any exception or interrupt the temporary folder is removed and ``target`` is left as it was.

    Parameters
    ----------
    target : str or Path
        The folder to build (its parent is created if missing).

    Yields
    ------
    Path
        The temporary sibling folder to fill.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".building", dir=target.parent))
    old = None
    try:
        os.chmod(work, 0o777 & ~_umask())
        yield work
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
            os.replace(target, old / target.name)
        os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        if old is not None and not target.exists() and (old / target.name).exists():
            os.replace(old / target.name, target)  # put the previous folder back
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
