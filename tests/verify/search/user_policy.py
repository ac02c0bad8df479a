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
