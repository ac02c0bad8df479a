"""``kvsched bench lp``: the certified LP bound solved whole against column generation, on the parent family."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from models.errors import Inconsistency


def bench_lp(seeds: Sequence[int], poisson: bool, console: Console, n: int | None = None) -> dict[str, float]:
    """The LP bound of :mod:`verify.opt.lp_bound` solved whole and by column generation, side by side.

    Per instance of the parent family: every column in HiGHS's model (``around=None``) against column generation
    from H-SF's starts, timed in one run.

    Parameters
    ----------
    seeds : sequence of int
        Trial seeds of :func:`verify.opt.families.parent_instance`.
    poisson : bool
        Poisson arrivals instead of all arrivals 0.
    console : rich.console.Console
        Where the table goes.
    n : int, optional
        Jobs per instance (``None``: drawn in [40, 60], the paper's).

    Returns
    -------
    dict
        Total seconds of each way (``"whole"``, ``"columns"``).

    Raises
    ------
    Inconsistency
        The two ways certify different bounds (they solve the same relaxation; a defect).
    """
    from verify.opt.bounds import start_window
    from verify.opt.families import parent_instance
    from verify.opt.lp_bound import lp_lower_bound
    from verify.opt.time_indexed import build_model

    arrivals = "Poisson arrivals" if poisson else "arrivals 0"
    table = Table(title=f"Certified LP bound on the parent family ({arrivals}): whole model vs column generation")
    for name in ("seed", "n", "variables", "master columns", "bound", "whole s", "columns s", "whole / columns"):
        table.add_column(name, justify="right")
    totals = {"whole": 0.0, "columns": 0.0}
    for seed in seeds:
        instance = parent_instance(seed, n=n, poisson=poisson)
        window = start_window(instance)
        model = build_model(instance, window)
        model.memory_matrix, model.peak_cliques  # built once, outside both timings
        whole = lp_lower_bound(model)
        columns = lp_lower_bound(model, around=window.upper_starts)
        if whole is None or columns is None:
            raise Inconsistency(f"bench lp: seed {seed}: HiGHS gave no optimum")
        if whole.tel != columns.tel:
            raise Inconsistency(f"bench lp: seed {seed}: whole model bound {whole.tel}, column generation "
                                f"{columns.tel}")
        totals["whole"] += whole.seconds
        totals["columns"] += columns.seconds
        table.add_row(str(seed), str(instance.n), str(len(model.var_class)), str(columns.columns),
                      str(columns.tel), f"{whole.seconds:.2f}", f"{columns.seconds:.2f}",
                      f"{whole.seconds / columns.seconds:.2f}")
    table.add_row("all", "", "", "", "", f"{totals['whole']:.2f}", f"{totals['columns']:.2f}",
                  f"{totals['whole'] / totals['columns']:.2f}")
    console.print(table)
    return totals
