"""The pipeline dashboard document's remaining rows, against a real headless engine:
ctl jobs list filters and status, webhooks that wait, `parallel: false`, and dataset
allocations owned by the run's own child (ctl datasets list / release --force)."""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from panel.api.client import ApiClient
from tests.ctl_output import column, table
from tests.integration.sessions.engine_proc import EngineProc
from tests.waiting import wait_for

from .test_headless import ctl, prepare


@pytest.fixture
def engine_proc() -> Iterator[Callable[[Path], EngineProc]]:
    """Start a headless engine on a prepared workspace (stopped at the end)."""
    started: list[EngineProc] = []

    def start(ws: Path) -> EngineProc:
        engine = EngineProc(ws)
        started.append(engine)
        wait_for(lambda: (ws / "hooks.json").exists(), 30, "hooks.json")
        return engine

    yield start
    for engine in started:
        engine.stop()


def _blocker(started: Path, go_on: Path, code: int = 0) -> list[str]:
    """A job command that says it started, then waits for `go_on` to exist, then exits `code`."""
    script = (
        "import os, sys, time\n"
        f"open({str(started)!r}, 'w').write(str(os.getpid()))\n"
        f"while not os.path.exists({str(go_on)!r}):\n"
        "    time.sleep(0.01)\n"
        f"sys.exit({code})\n"
    )
    return [sys.executable, "-c", script]


def _stamp(path: Path) -> list[str]:
    """A job command that appends its start and end wall time to `path`."""
    script = (
        "import time\n"
        "t = time.time()\n"
        f"open({str(path)!r}, 'a').write(f'{{t}} {{time.time()}}\\n')\n"
    )
    return [sys.executable, "-c", script]


def _post(
    url: str, headers: dict[str, str], body: dict[str, Any] | None = None, timeout: float = 30
) -> tuple[int, dict[str, Any], float]:
    data = json.dumps(body or {}).encode()
    request = urllib.request.Request(url, data=data, method="POST", headers=headers)
    request.add_header("Content-Type", "application/json")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return reply.status, json.loads(reply.read()), time.monotonic() - started
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read()), time.monotonic() - started


def test_ctl_jobs_list_filters_and_status(tmp_path: Path, engine_proc: Any) -> None:
    ws = tmp_path / "ws"
    started, go_on = tmp_path / "started", tmp_path / "go-on"
    prepare(
        ws,
        [
            {"id": "etl", "command": [sys.executable, "-c", "pass"], "category": "data"},
            {
                "id": "report",
                "command": [sys.executable, "-c", "raise SystemExit(4)"],
                "category": "data",
                "tags": ["daily", "mail"],
            },
            {
                "id": "backup",
                "command": _blocker(started, go_on),
                "category": "ops",
                "tags": ["daily"],
                "schedule": "0 3 * * *",
            },
        ],
    )
    engine_proc(ws)
    data = ctl(ws, "jobs", "list", "--category", "data", "--json")
    assert data.returncode == 0, data.stderr
    assert [j["id"] for j in json.loads(data.stdout)] == ["etl", "report"]
    daily = ctl(ws, "jobs", "list", "--tag", "daily")
    assert column(daily.stdout, "ID") == ["report", "backup"]
    both = ctl(ws, "jobs", "list", "--category", "ops", "--tag", "mail", "--json")
    assert json.loads(both.stdout) == []
    assert ctl(ws, "jobs", "list", "--category", "none").stdout.strip() == "no job matches"

    assert ctl(ws, "jobs", "run", "etl", "--wait").returncode == 0
    assert ctl(ws, "jobs", "run", "report", "--wait").returncode == 1
    assert ctl(ws, "jobs", "run", "backup").returncode == 0
    wait_for(started.exists, 15, "backup to start")

    status = ctl(ws, "jobs", "status", "--json")
    assert status.returncode == 0, status.stderr
    figures = json.loads(status.stdout)
    with ApiClient.from_workspace(ws) as client:
        dashboard = client.call("jobs.dashboard")
    assert figures["today"] == dashboard["today"]
    assert (
        figures["today"] | {"total": 3, "success": 1, "failed": 1, "running": 1}
        == (figures["today"])
    )
    text = ctl(ws, "jobs", "status").stdout
    assert "today: 3 runs, 1 success, 1 failed, 1 running" in text
    assert "running: backup" in text and "next: backup" in text
    assert "failed: report" in text and "exit 4" in text
    go_on.write_text("")


def test_webhook_waits_for_the_result(tmp_path: Path, engine_proc: Any) -> None:
    ws = tmp_path / "ws"
    prepare(
        ws,
        [
            {"id": "ok", "command": [sys.executable, "-c", "print('fine')"]},
            {"id": "fail", "command": [sys.executable, "-c", "raise SystemExit(3)"]},
            {
                "id": "hang",
                "command": [sys.executable, "-c", "import time; time.sleep(600)"],
                "execution": {"timeout": 1},
            },
        ],
    )
    engine_proc(ws)
    hooks = json.loads((ws / "hooks.json").read_text())
    base = f"http://127.0.0.1:{hooks['port']}"
    token = hooks["token"]

    status, body, _ = _post(f"{base}/api/webhooks/fail?wait=true", {"X-Webhook-Token": token})
    assert status == 200, body
    assert body["status"] == "failed" and body["exitCode"] == 3
    assert body["durationMs"] >= 0 and isinstance(body["run"], int)

    status, body, _ = _post(f"{base}/hooks/jobs/ok", {"X-OpsPanel-Token": token}, {"wait": True})
    assert status == 200 and body["status"] == "success" and body["exitCode"] == 0

    status, body, took = _post(f"{base}/api/webhooks/hang?wait=true", {"X-Webhook-Token": token})
    assert status == 200 and body["status"] == "timed_out", body
    assert took < 15  # bounded by the job's 1 s timeout (and its tree stop)

    status, body, _ = _post(f"{base}/api/webhooks/ok", {"X-Webhook-Token": "wrong"})
    assert status == 401
    status, body, _ = _post(f"{base}/api/webhooks/ok", {"X-Webhook-Token": token})
    assert status == 202 and set(body) == {"run"}  # without wait: at once, as before


def _run_row(client: ApiClient, run_id: int) -> dict[str, Any]:
    active = {r["id"]: r for r in client.call("jobs.active")["runs"]}
    if run_id in active:
        return active[run_id]
    rows = client.call("jobs.history", {"limit": 50})["runs"]
    return next(r for r in rows if r["id"] == run_id)


def test_a_job_with_parallel_false_runs_alone(tmp_path: Path, engine_proc: Any) -> None:
    ws = tmp_path / "ws"
    other_started, other_go = tmp_path / "other-started", tmp_path / "other-go"
    solo_started, solo_go = tmp_path / "solo-started", tmp_path / "solo-go"
    stamps = tmp_path / "stamps"
    prepare(
        ws,
        [
            {"id": "other", "command": _blocker(other_started, other_go)},
            {"id": "solo", "command": _blocker(solo_started, solo_go), "parallel": False},
            {"id": "quick", "command": _stamp(stamps)},
        ],
    )
    engine_proc(ws)
    with ApiClient.from_workspace(ws) as client:
        # another job runs: the solo job waits for it, saying why
        other = client.call("jobs.run", {"id": "other"})["id"]
        wait_for(other_started.exists, 15, "other to start")
        solo = client.call("jobs.run", {"id": "solo"})["id"]
        row = _run_row(client, solo)
        assert row["status"] == "queued" and "runs alone" in (row["waitingOn"] or ""), row
        assert not solo_started.exists()
        other_go.write_text("")
        wait_for(solo_started.exists, 15, "solo to start once other ended")
        assert _run_row(client, other)["status"] == "success"

        # the solo job runs: nothing else starts until it ends
        quick = client.call("jobs.run", {"id": "quick"})["id"]
        row = _run_row(client, quick)
        assert row["status"] == "queued" and "solo" in (row["waitingOn"] or ""), row
        assert not stamps.exists()
        solo_ended_after = time.time()
        solo_go.write_text("")
        wait_for(lambda: _run_row(client, quick)["status"] == "success", 15, "quick to run")
        solo_row = _run_row(client, solo)
        assert solo_row["status"] == "success"
        quick_start = float(stamps.read_text().split()[0])
        assert quick_start >= solo_row["end"] >= solo_ended_after


def test_dataset_owned_by_the_run_child_and_force_release(tmp_path: Path, engine_proc: Any) -> None:
    ws = tmp_path / "ws"
    started, go_on = tmp_path / "started", tmp_path / "go-on"
    data = tmp_path / "raw"
    data.mkdir()
    prepare(
        ws,
        [
            {
                "id": "holder",
                "command": _blocker(started, go_on),
                "datasets": {"raw": {"path": str(data), "mode": "exclusive"}},
            },
            {
                "id": "reader",
                "command": [sys.executable, "-c", "pass"],
                "datasets": {"raw": {"path": str(data), "mode": "exclusive"}},
            },
        ],
    )
    engine_proc(ws)
    with ApiClient.from_workspace(ws) as client:
        holder = client.call("jobs.run", {"id": "holder"})["id"]
        wait_for(started.exists, 15, "holder to start")
        child_pid = int(started.read_text())
        rows = wait_for(
            lambda: [
                a for a in client.call("datasets.list")["allocations"] if a["pid"] == child_pid
            ],
            15,
            "the allocation to name the run's child",
        )
        assert rows[0]["ownerKind"] == "run" and rows[0]["ownerId"] == str(holder)
        assert rows[0]["job"] == "holder"  # the run's job, for the Datasets view and ctl
        assert psutil.Process(child_pid).cmdline()[0] == sys.executable  # the data's process

        listed = ctl(ws, "datasets", "list")
        assert listed.returncode == 0, listed.stderr
        row = next(row for row in table(listed.stdout) if row["NAME"] == "raw")
        assert (row["JOB"], row["OWNER"], row["PID"], row["MODE"]) == (
            "holder",
            f"run {holder}",
            str(child_pid),
            "exclusive",
        )

        reader = client.call("jobs.run", {"id": "reader"})["id"]
        assert _run_row(client, reader)["status"] == "waiting"
        refused = ctl(ws, "datasets", "release", "raw")
        assert refused.returncode == 1
        assert "is held by run" in refused.stderr and "--force" in refused.stderr
        released = ctl(ws, "datasets", "release", "raw", "--force")
        assert released.returncode == 0, released.stderr
        assert f"released raw (run {holder}, pid {child_pid})" in released.stdout
        wait_for(lambda: _run_row(client, reader)["status"] == "success", 15, "reader to run")
        audit = client.call("audit.list", {"limit": 20})["rows"]
        assert any(
            r["method"] == "datasets.release" and '"force":true' in r["params"].replace(" ", "")
            for r in audit
        )
        assert ctl(ws, "datasets", "release", "nope").returncode == 1
    go_on.write_text("")
