"""H-SF, hindsight shortest first (MODEL.md, "The schedulers"): the paper's benchmark.

It is given the true output lengths at construction (it is a hindsight scheduler), plans with ``e_j = o_j``,
admits by priority ``(o_j, a_j, j)`` and never needs to evict. It is not always optimal in this model.
"""

from __future__ import annotations

import dataclasses

from collections.abc import Sequence

from models.schedulers.mcsf import MCSFScheduler
from models.view import JobView


class HSF(MCSFScheduler):
    time_invariant = True  # decisions never read view.t: states at different rounds can merge
    name = "hsf"

    @classmethod
    def traits(cls, options):
        """Hindsight (handed every ``o_j``) and never evicting: it plans with the true lengths.

        Parameters
        ----------
        options : Mapping
            The options in effect.

        Returns
        -------
        PolicyTraits
            MC-SF's traits with ``hindsight`` and ``never_evicts``.
        """
        return dataclasses.replace(super().traits(options), hindsight=True, never_evicts=True)

    def __init__(self, outputs: Sequence[int], admission: str = "stop") -> None:
        super().__init__(admission)
        self._outputs = tuple(outputs)

    def assumed_length(self, job: JobView) -> int:
        """H-SF plans every job at its true length: ``e_j = o_j``.

        Parameters
        ----------
        job : JobView
            The job.

        Returns
        -------
        int
            ``o_j``, handed over at construction.
        """
        return self._outputs[job.j]
