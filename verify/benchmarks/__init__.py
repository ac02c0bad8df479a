"""Performance benchmarks, one module per benchmark, run by hand through ``kvsched bench <what>`` (never timed
inside tests). This package sits at the top of the layer stack, under the command line only: no library module
imports it.

``opt``: for each OPT solver, the largest n solved to proven optimality within a time limit on a fixed family
(one interval [4, 16], all arrivals 0, s = 1, o drawn uniformly in [4, 16] from a seed derived from n, M = 48).
Each solver climbs n = 2, 3, … and stops after two consecutive failures.

``search``: every search strategy on A_min at several α and n, one budget each: best ratio, time to it, proof.

``agreement``: Z3's proven maximum against exhaustive enumeration at every point of the search grid
(:mod:`verify.campaign.agreement`; ``--results FILE`` keeps each point's result, ``--workers N`` runs points in parallel).

``z3-tactics``: the search's Z3 pipeline with and without ``elim-term-ite`` on fixed search queries.

``parent-scaling`` / ``parent-table``: the parent paper's family (issue #25): the largest n each OPT solver
proves within each limit, and H-SF / A_min / A_max / fcfs-recompute against OPT over fixed-seed trials
(``parent-table`` runs its trials like a campaign: ``--db FILE`` keeps each trial's result and resumes,
``--workers N`` or ``--scheduler ADDRESS`` runs them on Dask).

``serving-grid``: every instance of a small exhaustive grid against exact OPT for vllm-v1, sglang,
fcfs-recompute and A_min: worst and least ratio, worst preemption count of one job, most recomputed tokens,
each with a certified witness file (:mod:`verify.search.serving_grid`).

``engine``: the reference and fast engines, side by side in one run, for each policy given (``--policies``,
default A_min, vllm-v1 and sglang): (a) the paper-like workload of
:mod:`verify.workload` at several n, (b) tiny search instances as simulations per second.
"""
