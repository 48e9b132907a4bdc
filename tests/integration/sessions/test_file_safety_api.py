"""Files a session must not reach through its file commands, over the real JSON-RPC API.

FIFOs answer at once (never a hung runner), hard links and devices are refused, links
are not followed, and a folder swapped for a link while files are read leaks nothing.
"""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.waiting import terminate_tree, wait_for

from .engine_proc import Client, EngineProc, client
from .test_file_race import INSIDE, OUTSIDE, SWAPPER

QUICK_S = 10.0
"""An answer that takes longer than this is a hung runner."""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProc]:
    proc = EngineProc(tmp_path_factory.mktemp("sessions-files"))
    yield proc
    proc.stop()


class Files:
    """One session of the engine, its folder, and its commands with a short timeout."""

    def __init__(self, engine: EngineProc, c: Client, sid: str) -> None:
        self.c = c
        self.sid = sid
        self.folder = engine.ws / "sessions" / sid

    async def ex(self, **command: Any) -> dict[str, Any]:
        """`session.execute` of `command`; its whole result (success or not)."""
        result: dict[str, Any] = await self.c.result(
            "session.execute", timeout=QUICK_S, sessionId=self.sid, command=command
        )
        return result

    async def refused(self, why: str, **command: Any) -> dict[str, Any]:
        """`command` fails with a path_refused error that mentions `why`."""
        reply = await self.ex(**command)
        assert not reply["success"], (command, reply)
        assert why in reply["error"], (command, reply)
        assert reply["errorData"]["kind"] == "path_refused", (command, reply)
        return reply


def scenario(engine: EngineProc, body: Any) -> None:
    """Run `body(files)` in a new session that is closed afterwards."""

    async def run() -> None:
        async with client(engine) as c:
            sid = (await c.result("session.create"))["sessionId"]
            try:
                await body(Files(engine, c, sid))
            finally:
                await c.result("session.close", sessionId=sid, wait=True)

    asyncio.run(asyncio.wait_for(run(), 120))


def test_a_fifo_is_refused_at_once_and_the_session_goes_on(engine: EngineProc) -> None:
    async def body(f: Files) -> None:
        made = await f.ex(type="execute_shell", commandName="mkfifo", args=["pipe"])
        assert made["success"] and made["result"]["exitCode"] == 0, made
        await f.refused("not a regular file", type="read_file", path="pipe")
        for mode in ("Append", "Overwrite"):
            write = {"type": "write_file", "path": "pipe", "content": "x", "mode": mode}
            await f.refused("not a regular file", **write)
        listing = await f.ex(type="list_files")
        assert [e["name"] for e in listing["result"]["entries"]] == ["pipe"]
        assert (await f.ex(type="delete_file", path="pipe"))["success"]

    scenario(engine, body)


def test_a_hard_link_to_an_outside_file_is_refused(engine: EngineProc, tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text(OUTSIDE)

    async def body(f: Files) -> None:
        os.link(outside, f.folder / "hl.txt")
        await f.refused("hard links are not followed", type="read_file", path="hl.txt")
        for mode in ("Append", "Overwrite"):
            write = {"type": "write_file", "path": "hl.txt", "content": "x", "mode": mode}
            await f.refused("hard links are not followed", **write)
        assert (await f.ex(type="delete_file", path="hl.txt"))["success"]  # only the name goes

    scenario(engine, body)
    assert outside.read_text() == OUTSIDE
    assert outside.stat().st_nlink == 1


def test_links_are_not_followed_and_devices_are_refused(engine: EngineProc) -> None:
    async def body(f: Files) -> None:
        (f.folder / "real").mkdir()
        (f.folder / "real" / "a.txt").write_text(INSIDE)
        os.symlink("/dev/zero", f.folder / "zero")
        os.symlink("real", f.folder / "alias")  # even a link that stays inside
        await f.refused("symbolic links are not followed", type="read_file", path="zero")
        await f.refused("symbolic links are not followed", type="read_file", path="alias/a.txt")
        await f.refused("symbolic links are not followed", type="list_files", path="alias")
        write = {"type": "write_file", "path": "alias/b.txt", "content": "x", "mode": "Create"}
        await f.refused("symbolic links are not followed", **write)
        assert not (f.folder / "real" / "b.txt").exists()
        listing = await f.ex(type="list_files")
        kinds = {e["name"]: e["type"] for e in listing["result"]["entries"]}
        assert kinds == {"alias": "link", "real": "dir", "zero": "link"}
        assert (await f.ex(type="delete_file", path="alias"))["success"]  # the link itself
        assert (f.folder / "real" / "a.txt").read_text() == INSIDE

    scenario(engine, body)


def test_a_device_node_is_refused(engine: EngineProc) -> None:
    async def body(f: Files) -> None:
        try:
            os.mknod(f.folder / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("skipped: needs root to make a device node")
        await f.refused("not a regular file", type="read_file", path="null")
        write = {"type": "write_file", "path": "null", "content": "x", "mode": "Append"}
        await f.refused("not a regular file", **write)
        listing = await f.ex(type="list_files")
        assert [e["name"] for e in listing["result"]["entries"]] == ["null"]

    scenario(engine, body)


def test_run_code_does_not_write_its_snippet_through_a_link(
    engine: EngineProc, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()

    async def body(f: Files) -> None:
        os.symlink(outside, f.folder / ".code")
        await f.refused("symbolic links are not followed", type="run_code", code="print(1)")
        os.unlink(f.folder / ".code")
        ran = await f.ex(type="run_code", code="print(1)")
        assert ran["result"]["stdout"] == "1\n", ran

    scenario(engine, body)
    assert list(outside.iterdir()) == []


def test_racing_reads_over_the_api_stay_inside(engine: EngineProc, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(OUTSIDE)
    calls = 600

    async def body(f: Files) -> None:
        (f.folder / "d.real").mkdir()
        (f.folder / "d.real" / "secret.txt").write_text(INSIDE)
        os.symlink(outside, f.folder / "d.link")
        argv = [sys.executable, "-c", SWAPPER]
        swapper = subprocess.Popen(argv, cwd=f.folder, stdout=subprocess.DEVNULL)
        try:
            wait_for(lambda: (f.folder / "swapping").exists(), 20, "the swapper to start")
            replies = [await f.ex(type="read_file", path="d/secret.txt") for _ in range(calls)]
        finally:
            (f.folder / "stop").touch()
            wait_for(lambda: swapper.poll() is not None, 10, "the swapper to stop")
            terminate_tree(swapper)
        contents = [r["result"]["content"] for r in replies if r["success"]]
        leaked = contents.count(OUTSIDE)
        assert leaked == 0, f"{leaked} of {calls} racing read_file calls returned the outside file"
        assert INSIDE in contents, "no read got through: the race was not run"

    scenario(engine, body)
