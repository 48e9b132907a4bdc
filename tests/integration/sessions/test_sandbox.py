"""Session commands run in a bubblewrap sandbox: the workspace, the API files, other sessions,
the home folder and the host's /tmp are out of reach; network is off unless asked for; the
process count and the session folder's size are limited. Through the API of a real engine."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from panel.sessions.sandbox import BWRAP_ENV, sandbox_problem
from tests.ctl_output import table

from .engine_proc import Client, EngineProc, client

PANEL = (sys.executable, "-m", "panel")
SECRET_ENV = "OPSPANEL_TEST_SECRET"
SECRET = "panel-env-secret-value"

pytestmark = pytest.mark.skipif(
    sandbox_problem(shutil.which("bwrap") or "bwrap") is not None,
    reason="skipped: needs bubblewrap (bwrap) with user namespaces",
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProc]:
    proc = EngineProc(tmp_path_factory.mktemp("sandbox"), env={SECRET_ENV: SECRET})
    yield proc
    proc.stop()


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 120))


async def _shell(c: Client, sid: str, *argv: str, timeout_ms: int = 20_000) -> Any:
    command = {
        "type": "execute_shell",
        "commandName": argv[0],
        "args": list(argv[1:]),
        "timeoutMs": timeout_ms,
    }
    return await c.result("session.execute", sessionId=sid, command=command)


async def _python(c: Client, sid: str, code: str) -> Any:
    command = {"type": "run_code", "code": code, "language": "python", "timeoutMs": 20_000}
    return await c.result("session.execute", sessionId=sid, command=command)


def _failed(reply: dict[str, Any], secret: str | None = None) -> bool:
    """The command did not succeed (and did not print `secret`)."""
    result = reply.get("result") or reply.get("errorData") or {}
    leaked = secret is not None and secret in result.get("stdout", "")
    return not leaked and (not reply["success"] or result.get("exitCode") != 0)


def test_the_workspace_files_are_out_of_reach(engine: EngineProc) -> None:
    ws = engine.ws
    db_before = (ws / "workspace.db").stat()
    hooks_file = ws / "hooks.json"
    if not hooks_file.exists():  # written once a job has a webhook: stand in for it
        hooks_file.write_text('{"token": "hook-secret-token"}')
        hooks_file.chmod(0o600)
    hooks = hooks_file.read_text()

    async def scenario() -> None:
        async with client(engine) as c:
            sid = (await c.result("session.create"))["sessionId"]
            for path in ("../../api.json", f"{ws}/api.json", f"{ws}/hooks.json"):
                reply = await _shell(c, sid, "cat", path)
                assert _failed(reply, engine.token), (path, reply)
                assert hooks not in json.dumps(reply)
            wrote = await _shell(c, sid, "sh", "-c", f"echo x >> {ws}/workspace.db")
            assert _failed(wrote), wrote
            code = f"open({str(ws / 'workspace.db')!r}, 'ab').write(b'x')"
            assert _failed(await _python(c, sid, code))
            listing = await _shell(c, sid, "ls", "-a", "/", "..")
            assert str(ws.name) not in listing["result"]["stdout"]
            await c.result("session.close", sessionId=sid, wait=True)

    run(scenario())
    after = (ws / "workspace.db").stat()
    assert (after.st_size, after.st_mtime_ns) == (db_before.st_size, db_before.st_mtime_ns)


def test_another_sessions_files_are_invisible(engine: EngineProc) -> None:
    async def scenario() -> None:
        async with client(engine) as c:
            one = (await c.result("session.create"))["sessionId"]
            two = (await c.result("session.create"))["sessionId"]
            command = {"type": "write_file", "path": "secret.txt", "content": "one's secret"}
            assert (await c.result("session.execute", sessionId=one, command=command))["success"]
            other = engine.ws / "sessions" / one / "secret.txt"
            assert other.is_file()
            for path in (str(other), f"../{one}/secret.txt"):
                reply = await _shell(c, two, "cat", path)
                assert _failed(reply, "one's secret"), reply
            for sid in (one, two):
                await c.result("session.close", sessionId=sid, wait=True)

    run(scenario())


def test_home_tmp_and_system_folders_are_not_writable(engine: EngineProc, tmp_path: Path) -> None:
    marker = f"opspanel-escape-{uuid.uuid4().hex}"
    home_file = Path.home() / marker
    tmp_file = tmp_path / marker  # a folder of the host's /tmp
    targets = (home_file, tmp_file, Path("/usr") / marker, Path("/etc") / marker)

    async def scenario() -> None:
        async with client(engine) as c:
            sid = (await c.result("session.create"))["sessionId"]
            for target in targets:
                reply = await _shell(c, sid, "sh", "-c", f"echo x > {target}")
                assert _failed(reply), (target, reply)
            inside_tmp = await _shell(c, sid, "sh", "-c", "echo x > /tmp/mine && cat /tmp/mine")
            assert inside_tmp["result"]["stdout"] == "x\n"  # its own, fresh /tmp works
            await c.result("session.close", sessionId=sid, wait=True)

    try:
        run(scenario())
    finally:
        leaked = [t for t in targets if t.exists()]
        for target in leaked:
            target.unlink()
    assert leaked == []
    assert not (Path("/tmp") / "mine").exists()


def test_workspace_paths_cwd_home_and_a_minimal_environment(engine: EngineProc) -> None:
    async def scenario() -> None:
        async with client(engine) as c:
            sid = (await c.result("session.create"))["sessionId"]
            script = "import os\nprint(os.getcwd(), os.environ['HOME'])\nprint(sorted(os.environ))"
            command = {"type": "write_file", "path": "/workspace/script.py", "content": script}
            wrote = await c.result("session.execute", sessionId=sid, command=command)
            assert wrote["success"], wrote
            assert (engine.ws / "sessions" / sid / "script.py").read_text() == script
            ran = await _shell(c, sid, "python3", "/workspace/script.py")
            assert ran["success"] and ran["result"]["exitCode"] == 0, ran
            first, names = ran["result"]["stdout"].splitlines()
            assert first == "/workspace /workspace"
            assert SECRET_ENV not in names and SECRET not in ran["result"]["stdout"]
            read = {"type": "read_file", "path": "/workspace/script.py"}
            got = await c.result("session.execute", sessionId=sid, command=read)
            assert got["result"]["content"] == script
            code = await _python(c, sid, "print(open('script.py').read() == open(0).read())")
            assert code["success"], code
            await c.result("session.close", sessionId=sid, wait=True)

    run(scenario())


def _connect_code(port: int) -> str:
    return (
        "import socket\ntry:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=3).close()\n"
        "    print('online')\nexcept OSError as e:\n    print('offline', e)"
    )


def test_network_is_off_by_default_and_on_when_asked(engine: EngineProc) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]

    async def scenario() -> None:
        async with client(engine) as c:
            off = (await c.result("session.create"))["sessionId"]
            on = await c.result("session.create", network=True)
            old = (await c.result("session.create", networkIsolation=True))["sessionId"]
            assert on["network"] is True
            for sid in (off, old):
                reply = await _python(c, sid, _connect_code(port))
                assert reply["result"]["stdout"].startswith("offline"), reply
            reply = await _python(c, on["sessionId"], _connect_code(port))
            assert reply["result"]["stdout"] == "online\n", reply
            rows = {s["sessionId"]: s for s in (await c.result("session.list"))["sessions"]}
            assert rows[off]["network"] is False and rows[on["sessionId"]]["network"] is True
            for sid in (off, on["sessionId"], old):
                await c.result("session.close", sessionId=sid, wait=True)

    try:
        run(scenario())
    finally:
        listener.close()


def test_proc_shows_only_the_sandbox_processes(engine: EngineProc) -> None:
    async def scenario() -> None:
        async with client(engine) as c:
            created = await c.result("session.create")
            sid = created["sessionId"]
            assert created["sandbox"] == "bwrap"
            code = (
                "import os\n"
                "pids = [int(p) for p in os.listdir('/proc') if p.isdigit()]\n"
                "print(len(pids), max(pids))"
            )
            reply = await _python(c, sid, code)
            count, highest = map(int, reply["result"]["stdout"].split())
            assert count <= 3 and highest <= 10, reply  # bwrap's init, the command: no engine
            listed = await _shell(c, sid, "ps", "ax", "-o", "pid=,args=")
            lines = listed["result"]["stdout"].strip().splitlines()
            assert len(lines) <= 3 and "panel" not in listed["result"]["stdout"], lines
            row = next(
                s for s in (await c.result("session.list"))["sessions"] if s["sessionId"] == sid
            )
            assert row["sandbox"] == "bwrap"
            ctl = subprocess.run(
                [*PANEL, "ctl", "--workspace", str(engine.ws), "sessions", "list"],
                capture_output=True,
                text=True,
                timeout=60,
            )
            shown = next(r for r in table(ctl.stdout) if r["ID"] == sid)
            assert shown["SANDBOX"] == "bwrap", ctl.stdout
            await c.result("session.close", sessionId=sid, wait=True)

    run(scenario())


def _sleepers(tag: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        if tag in " ".join(proc.info["cmdline"] or []):
            found.append(proc)
    return found


def test_a_fork_loop_is_stopped_by_the_process_limit(engine: EngineProc) -> None:
    tag = "31.4159"  # the sleep time names the children

    async def scenario() -> None:
        async with client(engine) as c:
            sid = (await c.result("session.create", maxProcesses=20))["sessionId"]
            loop = f"for i in $(seq 300); do sleep {tag} & done; echo forked"
            reply = await _shell(c, sid, "sh", "-c", loop)
            assert not reply["success"], reply
            assert "process limit of 20" in reply["error"], reply
            assert reply["errorData"]["kind"] == "process_limit"
            assert _sleepers(tag) == []  # nothing left behind
            again = await _shell(c, sid, "echo", "still here")
            assert again["result"]["stdout"] == "still here\n"
            code = (
                "import os, time\nkids = 0\ntry:\n    for _ in range(300):\n"
                "        if os.fork() == 0:\n            time.sleep(30); os._exit(0)\n"
                "        kids += 1\nexcept OSError as e:\n    print('stopped at', kids, e)\n"
            )
            forked = await _python(c, sid, code)
            assert not forked["success"] and "process limit of 20" in forked["error"], forked
            await c.result("session.close", sessionId=sid, wait=True)

    run(scenario())
    assert _sleepers(tag) == []


def test_the_disk_limit_refuses_big_files_and_the_session_goes_on(engine: EngineProc) -> None:
    async def scenario() -> None:
        async with client(engine) as c:
            created = await c.result("session.create", diskLimitMB=5)
            sid = created["sessionId"]
            assert created["config"]["diskLimitMB"] == 5
            folder = engine.ws / "sessions" / sid
            big = await _shell(c, sid, "sh", "-c", "head -c 300000000 /dev/zero > big.bin")
            assert not big["success"], big
            assert "disk limit of 5 MB" in big["error"] and big["errorData"]["kind"] == "disk_limit"
            assert (folder / "big.bin").stat().st_size <= 5 * 1024 * 1024
            ex = "session.execute"
            chunk = "x" * 900_000
            for n in range(5):
                command = {"type": "write_file", "path": f"c{n}.txt", "content": chunk}
                wrote = await c.result(ex, sessionId=sid, command=command)
                assert not wrote["success"], wrote
                assert "the session's disk limit of 5 MB would be exceeded" in wrote["error"]
            deleted = {"type": "delete_file", "path": "big.bin"}
            assert (await c.result(ex, sessionId=sid, command=deleted))["success"]
            for n in range(3):
                command = {"type": "write_file", "path": f"c{n}.txt", "content": chunk}
                assert (await c.result(ex, sessionId=sid, command=command))["success"]
            await c.result("session.close", sessionId=sid, wait=True)

    run(scenario())


def test_without_bwrap_sessions_are_refused_clearly(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-bwrap")
    engine = EngineProc(tmp_path / "ws", env={BWRAP_ENV: missing})

    async def scenario() -> None:
        async with client(engine) as c:
            reply = await c.call("session.create")
            assert reply["error"]["code"] == -32013, reply
            message = reply["error"]["message"]
            assert "bubblewrap (bwrap)" in message and "sessions.allowUnsandboxed" in message
            assert missing in message
            assert (await c.result("session.list"))["count"] == 0

    try:
        run(scenario())
    finally:
        engine.stop()


def test_allow_unsandboxed_runs_sessions_marked_none(tmp_path: Path) -> None:
    engine = EngineProc(
        tmp_path / "ws",
        settings={"sessions.allowUnsandboxed": True},
        env={BWRAP_ENV: str(tmp_path / "no-such-bwrap")},
    )

    async def scenario() -> None:
        async with client(engine) as c:
            created = await c.result("session.create")
            assert created["sandbox"] == "none"
            reply = await _shell(c, created["sessionId"], "echo", "unsandboxed")
            assert reply["result"]["stdout"] == "unsandboxed\n"
            rows = (await c.result("session.list"))["sessions"]
            assert [r["sandbox"] for r in rows] == ["none"]
            await c.result("session.close", sessionId=created["sessionId"], wait=True)

    try:
        run(scenario())
    finally:
        engine.stop()
