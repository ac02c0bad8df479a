"""Campaigns beyond one process: a SPEC grid run as Dask tasks, results in SQLite, resumable; and the agreement
grid of a proving strategy with exhaustive enumeration. Both run on one executor (:mod:`.executor`) and keep
their results in one store (:mod:`.store`)."""
