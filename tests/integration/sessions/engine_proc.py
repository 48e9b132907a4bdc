"""A headless engine subprocess and a small WebSocket JSON-RPC client for the tests."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.workspace import Workspace
from tests.waiting import terminate_tree, wait_for_api_file

STARTUP_S = 40.0


class EngineProc:
    """`opspanel --headless` on a fresh workspace (server not autostarted)."""

    def __init__(
        self,
        ws: Path,
        settings: dict[str, Any] | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        with Workspace.open(ws) as workspace:
            config = ServerConfig.from_json(demo_server_config().to_json() | {"autostart": False})
            workspace.save_server_config(config)
            for key, value in (settings or {}).items():
                workspace.set_setting(key, value)
        self.ws = ws
        self.log = open(ws / "engine-test.log", "w")  # noqa: SIM115  (closed in stop)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "panel", "--headless", "--workspace", str(ws)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, PYTHONUNBUFFERED="1", **(env or {})),
        )
        wait_for_api_file(ws, self.proc, STARTUP_S)
        assert self.proc.poll() is None, (ws / "engine-test.log").read_text()
        info = json.loads((ws / "api.json").read_text())
        self.port = int(info["port"])
        self.token = str(info["token"])

    @property
    def url(self) -> str:
        """The RPC endpoint."""
        return f"ws://127.0.0.1:{self.port}/rpc"

    def stop(self) -> None:
        """SIGTERM, bounded wait, then kill whatever is left of the tree."""
        terminate_tree(self.proc, timeout=40)
        self.log.close()


class Client:
    """A JSON-RPC client on one WebSocket: calls, raw sends, and collected notifications."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.ids = itertools.count(1)
        self.notes: list[dict[str, Any]] = []

    async def raw(self, text: str | bytes, timeout: float = 30.0) -> Any:
        """Send text, answer the next reply (notifications are set aside)."""
        await self.ws.send(text)
        return await self.reply(timeout)

    async def reply(self, timeout: float = 30.0) -> Any:
        """The next message that is not a notification."""
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
            if isinstance(message, dict) and "method" in message and "id" not in message:
                self.notes.append(message)
                continue
            return message

    async def call(self, method: str, timeout: float = 30.0, **params: Any) -> Any:
        """The whole response of one request."""
        request = {"jsonrpc": "2.0", "id": next(self.ids), "method": method, "params": params}
        return await self.raw(json.dumps(request), timeout)

    async def result(self, method: str, timeout: float = 30.0, **params: Any) -> Any:
        """The result of one request (fails on an error)."""
        reply = await self.call(method, timeout, **params)
        assert "result" in reply, reply
        return reply["result"]

    async def note(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 15.0) -> Any:
        """Wait (bounded) for a notification matching `predicate`."""
        deadline = time.monotonic() + timeout
        while True:
            for note in self.notes:
                if predicate(note):
                    return note
            left = deadline - time.monotonic()
            assert left > 0, f"no matching notification in {self.notes!r}"
            message = json.loads(await asyncio.wait_for(self.ws.recv(), left))
            if "method" in message and "id" not in message:
                self.notes.append(message)


@contextlib.asynccontextmanager
async def client(engine: EngineProc, **kwargs: Any) -> Any:
    """A connected, authorised client."""
    headers = {"Authorization": f"Bearer {engine.token}"}
    async with connect(engine.url, additional_headers=headers, **kwargs) as ws:
        yield Client(ws)
