"""The fast engine: MODEL.md's built-in policies compiled with numba, identical to the reference engine.

It implements H-SF, A_max, A_min (every option) and fcfs-recompute on flat integer arrays and returns the same
integers as :func:`models.engine_reference.simulate` (completions, evictions, TEL, peak memory, wasted tokens);
differential property tests hold it to that. What makes it fast:

- **jumps**: when no job waits, nothing changes until the next arrival, completion or (for A_min and
  fcfs-recompute) overflow. Memory grows linearly in between, ``Σ (s_j - start_j + 1) + t·R``, so the next
  overflow round is computed, not stepped to;
- **admission in O(R) per candidate**: the MC-SF load at each offset τ of the running set is computed once per
  round from the τ-sorted suffix sums, and a candidate updates it in place;
- **skip admission without rescans**: candidates come in ascending ``e``, so once one with prompt ``s_f`` fails,
  every later one with ``s >= s_f`` fails too (its memory ramp dominates), and is passed over in O(1);
- the waiting queue is a binary heap of integer keys encoding the policy's priority tuple.

Only the true-length outcome oracle is supported (the fast engine reads ``o_j`` to find completions); user
schedulers and adversarial oracles run on the reference engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from models.engine_reference import default_round_limit
from models.instance import Instance
from models.schedulers import POLICIES, OptionError, make_scheduler
from models.schedulers.interface import RoundLimitExceeded
from models.trace import RunOutcome

_POLICY_CODE = {"hsf": 0, "amax": 1, "amin": 2, "fcfs-recompute": 3}
_ADMISSION_CODE = {"stop": 0, "skip": 1}
_EVICTION_CODE = {"least-progress": 0, "most-progress": 1, "largest-lower-bound": 2}
_KEY_LIMIT = 2**62


@dataclass(frozen=True)
class RunSummary(RunOutcome):
    """The integers every engine must agree on (no per-round records)."""

    policy: str
    arrivals: tuple[int, ...]
    completion: tuple[int, ...]
    evictions: int
    peak_memory: int
    wasted_tokens: int


@dataclass(frozen=True)
class Configuration:
    """The fixed part of a run (instance fields, policy, options), set up once for many output vectors."""

    policy: str
    options: dict
    M: int
    s: np.ndarray
    l: np.ndarray  # noqa: E741
    u: np.ndarray
    a: np.ndarray
    codes: tuple[int, int, int]
    round_limit: int

    @classmethod
    def build(cls, instance: Instance, policy: str, round_limit: int | None = None, **options) -> Configuration:
        if policy not in POLICIES:
            raise OptionError(f"policy: must be one of {', '.join(POLICIES)}, got {policy!r}")
        scheduler = make_scheduler(policy, instance, **options)  # validates the options
        full = dict(scheduler.options)
        codes = (
            _POLICY_CODE[policy],
            _ADMISSION_CODE[full.get("admission", "stop")],
            _EVICTION_CODE[full.get("eviction", "least-progress")],
        )
        reqs = instance.requests
        n = instance.n
        max_a = max(r.a for r in reqs)
        max_e = max(r.u for r in reqs) + 1
        if (max_e + 1) * (max_a + 1) * n >= _KEY_LIMIT:
            raise OverflowError("instance too large for the fast engine's integer priority keys")
        arr = lambda xs: np.asarray(xs, dtype=np.int64)  # noqa: E731
        return cls(
            policy, full, instance.M,
            arr([r.s for r in reqs]), arr([r.l for r in reqs]), arr([r.u for r in reqs]), arr([r.a for r in reqs]),
            codes, default_round_limit(instance) if round_limit is None else round_limit,
        )

    def run(self, outputs) -> RunSummary:
        o = np.asarray(outputs, dtype=np.int64)
        completion, evictions, peak, wasted, status = _simulate(
            self.codes[0], self.codes[1], self.codes[2], self.M, self.s, o, self.l, self.u, self.a, self.round_limit
        )
        if status != 0:
            raise RoundLimitExceeded(self.round_limit, int(status))
        return RunSummary(self.policy, tuple(int(x) for x in self.a), tuple(int(c) for c in completion),
                          int(evictions), int(peak), int(wasted))

    def tel_many(self, outputs: np.ndarray) -> np.ndarray:
        """TEL for every row of ``outputs`` (shape ``(m, n)``), in one compiled loop."""
        o = np.ascontiguousarray(outputs, dtype=np.int64)
        tels, status = _tel_many(self.codes[0], self.codes[1], self.codes[2], self.M, self.s, o, self.l, self.u,
                                 self.a, self.round_limit)
        if status != 0:
            raise RoundLimitExceeded(self.round_limit, int(status))
        return tels


def simulate_fast(instance: Instance, policy: str, *, round_limit: int | None = None, **options) -> RunSummary:
    """Run a built-in policy on ``instance`` with the fast engine."""
    return Configuration.build(instance, policy, round_limit, **options).run(instance.outputs)


# ---------------------------------------------------------------------------------------------------------
# compiled kernel
# ---------------------------------------------------------------------------------------------------------

@njit(cache=True)
def _push(wkey, wid, W, key, j):
    """Push onto the binary min-heap of waiting jobs (keys encode the policy's priority tuple)."""
    i = W
    while i > 0:
        parent = (i - 1) // 2
        if wkey[parent] <= key:
            break
        wkey[i] = wkey[parent]
        wid[i] = wid[parent]
        i = parent
    wkey[i] = key
    wid[i] = j
    return W + 1


@njit(cache=True)
def _pop(wkey, wid, W):
    """Remove the smallest key; returns (job, new size)."""
    top = wid[0]
    W -= 1
    key, j = wkey[W], wid[W]
    i = 0
    while True:
        c = 2 * i + 1
        if c >= W:
            break
        if c + 1 < W and wkey[c + 1] < wkey[c]:
            c += 1
        if wkey[c] >= key:
            break
        wkey[i] = wkey[c]
        wid[i] = wid[c]
        i = c
    if W > 0:
        wkey[i] = key
        wid[i] = j
    return top, W


@njit(cache=True)
def _key(policy, j, n, K1, lt, o, u, a):
    if policy == 3:
        return a[j] * n + j
    return _assumed(policy, j, o, u, lt) * K1 + a[j] * n + j


@njit(cache=True)
def _assumed(policy, j, o, u, lt):
    """e_j: H-SF plans with o_j, A_max with u_j, A_min with its pseudo lower bound."""
    if policy == 0:
        return o[j]
    if policy == 1:
        return u[j]
    return lt[j]


@njit(cache=True)
def _evict_before(policy, eviction, x, y, k, lt, start):
    """True if running job x is evicted before running job y."""
    if policy == 3:  # most recently started first, ties larger j first
        if start[x] != start[y]:
            return start[x] > start[y]
        return x > y
    if eviction == 0:  # least progress, ties larger j
        if k[x] != k[y]:
            return k[x] < k[y]
        return x > y
    if eviction == 1:  # most progress, ties larger j
        if k[x] != k[y]:
            return k[x] > k[y]
        return x > y
    if lt[x] != lt[y]:  # largest lower bound, then least progress, then larger j
        return lt[x] > lt[y]
    if k[x] != k[y]:
        return k[x] < k[y]
    return x > y


@njit(cache=True)
def _simulate(policy, admission, eviction, M, s, o, l, u, a, limit):
    n = s.shape[0]
    max_a = 0
    for j in range(n):
        if a[j] > max_a:
            max_a = a[j]
    K1 = (max_a + 1) * n
    status = np.zeros(n, np.int64)  # 0 not arrived / waiting, 1 running, 2 done
    k = np.zeros(n, np.int64)
    start = np.zeros(n, np.int64)
    lt = l.copy()
    completion = np.zeros(n, np.int64)
    arrival_order = np.argsort(a, kind="mergesort")
    next_arrival = 0
    wkey = np.zeros(n + 1, np.int64)
    wid = np.zeros(n + 1, np.int64)
    W = 0
    run = np.zeros(n, np.int64)
    R = 0
    # admission scratch: items (tau, c) and points (tau, load)
    it_tau = np.zeros(n, np.int64)
    it_c = np.zeros(n, np.int64)
    pt_tau = np.zeros(n, np.int64)
    pt_load = np.zeros(n, np.int64)
    failed = np.zeros(n, np.int64)
    min_s = s.min()
    evictions = 0
    wasted = 0
    peak = 0
    done = 0
    t = 0
    while done < n:
        if t >= limit:
            return completion, evictions, peak, wasted, n - done
        while next_arrival < n and a[arrival_order[next_arrival]] <= t:
            j = arrival_order[next_arrival]
            W = _push(wkey, wid, W, _key(policy, j, n, K1, lt, o, u, a), j)
            next_arrival += 1

        # ---- jump: nothing waits, so nothing changes before the next event ----
        if W == 0:
            T = limit
            if next_arrival < n:
                T = min(T, a[arrival_order[next_arrival]])
            base = 0
            for i in range(R):
                j = run[i]
                T = min(T, start[j] + o[j])
                base += s[j] - start[j] + 1
            if R > 0 and (policy == 2 or policy == 3):
                # memory at the start of round r is base + r*R; the first r with base + r*R > M overflows
                r_over = (M - base) // R + 1
                T = min(T, max(r_over, t))
            if R == 0 and T > t:
                t = T
                continue
            if T > t + 1:
                steps = T - 1 - t
                for i in range(R):
                    k[run[i]] += steps
                t = T - 1

        # ---- policy decision: evictions ----
        used = 0
        for i in range(R):
            j = run[i]
            if policy == 2 and k[j] + 1 > lt[j]:
                lt[j] = k[j] + 1
            used += s[j] + k[j] + 1
        if used > M and (policy == 2 or policy == 3):
            # order running jobs by eviction priority (insertion sort: R is small, evictions are rare)
            for i in range(1, R):
                x = run[i]
                m = i - 1
                while m >= 0 and _evict_before(policy, eviction, x, run[m], k, lt, start):
                    run[m + 1] = run[m]
                    m -= 1
                run[m + 1] = x
            first = 0
            while used > M:
                j = run[first]
                first += 1
                used -= s[j] + k[j] + 1
                evictions += 1
                wasted += k[j]
                k[j] = 0
                status[j] = 0
                W = _push(wkey, wid, W, _key(policy, j, n, K1, lt, o, u, a), j)
            for i in range(first, R):
                run[i - first] = run[i]
            R -= first

        # ---- admission ----
        if W > 0:
            if policy == 3:
                while W > 0:
                    j = wid[0]
                    if used + s[j] + 1 > M:
                        break
                    j, W = _pop(wkey, wid, W)
                    used += s[j] + 1
                    status[j] = 1
                    k[j] = 0
                    start[j] = t
                    run[R] = j
                    R += 1
            else:
                P = 0
                for i in range(R):
                    j = run[i]
                    it_tau[i] = _assumed(policy, j, o, u, lt) - k[j] - 1
                    it_c[i] = s[j] + k[j] + 1
                ni = R
                if R > 0:
                    order = np.argsort(it_tau[:R])
                    suffix = 0
                    m = R - 1
                    while m >= 0:
                        # group of equal tau: every item with tau >= this tau is at positions >= group start
                        g = m
                        while g > 0 and it_tau[order[g - 1]] == it_tau[order[m]]:
                            g -= 1
                        for q in range(g, m + 1):
                            suffix += it_c[order[q]]
                        tau = it_tau[order[m]]
                        pt_tau[P] = tau
                        pt_load[P] = suffix + tau * (R - g)
                        P += 1
                        m = g - 1
                min_failed_s = -1
                nf = 0
                while W > 0:
                    if min_failed_s >= 0 and min_failed_s <= min_s:
                        break  # every remaining candidate is dominated by a failed one
                    j, W = _pop(wkey, wid, W)
                    sc = s[j]
                    tc = _assumed(policy, j, o, u, lt) - 1
                    ok = not (min_failed_s >= 0 and sc >= min_failed_s)
                    if ok:
                        own = sc + 1 + tc
                        for i in range(ni):
                            if it_tau[i] >= tc:
                                own += it_c[i] + tc
                        if own > M:
                            ok = False
                        else:
                            for i in range(P):
                                if pt_tau[i] <= tc and pt_load[i] + sc + pt_tau[i] + 1 > M:
                                    ok = False
                                    break
                    if ok:
                        for i in range(P):
                            if pt_tau[i] <= tc:
                                pt_load[i] += sc + pt_tau[i] + 1
                        pt_tau[P] = tc
                        pt_load[P] = own
                        P += 1
                        it_tau[ni] = tc
                        it_c[ni] = sc + 1
                        ni += 1
                        status[j] = 1
                        k[j] = 0
                        start[j] = t
                        run[R] = j
                        R += 1
                        used += sc + 1
                    else:
                        failed[nf] = j
                        nf += 1
                        if admission == 0:
                            break
                        if min_failed_s < 0 or sc < min_failed_s:
                            min_failed_s = sc
                for q in range(nf):
                    j = failed[q]
                    W = _push(wkey, wid, W, _key(policy, j, n, K1, lt, o, u, a), j)

        # ---- execute the round ----
        if used > peak:
            peak = used
        i = 0
        while i < R:
            j = run[i]
            k[j] += 1
            if k[j] == o[j]:
                status[j] = 2
                completion[j] = t + 1
                done += 1
                R -= 1
                run[i] = run[R]
            else:
                i += 1
        t += 1
    return completion, evictions, peak, wasted, 0


@njit(cache=True)
def _tel_many(policy, admission, eviction, M, s, outputs, l, u, a, limit):
    m = outputs.shape[0]
    tels = np.zeros(m, np.int64)
    for r in range(m):
        completion, ev, pk, ws, status = _simulate(policy, admission, eviction, M, s, outputs[r], l, u, a, limit)
        if status != 0:
            return tels, status
        tot = 0
        for j in range(s.shape[0]):
            tot += completion[j] - a[j]
        tels[r] = tot
    return tels, 0
