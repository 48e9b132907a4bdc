"""The tag bus in the window: the status bar and the Connections page's Bus column,
embedded and attached to a headless engine, with a real broker and Modbus device."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from pytestqt.qtbot import QtBot

from panel.engine import Engine
from panel.util.ports import ephemeral_port
from panel.viewmodels.models import EngineModels, local_models
from panel.views.main_window import MainWindow
from panel.workspace.workspace import Workspace
from tests.gui.attached import HeadlessProcess, attach
from tests.integration.mqtt.bus import bus_workspace

TIMEOUT_MS = 30_000
BUS_COLUMN = 9


@pytest.fixture(params=["embedded", "attached"])
def window(request: pytest.FixtureRequest, tmp_path: Path, qtbot: QtBot) -> Iterator[MainWindow]:
    """A main window on a bus workspace: its engine in this process, or a headless one."""
    path = bus_workspace(tmp_path / "ws", ephemeral_port(), {"embedded": True})
    engine: Engine | None = None
    headless: HeadlessProcess | None = None
    if request.param == "embedded":
        engine = Engine(Workspace.open(path))
        engine.start()
        models: EngineModels = local_models(engine)
    else:
        headless = HeadlessProcess(path)
        headless.start()
        models = attach(qtbot, path)
    win = MainWindow(models, None)
    win.show()
    yield win
    if models.link is not None:
        models.link.close()
    win.allow_close()
    win.close()
    win.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    if engine is not None:
        with qtbot.waitSignal(engine.sig_shutdown_finished, timeout=TIMEOUT_MS):
            engine.shutdown()
        engine.workspace.close()
    if headless is not None:
        headless.stop()


def test_the_status_bar_and_the_connections_page_show_the_bus(
    window: MainWindow, qtbot: QtBot
) -> None:
    label = window.bus_label
    assert label is not None
    qtbot.waitUntil(
        lambda: label.text() == "MQTT: publishing (1/1 connections)", timeout=TIMEOUT_MS
    )
    assert label.isVisible()
    assert "Embedded broker: running" in label.toolTip()
    assert "mqtt://127.0.0.1:" in label.toolTip()

    view = window.connections_view
    assert view is not None
    window.show_page(view)
    header = view.list.horizontalHeaderItem(BUS_COLUMN)
    assert header is not None and header.text() == "Bus (last published)"

    def bus_cell() -> str:
        item = view.list.item(0, BUS_COLUMN)
        return item.text() if item is not None else ""

    qtbot.waitUntil(lambda: bus_cell().startswith("publishing "), timeout=TIMEOUT_MS)
    first = bus_cell()
    qtbot.waitUntil(lambda: bus_cell() != first, timeout=TIMEOUT_MS)  # the time moves on
