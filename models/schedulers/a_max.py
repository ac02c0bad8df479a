"""A_max (MODEL.md, "The schedulers"): plan every job at its upper prediction ``e_j = u_j``.

Priority ``(u_j, a_j, j)``. Because ``o_j <= u_j`` its running set never overflows, so it never evicts.
"""

from __future__ import annotations

import dataclasses

from models.schedulers.mcsf import MCSFScheduler
from models.view import JobView


class AMax(MCSFScheduler):
    time_invariant = True  # decisions never read view.t: states at different rounds can merge
    name = "amax"

    @classmethod
    def traits(cls, options):
        """Never evicts: it plans with ``u_j >= o_j``, so an admitted set stays within ``M`` (MODEL.md).

        Parameters
        ----------
        options : Mapping
            The options in effect.

        Returns
        -------
        PolicyTraits
            MC-SF's traits with ``never_evicts``.
        """
        return dataclasses.replace(super().traits(options), never_evicts=True)

    def assumed_length(self, job: JobView) -> int:
        """A_max plans every job at its upper prediction: ``e_j = u_j``.

        Parameters
        ----------
        job : JobView
            The job.

        Returns
        -------
        int
            ``u_j``.
        """
        return job.u
