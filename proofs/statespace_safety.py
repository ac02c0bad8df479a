"""Memory safety and liveness by exhaustion of the state graph (:mod:`verify.explore`), the same claims as
:mod:`proofs.memory_safety` proves with Z3, so the two methods can be compared configuration by configuration."""

from __future__ import annotations

import time


from models.engine_reference import liveness_bound
from models.grid import Grid
from models.shape import Shape
from models.schedulers import PolicySpec
from proofs.memory_safety import ProofResult
from verify.explore import build_graph


def prove_config_statespace(config: Shape, policy: str, options: dict | None = None, *, dot: str | None = None):
    """Every claim of :func:`proofs.memory_safety.prove_config` for one shape, by exhausting its state graph.

    A claim is ``proved`` when no violation of it (nor any other engine check, ``model``) is reachable, else a
    ``counterexample`` with an output vector that reaches it. ``finishes`` is the liveness bound where the
    policy declares ``liveness``; without it only a cycle (a livelock) breaks it.

    Parameters
    ----------
    config : Shape
        The shape; ``s``, ``l``, ``u`` are read from its first job.
    policy : str
        An online policy.
    options : dict, optional
        Its options; the results record every option in effect.
    dot : str, optional
        A path to write the state graph to, in Graphviz's DOT format.

    Returns
    -------
    list of ProofResult
        ``finishes``, ``memory`` and, where the policy declares ``never_evicts``, ``no-eviction``; the horizon
        is the liveness bound, or the longest run's rounds; ``detail`` holds the graph's statistics.

    Raises
    ------
    OptionError
        ``policy`` is a hindsight one (H-SF), or ``policy`` or ``options`` is not valid.
    RuntimeError
        The graph has more states than :func:`verify.explore.build_graph` allows.
    """
    spec = PolicySpec.parse(policy, options)
    options, live = spec.options, spec.traits.liveness
    began = time.perf_counter()
    sg = build_graph(config, policy, options, check_liveness=live)
    seconds = time.perf_counter() - began
    if dot:
        _write_dot(sg, dot)
    r0 = config.requests[0]
    horizon = liveness_bound(config) if live else sg.depth
    stats = ", ".join(f"{k} {v}" for k, v in sg.stats.items())
    claims = ["finishes", "memory"] + (["no-eviction"] if spec.traits.never_evicts else [])
    results = []
    for claim in claims:
        bad = [v for v in sg.violations if v.claim in (claim, "model")]
        status = "counterexample" if bad else "proved"
        results.append(ProofResult(claim, policy, options, config.n, config.M, r0.s, r0.l, r0.u, horizon, status,
                                   bad[0].outputs if bad else None, seconds, bad[0].rule if bad else stats))
    return results


def _write_dot(sg, path: str) -> None:
    from models.atomic import write_atomic

    ids = {node: i for i, node in enumerate(sg.graph.nodes)}
    lines = ["digraph statespace {"]
    lines += [f'  n{ids[u]} -> n{ids[v]} [label="{d["weight"]}"];' for u, v, d in sg.graph.edges(data=True)]
    lines.append("}")
    write_atomic(path, "\n".join(lines) + "\n")


def prove_memory_safety_statespace(policy, options, n, Ms, s_values, l, u, *, dot: str | None = None):  # noqa: E741
    """:func:`prove_config_statespace` for every ``M`` in ``Ms`` and ``s`` in ``s_values`` (skipping ``s + u > M``).

    Parameters
    ----------
    policy : str
        An online policy.
    options : dict or None
        Its options.
    n : int
        Jobs per configuration.
    Ms : iterable of int
        Capacities.
    s_values : iterable of int
        Prompt sizes.
    l : int
        Every job's lower end.
    u : int
        Every job's upper end.
    dot : str, optional
        A path for the DOT file of the first configuration's graph.

    Returns
    -------
    list of ProofResult
        FastEngine after configuration (``s`` outer, ``M`` inner).

    Raises
    ------
    OptionError
        ``policy`` is a hindsight one (H-SF), or ``policy`` or ``options`` is not valid.
    RuntimeError
        A graph has more states than :func:`verify.explore.build_graph` allows.
    InvalidInput
        A value is not an integer in its range (``n, u, l, M >= 1``, ``s >= 0``: :meth:`models.grid.Grid.product`).
    """
    results = []
    for shape in Grid.product(n=[n], s=s_values, u=[u], l=[l], M=Ms).shapes():
        results += prove_config_statespace(shape, policy, options, dot=dot)
        dot = None  # the first shape's graph only
    return results
