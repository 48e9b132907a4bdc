"""DAG order, parallelism limits, trigger rules, chains: real children, recorded timestamps."""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path
from typing import Any

import pytest

from tests.integration.jobs.conftest import py, stamp


def _job(job_id: str, command: list[str], **extra: Any) -> dict[str, Any]:
    return {"id": job_id, "command": command, **extra}


def test_running_a_job_runs_its_upstream_first_each_once(jobs: Any, stamps: Any) -> None:
    path = stamps.path
    work = "time.sleep(0.2)"
    engine = jobs.engine(
        [
            _job("extract", stamp(path, "extract", work)),
            _job("left", stamp(path, "left", work), dependsOn=["extract"]),
            _job("right", stamp(path, "right", work), dependsOn=["extract"]),
            _job("report", stamp(path, "report"), dependsOn=["left", "right"]),
        ]
    )
    run_id = engine.run_job("report")
    assert jobs.wait_final(engine, run_id)["status"] == "success"
    jobs.wait_idle(engine)
    t = stamps()
    assert set(t) == {"extract", "left", "right", "report"}
    assert t["left"][0] >= t["extract"][1] and t["right"][0] >= t["extract"][1]
    assert t["report"][0] >= max(t["left"][1], t["right"][1])
    # left and right are independent: they overlapped
    assert t["left"][0] < t["right"][1] and t["right"][0] < t["left"][1]
    rows = engine.history(limit=10)
    assert sorted(r["job"] for r in rows) == ["extract", "left", "report", "right"]
    assert {r["graphId"] for r in rows} == {rows[0]["graphId"]}
    assert {r["trigger"] for r in rows if r["job"] != "report"} == {"chained"}


def test_only_runs_the_job_alone(jobs: Any, stamps: Any) -> None:
    engine = jobs.engine(
        [
            _job("up", stamp(stamps.path, "up")),
            _job("down", stamp(stamps.path, "down"), dependsOn=["up"]),
        ]
    )
    run_id = engine.run_job("down", only=True)
    assert jobs.wait_final(engine, run_id)["status"] == "success"
    assert set(stamps()) == {"down"}


def test_parallelism_limits_hold(jobs: Any, stamps: Any) -> None:
    work = "time.sleep(0.3)"
    defs = [_job(f"a{i}", stamp(stamps.path, f"a{i}", work), category="heavy") for i in range(4)]
    defs += [_job(f"b{i}", stamp(stamps.path, f"b{i}", work)) for i in range(3)]
    engine = jobs.engine(defs, max_parallel=3, category_limits={"heavy": 1})
    ids = [engine.run_job(d["id"]) for d in defs]
    peak = {"all": 0, "heavy": 0}

    def watch(_run: object) -> None:
        running = [r for r in engine._running.values()]
        peak["all"] = max(peak["all"], len(running))
        heavy = sum(1 for r in running if r.job.category == "heavy")
        peak["heavy"] = max(peak["heavy"], heavy)

    engine.sig_run_changed.connect(watch)
    for run_id in ids:
        assert jobs.wait_final(engine, run_id, 30_000)["status"] == "success"
    t = stamps()
    heavy = sorted(t[f"a{i}"] for i in range(4))
    for before, after in itertools.pairwise(heavy):
        assert after[0] >= before[1]  # heavy jobs never overlapped
    events = sorted([(s, 1) for s, _ in t.values()] + [(e, -1) for _, e in t.values()])
    level = top = 0
    for _, step in events:
        level += step
        top = max(top, level)
    assert top <= 3 and peak["all"] <= 3 and peak["heavy"] <= 1


@pytest.mark.parametrize(
    ("rule", "expected"),
    [("all_success", "skipped"), ("all_done", "success"), ("one_failed", "success")],
)
def test_trigger_rules(jobs: Any, rule: str, expected: str) -> None:
    engine = jobs.engine(
        [
            _job("ok", py("pass")),
            _job("bad", py("raise SystemExit(3)")),
            _job("end", py("pass"), dependsOn=["ok", "bad"], triggerRule=rule),
        ]
    )
    run_id = engine.run_job("end")
    assert jobs.wait_final(engine, run_id)["status"] == expected
    rows = {r["job"]: r for r in engine.history()}
    assert rows["bad"]["status"] == "failed" and rows["bad"]["exitCode"] == 3


def test_on_success_and_on_failure_chains(jobs: Any, stamps: Any) -> None:
    engine = jobs.engine(
        [
            _job("good", py("pass"), onSuccess=["after_good"], onFailure=["after_bad"]),
            _job("bad", py("raise SystemExit(1)"), onFailure=["after_bad"]),
            _job("after_good", stamp(stamps.path, "after_good")),
            _job("after_bad", stamp(stamps.path, "after_bad")),
        ]
    )
    engine.run_job("good")
    engine.run_job("bad")
    jobs.qtbot.waitUntil(lambda: len(stamps()) == 2, timeout=15_000)
    jobs.wait_idle(engine)
    rows = engine.history()
    chained = sorted(r["job"] for r in rows if r["trigger"] == "chained")
    assert chained == ["after_bad", "after_good"]


def test_options_become_single_argv_items(jobs: Any, tmp_path: Path) -> None:
    out = tmp_path / "argv.txt"
    code = f"import sys,json; open({str(out)!r},'w').write(json.dumps(sys.argv[1:]))"
    engine = jobs.engine(
        [
            _job(
                "echo",
                py(code),
                options=[
                    {"flag": "--name", "type": "string"},
                    {"flag": "--dry-run", "type": "boolean", "default": False},
                    {"arg": "paths", "type": "array"},
                ],
            )
        ]
    )
    options = {"--name": "x; rm -rf ~", "--dry-run": True, "paths": ["a b", "$(id)"]}
    run_id = engine.run_job("echo", options)
    assert jobs.wait_final(engine, run_id)["status"] == "success"
    import json

    assert json.loads(out.read_text()) == ["--name", "x; rm -rf ~", "--dry-run", "a b", "$(id)"]


def test_shell_job_keeps_options_out_of_the_script(jobs: Any, tmp_path: Path) -> None:
    out = tmp_path / "shell.txt"
    engine = jobs.engine(
        [
            _job(
                "sh",
                f'printf "%s|" > {out}',
                shell=True,
                options=[{"arg": "word", "type": "string"}],
            )
        ]
    )
    run_id = engine.run_job("sh", {"word": "x; touch pwned"})
    assert jobs.wait_final(engine, run_id)["status"] == "success"
    assert out.read_text() == "x; touch pwned|"
    assert not (Path.cwd() / "pwned").exists()


def test_dangerous_command_needs_confirmation(jobs: Any) -> None:
    from panel.jobs.errors import JobError

    engine = jobs.engine([_job("wipe", "rm -rf / --dry", shell=False)])
    assert engine.check_command("wipe")
    with pytest.raises(JobError) as caught:
        engine.run_job("wipe")
    assert caught.value.kind == "dangerous"
    assert engine.history() == []


def test_unknown_job_and_bad_option_are_refused(jobs: Any) -> None:
    from panel.jobs.errors import JobError

    engine = jobs.engine([_job("a", py("pass"), options=[{"flag": "--n", "type": "boolean"}])])
    with pytest.raises(JobError) as caught:
        engine.run_job("nope")
    assert caught.value.kind == "not_found"
    with pytest.raises(JobError) as caught:
        engine.run_job("a", {"--m": True})
    assert caught.value.kind == "invalid"


def test_a_cycle_is_rejected_naming_it(jobs: Any) -> None:
    from panel.workspace.errors import ConfigError

    engine = jobs.engine([_job("a", py("pass"))])
    with pytest.raises(ConfigError) as caught:
        engine.save_jobs(
            [
                _job("a", py("pass"), dependsOn=["c"]),
                _job("b", py("pass"), dependsOn=["a"]),
                _job("c", py("pass"), dependsOn=["b"]),
            ]
        )
    [(path, message)] = caught.value.problems
    assert path.startswith("$.jobs[") and path.endswith("].dependsOn")
    assert "cycle" in message and all(name in message for name in "abc")
    assert list(engine.jobs) == ["a"]  # nothing stored


def test_templates_extend_with_deep_merge(jobs: Any) -> None:
    engine = jobs.engine(
        [
            {
                "id": "base",
                "template": True,
                "command": py("pass"),
                "execution": {"maxRetries": 2, "timeout": 30},
                "category": "etl",
            },
            {"id": "child", "extends": "base", "execution": {"timeout": 5}},
        ]
    )
    assert list(engine.jobs) == ["child"]
    child = engine.jobs["child"]
    assert child.execution.max_retries == 2 and child.execution.timeout == 5
    assert child.category == "etl"


assert importlib.util.find_spec("croniter") is not None
