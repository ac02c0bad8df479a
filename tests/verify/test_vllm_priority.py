"""vllm-v1 with vLLM's priority scheduling (MODEL.md, "Serving policies") beyond the engines: the command line,
the explicit state graph, the stateful adversary and certification."""

import json

from hypothesis.stateful import run_state_machine_as_test

from models.engine_reference import simulate
from models.schedulers import make_scheduler
from models.shape import JobShape, Shape
from verify.cli import main
from verify.explore import build_graph, worst_tel
from verify.testing.stateful import adversary_machine

HEAD = {"M": 4, "requests": [{"s": 0, "o": 3, "l": 1, "u": 3, "a": 0, "priority": 1},
                             {"s": 1, "o": 2, "l": 1, "u": 3, "a": 1, "priority": 0}]}


def test_cli_priority_option_is_a_boolean(tmp_path, capsys):
    path = tmp_path / "inst.json"
    path.write_text(json.dumps(HEAD))
    # the hand-derived run of tests/models/test_serving.py: job 0 preempts itself at t=2, TEL 8 (fcfs: 6)
    for value, tel, completion in (("true", 8, [5, 4]), ("false", 6, [3, 4])):
        for engine in ("fast", "reference"):
            assert main(["simulate", str(path), "--policy", "vllm-v1", "--option", f"priority={value}",
                         "--engine", engine, "--json"]) == 0
            out = json.loads(capsys.readouterr().out)
            assert (out["tel"], out["completion"], out["options"]["priority"]) == (tel, completion, value == "true")
    assert main(["simulate", str(path), "--policy", "vllm-v1", "--option", "priority=true"]) == 0
    assert "priority" in capsys.readouterr().out  # the table shows the column when some priority is not 0


def test_cli_bad_priority_is_one_line_exit_2(tmp_path, capsys):
    path = tmp_path / "inst.json"
    path.write_text(json.dumps(HEAD))
    assert main(["simulate", str(path), "--policy", "vllm-v1", "--option", "priority=yes"]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "options.priority: must be true or false, got 'yes'" in err
    bad = dict(HEAD, requests=[dict(HEAD["requests"][0], priority=0.5), HEAD["requests"][1]])
    path.write_text(json.dumps(bad))
    assert main(["simulate", str(path), "--policy", "vllm-v1"]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "requests[0].priority: must be an integer, got 0.5" in err


def test_state_graph_with_priorities_is_safe_and_its_worst_tel_is_a_run():
    config = Shape(6, (JobShape(1, 1, 4, 0, 2), JobShape(0, 1, 4, 0, 0), JobShape(1, 1, 3, 1, 1)))
    options = {"priority": True}
    sg = build_graph(config, "vllm-v1", options)
    assert sg.violations == []
    tels = [simulate(inst, make_scheduler("vllm-v1", inst, **options)).tel
            for o0 in range(1, 5) for o1 in range(1, 5) for o2 in range(1, 4)
            for inst in [config.with_outputs([o0, o1, o2])]]
    assert max(tels) == worst_tel(sg)


def test_stateful_adversary_on_vllm_priority():
    options = {"priority": True}
    machine = adversary_machine(lambda inst: make_scheduler("vllm-v1", inst, **options), policy="vllm-v1",
                                options=options)
    run_state_machine_as_test(machine)


def test_liveness_by_exhaustion_with_every_priority_order():
    """No guarantee is claimed with priority (a round can generate no token), but on a small grid every run ends
    by max a + Σ o and no state graph has a cycle, for every order of the keys (priority, a, j) of 3 jobs."""
    import itertools

    from proofs.liveness import liveness_configurations, prove_liveness_config

    checked = 0
    for config in liveness_configurations(3, [0, 1, 2], 1, 3, [3, 4, 5]):
        for prio in itertools.permutations(range(3)):
            shape = Shape(config.M, tuple(JobShape(r.s, r.l, r.u, r.a, p)
                                          for r, p in zip(config.requests, prio, strict=True)))
            results = prove_liveness_config(shape, "vllm-v1", {"priority": True})
            assert [r.status for r in results] == ["proved", "proved"], results
            checked += 1
    assert checked == 6 * 36
