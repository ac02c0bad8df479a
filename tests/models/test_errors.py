"""One error root (#21): every error the toolkit raises on purpose is a KvschedError of one of four kinds, and
also the builtin that fits it; the command line maps InvalidInput to exit 2 and the rest to exit 1."""

import pytest

from models.errors import Inconsistency, InvalidInput, KvschedError, ModelViolation, Unproven
from models.instance import InstanceError
from models.oracle import OracleViolation
from models.schedulers import OptionError, RoundLimitExceeded, SchedulerViolation
from verify.campaign.store import IncompatibleDatabase
from verify.campaign.spec import SpecError
from verify.certify import ImpossibleRatio
from verify.cli import UsageError
from verify.explore import BudgetExceeded, GraphTimeout
from verify.opt.benchmark import UnprovenBenchmark
from verify.opt.result import InvalidSchedule
from verify.ranges import RangeError
from verify.search.base import BudgetExhausted
from verify.symbolic.scheduler_z3 import EncodingMismatch, UnsupportedForZ3
from verify.testing.trace_check import TraceViolation

KINDS = [
    (OptionError, InvalidInput, ValueError), (InstanceError, InvalidInput, ValueError),
    (UsageError, InvalidInput, ValueError), (SpecError, InvalidInput, ValueError),
    (RangeError, InvalidInput, ValueError), (UnsupportedForZ3, InvalidInput, ValueError),
    (IncompatibleDatabase, InvalidInput, RuntimeError),
    (SchedulerViolation, ModelViolation, RuntimeError), (OracleViolation, ModelViolation, RuntimeError),
    (RoundLimitExceeded, ModelViolation, RuntimeError), (InvalidSchedule, ModelViolation, ValueError),
    (TraceViolation, ModelViolation, AssertionError),
    (UnprovenBenchmark, Unproven, RuntimeError), (BudgetExhausted, Unproven, RuntimeError),
    (BudgetExceeded, Unproven, TimeoutError), (GraphTimeout, Unproven, TimeoutError),
    (ImpossibleRatio, Inconsistency, ArithmeticError), (EncodingMismatch, Inconsistency, AssertionError),
]


@pytest.mark.parametrize("cls,kind,builtin", KINDS, ids=[k[0].__name__ for k in KINDS])
def test_each_error_has_one_kind_under_the_root(cls, kind, builtin):
    assert issubclass(cls, kind) and issubclass(cls, KvschedError) and issubclass(cls, builtin)
    others = {InvalidInput, ModelViolation, Unproven, Inconsistency} - {kind}
    assert not any(issubclass(cls, o) for o in others)


def test_cli_maps_the_kinds_to_exit_codes(monkeypatch, capsys):
    import verify.cli as cli

    def raiser(exc):
        def run(args):
            raise exc
        return run

    for exc, code in ((InvalidInput("field: rule"), 2), (Unproven("not proven"), 1),
                      (Inconsistency("disagree"), 1), (ModelViolation("round 3: rule"), 1)):
        monkeypatch.setattr(cli, "cmd_opt", raiser(exc))  # main builds its parser afresh, binding this
        assert cli.main(["opt", "x.json"]) == code
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err
