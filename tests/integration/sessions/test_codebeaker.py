"""CodeBeaker compatibility against a real headless engine: its client, its path,
live output, stateless runs, and every language whose toolchain is installed here."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from panel.sessions import languages
from tests.system_packages import need

from .engine_proc import EngineProc, client

HERE = Path(__file__).parent
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

STREAMING_CODE = """
import sys, time
for n in range(3):
    print(f"{n} {time.time():.6f}", flush=True)
    time.sleep(0.25)
print("done on stderr", file=sys.stderr, flush=True)
"""
"""Prints three stamped lines a quarter second apart: the pause is the workload."""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProc]:
    need("bwrap")
    proc = EngineProc(tmp_path_factory.mktemp("codebeaker"))
    yield proc
    proc.stop()


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 180))


def test_the_codebeaker_client_runs_unchanged_but_for_the_url(engine: EngineProc) -> None:
    url = f"ws://opspanel:{engine.token}@127.0.0.1:{engine.port}/ws/jsonrpc"
    done = subprocess.run(
        [sys.executable, str(HERE / "codebeaker_client.py"), url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    seen = json.loads(done.stdout)
    assert seen["stdout"] == "20\n" and seen["exitCode"] == 0
    assert seen["wrote"] and seen["closed"]
    assert ISO_UTC.match(seen["createdAt"]), seen["createdAt"]


def test_the_codebeaker_path_still_needs_the_token(engine: EngineProc) -> None:
    url = f"ws://opspanel:wrong@127.0.0.1:{engine.port}/ws/jsonrpc"
    done = subprocess.run(
        [sys.executable, str(HERE / "codebeaker_client.py"), url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0 and "401" in done.stderr


def test_times_are_iso_8601_utc(engine: EngineProc) -> None:
    async def scenario() -> None:
        async with client(engine) as c:
            sid = (await c.result("session.create"))["sessionId"]
            listed = await c.result("session.list")
            row = next(s for s in listed["sessions"] if s["sessionId"] == sid)
            assert ISO_UTC.match(row["createdAt"]) and ISO_UTC.match(row["lastActivity"])
            await c.result("session.close", sessionId=sid, wait=True)

    run(scenario())


def test_streamed_output_comes_live_in_order_then_the_result(engine: EngineProc) -> None:
    async def scenario() -> None:
        async with client(engine) as c:
            sid = (await c.result("session.create"))["sessionId"]
            request = {
                "jsonrpc": "2.0",
                "id": 99,
                "method": "session.execute",
                "params": {
                    "sessionId": sid,
                    "stream": True,
                    "command": {"type": "run_code", "code": STREAMING_CODE},
                },
            }
            await c.ws.send(json.dumps(request))
            arrived: list[tuple[float, dict[str, Any]]] = []
            while True:
                message = json.loads(await asyncio.wait_for(c.ws.recv(), 60))
                if message.get("method") == "session.output":
                    arrived.append((time.time(), message["params"]))
                elif message.get("id") == 99:
                    reply = message["result"]
                    break
            assert reply["success"], reply
            outputs = [p for _, p in arrived]
            assert {p["executionId"] for p in outputs} == {reply["executionId"]}
            assert {p["sessionId"] for p in outputs} == {sid}
            stdout = "".join(p["data"] for p in outputs if p["stream"] == "stdout")
            stderr = "".join(p["data"] for p in outputs if p["stream"] == "stderr")
            assert stdout == reply["result"]["stdout"] and stderr == "done on stderr\n"
            lines = stdout.splitlines()
            assert [line.split()[0] for line in lines] == ["0", "1", "2"]
            # the first line reached us before the command wrote its second one (live; the
            # 50 ms bound itself is measured by tests/benchmarks/bench_session_stream.py)
            first_at = next(t for t, p in arrived if p["stream"] == "stdout")
            assert first_at < float(lines[1].split()[1])
            await c.result("session.close", sessionId=sid, wait=True)

    run(scenario())


def test_execution_run_is_stateless(engine: EngineProc) -> None:
    async def scenario() -> None:
        async with client(engine) as c:
            before = await c.result("session.list")
            ran = await c.result(
                "execution.run",
                language="python",
                code="print(6 * 7)",
                timeoutMs=20_000,
                memoryLimitMB=256,
            )
            assert ran["success"] and ran["result"]["stdout"] == "42\n", ran
            after = await c.result("session.list")
            assert ran["sessionId"] not in [s["sessionId"] for s in after["sessions"]]
            assert after["count"] == before["count"]
            request = {
                "jsonrpc": "2.0",
                "id": "live",
                "method": "execution.run",
                "params": {"language": "python", "code": "print('live')", "stream": True},
            }
            await c.ws.send(json.dumps(request))
            seen: list[dict[str, Any]] = []
            while True:
                message = json.loads(await asyncio.wait_for(c.ws.recv(), 60))
                if message.get("method") == "session.output":
                    seen.append(message["params"])
                elif message.get("id") == "live":
                    live = message["result"]
                    break
            assert "".join(p["data"] for p in seen) == "live\n" == live["result"]["stdout"]
            assert seen[0]["executionId"] == live["executionId"]
            slow = await c.result("execution.run", code="while True: pass", timeoutMs=300)
            assert not slow["success"] and "timed out after 300 ms" in slow["error"]

    run(scenario())


def test_languages_are_listed_and_a_missing_one_is_named(engine: EngineProc) -> None:
    here = languages.available()

    async def scenario() -> None:
        async with client(engine) as c:
            listed = await c.result("session.list")
            discovered = await c.result("rpc.discover")
            assert listed["languages"] == discovered["languages"]
            assert "python" in listed["languages"]
            names = {m["name"] for m in discovered["methods"]}
            assert {"execution.run", "session.execute"} <= names
            for name in ("golang", "nodejs", "dotnet"):
                assert (name in listed["languages"]) == (name in here)
            missing = [lang for lang in languages.LANGUAGES if lang.name not in here]
            for lang in missing:
                ran = await c.result("execution.run", language=lang.name, code="x")
                assert not ran["success"]
                assert "toolchain is missing" in ran["error"] and lang.programs[0] in ran["error"]
            unknown = await c.result("execution.run", language="cobol", code="x")
            assert "unsupported language 'cobol'" in unknown["error"]

    run(scenario())


PROGRAMS = {
    "python": ("python", "print(6 * 7)"),
    "nodejs": ("node", "console.log(6 * 7)"),
    "javascript": ("node", "console.log([6, 7].reduce((a, b) => a * b))"),
    "golang": ("go", 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println(6 * 7) }\n'),
    "dotnet": ("dotnet", "Console.WriteLine(6 * 7);"),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_every_present_language_runs(engine: EngineProc, name: str) -> None:
    program, code = PROGRAMS[name]
    if program != "python":
        need(program)

    async def scenario() -> None:
        async with client(engine) as c:
            ran = await c.result(
                "execution.run", language=name, code=code, timeoutMs=170_000, timeout=175
            )
            assert ran["success"], ran
            assert ran["result"]["stdout"] == "42\n"
            assert ran["language"] == name

    run(scenario())
