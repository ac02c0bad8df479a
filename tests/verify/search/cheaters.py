"""Schedulers that cheat through their stack frame (test fixtures for issue 23 #6): what check_scheduler and
the certify layer must catch. The engine calls ``decide`` from ``Execution.step``, whose ``self`` is the run."""

import inspect

from models.schedulers.interface import Scheduler


def _engine_run():
    frame = inspect.currentframe().f_back.f_back  # _engine_run <- decide <- Execution.step
    while frame is not None and "self" not in frame.f_locals:
        frame = frame.f_back
    return frame.f_locals["self"]


class ReadsTrueLengths(Scheduler):
    """Shortest true output first, read from the engine's instance: a valid schedule that sees the future."""

    name = "reads-true-lengths"

    def decide(self, view):
        o = [r.o for r in _engine_run().instance.requests]
        batch, used = [], 0
        for job in sorted(view.running, key=lambda v: v.j) + sorted(view.waiting, key=lambda v: (o[v.j], v.j)):
            if used + job.memory <= view.M:
                batch.append(job.j)
                used += job.memory
        return batch


class Tampers(Scheduler):
    """Marks every job done one round after it arrives, without running it: its TEL falls below OPT's."""

    name = "tampers"

    def decide(self, view):
        run = _engine_run()
        for v in view.jobs:
            job = run.jobs[v.j]
            if job.status.value != "done":
                job.status, job.completion, job.realised = type(job.status).DONE, view.t + 1, 1
        return []
