"""An independent checker of finished traces: every MODEL.md rule re-derived from the records alone.

It does not trust the engine: it replays the per-round records (evicted, preempted, started, batch, held,
completed) with its own progress counters and checks the memory constraint, arrivals, completions at ``o_j`` tokens, no job after
completion, token accounting and TEL. The property suites and the mutation check use it, so a bug in the
engine itself is caught, not only a bug in a scheduler.
"""

from __future__ import annotations

from models.errors import ModelViolation
from models.instance import Instance


class TraceViolation(ModelViolation, AssertionError):
    """A finished trace breaks a rule of MODEL.md; the message names the round, the job and the rule."""


def check_trace(instance: Instance, trace) -> None:
    """Check a finished trace against every rule of MODEL.md, from its round records alone (module docstring).

    Parameters
    ----------
    instance : Instance
        The instance the trace is of.
    trace : Trace
        A finished run's trace (of any implementation: only its fields are read).

    Raises
    ------
    TraceViolation
        Naming the round, the job and the rule the trace breaks: memory over ``M`` (MODEL.md, "Rounds and
        memory"), a start before arrival, a job past ``u_j`` or completing at other than its ``o_j``-th token, a
        running job left out of memory, a job never completed, or completion times, token counts, evictions,
        preemptions, recomputed tokens or TEL that disagree with the records.
    """
    reqs = instance.requests
    k = [0] * instance.n
    running: set[int] = set()
    done: dict[int, int] = {}
    wasted = tokens = evictions = preemptions = recomputed = 0
    for rec in trace.rounds:
        t = rec.t

        def fail(rule: str, j: int | None = None) -> None:
            raise TraceViolation(f"round {t}" + (f", job {j}" if j is not None else "") + f": {rule}")

        for j in rec.evicted:
            if j not in running:
                fail("evicted job was not running", j)
            running.discard(j)
            wasted += k[j]
            recomputed += reqs[j].s + k[j]
            k[j] = 0
            evictions += 1
        for j in rec.preempted:  # leaves memory, keeps its progress (MODEL.md, "Serving policies")
            if j not in running:
                fail("preempted job was not running", j)
            running.discard(j)
            recomputed += reqs[j].s + k[j]
            preemptions += 1
        in_memory = set(rec.batch) | set(rec.held)
        if set(rec.batch) & set(rec.held):
            fail("job both in the batch and held", min(set(rec.batch) & set(rec.held)))
        if running - in_memory:
            fail("running job left out of the batch without being evicted or preempted", min(running - in_memory))
        for j in rec.started:
            if j in running or j in done:
                fail("started job was running or completed", j)
            if reqs[j].a > t:
                fail(f"job started before its arrival a={reqs[j].a}", j)
            running.add(j)
        if in_memory != running:
            fail("batch and held jobs are not the running jobs plus the started ones")
        memory = sum(reqs[j].s + k[j] + 1 for j in rec.batch) + sum(reqs[j].s + k[j] for j in rec.held)
        if memory != rec.memory:
            fail(f"recorded memory {rec.memory} but Σ_batch(s+k+1) + Σ_held(s+k) = {memory}")
        if memory > instance.M:
            fail(f"memory {memory} exceeds M={instance.M}")
        for j in rec.batch:
            k[j] += 1
            tokens += 1
            if k[j] > reqs[j].u:
                fail(f"job ran past u={reqs[j].u}", j)
        for j in rec.completed:
            if j not in running:
                fail("completed job was not running", j)
            if k[j] != trace.outputs[j]:
                fail(f"completed after {k[j]} tokens, its output length is {trace.outputs[j]}", j)
            running.discard(j)
            done[j] = t + 1
    if running or len(done) != instance.n:
        raise TraceViolation(f"end: jobs {sorted(set(range(instance.n)) - set(done))} never completed")
    for j, r in enumerate(reqs):
        if done[j] != trace.completion[j]:
            raise TraceViolation(f"job {j}: trace says C={trace.completion[j]}, records say {done[j]}")
        if done[j] < r.a + trace.outputs[j]:
            raise TraceViolation(f"job {j}: C={done[j]} < a + o = {r.a + trace.outputs[j]}")
    if tokens != sum(trace.outputs) + wasted or wasted != trace.wasted_tokens:
        raise TraceViolation(f"token accounting: generated {tokens}, Σo={sum(trace.outputs)}, wasted {wasted} "
                             f"(trace says {trace.wasted_tokens})")
    if evictions != trace.evictions:
        raise TraceViolation(f"evictions: records show {evictions}, trace says {trace.evictions}")
    if preemptions != trace.preemptions or recomputed != trace.recomputed_tokens:
        raise TraceViolation(f"preemptions/recomputed tokens: records show {preemptions}/{recomputed}, trace says "
                             f"{trace.preemptions}/{trace.recomputed_tokens}")
    if trace.tel != sum(c - r.a for c, r in zip(trace.completion, reqs, strict=True)):
        raise TraceViolation("TEL is not Σ (C_j - a_j)")
