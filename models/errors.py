"""One root for every error the toolkit raises on purpose, and four kinds beneath it.

- :class:`InvalidInput`: what a user gave breaks a stated rule (an instance field, a policy option, a range,
  a SPEC, a database of another schema). The command line prints it as one line and exits with status 2.
- :class:`ModelViolation`: a run broke a rule of the model (MODEL.md): a scheduler's decision, an outcome
  oracle's answer, a round limit, a schedule.
- :class:`Unproven`: an exact answer (OPT, a bound, a search) was not proven within its budget. Never a
  verdict of "proved".
- :class:`Inconsistency`: two parts of the toolkit disagree (an encoding and the reference engine, a ratio
  below 1 against exact OPT): a defect of the toolkit or of what it was handed, never to be papered over.

Each class also derives from the builtin exception that fits it, so ``except ValueError`` and the like keep
working. The command line maps :class:`InvalidInput` to exit status 2 and the other three to exit status 1.
"""

from __future__ import annotations


class KvschedError(Exception):
    """The root of the toolkit's own errors."""


class InvalidInput(KvschedError, ValueError):
    """Bad input: the message names the field and the rule."""


class ModelViolation(KvschedError, RuntimeError):
    """A run broke a rule of the model."""


class Unproven(KvschedError, RuntimeError):
    """An exact answer was not proven within its budget."""


class Inconsistency(KvschedError, AssertionError):
    """Two parts of the toolkit disagree."""


__all__ = ["Inconsistency", "InvalidInput", "KvschedError", "ModelViolation", "Unproven"]
