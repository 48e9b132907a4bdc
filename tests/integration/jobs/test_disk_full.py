"""A headless engine whose workspace fills up: runs fail clearly, nothing acknowledged is lost.

The workspace lives on a small tmpfs (mounting needs root); the test fills it
with a file of its own, drives the engine with `opspanel ctl`, then frees the
space (or sends SIGTERM while it is full).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from panel.api.client import ApiClient, ApiError
from panel.api.rpc import UNAVAILABLE
from panel.logs.files import RotatingLogFile
from tests.integration.jobs.test_headless import ctl, prepare
from tests.waiting import terminate_tree, wait_for, wait_for_api_file

STARTUP_S = 30.0
FULL_ERROR = "no space left on device: workspace.db"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 5 MB tmpfs at tmp_path/disk; anything still using it is killed, then it is unmounted."""
    if os.geteuid() != 0:
        pytest.skip("skipped: needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=5m", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"skipped: needs root (mount: {mounted.stderr.strip()})")
    yield disk
    for proc in psutil.process_iter(["cwd", "cmdline"]):
        with contextlib.suppress(psutil.Error):
            uses = str(disk) in " ".join(proc.info["cmdline"] or []) or str(
                proc.info["cwd"] or ""
            ).startswith(str(disk))
            if uses and proc.pid != os.getpid():
                proc.kill()
    subprocess.run(["umount", str(disk)], check=False)
    subprocess.run(["umount", "-l", str(disk)], check=False, capture_output=True)


@pytest.fixture
def engine_on(tmp_path: Path) -> Iterator[Callable[[Path], subprocess.Popen[str]]]:
    """Start `opspanel --headless` on a workspace; its output goes to tmp_path/engine.out."""
    started: list[subprocess.Popen[str]] = []

    def start(ws: Path) -> subprocess.Popen[str]:
        out = open(tmp_path / "engine.out", "w")  # noqa: SIM115 - the child holds it
        with out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "panel", "--headless", "--workspace", str(ws)],
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
                env=dict(os.environ, PYTHONUNBUFFERED="1"),
            )
        started.append(proc)
        wait_for_api_file(ws, proc, STARTUP_S)
        assert proc.poll() is None, (tmp_path / "engine.out").read_text()
        return proc

    yield start
    for proc in started:
        terminate_tree(proc, timeout=10)


def fill(disk: Path) -> Path:
    """Write a file of filler into `disk` until it is full."""
    filler = disk / "filler"
    block = b"\0" * 65536
    with open(filler, "wb", buffering=0) as out:
        try:
            while True:
                out.write(block)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    with open(filler, "ab", buffering=0) as out, contextlib.suppress(OSError):
        while out.write(b"\0" * 512):  # the last, partial blocks
            pass
    return filler


def jobs_setup(ws: Path, go: Path) -> None:
    """A chatty job that runs until `go` exists, a quick one and one that takes a dataset."""
    chatty = (
        "import os,time\n"
        f"while not os.path.exists({str(go)!r}):\n"
        "    print('x' * 200, flush=True)\n"
        "    time.sleep(0.01)\n"
    )
    prepare(
        ws,
        [
            {"id": "chatty", "command": [sys.executable, "-c", chatty]},
            {"id": "quick", "command": [sys.executable, "-c", "print('hi')"]},
            {
                "id": "holder",
                "command": [sys.executable, "-c", "pass"],
                "datasets": {"data": {"path": str(go.parent / "data")}},
            },
        ],
    )


def run(ws: Path, job: str, *flags: str) -> dict[str, Any]:
    """`ctl jobs run JOB --json FLAGS`: the run (with --wait, exit 1 says it did not succeed)."""
    result = ctl(ws, "jobs", "run", job, "--json", *flags)
    assert result.stdout.startswith("{"), result.stdout + result.stderr
    row = dict(json.loads(result.stdout))
    assert result.returncode == (1 if row["status"] == "failed" else 0), result.stderr
    return row


def history(ws: Path) -> dict[int, dict[str, Any]]:
    result = ctl(ws, "jobs", "history", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    return {row["id"]: row for row in json.loads(result.stdout)}


def committed(ws: Path) -> dict[int, tuple[str, str | None]]:
    """The runs as the database file holds them (what survives the engine)."""
    with contextlib.closing(sqlite3.connect(f"file:{ws / 'workspace.db'}?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT id, status, error FROM job_runs").fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def test_full_disk_fails_new_runs_and_keeps_the_history(
    tmp_path: Path, small_disk: Path, engine_on: Any
) -> None:
    ws, go = small_disk / "ws", tmp_path / "go"
    jobs_setup(ws, go)
    engine_on(ws)
    chatty = run(ws, "chatty")["id"]
    wait_for(lambda: history(ws)[chatty]["status"] == "running", 15, "chatty to run")
    filler = fill(small_disk)

    first = run(ws, "quick", "--wait")  # may still start: the engine learns of it writing
    assert first["status"] in ("success", "failed"), first
    second = run(ws, "quick", "--wait")
    assert (second["status"], second["error"]) == ("failed", FULL_ERROR)
    status = ctl(ws, "status")  # the engine answers, and says what is wrong
    assert status.returncode == 0, status.stderr
    assert f"history  not written: {FULL_ERROR}" in status.stdout, status.stdout
    with ApiClient.from_workspace(ws) as client, pytest.raises(ApiError) as refused:
        client.call("jobs.enable", {"id": "quick", "enabled": False})  # a configuration write
    assert (refused.value.code, refused.value.message) == (UNAVAILABLE, FULL_ERROR)

    go.touch()  # chatty ends while the disk is still full
    wait_for(lambda: history(ws)[chatty]["status"] == "success", 15, "chatty's end")
    seen = history(ws)
    assert [r for r in seen.values() if r["status"] == "running"] == []
    assert seen[second["id"]]["error"] == FULL_ERROR
    assert committed(ws)[chatty][0] == "running"  # not written yet

    filler.unlink()
    want = {run_id: (row["status"], row["error"]) for run_id, row in seen.items()}
    wait_for(lambda: committed(ws) == want, 10, "the kept history writes")
    assert "history  not written" not in ctl(ws, "status").stdout
    assert ctl(ws, "jobs", "run", "quick", "--wait").returncode == 0  # runs start again
    with ApiClient.from_workspace(ws) as client:  # the audit rows held meanwhile came too
        rows = client.call("audit.list", {"method": "jobs.run"})["rows"]
    assert len(rows) == 4
    output = (tmp_path / "engine.out").read_text()
    assert "Traceback" not in output
    assert output.count("job history not written") == 1, output


def test_sigterm_while_the_disk_is_full_ends_the_engine_promptly(
    tmp_path: Path, small_disk: Path, engine_on: Any
) -> None:
    ws, go = small_disk / "ws", tmp_path / "go"
    jobs_setup(ws, go)
    proc = engine_on(ws)
    chatty = run(ws, "chatty")["id"]
    wait_for(lambda: alive(history(ws)[chatty]["pid"]), 15, "chatty to run")
    child = history(ws)[chatty]["pid"]
    fill(small_disk)
    assert run(ws, "holder", "--wait")["error"] == FULL_ERROR  # its allocation is not written
    assert run(ws, "quick", "--wait")["error"] == FULL_ERROR
    t0 = time.monotonic()
    proc.terminate()
    proc.wait(timeout=15)
    took = time.monotonic() - t0
    assert took < 5, f"the engine took {took:.1f} s to end"
    assert not alive(child)
    output = (tmp_path / "engine.out").read_text()
    assert "Traceback" not in output


def test_a_log_file_holds_its_lines_until_there_is_room(small_disk: Path) -> None:
    log = RotatingLogFile(small_disk / "src.log", max_bytes=10**9, backups=0)
    lines = [f"line {i}\n" for i in range(2000)]
    log.add("".join(lines[:1000]))
    log.flush()
    filler = fill(small_disk)
    log.add("".join(lines[1000:]))
    log.flush()
    assert log.failing
    filler.unlink()

    def written() -> bool:
        log.flush()  # tried again once the retry time has passed
        return not log.failing

    wait_for(written, 5, "the held lines to be written")
    log.close()
    assert (small_disk / "src.log").read_text() == "".join(lines)
