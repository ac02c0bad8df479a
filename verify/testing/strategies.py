"""Hypothesis strategies for instances and policy configurations: the one place tests and property suites draw them from."""

from __future__ import annotations

from hypothesis import strategies as st

from models.instance import Instance, Request
from models.schedulers import policy_configurations


@st.composite
def requests(draw, *, max_u: int = 6, max_s: int = 3, max_a: int = 0, max_priority: int = 0) -> Request:
    """One request; ``priority`` in ``[-max_priority, max_priority]`` (0 unless ``max_priority`` is given).

    ``u`` in ``[1, max_u]``, ``l`` in ``[1, u]``, the true output ``o`` in ``[l, u]``, ``s`` in ``[0, max_s]``
    and the arrival ``a`` in ``[0, max_a]``.

    Parameters
    ----------
    draw : callable
        Hypothesis's draw function (supplied by :func:`hypothesis.strategies.composite`).
    max_u : int
        Largest upper bound ``u``.
    max_s : int
        Largest prompt size ``s``.
    max_a : int
        Latest arrival (0: every request arrives at time 0).
    max_priority : int
        Largest priority magnitude (0: every priority is 0).

    Returns
    -------
    Request
        The drawn request (the strategy yields these).
    """
    u = draw(st.integers(1, max_u))
    l = draw(st.integers(1, u))  # noqa: E741
    o = draw(st.integers(l, u))
    s = draw(st.integers(0, max_s))
    a = draw(st.integers(0, max_a)) if max_a else 0
    priority = draw(st.integers(-max_priority, max_priority)) if max_priority else 0
    return Request(s, o, l, u, a, priority)


@st.composite
def instances(draw, *, min_n: int = 1, max_n: int = 5, max_u: int = 6, max_s: int = 3, max_a: int = 4,
              max_slack: int = 12, max_priority: int = 0) -> Instance:
    """General instances: per-request intervals, prompts, arrivals and (optionally) priorities.

    Each request is drawn by :func:`requests`; priorities lie in ``[-max_priority, max_priority]``. ``M`` runs
    from ``max(s+u)`` (so every request fits alone) up to ``max_slack`` above it.

    Parameters
    ----------
    draw : callable
        Hypothesis's draw function (supplied by :func:`hypothesis.strategies.composite`).
    min_n : int
        Fewest requests.
    max_n : int
        Most requests.
    max_u : int
        Largest upper bound ``u``.
    max_s : int
        Largest prompt size ``s``.
    max_a : int
        Latest arrival.
    max_slack : int
        Largest ``M - max(s+u)``.
    max_priority : int
        Largest priority magnitude (0: every priority is 0).

    Returns
    -------
    Instance
        The drawn instance (the strategy yields these).
    """
    reqs = draw(st.lists(requests(max_u=max_u, max_s=max_s, max_a=max_a, max_priority=max_priority),
                         min_size=min_n, max_size=max_n))
    M = max(r.s + r.u for r in reqs) + draw(st.integers(0, max_slack))
    return Instance(M, tuple(reqs))


@st.composite
def uniform_instances(draw, *, min_n: int = 1, max_n: int = 5, max_u: int = 6, max_s: int = 2,
                      max_slack: int = 8) -> Instance:
    """The paper's setting: one ``s``, one ``[l, u]`` for all requests, all arrivals 0.

    ``M`` runs from ``s + u`` up to ``max_slack`` above it; the outputs lie in ``[l, u]``.

    Parameters
    ----------
    draw : callable
        Hypothesis's draw function (supplied by :func:`hypothesis.strategies.composite`).
    min_n : int
        Fewest requests.
    max_n : int
        Most requests.
    max_u : int
        Largest upper bound ``u``.
    max_s : int
        Largest prompt size ``s``.
    max_slack : int
        Largest ``M - (s+u)``.

    Returns
    -------
    Instance
        The drawn uniform instance (the strategy yields these).
    """
    n = draw(st.integers(min_n, max_n))
    u = draw(st.integers(1, max_u))
    l = draw(st.integers(1, u))  # noqa: E741
    s = draw(st.integers(0, max_s))
    outputs = draw(st.lists(st.integers(l, u), min_size=n, max_size=n))
    M = s + u + draw(st.integers(0, max_slack))
    return Instance(M, tuple(Request(s, o, l, u, 0) for o in outputs))


configurations = st.sampled_from(policy_configurations())
