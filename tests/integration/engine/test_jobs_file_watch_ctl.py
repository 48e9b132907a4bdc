"""The watched jobs file from the command line: `--watch-jobs FILE`, `ctl jobs watch`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from panel.api.client import ApiClient, ApiError
from panel.jobs.file_watch import WATCH_SETTING
from panel.workspace.workspace import Workspace
from tests.integration.engine.conftest import STARTUP_S, ctl, demo_config, prepare_workspace
from tests.waiting import terminate_tree, wait_for, wait_for_api_file


def job(job_id: str) -> dict[str, Any]:
    """A job that is never run by this test."""
    return {"id": job_id, "command": [sys.executable, "-c", "pass"]}


def watch_status(ws: Path, *args: str) -> tuple[int, dict[str, Any]]:
    """`ctl jobs watch ARGS... --json`: the exit code and the status."""
    result = ctl(ws, "jobs", "watch", *args, "--json")
    assert result.stdout, result.stderr
    return result.returncode, json.loads(result.stdout)


def job_ids(ws: Path) -> list[str]:
    """The jobs in effect, as `ctl jobs list` tells them."""
    result = ctl(ws, "jobs", "list", "--json")
    assert result.returncode == 0, result.stderr
    return sorted(j["id"] for j in json.loads(result.stdout))


def wait_state(ws: Path, state: str, jobs: list[str]) -> dict[str, Any]:
    """Poll `ctl jobs watch` until the watch is in `state` with `jobs` in effect."""

    def check() -> dict[str, Any] | None:
        _, status = watch_status(ws)
        return status if status["state"] == state and job_ids(ws) == jobs else None

    return wait_for(check, STARTUP_S, f"jobs watch {state} with {jobs}")


@pytest.fixture
def headless(tmp_path: Path, free_port: int) -> Iterator[tuple[Path, Path]]:
    """`opspanel --headless --watch-jobs FILE` on a fresh workspace: (workspace, file)."""
    ws = prepare_workspace(tmp_path / "ws", demo_config(free_port, autostart=False))
    jobs_file = tmp_path / "repo" / "jobs.json"
    jobs_file.parent.mkdir()
    jobs_file.write_text(json.dumps({"jobs": [job("from-cli")]}))
    relative = os.path.relpath(jobs_file)  # made absolute by the option
    argv = [sys.executable, "-m", "panel", "--headless", "--workspace", str(ws)]
    proc = subprocess.Popen(
        [*argv, "--watch-jobs", relative],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    try:
        wait_for_api_file(ws, proc, STARTUP_S)
        assert proc.poll() is None
        yield ws, jobs_file
    finally:
        terminate_tree(proc)


def test_watch_from_the_command_line_and_ctl(headless: tuple[Path, Path]) -> None:
    ws, jobs_file = headless
    status = wait_state(ws, "imported", ["from-cli"])
    assert status["path"] == str(jobs_file) and status["jobs"] == 1
    with Workspace.open(ws) as workspace:  # the option is stored for the workspace
        assert workspace.get_setting(WATCH_SETTING) == str(jobs_file)

    jobs_file.write_text("[{")  # broken: the jobs stay, ctl says so and exits 1
    failed = wait_state(ws, "error", ["from-cli"])
    assert "line 1, column 3" in failed["error"]
    code, _ = watch_status(ws)
    assert code == 1
    text = ctl(ws, "jobs", "watch")
    assert str(jobs_file) in text.stdout and "line 1, column 3" in text.stdout

    other = jobs_file.with_name("other.json")
    other.write_text(json.dumps([job("from-ctl")]))
    code, status = watch_status(ws, str(other))
    assert code == 0 and status["path"] == str(other)
    wait_state(ws, "imported", ["from-ctl"])

    with ApiClient.from_workspace(ws) as client:  # the API wants an absolute path
        with pytest.raises(ApiError, match="absolute path"):
            client.call("jobs.watch", {"file": "relative.json"})
        assert client.call("jobs.watch")["path"] == str(other)
        methods = client.call("rpc.discover")["methods"]
    assert any(m["name"] == "jobs.watch" for m in methods)

    code, status = watch_status(ws, "--off")
    assert code == 0 and status["state"] == "off" and status["path"] is None
    assert job_ids(ws) == ["from-ctl"]
    assert ctl(ws, "jobs", "watch").stdout.strip() == "not watching a jobs file"
