"""Fixtures shared by the GUI tests: a real engine on a fresh workspace, and its window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from panel.engine import Engine
from panel.views.main_window import MainWindow
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.workspace import Workspace

SHUTDOWN_TIMEOUT_MS = 30_000


def _start_engine(path: Path, port: int) -> Engine:
    """An engine on a new workspace at `path` whose demo server (stopped) would use `port`."""
    ws = Workspace.open(path)
    config = demo_server_config().to_json() | {"port": port, "autostart": False}
    ws.save_server_config(ServerConfig.from_json(config))
    engine = Engine(ws)
    engine.start()
    return engine


def _shut_down(qtbot: QtBot, engine: Engine) -> None:
    with qtbot.waitSignal(engine.sig_shutdown_finished, timeout=SHUTDOWN_TIMEOUT_MS):
        engine.shutdown()


@pytest.fixture
def engine(tmp_path: Path, qtbot: QtBot, free_port: int) -> Iterator[Engine]:
    """A started engine whose demo server is stopped, on a free port."""
    eng = _start_engine(tmp_path / "ws", free_port)
    yield eng
    _shut_down(qtbot, eng)
    eng.workspace.close()


@pytest.fixture
def window(tmp_path: Path, qtbot: QtBot, free_port: int) -> Iterator[MainWindow]:
    """A main window on an engine whose demo server is stopped, on a free port."""
    eng = _start_engine(tmp_path / "ws", free_port)
    win = MainWindow(eng, "127.0.0.1:1")
    win.show()
    yield win
    _shut_down(qtbot, eng)
    win.allow_close()
    win.close()
    win.deleteLater()
    eng.workspace.close()
