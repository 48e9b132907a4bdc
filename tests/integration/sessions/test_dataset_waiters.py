"""A job waiting for a dataset starts as soon as its holder lets go: a session that
releases it or closes, or another job's run that ends (a real headless engine)."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .engine_proc import Client, EngineProc, client

START_WITHIN_S = 1.0
"""How soon after the release the waiting run must be running."""


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dataset path the sessions and the jobs contend for."""
    return tmp_path_factory.mktemp("dataset")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, data: Path) -> Iterator[EngineProc]:
    proc = EngineProc(tmp_path_factory.mktemp("dataset-waiters"))
    uses = {"raw": {"path": str(data), "mode": "exclusive"}}
    hold = (
        "import os,time\n"
        "deadline=time.monotonic()+60\n"
        f"while not os.path.exists({str(data / 'done')!r}) and time.monotonic()<deadline:\n"
        "    time.sleep(0.01)\n"
    )
    jobs = [
        {"id": "writer", "command": [sys.executable, "-c", "pass"], "datasets": uses},
        {"id": "holder", "command": [sys.executable, "-c", hold], "datasets": uses},
    ]

    async def configure() -> None:
        async with client(proc) as c:
            config = await c.result("config.export")
            await c.result("config.import", config={**config, "jobs": jobs})

    asyncio.run(asyncio.wait_for(configure(), 60))
    yield proc
    proc.stop()


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 120))


async def run_state(c: Client, run_id: int, states: set[str], timeout: float = 15.0) -> float:
    """Wait (bounded) for the `jobs.run` notification of `run_id` in one of `states`;
    when it arrived (time.monotonic())."""
    await c.note(
        lambda n: (
            n["method"] == "jobs.run"
            and n["params"]["id"] == run_id
            and n["params"]["status"] in states
        ),
        timeout,
    )
    return time.monotonic()


async def writer_waiting(c: Client) -> int:
    """Run `writer` and wait until it waits for the dataset; its run id."""
    run_id = int((await c.result("jobs.run", id="writer"))["id"])
    await run_state(c, run_id, {"waiting"})
    return run_id


async def session_holding(c: Client, data: Path) -> str:
    """A new session holding `data` as dataset `raw`; its id."""
    sid = str((await c.result("session.create"))["sessionId"])
    alloc = {"type": "allocate_dataset", "name": "raw", "path": str(data)}
    got = await c.result("session.execute", sessionId=sid, command=alloc)
    assert got["success"], got
    return sid


async def started_soon(c: Client, run_id: int, released: float) -> None:
    """The run is running within START_WITHIN_S of `released`, and then succeeds."""
    running = await run_state(c, run_id, {"running", "success"}, timeout=10 * START_WITHIN_S)
    assert running - released < START_WITHIN_S
    await run_state(c, run_id, {"success"})


def test_a_session_releasing_the_dataset_starts_the_waiting_job(
    engine: EngineProc, data: Path
) -> None:
    async def scenario() -> None:
        async with client(engine) as c:
            await c.result("jobs.subscribe")
            sid = await session_holding(c, data)
            run_id = await writer_waiting(c)
            release = {"type": "release_dataset", "name": "raw"}
            released = time.monotonic()
            assert (await c.result("session.execute", sessionId=sid, command=release))["success"]
            await started_soon(c, run_id, released)
            await c.result("session.close", sessionId=sid, wait=True)

    run(scenario())


def test_a_session_closing_starts_the_waiting_job(engine: EngineProc, data: Path) -> None:
    async def scenario() -> None:
        async with client(engine) as c:
            await c.result("jobs.subscribe")
            sid = await session_holding(c, data)
            run_id = await writer_waiting(c)
            released = time.monotonic()
            await c.result("session.close", sessionId=sid)
            await started_soon(c, run_id, released)

    run(scenario())


def test_a_job_run_ending_starts_the_job_waiting_for_its_dataset(
    engine: EngineProc, data: Path
) -> None:
    async def scenario() -> None:
        async with client(engine) as c:
            await c.result("jobs.subscribe")
            holder = int((await c.result("jobs.run", id="holder"))["id"])
            await run_state(c, holder, {"running"})
            run_id = await writer_waiting(c)
            (data / "done").touch()
            ended = await run_state(c, holder, {"success"})
            await started_soon(c, run_id, ended)
            assert (await c.result("datasets.list"))["allocations"] == []

    run(scenario())
