"""The fast engine's compiled kernel (numba): MODEL.md's built-in policies on flat int64 arrays.

:mod:`models.engine_fast` is its Python side (it validates the policy, lays out the arrays and the integer
parameters, and turns the kernel's tuples into :class:`~models.engine_fast.RunSummary` values); this module holds
only the compiled loops and the named integer codes they share with it:

- policy codes (:class:`PolicyCode`, and each also a module constant that numba folds into the compiled code):
  :data:`HSF`, :data:`AMAX`, :data:`AMIN`, :data:`FCFS_RECOMPUTE`, :data:`VLLM_V1`, :data:`SGLANG`;
- MC-SF greedy admission (MODEL.md, "Greedy admission"): :data:`STOP`, :data:`SKIP`;
- A_min's eviction order: :data:`LEAST_PROGRESS`, :data:`MOST_PROGRESS`, :data:`LARGEST_LOWER_BOUND`;
- the layout of the serving policies' parameter vector: the ``VLLM_*`` and ``SGLANG_*`` indices.

What makes the MC-SF policies fast (:func:`simulate_mcsf`):

- **jumps**: when no job waits, nothing changes until the next arrival, completion or (for A_min and
  fcfs-recompute) overflow. Memory grows linearly in between, ``Σ (s_j - start_j + 1) + t·R``, so the next
  overflow round is computed, not stepped to;
- **admission in O(R) per candidate**: the MC-SF load at each offset τ of the running set is computed once per
  round from the τ-sorted suffix sums, and a candidate updates it in place;
- **skip admission without rescans**: candidates come in ascending ``e``, so once one with prompt ``s_f`` fails,
  every later one with ``s >= s_f`` fails too (its memory ramp dominates), and is passed over in O(1);
- the waiting queue is a binary heap of integer keys encoding the policy's priority tuple.

The serving policies (:func:`simulate_serving`) are stepped round by round (idle stretches are jumped over);
SGLang's ratio ``r`` is kept exactly as ``X/Y − m·δ`` in integers (the caller refuses a configuration whose
products could leave int64).
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from numba import njit


class PolicyCode(IntEnum):
    """The kernel's integer for each built-in policy (MODEL.md's names in :data:`POLICY_CODES`)."""

    HSF = 0
    AMAX = 1
    AMIN = 2
    FCFS_RECOMPUTE = 3
    VLLM_V1 = 4
    SGLANG = 5


# plain ints for the compiled code: numba reads module globals as compile-time constants
HSF = int(PolicyCode.HSF)
AMAX = int(PolicyCode.AMAX)
AMIN = int(PolicyCode.AMIN)
FCFS_RECOMPUTE = int(PolicyCode.FCFS_RECOMPUTE)
VLLM_V1 = int(PolicyCode.VLLM_V1)
SGLANG = int(PolicyCode.SGLANG)

POLICY_CODES: dict[str, int] = {"hsf": HSF, "amax": AMAX, "amin": AMIN, "fcfs-recompute": FCFS_RECOMPUTE,
                                "vllm-v1": VLLM_V1, "sglang": SGLANG}
"""MODEL.md's policy names to the kernel's codes."""

STOP = 0
SKIP = 1
ADMISSION_CODES: dict[str, int] = {"stop": STOP, "skip": SKIP}

LEAST_PROGRESS = 0
MOST_PROGRESS = 1
LARGEST_LOWER_BOUND = 2
EVICTION_CODES: dict[str, int] = {"least-progress": LEAST_PROGRESS, "most-progress": MOST_PROGRESS,
                                  "largest-lower-bound": LARGEST_LOWER_BOUND}

# vllm-v1's parameter vector: max_num_seqs (n + 1 when unbounded), ⌊watermark·M⌋, reprefill_rounds, priority (0/1)
VLLM_MAX_NUM_SEQS, VLLM_WATERMARK_TOKENS, VLLM_REPREFILL_ROUNDS, VLLM_PRIORITY = 0, 1, 2, 3
VLLM_PARAMETERS = 4
# sglang's: lof (0/1), max_running_requests (n + 1 when unbounded), retract_decode_steps, reprefill_rounds, and the
# reduced fractions r0 = R0_NUM/R0_DEN, r_min = RMIN_NUM/RMIN_DEN, delta = DELTA_NUM/DELTA_DEN
(SGLANG_LOF, SGLANG_MAX_RUNNING, SGLANG_RETRACT_DECODE_STEPS, SGLANG_REPREFILL_ROUNDS, SGLANG_R0_NUM, SGLANG_R0_DEN,
 SGLANG_RMIN_NUM, SGLANG_RMIN_DEN, SGLANG_DELTA_NUM, SGLANG_DELTA_DEN) = range(10)
SGLANG_PARAMETERS = 10


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
    """The waiting heap's key of job j: ``(e_j, a_j, j)`` packed in one integer (fcfs-recompute: ``(a_j, j)``)."""
    if policy == FCFS_RECOMPUTE:
        return a[j] * n + j
    return _assumed(policy, j, o, u, lt) * K1 + a[j] * n + j


@njit(cache=True)
def _assumed(policy, j, o, u, lt):
    """e_j: H-SF plans with o_j, A_max with u_j, A_min with its pseudo lower bound."""
    if policy == HSF:
        return o[j]
    if policy == AMAX:
        return u[j]
    return lt[j]


@njit(cache=True)
def _evict_before(policy, eviction, x, y, k, lt, start):
    """True if running job x is evicted before running job y."""
    if policy == FCFS_RECOMPUTE:  # most recently started first, ties larger j first
        if start[x] != start[y]:
            return start[x] > start[y]
        return x > y
    if eviction == LEAST_PROGRESS:  # ties larger j
        if k[x] != k[y]:
            return k[x] < k[y]
        return x > y
    if eviction == MOST_PROGRESS:  # ties larger j
        if k[x] != k[y]:
            return k[x] > k[y]
        return x > y
    if lt[x] != lt[y]:  # LARGEST_LOWER_BOUND: then least progress, then larger j
        return lt[x] > lt[y]
    if k[x] != k[y]:
        return k[x] < k[y]
    return x > y


@njit(cache=True)
def simulate_mcsf(policy: int, admission: int, eviction: int, M: int, s: np.ndarray, o: np.ndarray, l: np.ndarray,
                  u: np.ndarray, a: np.ndarray, limit: int) -> tuple:
    """One run of an MC-SF policy or fcfs-recompute (MODEL.md, "The paper's schedulers").

    Parameters
    ----------
    policy : int
        :data:`HSF`, :data:`AMAX`, :data:`AMIN` or :data:`FCFS_RECOMPUTE`.
    admission : int
        :data:`STOP` or :data:`SKIP` (MODEL.md, "Greedy admission"; fcfs-recompute stops).
    eviction : int
        A_min's order: :data:`LEAST_PROGRESS`, :data:`MOST_PROGRESS` or :data:`LARGEST_LOWER_BOUND`.
    M : int
        The capacity.
    s, o, l, u, a : numpy.ndarray
        int64 per job: prompt, true output length (read only to find completions and by H-SF), interval, arrival.
    limit : int
        The round limit.

    Returns
    -------
    tuple
        ``(completion, evictions, peak, wasted, recomputed, unfinished, departures)``: ``unfinished`` is the
        number of jobs not done at the round limit (0 when the run finished); ``completion`` and
        ``departures`` are int64 arrays per job.
    """
    n = s.shape[0]
    max_a = 0
    for j in range(n):
        if a[j] > max_a:
            max_a = a[j]
    K1 = (max_a + 1) * n
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
            if R > 0 and (policy == AMIN or policy == FCFS_RECOMPUTE):
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
            if policy == AMIN and k[j] + 1 > lt[j]:
                lt[j] = k[j] + 1
            used += s[j] + k[j] + 1
        if used > M and (policy == AMIN or policy == FCFS_RECOMPUTE):
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
                W = _push(wkey, wid, W, _key(policy, j, n, K1, lt, o, u, a), j)
            for i in range(first, R):
                run[i - first] = run[i]
            R -= first

        # ---- admission ----
        if W > 0:
            if policy == FCFS_RECOMPUTE:
                while W > 0:
                    j = wid[0]
                    if used + s[j] + 1 > M:
                        break
                    j, W = _pop(wkey, wid, W)
                    used += s[j] + 1
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
                        k[j] = 0
                        start[j] = t
                        run[R] = j
                        R += 1
                        used += sc + 1
                    else:
                        failed[nf] = j
                        nf += 1
                        if admission == STOP:
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
                completion[j] = t + 1
                done += 1
                R -= 1
                run[i] = run[R]
            else:
                i += 1
        t += 1
    return completion, evictions, peak, wasted, recomputed, 0, dep


@njit(cache=True)
def objectives_many(policy: int, admission: int, eviction: int, M: int, s: np.ndarray, outputs: np.ndarray,
                    l: np.ndarray, u: np.ndarray, a: np.ndarray, limit: int, serving: np.ndarray,
                    rank: np.ndarray) -> tuple:
    """Many runs of one configuration, one per row of ``outputs`` (shape ``(m, n)``), in one compiled loop.

    Parameters
    ----------
    policy, admission, eviction, M, s, l, u, a, limit
        As for :func:`simulate_mcsf` (``policy`` may also be :data:`VLLM_V1` or :data:`SGLANG`).
    outputs : numpy.ndarray
        int64, one true-length vector per row.
    serving, rank : numpy.ndarray
        As for :func:`simulate_serving` (ignored by the MC-SF policies).

    Returns
    -------
    tuple
        ``(rows, unfinished)``: ``rows[r] = [TEL, the most departures of one job, recomputed tokens]``; at the
        first run that does not finish, ``unfinished`` is its number of unfinished jobs (else 0).
    """
    m = outputs.shape[0]
    rows = np.zeros((m, 3), np.int64)
    for r in range(m):
        if policy == VLLM_V1 or policy == SGLANG:
            completion, _, _, rc, status, dep = simulate_serving(policy, M, s, outputs[r], u, a, limit, serving, rank)
        else:
            completion, _, _, _, rc, status, dep = simulate_mcsf(policy, admission, eviction, M, s, outputs[r], l, u,
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
def simulate_serving(policy: int, M: int, s: np.ndarray, o: np.ndarray, u: np.ndarray, a: np.ndarray, limit: int,
                     par: np.ndarray, rank: np.ndarray) -> tuple:
    """One run of vllm-v1 or sglang (MODEL.md, "Serving policies"), stepped round by round.

    R (running list, in order) and Q (waiting queue, in order) are arrays with explicit sizes; ``left[j]`` is
    the re-prefill rounds job j still spends in memory without a token; ``gen[j]`` marks this round's batch.
    vllm-v1 with ``priority`` keeps Q in ascending ``rank`` and preempts the job of R with the largest rank.

    Parameters
    ----------
    policy : int
        :data:`VLLM_V1` or :data:`SGLANG`.
    M : int
        The capacity.
    s, o, u, a : numpy.ndarray
        int64 per job: prompt, true output length (read only to find completions), ``u`` (SGLang's
        ``max_new_tokens``), arrival.
    limit : int
        The round limit.
    par : numpy.ndarray
        The policy's integer parameters, laid out by the ``VLLM_*`` or ``SGLANG_*`` indices of this module.
    rank : numpy.ndarray
        vllm-v1 with priority: each job's rank in ascending ``(priority_j, a_j, j)``.

    Returns
    -------
    tuple
        ``(completion, preemptions, peak, recomputed, unfinished, departures)`` (``preemptions`` counts sglang's
        retractions; ``unfinished`` is 0 when the run finished).
    """
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
    if policy == VLLM_V1:
        max_seqs = par[VLLM_MAX_NUM_SEQS]
        wmark = par[VLLM_WATERMARK_TOKENS]
        reprefill = par[VLLM_REPREFILL_ROUNDS]
        prio = par[VLLM_PRIORITY]
    else:
        lof = par[SGLANG_LOF]
        max_rr = par[SGLANG_MAX_RUNNING]
        D = par[SGLANG_RETRACT_DECODE_STEPS]
        reprefill = par[SGLANG_REPREFILL_ROUNDS]
        p0 = par[SGLANG_R0_NUM]
        q0 = par[SGLANG_R0_DEN]
        pm = par[SGLANG_RMIN_NUM]
        qm = par[SGLANG_RMIN_DEN]
        pd = par[SGLANG_DELTA_NUM]
        qd = par[SGLANG_DELTA_DEN]
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
            if policy == SGLANG:
                X = p0
                Y = q0
                m = 0
            t = min(a[arrival_order[next_arrival]], limit)  # > t: every arrival <= t is queued
            continue
        free = M
        for i in range(nr):
            free -= s[R[i]] + k[R[i]]
        reached = n + 1  # vllm-v1: R's jobs from this position on were not reached by the pass (no countdown)
        if policy == VLLM_V1:
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
