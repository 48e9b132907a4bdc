"""A real engine whose workspace runs several services (real child processes)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from panel.engine import Engine
from panel.workspace.server_config import demo_server_config
from panel.workspace.service_config import ServiceConfig
from panel.workspace.workspace import Workspace

CHILD = Path(__file__).with_name("child.py")
TIMEOUT_MS = 30_000


def child(stamps: Path, name: str, mode: str, *args: object, **more: Any) -> ServiceConfig:
    """A service running child.py in `mode`, stamping into `stamps`."""
    command = [sys.executable, str(CHILD), str(stamps), name, mode, *map(str, args)]
    return ServiceConfig.from_json({"name": name, "command": command, **more})


def server_service(port: int) -> ServiceConfig:
    """The demo server, not started by itself."""
    data = demo_server_config().to_json() | {"port": port, "autostart": False}
    from panel.workspace.server_config import ServerConfig

    return ServiceConfig.from_server(ServerConfig.from_json(data))


def stamps_of(path: Path) -> list[tuple[float, str, str]]:
    """(time, service, what) for each line child.py wrote."""
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        ts, name, what = line.split()
        out.append((float(ts), name, what))
    return out


@pytest.fixture
def make_engine(tmp_path: Path, qtbot: QtBot) -> Iterator[Callable[[list[ServiceConfig]], Engine]]:
    """An engine on a workspace with these services (plus a server that stays stopped)."""
    made: list[tuple[Engine, Workspace]] = []

    def make(services: list[ServiceConfig]) -> Engine:
        from panel.util.ports import ephemeral_port

        ws = Workspace.open(tmp_path / f"ws{len(made)}")
        ws.save_services([server_service(ephemeral_port()), *services])
        engine = Engine(ws)
        made.append((engine, ws))
        engine.start()
        return engine

    yield make
    for engine, ws in made:
        with qtbot.waitSignal(engine.sig_shutdown_finished, timeout=TIMEOUT_MS):
            engine.shutdown()
        ws.close()
