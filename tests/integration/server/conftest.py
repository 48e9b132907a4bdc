"""Fixtures for the server lifecycle: a real engine on a temporary workspace."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from panel.engine import Engine
from panel.server.status import ServerStatus
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.workspace import Workspace

START_TIMEOUT_MS = 30_000


@pytest.fixture
def make_engine(tmp_path: Path, qtbot: QtBot) -> Iterator[Callable[[ServerConfig], Engine]]:
    """Build an engine whose server has the given config; shut down cleanly afterwards."""
    made: list[tuple[Engine, Workspace]] = []

    def make(config: ServerConfig) -> Engine:
        ws = Workspace.open(tmp_path / f"ws{len(made)}")
        ws.save_server_config(config)
        engine = Engine(ws)
        made.append((engine, ws))
        engine.start()
        return engine

    yield make
    for engine, ws in made:
        with qtbot.waitSignal(engine.sig_shutdown_finished, timeout=START_TIMEOUT_MS):
            engine.shutdown()
        ws.close()


def demo_config(port: int, **changes: object) -> ServerConfig:
    """The demo FastAPI server on `port`, with any field changed."""
    data = demo_server_config().to_json() | {"port": port, "autostart": False} | changes
    return ServerConfig.from_json(data)


def wait_status(
    qtbot: QtBot, engine: Engine, status: ServerStatus, timeout: int = START_TIMEOUT_MS
) -> None:
    """Wait until the server reports `status`, failing with what it reported instead."""
    qtbot.waitUntil(lambda: engine.server.status() == status, timeout=timeout)
