"""Fixtures shared by the GUI tests: a real engine on a fresh workspace, and its window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from panel.engine import Engine
from panel.viewmodels.models import EngineModels, local_models
from panel.views import tray
from panel.views.main_window import MainWindow
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.workspace import Workspace
from tests.gui.attached import HeadlessProcess, attach
from tests.remote_parts import sshd  # noqa: F401 (the real sshd, for windows over ssh://)

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


@pytest.fixture(autouse=True)
def _windows_do_not_quit_the_application(qapp: QApplication) -> Iterator[None]:
    """As in the application, closing the last window does not quit it: that would post a
    Quit event that ends the next test's event loop (a qasync loop stops on it)."""
    qapp.setQuitOnLastWindowClosed(False)
    yield
    qapp.setQuitOnLastWindowClosed(False)


@pytest.fixture(autouse=True)
def _each_test_starts_without_a_tray_icon() -> Iterator[None]:
    """A window a test left open (hidden, not closed for good) would keep the
    application's one tray icon, and the next test's window would show none."""
    yield
    for left in list(tray._roster):
        left.retire()


def _prepare(path: Path, port: int) -> Path:
    """A workspace whose demo server (stopped, not autostarted) would use `port`."""
    with Workspace.open(path) as ws:
        config = demo_server_config().to_json() | {"port": port, "autostart": False}
        ws.save_server_config(ServerConfig.from_json(config))
    return path


@pytest.fixture(params=["embedded", "attached"])
def models(
    request: pytest.FixtureRequest, tmp_path: Path, qtbot: QtBot, free_port: int
) -> Iterator[EngineModels]:
    """The view models of an engine whose demo server is stopped, on a free port: of an
    engine in this process ("embedded"), or of a headless engine subprocess ("attached")."""
    if request.param == "embedded":
        eng = _start_engine(tmp_path / "ws", free_port)
        yield local_models(eng)
        _shut_down(qtbot, eng)
        eng.workspace.close()
        return
    engine = HeadlessProcess(_prepare(tmp_path / "ws", free_port))
    engine.start()
    attached = attach(qtbot, engine.workspace)
    yield attached
    assert attached.link is not None
    attached.link.close()
    engine.stop()


@pytest.fixture
def any_window(models: EngineModels, qtbot: QtBot) -> Iterator[MainWindow]:
    """A main window on `models`: once embedded, once attached to a headless engine."""
    win = MainWindow(models, "127.0.0.1:1" if not models.attached else None)
    win.show()
    yield win
    if models.link is not None:
        models.link.close()
    win.allow_close()
    win.close()
    win.deleteLater()
    # Gone before the engine shuts down: a page's pending refresh must not read its store.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def headless(tmp_path: Path, free_port: int) -> Iterator[HeadlessProcess]:
    """A headless engine subprocess (started) whose demo server is stopped, on a free port."""
    engine = HeadlessProcess(_prepare(tmp_path / "ws", free_port))
    engine.start()
    yield engine
    engine.stop()


@pytest.fixture
def window(tmp_path: Path, qtbot: QtBot, free_port: int) -> Iterator[MainWindow]:
    """A main window on an engine whose demo server is stopped, on a free port."""
    eng = _start_engine(tmp_path / "ws", free_port)
    win = MainWindow(local_models(eng), "127.0.0.1:1")
    win.show()
    yield win
    _shut_down(qtbot, eng)
    win.allow_close()
    win.close()
    win.deleteLater()
    eng.workspace.close()
