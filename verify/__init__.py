"""The toolkit on top of the model: exact OPT, certification, adversarial search, proofs, reports.

The curated public API below is loaded on first use (PEP 562); each name's module is its home. (A name that is
also a submodule, such as ``certify``, is reached through its module: ``verify.certify.certify``.)
"""

_PUBLIC = {
    "solve_opt": "verify.opt", "Budget": "verify.budget", "replay": "verify.certify",
    "benchmark_tel": "verify.certify", "Problem": "verify.search", "run_search": "verify.search",
    "Outcome": "verify.search", "build_graph": "verify.explore", "worst_ratio": "verify.explore",
    "check_scheduler": "verify.testing.properties", "run_report": "verify.report",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'verify' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_PUBLIC[name]), name)
