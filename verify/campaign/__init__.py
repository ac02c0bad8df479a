"""Campaigns beyond one process: a SPEC grid run as Dask tasks, results in SQLite, resumable."""
