"""The model of MODEL.md: instances, schedulers, engines, witnesses.

Importing the package makes sure numba can cache the fast engine's compiled kernels (``cache=True``): numba
raises at import ("no locator available") when neither ``models/__pycache__`` nor the user-wide cache folder
(``$XDG_CACHE_HOME`` or ``~/.cache``) is writable, e.g. an installed package with no writable HOME. Then
``NUMBA_CACHE_DIR`` is pointed at a writable folder under the system's temporary directory. This must run
before numba is imported, so it lives here.
"""

import os as _os


def _writable(folder: str) -> bool:
    import tempfile

    try:
        _os.makedirs(folder, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:
        return False
    return True


def _numba_cache_fallback() -> None:
    if _os.environ.get("NUMBA_CACHE_DIR"):
        return
    if _writable(_os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "__pycache__")):
        return
    cache_home = _os.environ.get("XDG_CACHE_HOME") or _os.path.join(_os.path.expanduser("~"), ".cache")
    if _writable(_os.path.join(cache_home, "numba")):
        return
    import tempfile

    uid = getattr(_os, "getuid", lambda: "user")()
    folder = _os.path.join(tempfile.gettempdir(), f"kvsched-numba-cache-{uid}")
    if not _writable(folder):
        folder = tempfile.mkdtemp(prefix="kvsched-numba-cache-")
    _os.environ["NUMBA_CACHE_DIR"] = folder


_numba_cache_fallback()
