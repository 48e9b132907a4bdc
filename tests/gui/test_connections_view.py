"""The Connections panel against a real engine, a real worker and a real Modbus simulator."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).parents[1] / "integration" / "connections"))

from modbus_sim import ModbusSim

from panel.connections.tag_model import COL_QUALITY, COL_VALUE, QUALITY_ROLE
from panel.engine import Engine
from panel.views.connections_view import ConnectionsView
from panel.views.tag_write_dialog import TagWriteDialog
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.workspace import Workspace
from tests.gui.dialogs import answer_next_file_dialog, answer_next_message_box, standard_button

CONNECTION = {
    "id": "plc1",
    "driver": "modbus_tcp",
    "host": "127.0.0.1",
    "blocks": [
        {
            "name": "main",
            "area": "holding",
            "count": 4,
            "periodMs": 100,
            "tags": [
                {"name": "speed", "offset": 0, "type": "uint16"},
                {"name": "setpoint", "offset": 1, "type": "int16", "writable": True},
            ],
        }
    ],
}


@pytest.fixture
def sim(free_port: int) -> Iterator[ModbusSim]:
    simulator = ModbusSim(free_port).start()
    yield simulator
    simulator.close()


@pytest.fixture
def view(tmp_path: Path, qtbot: QtBot, sim: ModbusSim) -> Iterator[ConnectionsView]:
    ws = Workspace.open(tmp_path / "ws")
    ws.save_server_config(
        ServerConfig.from_json(demo_server_config().to_json() | {"autostart": False})
    )
    ws.set_setting("demo.devices", [])
    engine = Engine(ws)
    engine.start()
    widget = ConnectionsView(engine.connections)
    qtbot.addWidget(widget)
    widget.show()
    sim.set("holding", 0, [321, 5])
    engine.connections.save_connection(CONNECTION | {"port": sim.port})
    yield widget
    widget.close()
    with qtbot.waitSignal(engine.sig_shutdown_finished, timeout=20_000):
        engine.shutdown()
    ws.close()


def wait_connected(view: ConnectionsView, qtbot: QtBot) -> None:
    def connected() -> bool:
        item = view.list.item(0, 0)
        return item is not None and item.text() == "Connected"

    qtbot.waitUntil(connected, timeout=15_000)


def row_of(view: ConnectionsView, name: str) -> int:
    row = view.tag_model.row_of(name)
    assert row is not None
    return row


def test_panel_shows_connection_and_good_tags(view: ConnectionsView, qtbot: QtBot) -> None:
    model = view.tag_model
    qtbot.waitUntil(lambda: view.list.rowCount() == 1 and view.current_id() == "plc1")
    qtbot.waitUntil(
        lambda: model.data(model.index(row_of(view, "speed"), COL_VALUE)) == "321", timeout=15_000
    )
    assert model.data(model.index(row_of(view, "speed"), COL_QUALITY), QUALITY_ROLE) == "good"
    qtbot.waitUntil(lambda: view.list.item(0, 0).text() == "Connected", timeout=15_000)
    assert view.list.item(0, 4).text().isdigit()  # pid
    assert "Good" in view.legend.text() and "Bad" in view.legend.text()
    assert view.disable_button.isEnabled() and not view.enable_button.isEnabled()
    qtbot.waitUntil(lambda: view.blocks.rowCount() == 1 and view.blocks.item(0, 3).text() != "-")


def test_write_dialog_validates_then_writes(
    view: ConnectionsView, qtbot: QtBot, sim: ModbusSim
) -> None:
    qtbot.waitUntil(
        lambda: view.list.item(0, 0) is not None and view.list.item(0, 0).text() == "Connected",
        timeout=15_000,
    )
    manager = view._manager
    block, tag = manager.find_tag("plc1", "setpoint")
    dialog = TagWriteDialog("plc1", block, tag, 5, lambda v: manager.write("plc1", {"setpoint": v}))
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.value_edit.setText("70000")
    assert not ok.isEnabled() and "out of range" in dialog.error_label.text()
    dialog.value_edit.setText("1.5x")
    assert not ok.isEnabled() and "integer" in dialog.error_label.text()
    dialog.value_edit.setText("-12")
    assert ok.isEnabled() and dialog.error_label.text() == ""
    with qtbot.waitSignal(manager.sig_written, timeout=10_000) as blocker:
        ok.click()
    assert blocker.args[2].outcome == "done"
    assert sim.get("holding", 1, 1) == [65524]


def test_trend_follows_selected_tags(view: ConnectionsView, qtbot: QtBot, sim: ModbusSim) -> None:
    model = view.tag_model
    qtbot.waitUntil(lambda: model.data(model.index(0, COL_VALUE)) == "321", timeout=15_000)
    view.tags.selectionModel().select(
        model.index(row_of(view, "speed"), 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert model.watched() == ["speed"]
    sim.set("holding", 0, [400])
    qtbot.waitUntil(lambda: len(model.history("speed")) >= 2, timeout=15_000)
    view.details.setCurrentWidget(view.trend)
    view.trend.grab()  # paints without warnings


def test_disable_button_goes_busy_then_disabled(view: ConnectionsView, qtbot: QtBot) -> None:
    qtbot.waitUntil(
        lambda: view.list.item(0, 0) is not None and view.list.item(0, 0).text() == "Connected",
        timeout=15_000,
    )
    view.disable_button.click()
    assert not view.disable_button.isEnabled()
    qtbot.waitUntil(lambda: view.list.item(0, 0).text() == "Disabled", timeout=15_000)
    qtbot.waitUntil(view.enable_button.isEnabled)
    assert QApplication.activeModalWidget() is None


def test_load_csv_with_bad_utf8_names_the_spot_and_keeps_the_connections(
    view: ConnectionsView, qtbot: QtBot, tmp_path: Path
) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "connections.csv").write_bytes(b"id,driver,host,port\nplc2,modbus_tcp,h\xf6st,1502\n")
    chosen = answer_next_file_dialog(folder)
    told = answer_next_message_box(standard_button(QMessageBox.StandardButton.Ok))
    qtbot.mouseClick(view.csv_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(told) == 2, timeout=10_000)
    assert chosen == ["Folder with connections.csv"]
    assert told == [
        "CSV not loaded",
        "connections.csv:2: column host: not valid UTF-8 (byte 0xf6); save the file as UTF-8",
    ]
    assert [c["id"] for c in view._manager.connections()] == ["plc1"]
