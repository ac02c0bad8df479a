"""The model implementation a property suite runs against: the real ``models`` package, or a mutant copy."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Impl:
    """The model implementation under test: the real ``models`` package, or a mutant copy of it."""

    engine: ModuleType  # provides simulate, Execution, liveness_bound
    schedulers: ModuleType  # provides make_scheduler, policy_configurations
    instance: ModuleType  # provides Instance

    @classmethod
    def default(cls) -> Impl:
        """The real ``models`` package.

        Returns
        -------
        Impl
            Over :mod:`models.engine_reference`, :mod:`models.schedulers` and :mod:`models.instance`.
        """
        import models.engine_reference
        import models.instance
        import models.schedulers

        return cls(models.engine_reference, models.schedulers, models.instance)

    def run(self, inst, policy: str, options: dict):
        """A whole run of ``policy`` on ``inst`` with this implementation's engine and schedulers.

        Parameters
        ----------
        inst : Instance
            An instance of this implementation's own type (:meth:`convert`).
        policy : str
            A policy name.
        options : dict
            Its options.

        Returns
        -------
        Trace
            The implementation's trace of the finished run.
        """
        return self.engine.simulate(inst, self.schedulers.make_scheduler(policy, inst, **options))

    def convert(self, inst):
        """The same instance as the implementation's own Instance type.

        Parameters
        ----------
        inst : Instance
            An instance of any implementation (it is copied through its dict form).

        Returns
        -------
        Instance
            Of ``self.instance.Instance``.
        """
        return self.instance.Instance.from_dict(inst.as_dict())
