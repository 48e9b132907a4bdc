"""Pure parts of the job engine: migration v2 -> v3, argv building, backoff, cron, safety."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from panel.jobs.command import OptionError, run_argv, run_text
from panel.jobs.cron import CronSchedule, missed_fires
from panel.jobs.model import Execution, JobDef, Limits
from panel.jobs.run import retry_delay
from panel.jobs.safety import dangerous_reasons, limit_prefix
from panel.workspace.database import begin, connect_workspace
from panel.workspace.migrations import LATEST_VERSION, MIGRATIONS, migrate
from panel.workspace.workspace import Workspace


def test_v2_database_upgrades_to_v3(tmp_path: Path) -> None:
    conn = connect_workspace(tmp_path / "workspace.db")
    migrate(conn, "test", MIGRATIONS[:2])
    with begin(conn):
        conn.execute("INSERT INTO config_sections VALUES ('jobs', '[{\"id\":\"a\"}]')")
    conn.close()
    with Workspace.open(tmp_path) as ws:
        assert ws.schema_version == LATEST_VERSION
        assert ws.config_section("jobs") == [{"id": "a"}]
        with ws.snapshot() as conn:
            tables = {
                row[0]
                for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
    assert {"job_runs", "dataset_allocations", "job_schedule_state"} <= tables


def _job(**extra: object) -> JobDef:
    return JobDef.from_json({"id": "j", "command": ["tool"], **extra})


def test_option_values_stay_one_argv_item() -> None:
    job = _job(options=[{"flag": "--x", "type": "string"}, {"arg": "rest", "type": "array"}])
    assert run_argv(job, {"--x": "x; rm -rf ~", "rest": ["a b", "`id`"]}) == [
        "tool",
        "--x",
        "x; rm -rf ~",
        "a b",
        "`id`",
    ]
    with pytest.raises(OptionError):
        run_argv(job, {"--y": "1"})
    select = _job(options=[{"flag": "--mode", "type": "select", "choices": ["a", "b"]}])
    with pytest.raises(OptionError):
        run_argv(select, {"--mode": "c"})


def test_string_command_is_split_not_shelled() -> None:
    assert run_argv(_job(command="tool 'a b' c"), {}) == ["tool", "a b", "c"]
    shell = _job(command="echo hi | wc", shell=True, options=[{"arg": "w", "type": "string"}])
    assert run_argv(shell, {"w": "x; y"}) == ["/bin/sh", "-c", 'echo hi | wc "$@"', "j", "x; y"]


def test_a_value_beginning_with_a_dash_never_becomes_a_flag() -> None:
    job = _job(
        options=[
            {"flag": "--name"},
            {"flag": "-n"},
            {"flag": "-name"},
            {"arg": "path"},
            {"arg": "mode", "type": "select", "choices": ["-a", "b"]},
        ]
    )
    assert run_argv(job, {"--name": "--version", "-n": "-5"}) == [
        "tool",
        "--name=--version",
        "-n-5",
    ]
    assert run_argv(job, {"--name": "plain", "mode": "-a"}) == ["tool", "--name", "plain", "-a"]
    with pytest.raises(OptionError, match=r"'path': '--version' begins with '-'.*'--'"):
        run_argv(job, {"path": "--version"})
    with pytest.raises(OptionError, match=r"'-name'.*cannot be joined"):
        run_argv(job, {"-name": "-x"})
    after = _job(command=["tool", "--"], options=[{"arg": "path", "type": "array"}])
    assert run_argv(after, {"path": ["-r", "x"]}) == ["tool", "--", "-r", "x"]
    shell = _job(command="ls --", shell=True, options=[{"arg": "path"}])
    assert run_argv(shell, {"path": "-l"})[-1] == "-l"
    own = _job(options=[{"arg": "path", "default": "-l"}])  # the author's default stays
    assert run_argv(own, {}) == ["tool", "-l"]


def test_the_danger_check_reads_the_command_with_its_options() -> None:
    job = _job(command=["rm", "-rf"], options=[{"arg": "path"}])
    assert dangerous_reasons(run_text(job, {"path": "/"})) == ["recursive delete of / or ~"]
    assert not dangerous_reasons(run_text(job, {"path": "build"}))
    shell = _job(command="rm -rf", shell=True, options=[{"arg": "path"}])
    assert run_text(shell, {"path": "/"}) == "rm -rf /"
    assert dangerous_reasons(run_text(shell, {"path": "/"}))
    assert run_text(shell, {"path": "a b"}) == "rm -rf 'a b'"


@pytest.mark.parametrize(
    ("backoff", "expected"),
    [("fixed", [2, 2, 2]), ("linear", [2, 4, 6]), ("exponential", [2, 4, 8])],
)
def test_backoff(backoff: str, expected: list[float]) -> None:
    ex = Execution(retry_delay=2, backoff=backoff, jitter=0, max_retry_delay=7)
    assert [retry_delay(ex, n) for n in (1, 2, 3)] == [min(7, e) for e in expected]
    jittered = Execution(retry_delay=2, jitter=0.5)
    delays = [retry_delay(jittered, 1, random.Random(n)) for n in range(50)]
    assert all(2 <= d <= 3 for d in delays) and len(set(delays)) > 1


def test_cron_timezone_and_missed_policies() -> None:
    paris = CronSchedule("0 3 * * *", "Europe/Paris")
    start = 1_767_225_600.0  # 2026-01-01 00:00 UTC = 01:00 Paris
    assert paris.next_after(start) - start == 2 * 3600
    assert missed_fires(paris, start, start + 3 * 86400, "skip") == []
    assert len(missed_fires(paris, start, start + 3 * 86400, "coalesce")) == 1
    assert len(missed_fires(paris, start, start + 3 * 86400, "all")) == 3
    assert missed_fires(paris, None, start + 86400, "all") == []


def test_dangerous_patterns() -> None:
    for text in (
        "rm -rf /",
        "sudo rm -rf ~",
        "mkfs.ext4 /dev/sdb1",
        "dd if=/dev/zero of=x",
        "cat x > /dev/sda",
    ):
        assert dangerous_reasons(text), text
    for text in ("rm -rf ./build", "ls /", "python add.py"):
        assert not dangerous_reasons(text), text


def test_prlimit_prefix() -> None:
    assert limit_prefix(Limits()) == []
    prefix = limit_prefix(Limits(memory_mb=64, cpu_seconds=5, open_files=32))
    if prefix is not None:
        assert prefix[1:] == ["--as=67108864", "--cpu=5", "--nofile=32", "--"]
