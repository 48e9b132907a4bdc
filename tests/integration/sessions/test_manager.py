"""Sessions with real runners: files, commands, limits, expiry, datasets, death."""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

import psutil
import pytest

from panel.sessions.isolation import network_isolation_available
from panel.sessions.manager import OWNER_KIND, SessionError

from .conftest import Harness


def test_files_persist_between_calls(harness: Harness) -> None:
    session = harness.create()
    sid = session.session_id
    write = {"type": "write_file", "path": "d/a.txt", "content": "one\n", "mode": "Create"}
    assert harness.run(sid, write)["success"]
    again = harness.run(sid, write)
    assert not again["success"] and "already exists" in again["error"]
    append = {**write, "content": "two\n", "mode": "Append"}
    assert harness.run(sid, append)["success"]
    read = harness.run(sid, {"type": "read_file", "path": "d/a.txt"})
    assert read["result"]["content"] == "one\ntwo\n"
    assert isinstance(read["durationMs"], float)
    listing = harness.run(sid, {"type": "list_files", "path": "d"})
    assert [e["name"] for e in listing["result"]["entries"]] == ["a.txt"]
    assert harness.run(sid, {"type": "delete_file", "path": "d/a.txt"})["success"]
    gone = harness.run(sid, {"type": "read_file", "path": "d/a.txt"})
    assert not gone["success"] and "not found" in gone["error"]
    assert session.execution_count == 7
    assert (harness.ws.root / "sessions" / sid).is_dir()


@pytest.mark.parametrize(
    "path",
    ["../escape.txt", "a/../../escape.txt", "/etc/passwd", "link/x.txt", "link"],
)
def test_paths_that_escape_are_refused(harness: Harness, path: str, tmp_path: Any) -> None:
    session = harness.create()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.txt").write_text("secret")
    os.symlink(outside, harness.ws.root / "sessions" / session.session_id / "link")
    for command in (
        {"type": "write_file", "path": path, "content": "x", "mode": "Overwrite"},
        {"type": "read_file", "path": path},
        {"type": "delete_file", "path": path if path != "link" else "link/x.txt"},
    ):
        reply = harness.run(session.session_id, command)
        assert not reply["success"], (command, reply)
        assert reply["errorData"]["kind"] == "path_refused"
    assert (outside / "x.txt").read_text() == "secret"


def test_execute_shell_uses_argv_not_a_shell(harness: Harness) -> None:
    session = harness.create()
    reply = harness.run(
        session.session_id,
        {
            "type": "execute_shell",
            "commandName": "echo",
            "args": ["$HOME", "; rm -rf /", "`id`"],
            "timeoutMs": 5000,
            "env": {"X": "1"},
        },
    )
    assert reply["success"]
    assert reply["result"]["stdout"] == "$HOME ; rm -rf / `id`\n"
    assert reply["result"]["exitCode"] == 0
    missing = harness.run(session.session_id, {"type": "execute_shell", "commandName": "no-such"})
    assert not missing["success"] and "command not found" in missing["error"]


def test_timeout_kills_the_command(harness: Harness) -> None:
    session = harness.create()
    reply = harness.run(
        session.session_id,
        {"type": "execute_shell", "commandName": "sleep", "args": ["30"], "timeoutMs": 200},
    )
    assert not reply["success"] and "timed out" in reply["error"]
    assert reply["errorData"]["timedOut"]


def test_run_code_python_and_unknown_language(harness: Harness) -> None:
    session = harness.create()
    reply = harness.run(
        session.session_id, {"type": "run_code", "code": "print(6 * 7)", "language": "python"}
    )
    assert reply["success"] and reply["result"]["stdout"] == "42\n"
    bad = harness.run(session.session_id, {"type": "run_code", "code": "x", "language": "cobol"})
    assert not bad["success"] and "unsupported language" in bad["error"]


def test_memory_limit_breach_is_reported_cleanly(harness: Harness) -> None:
    session = harness.create(memoryLimitMB=96)
    code = "x = bytearray(400 * 1024 * 1024)\nprint('allocated')"
    reply = harness.run(
        session.session_id, {"type": "run_code", "code": code, "language": "python"}
    )
    assert not reply["success"]
    assert "memory limit of 96 MB" in reply["error"]
    assert reply["errorData"]["memoryLimitExceeded"]
    ok = harness.run(session.session_id, {"type": "run_code", "code": "print(1)"})
    assert ok["success"]  # the session itself goes on


def test_idle_and_lifetime_expiry_with_injected_clock(harness: Harness) -> None:
    idle = harness.create(idleTimeoutMinutes=1, maxLifetimeMinutes=100)
    old = harness.create(idleTimeoutMinutes=50, maxLifetimeMinutes=2)
    assert harness.manager.sweep() == []
    harness.clock.advance(61)
    assert idle.to_json()["state"] == "Idle"
    assert harness.manager.sweep() == [idle.session_id]
    harness.run(old.session_id, {"type": "list_files"})
    harness.clock.advance(60)
    assert harness.manager.sweep() == [old.session_id]
    harness.wait_closed(idle)
    harness.wait_closed(old)
    assert "idle" in idle.end_reason and "lifetime" in old.end_reason
    assert harness.manager.sessions() == []


def test_close_kills_the_whole_tree(harness: Harness) -> None:
    session = harness.create()
    replies: list[dict[str, Any]] = []
    code = (
        "import subprocess,sys,time\n"
        "subprocess.Popen([sys.executable,'-c','import time; time.sleep(60)'])\n"
        "time.sleep(60)"
    )
    harness.manager.execute(
        session.session_id, {"type": "run_code", "code": code, "timeoutMs": 60000}, replies.append
    )
    runner = psutil.Process(session.pid)
    harness.qtbot.waitUntil(lambda: len(runner.children(recursive=True)) >= 2, timeout=10_000)
    tree = [runner, *runner.children(recursive=True)]
    harness.manager.close(session.session_id)
    harness.wait_closed(session)
    assert replies and not replies[0]["success"]
    _gone, alive = psutil.wait_procs(tree, timeout=5)
    assert not alive


def test_datasets_are_owned_and_released_on_close(harness: Harness, tmp_path: Any) -> None:
    a = harness.create()
    b = harness.create()
    data = str(tmp_path / "data")
    alloc = {"type": "allocate_dataset", "name": "raw", "path": data, "mode": "exclusive"}
    first = harness.run(a.session_id, alloc)
    assert first["success"], first
    rows = harness.datasets.allocations()
    assert rows[0]["ownerKind"] == OWNER_KIND and rows[0]["pid"] == a.pid
    taken = harness.run(b.session_id, alloc)
    assert not taken["success"] and "held by session" in taken["error"]
    env = harness.run(
        a.session_id,
        {"type": "run_code", "code": "import os; print(os.environ['DATASET_RAW'])"},
    )
    assert env["result"]["stdout"].strip() == data
    assert harness.run(a.session_id, {"type": "release_dataset", "name": "raw"})["success"]
    assert harness.run(b.session_id, alloc)["success"]
    harness.manager.close(b.session_id)
    assert harness.datasets.allocations() == []


def test_sigkill_of_runner_releases_datasets_and_closes(harness: Harness, tmp_path: Any) -> None:
    session = harness.create()
    alloc = {"type": "allocate_dataset", "name": "raw", "path": str(tmp_path), "mode": "shared"}
    assert harness.run(session.session_id, alloc)["success"]
    events: list[tuple[str, str, Any]] = []
    harness.manager.sig_event.connect(lambda *e: events.append(e))
    os.kill(session.pid, signal.SIGKILL)
    harness.wait_closed(session)
    assert "signal 9" in session.end_reason
    assert harness.datasets.allocations() == []
    harness.qtbot.waitUntil(lambda: any(e[1] == "closed" for e in events), timeout=5000)
    with pytest.raises(SessionError):
        harness.manager.get(session.session_id)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux namespaces")
def test_network_isolation_is_real_or_refused(harness: Harness) -> None:
    if not network_isolation_available():
        with pytest.raises(SessionError) as caught:
            harness.manager.create({"networkIsolation": True})
        assert caught.value.kind == "unavailable"
        return
    session = harness.create(networkIsolation=True)
    assert session.isolation == "isolated"
    code = (
        "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 53), timeout=2)\n"
        "    print('online')\nexcept OSError as e:\n    print('offline', e.errno)"
    )
    reply = harness.run(session.session_id, {"type": "run_code", "code": code})
    assert reply["result"]["stdout"].startswith("offline"), reply
