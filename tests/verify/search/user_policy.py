"""A user's scheduler, as a user would write it, for the search tests: admit in index order while it fits now."""

from models.schedulers.interface import Scheduler


class Greedy(Scheduler):
    name = "greedy"

    def decide(self, view):
        batch, used = [], 0
        for job in sorted(view.running, key=lambda v: v.j) + sorted(view.waiting, key=lambda v: v.j):
            if used + job.memory <= view.M:
                batch.append(job.j)
                used += job.memory
        return batch


class Stalls(Greedy):
    """Greedy, except that once some job has completed short of ``u`` it runs nothing for ``idle`` rounds
    (``idle=None``: never again): runs that outlive any round limit, for the liveness-witness tests."""

    name = "stalls"

    def __init__(self, idle: int | None = None) -> None:
        self.idle = idle
        self.since: int | None = None

    @property
    def options(self):
        return {"idle": self.idle}

    def start(self, M):
        self.since = None

    def decide(self, view):
        from models.view import Status

        if self.since is None and any(v.status is Status.DONE and v.revealed < v.u for v in view.jobs):
            self.since = view.t
        if self.since is not None and (self.idle is None or view.t < self.since + self.idle):
            return []
        return super().decide(view)
