"""Unit tests of the session pieces without processes: paths, config, token bucket, audit."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from panel.api.audit import AuditLog, summarize
from panel.api.rpc import RpcContext, RpcError, RpcRegistry
from panel.api.server import TokenBucket
from panel.sessions.config import SessionConfig
from panel.sessions.paths import PathRefused, inside
from panel.sessions.runner.commands import CommandError, Commands
from panel.sessions.runner.limits import looks_out_of_memory
from panel.workspace.database import begin, connect_workspace
from panel.workspace.migrations import LATEST_VERSION, MIGRATIONS, migrate


@pytest.mark.parametrize(
    "path",
    ["../x", "a/../../x", "/etc/passwd", "..", "a\\..\\..\\x", "", "C:\\x", "a\x00b"],
)
def test_paths_outside_are_refused(tmp_path: Path, path: str) -> None:
    with pytest.raises(PathRefused):
        inside(tmp_path, path)


def test_symlink_escape_is_refused_and_inside_links_work(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    os.symlink(tmp_path, root / "out")
    os.symlink(root / "sub", root / "in")
    with pytest.raises(PathRefused, match="leaves the session folder"):
        inside(root, "out/secret")
    assert inside(root, "in/file") == (root / "sub" / "file").resolve()
    assert inside(root, "a/b.txt") == (root / "a" / "b.txt").resolve()


def test_runner_commands_refuse_escapes_without_touching_outside(tmp_path: Path) -> None:
    root = tmp_path / "s"
    root.mkdir()
    (tmp_path / "victim.txt").write_text("keep")
    os.symlink(tmp_path / "victim.txt", root / "link.txt")
    commands = Commands(root, None)
    for command in (
        {"type": "write_file", "path": "link.txt", "content": "x", "mode": "Overwrite"},
        {"type": "delete_file", "path": "../victim.txt"},
        {"type": "read_file", "path": "link.txt"},
        {"type": "list_files", "path": "/"},
    ):
        with pytest.raises(CommandError) as caught:
            commands.run(command)
        assert caught.value.data["kind"] == "path_refused", command
    assert (tmp_path / "victim.txt").read_text() == "keep"
    with pytest.raises(CommandError, match="unknown command type"):
        commands.run({"type": "format"})
    with pytest.raises(CommandError, match="mode must be"):
        commands.run({"type": "write_file", "path": "a", "content": "", "mode": "Truncate"})


def test_out_of_memory_detection() -> None:
    assert looks_out_of_memory("Traceback...\nMemoryError\n", 0)
    assert looks_out_of_memory("terminate called after throwing std::bad_alloc", 6)
    assert not looks_out_of_memory("ValueError: nope", 0)


def test_session_config_defaults_and_json() -> None:
    config = SessionConfig.from_json({})
    assert config.to_json() == {
        "language": "python",
        "workdir": None,
        "idleTimeoutMinutes": 30.0,
        "maxLifetimeMinutes": 120.0,
        "memoryLimitMB": 512,
        "network": False,  # off unless a session asks for it
        "networkIsolation": True,
        "maxProcesses": 256,
        "diskLimitMB": 1024,
    }
    assert SessionConfig.from_json(config.to_json()) == config
    assert SessionConfig.from_json({"networkIsolation": False}).network is True  # the old name
    assert SessionConfig.from_json({"network": True, "networkIsolation": True}).network is True


def test_token_bucket_with_injected_clock() -> None:
    now = [0.0]
    bucket = TokenBucket(rate=10.0, burst=3, clock=lambda: now[0])
    assert [bucket.take() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take() == pytest.approx(0.1)
    now[0] += 0.1
    assert bucket.take() == 0.0
    assert bucket.take(5) > 0  # more than the burst never fits at once... until refilled
    now[0] += 100
    assert bucket.take(3) == 0.0
    assert TokenBucket(rate=0, burst=1).take(1000) == 0.0  # rate 0: no limit


def test_summary_redacts_secrets_and_long_values() -> None:
    text = summarize(
        {
            "sessionId": "abc",
            "command": {"type": "write_file", "content": "password=hunter2", "path": "p" * 200},
            "env": {"TOKEN": "x"},
        }
    )
    assert "hunter2" not in text and "<16 chars>" in text
    assert "<200 chars>" in text and '"env":"<1 items>"' in text
    assert len(summarize({"x": ["y" * 50] * 100})) <= 400


def test_version_3_database_upgrades_to_the_audit_table(tmp_path: Path) -> None:
    db_file = tmp_path / "workspace.db"
    ws_conn = connect_workspace(db_file)
    try:
        migrate(ws_conn, str(db_file), MIGRATIONS[:3])
        with begin(ws_conn):
            ws_conn.execute("INSERT INTO settings (key, value) VALUES ('api.port', '8123')")
        assert migrate(ws_conn, str(db_file)) == 3
    finally:
        ws_conn.close()
    with closing(sqlite3.connect(db_file)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION >= 4
        assert conn.execute("SELECT value FROM settings").fetchall() == [("8123",)]
        columns = [row[1] for row in conn.execute("PRAGMA table_info(audit_log)")]
    assert columns == [
        "id",
        "ts",
        "client",
        "method",
        "params",
        "outcome",
        "error_code",
        "duration_ms",
    ]


def _db(tmp_path: Path) -> Path:
    db_file = tmp_path / "workspace.db"
    conn = connect_workspace(db_file)
    migrate(conn, str(db_file))
    conn.close()
    return db_file


def test_registry_audits_mutating_calls_only(tmp_path: Path) -> None:
    audit = AuditLog(_db(tmp_path), clock=lambda: 1234.5)
    registry = RpcRegistry()

    def refuse(params: dict[str, Any], ctx: RpcContext) -> None:
        raise RpcError(-32011, "not now")

    registry.register("thing.read", lambda p, c: {"ok": True})
    registry.register("thing.change", lambda p, c: {"ok": True}, mutating=True)
    registry.register("thing.refuse", refuse, mutating=True)
    registry.register(
        "thing.typed", lambda p, c: None, {"type": "object", "required": ["x"]}, mutating=True
    )
    audit.attach(registry)
    ctx = RpcContext("c7")

    async def calls() -> None:
        for method, params in (
            ("thing.read", {}),
            ("thing.change", {"n": 1, "token": "s3cret"}),
            ("thing.refuse", {}),
            ("thing.typed", {}),
        ):
            await registry.dispatch(
                json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}), ctx
            )

    asyncio.run(calls())
    rows = audit.recent()
    audit.close()
    assert [(r["method"], r["outcome"][:5], r["errorCode"]) for r in reversed(rows)] == [
        ("thing.change", "ok", None),
        ("thing.refuse", "error", -32011),
        ("thing.typed", "error", -32602),
    ]
    assert all(r["client"] == "c7" and r["ts"] == 1234.5 for r in rows)
    assert "s3cret" not in rows[-1]["params"]


def test_the_runner_imports_no_qt() -> None:
    code = (
        "import sys, panel.sessions.runner.entry\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'qasync')))\n"
        "assert not bad, bad"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_a_dead_runners_pids_group_is_swept_by_the_next_one() -> None:
    from panel.sessions.runner.pids_limit import ROOT_NAME, ProcessLimit, _pids_mount

    mount = _pids_mount()
    first = ProcessLimit(8, "sweep-test")
    if mount is None or first.group is None:
        pytest.skip("skipped: needs a writable pids cgroup (root)")
    dead = subprocess.Popen(["true"])
    dead.wait()
    left = os.path.join(mount, ROOT_NAME, f"sweep-test-{dead.pid}")
    os.makedirs(left, exist_ok=True)  # what a SIGKILLed runner of that pid would leave
    second = ProcessLimit(8, "sweep-test-2")
    try:
        assert not os.path.exists(left)
        assert os.path.isdir(first.group)  # a live runner's group stays
    finally:
        first.close()
        second.close()


def test_the_sandbox_binds_the_interpreter_over_its_fresh_tmp(monkeypatch: Any) -> None:
    """A checkout (and its venv) under /tmp must stay visible under the sandbox's own /tmp."""
    from panel.sessions import sandbox

    monkeypatch.setattr(sandbox, "_interpreter_folders", lambda: ["/tmp/ci/.venv"])
    args = sandbox.base_arguments(network=False)
    tmpfs = args.index("/tmp", args.index("--tmpfs"))
    bind = args.index("/tmp/ci/.venv")
    assert args[bind - 1] == "--ro-bind" and tmpfs < bind


FAKE_DOTNET = """#!/bin/sh
# Stands in for the .NET SDK, which Debian does not ship: says what it was asked.
if [ "$1" = "--version" ]; then echo 9.0.101; exit 0; fi
echo "argv: $*"
echo "home: $DOTNET_CLI_HOME"
cat "$3"/*.csproj "$3/Program.cs"
"""


def test_dotnet_runs_a_generated_project(tmp_path: Path, monkeypatch: Any) -> None:
    """No .NET SDK exists here (not in Debian): a stand-in `dotnet` shows what is run."""
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "dotnet").write_text(FAKE_DOTNET)
    (tools / "dotnet").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    folder = tmp_path / "session"
    folder.mkdir()
    commands = Commands(folder, None)
    code = 'Console.WriteLine("hi");'
    result = commands.run({"type": "run_code", "language": "csharp", "code": code})
    out = result["stdout"]
    project = folder / ".code" / "snippet_1"
    assert f"argv: run --project {project}" in out
    assert "<TargetFramework>net9.0</TargetFramework>" in out and code in out
    assert f"home: {folder}/.cache/dotnet" in out
    assert result["language"] == "dotnet" and result["file"] == ".code/snippet_1/Program.cs"


def test_a_missing_toolchain_is_named(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    commands = Commands(tmp_path, None)
    with pytest.raises(CommandError) as refused:
        commands.run({"type": "run_code", "language": "golang", "code": "package main"})
    assert str(refused.value) == (
        "golang cannot run here: its toolchain is missing "
        "(looked for go on the PATH; install golang-go)"
    )
