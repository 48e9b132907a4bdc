"""The whole session protocol against a real headless engine, over a real WebSocket."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .engine_proc import EngineProc, client


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProc]:
    proc = EngineProc(tmp_path_factory.mktemp("sessions-api"))
    yield proc
    proc.stop()


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 120))


def test_session_lifecycle_with_notifications(engine: EngineProc) -> None:
    async def scenario() -> None:
        async with client(engine) as c:
            assert (await c.result("session.subscribe")) == {"subscribed": True}
            created = await c.result("session.create", idleTimeoutMinutes=5, memoryLimitMB=256)
            sid = created["sessionId"]
            assert created["pid"] > 0 and created["state"] == "Active"
            assert created["config"]["idleTimeoutMinutes"] == 5
            assert created["config"]["maxLifetimeMinutes"] == 120
            await c.note(
                lambda n: n["params"] == {**n["params"], "sessionId": sid, "event": "created"}
            )
            await c.note(lambda n: n["params"].get("event") == "ready")

            def ex(**command: Any) -> Any:
                return c.result("session.execute", sessionId=sid, command=command)

            wrote = await ex(type="write_file", path="src/m.py", content="print('hi')\n")
            assert wrote["success"] and wrote["durationMs"] >= 0 and wrote["error"] is None
            read = await ex(type="read_file", path="src/m.py")
            assert read["result"]["content"] == "print('hi')\n"
            listing = await ex(type="list_files", path="src")
            assert [e["name"] for e in listing["result"]["entries"]] == ["m.py"]
            shell = await ex(type="execute_shell", commandName="ls", args=["src"], timeoutMs=5000)
            assert shell["result"] | {"stdout": "m.py\n", "exitCode": 0} == shell["result"]
            code = await ex(type="run_code", code="print(sum(range(10)))", language="python")
            assert code["result"]["stdout"] == "45\n"
            deleted = await ex(type="delete_file", path="src/m.py")
            assert deleted["success"]
            escape = await ex(type="read_file", path="../../workspace.db")
            assert not escape["success"] and "'..'" in escape["error"]
            await c.note(lambda n: n["params"].get("event") == "executed")

            listed = await c.result("session.list")
            row = next(s for s in listed["sessions"] if s["sessionId"] == sid)
            assert row["executionCount"] == 7 and row["state"] in ("Active", "Idle")
            for key in ("pid", "createdAt", "lastActivity", "idleMinutes", "lifetimeMinutes"):
                assert key in row
            assert "memoryMB" in row
            closed = await c.result("session.close", sessionId=sid, wait=True)
            assert closed == {"sessionId": sid, "closed": True}
            await c.note(lambda n: n["params"].get("event") == "closed")
            listed = await c.result("session.list")
            assert sid not in [s["sessionId"] for s in listed["sessions"]]

    run(scenario())


def test_batch_requests(engine: EngineProc) -> None:
    async def scenario() -> None:
        async with client(engine) as c:
            batch = [
                {"jsonrpc": "2.0", "id": "a", "method": "session.list"},
                {"jsonrpc": "2.0", "method": "session.list"},  # a notification: no answer
                {"jsonrpc": "2.0", "id": "b", "method": "no.such"},
                {"jsonrpc": "2.0", "id": "c", "method": "rpc.discover"},
                {"foo": "bar"},
            ]
            replies = await c.raw(json.dumps(batch))
            assert isinstance(replies, list) and len(replies) == 4
            by_id = {r["id"]: r for r in replies}
            assert "count" in by_id["a"]["result"]
            assert by_id["b"]["error"]["code"] == -32601
            names = {m["name"] for m in by_id["c"]["result"]["methods"]}
            assert {"session.create", "datasets.list", "settings.get", "audit.list"} <= names
            assert by_id[None]["error"]["code"] == -32600
            only_notes = [{"jsonrpc": "2.0", "method": "session.list"}]
            await c.ws.send(json.dumps(only_notes))
            assert (await c.call("session.list"))["id"] is not None  # nothing came in between

    run(scenario())


def test_every_error_code(engine: EngineProc) -> None:
    async def scenario() -> None:
        async with client(engine) as c:
            assert (await c.raw(b"{not json"))["error"]["code"] == -32700
            assert (await c.raw('{"jsonrpc":"1.0","id":1,"method":"x"}'))["error"]["code"] == -32600
            assert (await c.raw("[]"))["error"]["code"] == -32600
            assert (await c.call("no.such.method"))["error"]["code"] == -32601
            bad = await c.call("session.execute", sessionId="x")
            assert bad["error"]["code"] == -32602 and "command" in bad["error"]["message"]
            bad = await c.call("session.execute", sessionId="x", command={"type": "format_disk"})
            assert bad["error"]["code"] == -32602
            bad = await c.call(
                "session.execute", sessionId="x", command={"type": "write_file", "path": "a"}
            )
            assert bad["error"]["code"] == -32602 and "content" in bad["error"]["message"]
            missing = await c.call(
                "session.execute", sessionId="nope", command={"type": "list_files"}
            )
            assert missing["error"]["code"] == -32010
            assert (await c.call("session.close", sessionId="nope"))["error"]["code"] == -32010
            out_of_range = await c.call("settings.set", key="api.maxClients", value=0)
            assert out_of_range["error"]["code"] == -32602
            big = json.dumps(
                {
                    "jsonrpc": "2.0",
                    "id": 9,
                    "method": "session.list",
                    "params": {"x": "y" * 1_100_000},
                }
            )
            too_large = await c.raw(big)
            assert too_large["error"]["code"] == -32001
            assert "result" in await c.call("session.list")  # still usable

    run(scenario())


def test_audit_rows_for_every_mutating_call(engine: EngineProc) -> None:
    async def scenario() -> None:
        async with client(engine) as c:
            before = (await c.result("audit.list", limit=1))["rows"]
            last_id = before[0]["id"] if before else 0
            sid = (await c.result("session.create"))["sessionId"]
            secret = "top-secret-content"
            await c.result(
                "session.execute",
                sessionId=sid,
                command={"type": "write_file", "path": "s.txt", "content": secret},
            )
            await c.result("settings.set", key="sessions.maxSessions", value=32)
            await c.call("settings.set", key="api.port", value=-1)  # refused, still audited
            await c.result("session.list")  # not mutating: no row
            await c.result("session.close", sessionId=sid, wait=True)
            rows = (await c.result("audit.list", limit=100))["rows"]
            ordered = sorted((r for r in rows if r["id"] > last_id), key=lambda r: r["id"])
            assert [r["method"] for r in ordered] == [
                "session.create",
                "session.execute",
                "settings.set",
                "settings.set",
                "session.close",
            ]
            assert all(r["client"] and r["ts"] > 0 for r in ordered)
            assert all(r["outcome"] == "ok" for i, r in enumerate(ordered) if i != 3)
            assert ordered[3]["outcome"].startswith("error") and ordered[3]["errorCode"] == -32602
            execute = ordered[1]
            assert secret not in execute["params"] and "chars" in execute["params"]

    run(scenario())


def test_sigkill_of_runner_releases_datasets(engine: EngineProc, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with client(engine) as c:
            await c.result("session.subscribe")
            created = await c.result("session.create")
            sid, pid = created["sessionId"], created["pid"]
            alloc = {"type": "allocate_dataset", "name": "raw", "path": str(tmp_path)}
            got = await c.result("session.execute", sessionId=sid, command=alloc)
            assert got["success"], got
            held = (await c.result("datasets.list"))["allocations"]
            assert [(a["ownerKind"], a["ownerId"], a["pid"]) for a in held] == [
                ("session", sid, pid)
            ]
            os.kill(pid, signal.SIGKILL)
            closed = await c.note(
                lambda n: n["params"].get("event") == "closed" and n["params"]["sessionId"] == sid
            )
            assert "signal 9" in closed["params"]["reason"]
            assert (await c.result("datasets.list"))["allocations"] == []
            listed = await c.result("session.list")
            assert sid not in [s["sessionId"] for s in listed["sessions"]]

    run(scenario())


def _get(url: str, token: str | None) -> tuple[int, str]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read().decode()


def test_metrics_need_the_token_and_speak_prometheus(engine: EngineProc) -> None:
    base = f"http://127.0.0.1:{engine.port}"
    assert _get(f"{base}/health", None)[0] == 200
    assert _get(f"{base}/metrics", None)[0] == 401
    assert _get(f"{base}/metrics", "wrong")[0] == 401
    status, text = _get(f"{base}/metrics", engine.token)
    assert status == 200
    for family in (
        "opspanel_server_up 0",
        "opspanel_server_restarts_total",
        'opspanel_process_rss_bytes{name="panel"}',
        "# TYPE opspanel_job_runs gauge",
        "# TYPE opspanel_poll_lateness_ms gauge",
        "opspanel_sessions_open",
    ):
        assert family in text, family
    for line in text.splitlines():
        assert line.startswith("#") or len(line.rsplit(" ", 1)) == 2


def test_fifty_concurrent_clients(engine: EngineProc) -> None:
    async def scenario() -> float:
        async with client(engine) as admin:
            sids = [(await admin.result("session.create"))["sessionId"] for _ in range(10)]
            started = time.monotonic()

            async def one(n: int) -> None:
                async with client(engine) as c:
                    sid = sids[n % len(sids)]
                    path = f"c{n}.txt"
                    ex = "session.execute"
                    cmd = {"type": "write_file", "path": path, "content": str(n)}
                    assert (await c.result(ex, sessionId=sid, command=cmd))["success"]
                    cmd = {"type": "read_file", "path": path}
                    assert (await c.result(ex, sessionId=sid, command=cmd))["result"][
                        "content"
                    ] == str(n)
                    cmd = {"type": "execute_shell", "commandName": "echo", "args": [str(n)]}
                    got = await c.result(ex, sessionId=sid, command=cmd)
                    assert got["result"]["stdout"] == f"{n}\n"

            await asyncio.gather(*(one(n) for n in range(50)))
            elapsed = time.monotonic() - started
            listed = await admin.result("session.list")
            counts = {s["sessionId"]: s["executionCount"] for s in listed["sessions"]}
            assert sum(counts[sid] for sid in sids) == 150
            for sid in sids:
                await admin.result("session.close", sessionId=sid, wait=True)
            return elapsed

    elapsed = run(scenario())
    assert elapsed < 30


# -- fuzzing: whatever arrives, the engine answers per JSON-RPC 2.0 and keeps serving ----------

SAFE_METHODS = [
    "session.list",
    "session.execute",
    "session.close",
    "session.subscribe",
    "datasets.list",
    "settings.get",
    "audit.list",
    "rpc.discover",
    "status",
    "no.such",
    "",
]
"""Methods the fuzzer calls: nothing that starts the server, imports, or runs programs."""

json_leaf = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)  # json.dumps would write Infinity: not JSON
    | st.text(max_size=20)
)
json_value = st.recursive(
    json_leaf,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
file_command = st.fixed_dictionaries(
    {"type": st.sampled_from(["write_file", "read_file", "list_files", "delete_file", "bogus"])},
    optional={
        "path": st.text(max_size=30) | json_value,
        "content": st.text(max_size=30) | json_value,
        "mode": st.sampled_from(["Create", "Append", "Overwrite", "Nope"]),
    },
)


def request_shapes(sid: str) -> st.SearchStrategy[Any]:
    params = st.one_of(
        json_value,
        st.fixed_dictionaries(
            {"sessionId": st.sampled_from([sid, "nope"]), "command": file_command | json_value}
        ),
    )
    request = st.fixed_dictionaries(
        {
            "jsonrpc": st.sampled_from(["2.0", "2.0", "1.0", 2]),
            "method": st.sampled_from(SAFE_METHODS) | json_value,
        },
        optional={
            "id": st.integers() | st.text(max_size=5) | st.none() | json_value,
            "params": params,
        },
    )
    return st.one_of(request, st.lists(request, max_size=5), json_value)


def _check_reply(sent: Any, reply: Any) -> None:
    if isinstance(reply, list):
        assert isinstance(sent, list) and sent
        for item in reply:
            _check_one(item)
        return
    _check_one(reply)


def _check_one(reply: Any) -> None:
    assert isinstance(reply, dict) and reply.get("jsonrpc") == "2.0", reply
    assert "id" in reply
    assert ("result" in reply) != ("error" in reply), reply
    if "error" in reply:
        assert type(reply["error"]["code"]) is int and isinstance(reply["error"]["message"], str)


def _is_notification(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and item.get("jsonrpc") == "2.0"
        and isinstance(item.get("method"), str)
        and "id" not in item
        and isinstance(item.get("params", {}), dict | list)
    )


def _expects_reply(sent: Any) -> bool:
    if isinstance(sent, list):
        return not sent or not all(_is_notification(item) for item in sent)
    return not _is_notification(sent)


def test_fuzzed_requests_always_get_a_spec_answer(engine: EngineProc) -> None:
    loop = asyncio.new_event_loop()
    try:
        stack: Any = client(engine)
        c = loop.run_until_complete(stack.__aenter__())
        sid = loop.run_until_complete(c.result("session.create"))["sessionId"]

        @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
        @given(data=st.data())
        def check(data: st.DataObject) -> None:
            sent = data.draw(request_shapes(sid))
            text = json.dumps(sent)
            if not _expects_reply(sent):
                loop.run_until_complete(c.ws.send(text))
                return
            reply = loop.run_until_complete(c.raw(text))
            _check_reply(sent, reply)

        check()
        assert "result" in loop.run_until_complete(c.call("status"))
        loop.run_until_complete(c.call("session.close", sessionId=sid, wait=True))
        loop.run_until_complete(stack.__aexit__(None, None, None))
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


def _ctl(engine: EngineProc, *args: str, stdin: str | None = None) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "panel", "ctl", "--workspace", str(engine.ws), "sessions", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_ctl_sessions(engine: EngineProc) -> None:
    created = _ctl(engine, "create", "--idle-minutes", "3", "--json")
    assert created.returncode == 0, created.stderr
    sid = json.loads(created.stdout)["sessionId"]
    wrote = _ctl(engine, "write", sid, "notes/a.txt", stdin="hello ctl\n")
    assert wrote.returncode == 0, wrote.stderr
    read = _ctl(engine, "read", sid, "notes/a.txt")
    assert read.returncode == 0 and read.stdout == "hello ctl\n"
    ran = _ctl(engine, "exec", sid, "--", "cat", "notes/a.txt")
    assert ran.returncode == 0 and ran.stdout == "hello ctl\n"
    failed = _ctl(engine, "exec", sid, "--", "ls", "no-such-file")
    assert failed.returncode == 2 and "no-such-file" in failed.stderr  # the command's own code
    refused = _ctl(engine, "read", sid, "../../api.json")
    assert refused.returncode == 1 and "'..'" in refused.stderr
    listed = _ctl(engine, "list", "--json")
    row = next(s for s in json.loads(listed.stdout)["sessions"] if s["sessionId"] == sid)
    assert row["executionCount"] == 5
    assert sid in _ctl(engine, "list").stdout
    closed = _ctl(engine, "close", sid, "--json")
    assert closed.returncode == 0
    assert json.loads(closed.stdout) == {"sessionId": sid, "closed": True}
    assert _ctl(engine, "close", sid).returncode == 1


def test_ctl_sessions_exec_shows_output_live(engine: EngineProc) -> None:
    sid = json.loads(_ctl(engine, "create", "--json").stdout)["sessionId"]
    script = (
        "echo first; echo warn >&2; while [ ! -e go ]; do sleep 0.01; done; echo second; exit 3"
    )
    ctl = [sys.executable, "-m", "panel", "ctl", "--workspace", str(engine.ws), "sessions"]
    proc = subprocess.Popen(
        [*ctl, "exec", sid, "--", "sh", "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.readline() == "first\n"  # while the command still waits for `go`
        assert proc.stderr.readline() == "warn\n"
        assert proc.poll() is None
        (engine.ws / "sessions" / sid / "go").write_text("")
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert (proc.returncode, out, err) == (3, "second\n", "")  # the command's own exit code
    assert _ctl(engine, "close", sid).stdout == f"closed {sid}\n"
