"""The fast engine: MODEL.md's built-in policies compiled with numba, identical to the reference engine.

It implements H-SF, A_max, A_min (every option), fcfs-recompute and the serving policies vllm-v1 and sglang
(every option; MODEL.md, "Serving policies") on flat integer arrays and returns the same integers as
:func:`models.engine_reference.simulate` (completions, evictions, preemptions, TEL, peak memory, wasted and
recomputed tokens); differential property tests hold it to that. The serving policies are stepped round by
round (idle stretches are jumped over); SGLang's ratio ``r`` is kept exactly as ``X/Y − m·δ`` in integers, and a
configuration whose products could leave int64 is refused with :class:`OverflowError` (use the reference
engine) rather than computed inexactly. What makes the MC-SF policies fast:

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

from dataclasses import dataclass, field

import numpy as np
from numba import njit

from fractions import Fraction

from models.engine_reference import default_round_limit
from models.instance import Instance
from models.schedulers import POLICIES, SERVING_POLICIES, OptionError, PolicySpec
from models.schedulers.interface import RoundLimitExceeded
from models.schedulers.sglang import ratio_constants
from models.trace import RunOutcome

_POLICY_CODE = {"hsf": 0, "amax": 1, "amin": 2, "fcfs-recompute": 3, "vllm-v1": 4, "sglang": 5}
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
    preemptions: int = 0
    recomputed_tokens: int = 0
    departures: tuple[int, ...] = ()


@dataclass(frozen=True)
class Configuration:
    """The fixed part of a run (instance fields, policy, options), set up once for many output vectors.

    ``serving``: the serving policies' integer parameters (:func:`_serving_parameters`), empty otherwise.
    ``rank``: vllm-v1 with ``priority``: each job's rank in ascending ``(priority_j, a_j, j)`` (MODEL.md, "Serving
    policies"); the kernel compares ranks, so priorities of any size stay exact. Zeros otherwise."""

    policy: str
    options: dict
    M: int
    s: np.ndarray
    l: np.ndarray  # noqa: E741
    u: np.ndarray
    a: np.ndarray
    codes: tuple[int, int, int]
    round_limit: int
    serving: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    rank: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    @classmethod
    def build(cls, instance: Instance, policy: str | PolicySpec, round_limit: int | None = None, /,
              **options) -> Configuration:
        """``policy``: a name (validated here with ``options``) or a :class:`PolicySpec` (validated already)."""
        spec = PolicySpec.parse(policy, options)
        if not spec.traits.fast_engine:
            raise OptionError(f"policy: the fast engine implements the built-in policies only "
                              f"({', '.join(POLICIES)}), got {spec.name!r}")
        policy, full = spec.name, spec.options
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
        serving = _serving_parameters(instance, policy, full) if policy in SERVING_POLICIES else arr([])
        rank = np.zeros(n, np.int64)
        for position, j in enumerate(sorted(range(n), key=lambda j: (reqs[j].priority, reqs[j].a, j))):
            rank[j] = position
        return cls(
            policy, full, instance.M,
            arr([r.s for r in reqs]), arr([r.l for r in reqs]), arr([r.u for r in reqs]), arr([r.a for r in reqs]),
            codes, default_round_limit(instance) if round_limit is None else round_limit, serving, rank,
        )

    def run(self, outputs) -> RunSummary:
        o = np.asarray(outputs, dtype=np.int64)
        if self.policy in SERVING_POLICIES:
            completion, preemptions, peak, recomputed, status, dep = _simulate_serving(
                self.codes[0], self.M, self.s, o, self.u, self.a, self.round_limit, self.serving, self.rank)
            evictions = wasted = 0
        else:
            completion, evictions, peak, wasted, recomputed, status, dep = _simulate(
                self.codes[0], self.codes[1], self.codes[2], self.M, self.s, o, self.l, self.u, self.a,
                self.round_limit
            )
            preemptions = 0
        if status != 0:
            raise RoundLimitExceeded(self.round_limit, int(status))
        return RunSummary(self.policy, tuple(int(x) for x in self.a), tuple(int(c) for c in completion),
                          int(evictions), int(peak), int(wasted), int(preemptions), int(recomputed),
                          tuple(int(d) for d in dep))

    def tel_many(self, outputs: np.ndarray) -> np.ndarray:
        """TEL for every row of ``outputs`` (shape ``(m, n)``), in one compiled loop."""
        return self.objectives_many(outputs)[:, 0].copy()

    def objectives_many(self, outputs: np.ndarray) -> np.ndarray:
        """For every row of ``outputs`` (shape ``(m, n)``), in one compiled loop: ``[TEL, the most departures
        from memory of any one job, recomputed tokens]`` (shape ``(m, 3)``; see :attr:`RunSummary.departures`)."""
        o = np.ascontiguousarray(outputs, dtype=np.int64)
        rows, status = _objectives_many(self.codes[0], self.codes[1], self.codes[2], self.M, self.s, o, self.l,
                                        self.u, self.a, self.round_limit, self.serving, self.rank)
        if status != 0:
            raise RoundLimitExceeded(self.round_limit, int(status))
        return rows


def _serving_parameters(instance: Instance, policy: str, options: dict) -> np.ndarray:
    """The serving kernel's integer parameters, from the scheduler's validated full options.

    vllm-v1: ``[max_num_seqs, ⌊watermark·M⌋, reprefill_rounds, priority (0 or 1)]``. sglang: ``[lof, max_running_requests, D,
    reprefill_rounds, p0, q0, pm, qm, pd, qd]`` with ``r₀ = p0/q0``, ``r_min = pm/qm``, ``δ = pd/qd`` reduced.
    Unbounded counts become ``n + 1``. Raises :class:`OverflowError` when SGLang's exact ratio arithmetic could
    leave int64 on this instance."""
    n, M = instance.n, instance.M
    if policy == "vllm-v1":
        cap = options["max_num_seqs"]
        w = Fraction(options["watermark"]) * M
        return np.asarray([n + 1 if cap is None else min(cap, n + 1), w.__floor__(), options["reprefill_rounds"],
                           1 if options["priority"] else 0], dtype=np.int64)
    r0, r_min, delta = ratio_constants(Fraction(options["schedule_conservativeness"]))
    cap = options["max_running_requests"]
    sum_u = sum(r.u for r in instance.requests)
    y_max = max(sum_u, r0.denominator, r_min.denominator)
    # the kernel's largest products: (M + Σu)·Y·qd (admission) and Y·qm·(qd + pd) (the floor test), Y <= y_max
    if 4 * y_max * delta.denominator * max(M + sum_u, r_min.denominator) >= 2**62:
        raise OverflowError("fast engine: sglang's exact ratio arithmetic would exceed int64 on this instance "
                            "(use engine='reference')")
    return np.asarray([1 if options["policy"] == "lof" else 0, n + 1 if cap is None else min(cap, n + 1),
                       options["retract_decode_steps"], options["reprefill_rounds"],
                       r0.numerator, r0.denominator, r_min.numerator, r_min.denominator,
                       delta.numerator, delta.denominator], dtype=np.int64)


def simulate_fast(instance: Instance, policy: str, /, *, round_limit: int | None = None,
                  **options) -> RunSummary:
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
    dep = np.zeros(n, np.int64)  # per job: departures from memory (evictions)
    evictions = 0
    wasted = 0
    recomputed = 0
    peak = 0
    done = 0
    t = 0
    while done < n:
        if t >= limit:
            return completion, evictions, peak, wasted, recomputed, n - done, dep
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
                dep[j] += 1
                wasted += k[j]
                recomputed += s[j] + k[j]
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
    return completion, evictions, peak, wasted, recomputed, 0, dep


@njit(cache=True)
def _objectives_many(policy, admission, eviction, M, s, outputs, l, u, a, limit, serving, rank):
    m = outputs.shape[0]
    rows = np.zeros((m, 3), np.int64)
    for r in range(m):
        if policy >= 4:
            completion, pr, pk, rc, status, dep = _simulate_serving(policy, M, s, outputs[r], u, a, limit, serving,
                                                                    rank)
        else:
            completion, ev, pk, ws, rc, status, dep = _simulate(policy, admission, eviction, M, s, outputs[r], l, u,
                                                                a, limit)
        if status != 0:
            return rows, status
        tot = 0
        for j in range(s.shape[0]):
            tot += completion[j] - a[j]
        rows[r, 0] = tot
        rows[r, 1] = dep.max()
        rows[r, 2] = rc
    return rows, 0


# ---------------------------------------------------------------------------------------------------------
# serving policies (MODEL.md, "Serving policies"): the rules of models/schedulers/vllm_v1.py and sglang.py
# ---------------------------------------------------------------------------------------------------------

@njit(cache=True)
def _remove_at(arr, size, i):
    """Remove ``arr[i]`` keeping the order of the rest; returns the new size."""
    for q in range(i, size - 1):
        arr[q] = arr[q + 1]
    return size - 1


@njit(cache=True)
def _insert_by_rank(Q, nq, v, rank):
    """Insert job v into Q (ascending rank, size nq) at its rank's place; returns the new size."""
    q = nq
    while q > 0 and rank[Q[q - 1]] > rank[v]:
        Q[q] = Q[q - 1]
        q -= 1
    Q[q] = v
    return nq + 1


@njit(cache=True)
def _simulate_serving(policy, M, s, o, u, a, limit, par, rank):
    """One run of vllm-v1 (policy 4) or sglang (policy 5): completions, preemptions (retractions), peak
    memory, recomputed tokens and the number of unfinished jobs at the round limit (0 if the run finished).

    R (running list, in order) and Q (waiting queue, in order) are arrays with explicit sizes; ``left[j]`` is
    the re-prefill rounds job j still spends in memory without a token; ``gen[j]`` marks this round's batch.
    vllm-v1 with ``priority`` keeps Q in ascending ``rank`` and preempts the job of R with the largest rank."""
    n = s.shape[0]
    completion = np.zeros(n, np.int64)
    k = np.zeros(n, np.int64)
    left = np.zeros(n, np.int64)
    gen = np.zeros(n, np.int64)
    R = np.zeros(n, np.int64)
    Q = np.zeros(n, np.int64)
    A = np.zeros(n, np.int64)
    cand = np.zeros(n, np.int64)
    nr = 0
    nq = 0
    arrival_order = np.argsort(a, kind="mergesort")  # stable: same-round arrivals in index order
    next_arrival = 0
    preemptions = 0
    dep = np.zeros(n, np.int64)  # per job: departures from memory (preemptions / retractions)
    recomputed = 0
    peak = 0
    done = 0
    t = 0
    max_seqs = wmark = lof = max_rr = D = p0 = pm = pd = prio = 0
    q0 = qm = qd = 1
    if policy == 4:
        max_seqs = par[0]
        wmark = par[1]
        reprefill = par[2]
        prio = par[3]
    else:
        lof = par[0]
        max_rr = par[1]
        D = par[2]
        reprefill = par[3]
        p0 = par[4]
        q0 = par[5]
        pm = par[6]
        qm = par[7]
        pd = par[8]
        qd = par[9]
    # SGLang's ratio r = X/Y - m*pd/qd, exactly (unused by vllm-v1)
    X = p0
    Y = q0
    m = 0
    while done < n:
        if t >= limit:
            return completion, preemptions, peak, recomputed, n - done, dep
        while next_arrival < n and a[arrival_order[next_arrival]] <= t:
            if prio == 1:
                nq = _insert_by_rank(Q, nq, arrival_order[next_arrival], rank)
            else:
                Q[nq] = arrival_order[next_arrival]
                nq += 1
            next_arrival += 1
        if nr == 0 and nq == 0:
            # idle round: nothing in memory, nothing waiting. SGLang resets r; jump to the next arrival
            if policy == 5:
                X = p0
                Y = q0
                m = 0
            t = min(a[arrival_order[next_arrival]], limit)  # > t: every arrival <= t is queued
            continue
        free = M
        for i in range(nr):
            free -= s[R[i]] + k[R[i]]
        reached = n + 1  # vllm-v1: R's jobs from this position on were not reached by the pass (no countdown)
        if policy == 4:
            # ---- vllm-v1 step 1: one slot per running job, preempting the tail of R to the front of Q ----
            preempted_any = False
            i = 0
            while i < nr:
                j = R[i]
                if left[j] > 0:
                    i += 1
                    continue
                stopped = False
                while free < 1:
                    if prio == 1:
                        # the largest (priority, a, j) of R, wherever it stands; one passed gives its slot back
                        at = 0
                        for q in range(1, nr):
                            if rank[R[q]] > rank[R[at]]:
                                at = q
                        v = R[at]
                        nr = _remove_at(R, nr, at)
                        if at < i:
                            i -= 1
                            if gen[v] == 1:
                                gen[v] = 0
                                free += 1
                        nq = _insert_by_rank(Q, nq, v, rank)
                    else:
                        nr -= 1
                        v = R[nr]
                        for q in range(nq, 0, -1):
                            Q[q] = Q[q - 1]
                        Q[0] = v
                        nq += 1
                    free += s[v] + k[v]
                    left[v] = 0
                    preemptions += 1
                    dep[v] += 1
                    recomputed += s[v] + k[v]
                    preempted_any = True
                    if v == j:
                        stopped = True
                        break
                if stopped:
                    reached = i
                    break
                gen[j] = 1
                free -= 1
                i += 1
            # ---- step 2: admit from Q's head, only if nothing was preempted ----
            if not preempted_any:
                while nq > 0 and nr < max_seqs:
                    h = Q[0]
                    rp = reprefill > 0 and k[h] > 0
                    need = s[h] + k[h] + (0 if rp else 1)
                    w = wmark if nr > 0 else 0
                    if need + w > free:
                        break
                    nq = _remove_at(Q, nq, 0)
                    R[nr] = h
                    nr += 1
                    free -= need
                    if rp:
                        left[h] = reprefill
                    else:
                        gen[h] = 1
        else:
            prefill = False
            if nq > 0 and nr < max_rr:
                # ---- sglang step 1: prefill attempt, rem = free - r * Σ_R (u - k) ----
                U = 0
                for i in range(nr):
                    U += u[R[i]] - k[R[i]]
                for i in range(nq):
                    cand[i] = Q[i]
                if lof == 1:
                    key = np.empty(nq, np.int64)
                    for i in range(nq):
                        key[i] = -u[Q[i]]
                    perm = np.argsort(key, kind="mergesort")
                    for i in range(nq):
                        cand[i] = Q[perm[i]]
                F = free
                rU = (X * qd - m * pd * Y) * U  # r * U * Y * qd
                na = 0
                for i in range(nq):
                    if nr + na == max_rr:
                        break
                    h = cand[i]
                    if (s[h] + u[h] - F) * Y * qd + rU > 0:  # s_h + u_h > rem
                        break
                    A[na] = h
                    na += 1
                    F -= s[h] + u[h]
                if na > 0:
                    prefill = True
                    for i in range(na):
                        h = A[i]
                        for q in range(nq):
                            if Q[q] == h:
                                nq = _remove_at(Q, nq, q)
                                break
                        if reprefill > 0 and k[h] > 0:
                            left[h] = reprefill
                            free -= s[h] + k[h]
                        else:
                            gen[h] = 1
                            free -= s[h] + k[h] + 1
                        R[nr] = h
                        nr += 1
            if not prefill:
                # ---- step 2: decode round, retracting to Q's back when short of memory ----
                if nr > 0 and free < nr:
                    while True:
                        best = 0
                        for i in range(1, nr):
                            x = R[i]
                            y = R[best]
                            if k[x] < k[y] or (k[x] == k[y] and (s[x] > s[y] or (s[x] == s[y] and x > y))):
                                best = i
                        v = R[best]
                        nr = _remove_at(R, nr, best)
                        Q[nq] = v
                        nq += 1
                        left[v] = 0
                        preemptions += 1
                        dep[v] += 1
                        recomputed += s[v] + k[v]
                        free += s[v] + k[v]
                        if free >= D * nr or nr == 1:
                            break
                    sk = 0
                    su = 0
                    for i in range(nr):
                        sk += k[R[i]]
                        su += u[R[i]]
                    X = sk + D * nr
                    Y = su
                    if X >= Y:
                        X = 1
                        Y = 1
                    m = 0
                else:
                    # r - δ < r_min ?  X/Y - (m+1) pd/qd < pm/qm
                    if X * qd * qm - (m + 1) * pd * Y * qm < pm * Y * qd:
                        X = pm
                        Y = qm
                        m = 0
                    else:
                        m += 1
                if nr == 0:
                    X = p0
                    Y = q0
                    m = 0
                for i in range(nr):
                    j = R[i]
                    if left[j] == 0:
                        gen[j] = 1
                        free -= 1
        # ---- execute the round: memory, tokens, re-prefill countdowns, completions ----
        if M - free > peak:
            peak = M - free
        w_i = 0
        for i in range(nr):
            j = R[i]
            if gen[j] == 1:
                gen[j] = 0
                k[j] += 1
                if k[j] == o[j]:
                    completion[j] = t + 1
                    done += 1
                    continue
            elif left[j] > 0 and i < reached:
                left[j] -= 1
            R[w_i] = j
            w_i += 1
        nr = w_i
        t += 1
    return completion, preemptions, peak, recomputed, 0, dep
