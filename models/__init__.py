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


# The curated public API, loaded on first use (PEP 562) so that ``import models.instance`` stays light and
# numba is imported only by whoever needs the fast engine.
_PUBLIC = {
    "Instance": "models.instance", "Request": "models.instance", "InstanceError": "models.instance",
    "load_instance": "models.instance", "uniform_instance": "models.instance",
    "simulate": "models.engine_reference", "Execution": "models.engine_reference",
    "simulate_fast": "models.engine_fast",
    "Scheduler": "models.schedulers.interface", "Decision": "models.schedulers.interface",
    "PolicyTraits": "models.schedulers.interface",
    "PolicySpec": "models.schedulers", "make_scheduler": "models.schedulers", "POLICIES": "models.schedulers",
    "Trace": "models.trace", "Witness": "models.witness", "LivenessWitness": "models.witness",
    "KvschedError": "models.errors", "InvalidInput": "models.errors", "ModelViolation": "models.errors",
    "Unproven": "models.errors", "Inconsistency": "models.errors",
    "OptStatus": "models.status", "SearchProof": "models.status", "ClaimStatus": "models.status",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'models' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_PUBLIC[name]), name)
