"""A workspace with several real services, and the window (embedded or attached) on it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from panel.engine import Engine
from panel.util.ports import ephemeral_port
from panel.viewmodels.models import EngineModels, local_models
from panel.views.main_window import MainWindow
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.service_config import ServiceConfig
from panel.workspace.workspace import Workspace
from tests.gui.attached import HeadlessProcess, attach
from tests.gui.services.parts import CHILD, NAMES, TIMEOUT_MS


def services_of(tmp: Path, server_port: int) -> list[ServiceConfig]:
    """The demo server (FastAPI, so it has API docs), a TCP worker, a service ready on a log
    line, and one that exits with code 3 at once; none started by itself."""
    stamps = str(tmp / "stamps.txt")
    worker_port = ephemeral_port()

    def child(name: str, *args: object, **more: object) -> ServiceConfig:
        command = [sys.executable, str(CHILD), stamps, name, *map(str, args)]
        return ServiceConfig.from_json({"name": name, "command": command, **more})

    server = demo_server_config().to_json() | {"port": server_port, "autostart": False}
    return [
        ServiceConfig.from_server(ServerConfig.from_json(server)),
        child("worker", "tcp", "{port}", port=worker_port, autostart=False),
        child("logger", "log", readiness={"log": "ready"}, autostart=False),
        child("broken", "exit", 3, autostart=False, restart="never", startRetries=0),
    ]


def prepare(path: Path, server_port: int) -> Path:
    """A workspace at `path` with `services_of` stored."""
    with Workspace.open(path) as ws:
        ws.save_services(services_of(path.parent, server_port))
    return path


@pytest.fixture(params=["embedded", "attached"])
def services_models(
    request: pytest.FixtureRequest, tmp_path: Path, qtbot: QtBot, free_port: int
) -> Iterator[EngineModels]:
    """View models of an engine with four services: embedded, or a headless subprocess."""
    workspace = prepare(tmp_path / "ws", free_port)
    if request.param == "embedded":
        engine = Engine(Workspace.open(workspace))
        engine.start()
        yield local_models(engine)
        with qtbot.waitSignal(engine.sig_shutdown_finished, timeout=TIMEOUT_MS):
            engine.shutdown()
        engine.workspace.close()
        return
    headless = HeadlessProcess(workspace)
    headless.start()
    models = attach(qtbot, workspace)
    qtbot.waitUntil(lambda: len(models.services.names()) == len(NAMES), timeout=TIMEOUT_MS)
    yield models
    assert models.link is not None
    models.link.close()
    headless.stop()


@pytest.fixture
def services_window(services_models: EngineModels, qtbot: QtBot) -> Iterator[MainWindow]:
    """The main window on `services_models`, showing its Services page."""
    from PySide6.QtCore import QCoreApplication, QEvent

    window = MainWindow(services_models, None)
    embedded = services_models.embedded
    if embedded is not None:
        embedded.watch_stats(window)  # as the application does for its window
    window.show()
    window.show_page(window.services_view)
    yield window
    if embedded is not None:
        embedded.unwatch_stats(window)
    if services_models.link is not None:
        services_models.link.close()
    window.allow_close()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
