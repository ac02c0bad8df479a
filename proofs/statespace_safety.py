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
    results = []
    for shape in Grid.product(n=[n], s=s_values, u=[u], l=[l], M=Ms).shapes():
        results += prove_config_statespace(shape, policy, options, dot=dot)
        dot = None  # the first shape's graph only
    return results
