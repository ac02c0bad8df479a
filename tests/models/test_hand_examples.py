"""Instances worked out by hand from MODEL.md. Each derivation is written round by round: the batch, the
memory Σ (s_j + k_j + 1), evictions and completions. The engine must reproduce every integer."""

from models.engine_reference import simulate
from models.instance import Instance, Request as R
from models.schedulers import make_scheduler


def run(inst, policy, **options):
    return simulate(inst, make_scheduler(policy, inst, **options))


def test_amin_evicts_least_progress_and_restarts_in_the_same_round():
    # M=8; three jobs s=1, [l,u]=[1,4], o=(4,4,1).
    # t=0: l~=1 for all; each holds 1+0+1=2 at τ=0 -> {0,1,2} feasible (6). Batch {0,1,2}, mem 6. Job 2 done, C2=1.
    # t=1: k=1 -> l~0=l~1=2. Running mem 3+3=6 <= 8. mem 6.
    # t=2: k=2 -> l~=3. mem 4+4=8 <= 8.
    # t=3: k=3 -> l~=4. mem 5+5=10 > 8: evict least progress, tie -> larger j: job 1 (3 tokens wasted).
    #      Admission of job 1 (l~=4) beside job 0 (k=3, e=4): τ=0: 5+2=7; τ=3: 1+3+1=5 -> feasible, restarts.
    #      mem 5+2=7. Job 0 done, C0=4.  Job 1 runs t=3..6 (mem 2, then 3, 4, 5) -> C1=7.
    # TEL = 4+7+1 = 12, 1 eviction, peak 8, wasted 3.
    inst = Instance(8, (R(1, 4, 1, 4), R(1, 4, 1, 4), R(1, 1, 1, 4)))
    tr = run(inst, "amin")
    assert tr.completion == (4, 7, 1)
    assert (tr.tel, tr.evictions, tr.peak_memory, tr.wasted_tokens) == (12, 1, 8, 3)
    assert [r.memory for r in tr.rounds] == [6, 6, 8, 7, 3, 4, 5]
    assert tr.rounds[3].evicted == (1,) and tr.rounds[3].started == (1,)


def test_arrivals_amax_waits_while_amin_packs():
    # M=6; job 0: s=1, o=2, [1,3], a=0; job 1: s=1, o=1, [1,3], a=1.
    # A_max (e=u=3): t=0 only job 0 arrived; alone peaks at 1+3=4 -> admitted, mem 2.
    #   t=1: job 0 (k=1, e=3) + job 1 (e=3): τ=1: (1+1+1+1)+(1+0+1+1) = 4+3 = 7 > 6 -> not admitted.
    #        mem 3; job 0 done, C0=2.  t=2: job 1 alone, mem 2, done C1=3.  TEL = 2 + (3-1) = 4.
    # A_min: t=1: l~0 = max(1, 2) = 2, so job 0 ends at τ=0: 3 + job 1's 2 = 5 <= 6 -> admitted.
    #        mem 5; both done at the end of t=1: C=(2,2).  TEL = 2 + 1 = 3.
    inst = Instance(6, (R(1, 2, 1, 3, 0), R(1, 1, 1, 3, 1)))
    amax, amin = run(inst, "amax"), run(inst, "amin")
    assert (amax.completion, amax.tel, amax.peak_memory) == ((2, 3), 4, 3)
    assert [r.batch for r in amax.rounds] == [(0,), (0,), (1,)]
    assert (amin.completion, amin.tel, amin.peak_memory) == ((2, 2), 3, 5)


def test_admission_stop_versus_skip():
    # M=7, A_max (e=u). job 0: s=0, o=u=2; job 1: s=4, o=l=u=3; job 2: s=0, o=u=4, l=1. Priority by u: 0, 1, 2.
    # stop, t=0: {0} peaks 2. {0,1}: τ=1: 2 + (4+1+1)=8 > 7 -> stop; job 2 is not tried. mem 1.
    #   t=1: job 0 (k=1,e=2) + job 1: τ=0: 2+5=7; τ=2: 7 -> admit 1. + job 2: τ=0: 2+5+1=8 -> stop. mem 7. C0=2.
    #   t=2: job 1 (k=1) + job 2: τ=1: 7+2 = 9 > 7. mem 6.  t=3: τ=0: 7+1 = 8 > 7. mem 7. C1=4.
    #   t=4..7: job 2 alone, C2=8.  TEL = 2+4+8 = 14.
    # skip, t=0: {0} ok, {0,1} infeasible -> skip, {0,2}: τ=1: 2+2=4, τ=3: 4 -> admit 2. mem 2.
    #   t=1: {0,2} + job 1: τ=0: 2+2+5=9 > 7. mem 4. C0=2.  t=2: job 2 (k=2) + 1: τ=1: 4+6=10 > 7. mem 3.
    #   t=3: τ=0: 4+5=9 > 7. mem 4. C2=4.  t=4..6: job 1 alone (5, 6, 7), C1=7.  TEL = 2+7+4 = 13.
    inst = Instance(7, (R(0, 2, 1, 2), R(4, 3, 3, 3), R(0, 4, 1, 4)))
    stop, skip = run(inst, "amax", admission="stop"), run(inst, "amax", admission="skip")
    assert (stop.completion, stop.tel) == ((2, 4, 8), 14)
    assert [r.memory for r in stop.rounds] == [1, 7, 6, 7, 1, 2, 3, 4]
    assert (skip.completion, skip.tel) == ((2, 7, 4), 13)
    assert [r.memory for r in skip.rounds] == [2, 4, 3, 4, 5, 6, 7]
    assert stop.evictions == skip.evictions == 0


def test_fcfs_recompute_evicts_most_recently_started():
    # M=5; s=1, [1,3] for all; o=(3,2,1); all arrive at 0.
    # t=0: admit in (a,j) order with s+1=2 each: 0 -> 2, 1 -> 4, 2 -> 6 > 5 stop. Batch {0,1}, mem 4.
    # t=1: running mem 3+3=6 > 5: both started at 0, tie -> larger j: evict 1 (1 wasted). used 3.
    #      admit: 1 -> 3+2=5 ok (restart); 2 -> 7 stop. mem 5. Job 0 has 2 tokens, job 1 has 1.
    # t=2: running 4+3=7 > 5: evict job 1 (started at 1, most recent; 1 wasted). used 4. admit 1: 6 > 5 stop.
    #      mem 4. Job 0 done, C0=3.
    # t=3: admit 1 (2), 2 (4). mem 4. Job 2 done, C2=4.  t=4: job 1 mem 3, done C1=5.
    # TEL = 3+5+4 = 12, evictions 2, wasted 2, peak 5.
    inst = Instance(5, (R(1, 3, 1, 3), R(1, 2, 1, 3), R(1, 1, 1, 3)))
    tr = run(inst, "fcfs-recompute")
    assert tr.completion == (3, 5, 4)
    assert (tr.tel, tr.evictions, tr.wasted_tokens, tr.peak_memory) == (12, 2, 2, 5)
    assert [r.evicted for r in tr.rounds] == [(), (1,), (1,), (), ()]


def test_amin_eviction_orders_differ():
    # M=6; s=0, [1,4], o=4 for both; job 0 arrives at 0, job 1 at 1.
    # t=0: job 0 alone, mem 1.  t=1: l~0=2; job 1 (l~=1): τ=0: 2+1=3 -> admitted. mem 3.
    # t=2: l~0=3, l~1=2. mem 3+2=5.  t=3: l~0=4, l~1=3; mem 4+3=7 > 6 -> evict one.
    # least-progress: evict job 1 (k=2; 2 wasted). Re-admit job 1 (l~=3) beside job 0 (k=3, e=4):
    #   τ=0: 4+1=5, τ=2: 3 -> ok. mem 5. C0=4. Job 1 restarted at 3 runs 4 rounds: C1=7. TEL = 4+6 = 10.
    # most-progress: evict job 0 (k=3; 3 wasted). Re-admit job 0 (l~=4) beside job 1 (k=2, e=3):
    #   τ=0: 3+1=4, τ=3: 4 -> ok. mem 4.  t=4: l~1=4; mem 4+2=6; C1=5.  Job 0 restarted at 3: C0=7.
    #   TEL = 7 + 4 = 11.
    inst = Instance(6, (R(0, 4, 1, 4, 0), R(0, 4, 1, 4, 1)))
    lp = run(inst, "amin", eviction="least-progress")
    mp = run(inst, "amin", eviction="most-progress")
    assert (lp.completion, lp.tel, lp.wasted_tokens) == ((4, 7), 10, 2)
    assert (mp.completion, mp.tel, mp.wasted_tokens) == ((7, 5), 11, 3)
    assert [r.memory for r in mp.rounds] == [1, 3, 5, 4, 6, 3, 4]


def test_hsf_plans_with_true_lengths():
    # M=6, s=0, [1,3]; o=(3,1,1). H-SF priority (o, a, j): 1, 2, 0.
    # t=0: {1} peaks 1; {1,2}: 2; {1,2,0}: τ=0: 1+1+1=3, τ=2: 3 -> all admitted. mem 3. C1=C2=1.
    # t=1: job 0 (k=1): mem 2. t=2: mem 3, C0=3.  TEL = 3+1+1 = 5.
    # A_max (e=u=3 for all, priority j): t=0: {0,1,2} at τ=2: 3+3+3 = 9 > 6; {0,1}: 6 ok -> admit 0,1; 2 stops.
    #   mem 2; C1=1.  t=1: job 0 (k=1,e=3) + job 2: τ=1: 3+2 = 5, τ=2: 3 -> ok. mem 3. C2=2. t=2: C0=3.
    #   TEL = 3+1+2 = 6.
    inst = Instance(6, (R(0, 3, 1, 3), R(0, 1, 1, 3), R(0, 1, 1, 3)))
    hsf, amax = run(inst, "hsf"), run(inst, "amax")
    assert (hsf.completion, hsf.tel, hsf.peak_memory) == ((3, 1, 1), 5, 3)
    assert (amax.completion, amax.tel) == ((3, 1, 2), 6)
