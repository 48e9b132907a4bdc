"""The Connections page against a real engine (embedded, and attached to a headless one),
a real worker and a real Modbus simulator."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QPointF, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).parents[1] / "integration" / "connections"))

from modbus_sim import ModbusSim

from panel.connections.tag_model import COL_QUALITY, COL_VALUE, QUALITY_ROLE
from panel.viewmodels.models import EngineModels
from panel.views.connections_view import PROCESS_COLUMN, ConnectionsView
from panel.views.main_window import MainWindow
from panel.views.tag_write_dialog import TagWriteDialog
from panel.views.trend_chart import TrendChart
from tests.gui.dialogs import answer_next_file_dialog, answer_next_message_box, standard_button

TIMEOUT_MS = 20_000

CONNECTION: dict[str, Any] = {
    "id": "plc1",
    "driver": "modbus_tcp",
    "host": "127.0.0.1",
    "reconnectMinMs": 100,
    "reconnectMaxMs": 500,
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
    simulator.set("holding", 0, [321, 5])
    yield simulator
    simulator.close()


def save(models: EngineModels, qtbot: QtBot, data: dict[str, Any], old: str | None) -> str | None:
    """Save a connection through the model as the editor does; the refusal, if any."""
    answers: list[str | None] = []
    models.connections.save(data, old, answers.append)
    qtbot.waitUntil(lambda: len(answers) == 1, timeout=TIMEOUT_MS)
    return answers[0]


@pytest.fixture
def page(
    any_window: MainWindow, models: EngineModels, qtbot: QtBot, sim: ModbusSim
) -> ConnectionsView:
    """The window's Connections page, shown, with one connection to the simulator."""
    assert any_window.connections_view is not None
    any_window.show_page(any_window.connections_view)
    assert save(models, qtbot, CONNECTION | {"port": sim.port}, None) is None
    view = any_window.connections_view
    qtbot.waitUntil(lambda: view.current_id() == "plc1", timeout=TIMEOUT_MS)
    return view


def state_text(view: ConnectionsView) -> str:
    item = view.list.item(0, 0)
    return item.text() if item is not None else ""


def list_cells_fit(view: ConnectionsView) -> bool:
    """Every text of the connection list is wide enough to be read whole."""
    metrics = view.list.fontMetrics()
    for row in range(view.list.rowCount()):
        for column in range(view.list.columnCount()):
            item = view.list.item(row, column)
            if item is None:
                return False
            if metrics.horizontalAdvance(item.text()) > view.list.columnWidth(column):
                return False
    return True


def wait_connected(view: ConnectionsView, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: state_text(view) == "Connected", timeout=TIMEOUT_MS)


def row_of(view: ConnectionsView, name: str) -> int:
    row = view.tag_model.row_of(name)
    assert row is not None
    return row


def cell(view: ConnectionsView, name: str, column: int, role: int = 0) -> Any:
    model = view.tag_model
    row = model.row_of(name)
    return None if row is None else model.data(model.index(row, column), role)


def select_tag(view: ConnectionsView, name: str) -> None:
    view.tags.selectionModel().select(
        view.tag_model.index(row_of(view, name), 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )


def on_write_dialog(act: Callable[[TagWriteDialog], None]) -> None:
    """Once the page's write dialog is open, run `act` on it."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, TagWriteDialog):
            act(dialog)
            return
        QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)


def test_page_shows_the_connection_live_tags_blocks_and_the_sidebar_dot(
    page: ConnectionsView, any_window: MainWindow, qtbot: QtBot
) -> None:
    qtbot.waitUntil(lambda: cell(page, "speed", COL_VALUE) == "321", timeout=TIMEOUT_MS)
    assert cell(page, "speed", COL_QUALITY, QUALITY_ROLE) == "good"
    assert page.tag_model.tag(row_of(page, "speed"))["ts"] is not None  # a timestamp
    wait_connected(page, qtbot)
    assert page.list.item(0, 1).text() == "plc1"
    assert page.list.item(0, 3).text() == "Polling"  # the worker state, in words
    assert page.list.item(0, 4).text().isdigit()  # pid
    assert not page.list.item(0, 0).icon().isNull()  # the state dot
    qtbot.waitUntil(lambda: page.list.item(0, 8).text() != "-", timeout=TIMEOUT_MS)  # uptime
    assert list_cells_fit(page)
    assert "Good" in page.legend.text() and "Bad" in page.legend.text()
    qtbot.waitUntil(page.disable_button.isEnabled, timeout=TIMEOUT_MS)
    assert not page.enable_button.isEnabled()
    qtbot.waitUntil(
        lambda: page.blocks.rowCount() == 1 and page.blocks.item(0, 3).text() != "-",
        timeout=TIMEOUT_MS,
    )
    sidebar = any_window.sidebar.item(any_window.pages.indexOf(page))
    qtbot.waitUntil(lambda: sidebar.toolTip() == "Connected", timeout=TIMEOUT_MS)
    card = any_window.overview_view.connections_card
    assert not card.isHidden()
    qtbot.waitUntil(lambda: card.summary.text().startswith("1 connected"), timeout=TIMEOUT_MS)


def test_a_value_changed_on_the_device_reaches_the_table(
    page: ConnectionsView, qtbot: QtBot, sim: ModbusSim
) -> None:
    qtbot.waitUntil(lambda: cell(page, "speed", COL_VALUE) == "321", timeout=TIMEOUT_MS)
    sim.set("holding", 0, [4321])
    qtbot.waitUntil(lambda: cell(page, "speed", COL_VALUE) == "4321", timeout=TIMEOUT_MS)


def test_write_dialog_validates_then_writes_and_closes_on_the_answer(
    page: ConnectionsView, qtbot: QtBot, sim: ModbusSim
) -> None:
    wait_connected(page, qtbot)
    qtbot.waitUntil(lambda: cell(page, "setpoint", COL_VALUE) == "5", timeout=TIMEOUT_MS)
    select_tag(page, "setpoint")
    seen: list[str] = []

    def act(dialog: TagWriteDialog) -> None:
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        dialog.value_edit.setText("70000")
        seen.append(f"{ok.isEnabled()} {dialog.error_label.text()}")
        dialog.value_edit.setText("1.5x")
        seen.append(f"{ok.isEnabled()} {dialog.error_label.text()}")
        dialog.value_edit.setText("-12")
        seen.append(f"{ok.isEnabled()} {dialog.error_label.text()!r}")
        ok.click()

    on_write_dialog(act)
    page.write_button.click()  # returns once the dialog closed: the device confirmed
    assert "False" in seen[0] and "out of range" in seen[0]
    assert "False" in seen[1] and "integer" in seen[1]
    assert seen[2] == "True ''"
    assert page.write_dialog is None
    assert sim.get("holding", 1, 1) == [65524]
    qtbot.waitUntil(lambda: cell(page, "setpoint", COL_VALUE) == "-12", timeout=TIMEOUT_MS)


def test_a_write_to_a_disabled_connection_says_it_was_not_written(
    page: ConnectionsView, qtbot: QtBot, sim: ModbusSim
) -> None:
    wait_connected(page, qtbot)
    qtbot.waitUntil(lambda: cell(page, "setpoint", COL_VALUE) == "5", timeout=TIMEOUT_MS)
    page.disable_button.click()
    qtbot.waitUntil(lambda: state_text(page) == "Disabled", timeout=TIMEOUT_MS)
    select_tag(page, "setpoint")
    told: list[str] = []

    def act(dialog: TagWriteDialog) -> None:
        dialog.value_edit.setText("7")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

        def answered() -> None:
            if dialog.error_label.text() in ("", "Writing…"):
                QTimer.singleShot(10, answered)
                return
            told.append(dialog.error_label.text())
            dialog.reject()

        answered()

    on_write_dialog(act)
    page.write_button.click()
    assert told == ["Not written: connection 'plc1' has no running worker"]
    assert sim.get("holding", 1, 1) == [5]


def test_trend_follows_selected_tags(page: ConnectionsView, qtbot: QtBot, sim: ModbusSim) -> None:
    model = page.tag_model
    qtbot.waitUntil(lambda: cell(page, "speed", COL_VALUE) == "321", timeout=TIMEOUT_MS)
    select_tag(page, "speed")
    assert model.watched() == ["speed"]
    sim.set("holding", 0, [400])
    qtbot.waitUntil(lambda: len(model.history("speed")) >= 2, timeout=TIMEOUT_MS)
    page.details.setCurrentWidget(page.trend)
    page.trend.grab()  # paints without warnings


def select_tags(view: ConnectionsView, *names: str) -> None:
    selection = view.tags.selectionModel()
    selection.clearSelection()
    for name in names:
        selection.select(
            view.tag_model.index(row_of(view, name), 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )


def show_trend(page: ConnectionsView, qtbot: QtBot) -> TrendChart:
    page.details.setCurrentWidget(page.trend)
    qtbot.waitUntil(lambda: page.trend.plot_item() is not None, timeout=TIMEOUT_MS)
    return page.trend


def curve_values(chart: TrendChart, key: str) -> list[float]:
    """The values the chart's line of `key` draws."""
    return chart.drawn(key)[1]


def test_a_trend_opened_now_shows_the_values_from_before(
    page: ConnectionsView, qtbot: QtBot, sim: ModbusSim
) -> None:
    qtbot.waitUntil(lambda: cell(page, "speed", COL_VALUE) == "321", timeout=TIMEOUT_MS)
    for value in (400, 450):
        sim.set("holding", 0, [value])
        qtbot.waitUntil(
            lambda v=value: cell(page, "speed", COL_VALUE) == str(v), timeout=TIMEOUT_MS
        )
    # Only now is the trend chosen: 321 and 400 are gone from the table, not from the engine.
    select_tag(page, "speed")
    chart = show_trend(page, qtbot)
    qtbot.waitUntil(lambda: 321.0 in curve_values(chart, "speed"), timeout=TIMEOUT_MS)
    drawn = curve_values(chart, "speed")
    assert drawn.index(321.0) < drawn.index(400.0) < drawn.index(450.0)
    assert chart.accessibleName() == "Trend"
    assert "speed" in chart.accessibleDescription()
    assert chart.redraws >= 1


def test_two_units_get_two_axes_and_hovering_reads_the_values_out(
    page: ConnectionsView, models: EngineModels, qtbot: QtBot, sim: ModbusSim
) -> None:
    tags = [
        {"name": "temp", "offset": 0, "type": "uint16", "unit": "°C"},
        {"name": "pressure", "offset": 1, "type": "int16", "unit": "bar"},
        {"name": "label", "offset": 2, "type": "string(2)"},
    ]
    block = CONNECTION["blocks"][0] | {"tags": tags}
    assert save(models, qtbot, CONNECTION | {"port": sim.port, "blocks": [block]}, "plc1") is None
    sim.set("holding", 0, [21, 3])
    qtbot.waitUntil(lambda: cell(page, "pressure", COL_VALUE) == "3", timeout=TIMEOUT_MS)
    select_tags(page, "temp", "pressure", "label")
    chart = show_trend(page, qtbot)
    assert chart.axis_units() == ["°C", "bar"]  # the text tag has no line
    assert [line.key for line in chart.lines()] == ["temp", "pressure"]
    description = chart.accessibleDescription()
    assert "temp on the °C axis" in description and "pressure on the bar axis" in description
    qtbot.waitUntil(lambda: curve_values(chart, "pressure")[-1:] == [3.0], timeout=TIMEOUT_MS)
    widget = chart.plot_widget()
    box = chart.plot_item().getViewBox()
    newest = chart.buffer("pressure").last()
    assert newest is not None

    def hover_the_newest_point() -> bool:
        """Move the pointer over the newest point (where it is drawn now)."""
        x = box.mapViewToScene(QPointF(newest[0] + 0.01, 0)).x()
        point = QPointF(x, box.sceneBoundingRect().center().y())
        QTest.mouseMove(widget.viewport(), widget.mapFromScene(point))
        return "pressure 3 bar" in chart.readout.text()

    qtbot.waitUntil(hover_the_newest_point, timeout=TIMEOUT_MS)
    assert "temp 21 °C" in chart.readout.text()


def test_the_worker_chart_starts_with_the_readings_from_before_it_was_opened(
    page: ConnectionsView, qtbot: QtBot
) -> None:
    wait_connected(page, qtbot)
    samples = page._resources_of("plc1")
    qtbot.waitUntil(lambda: len(samples.readings) >= 3, timeout=TIMEOUT_MS)  # ~3 s of readings
    first = samples.readings[0][0]
    page.details.setCurrentWidget(page.resource_chart)
    chart = page.resource_chart
    qtbot.waitUntil(lambda: len(chart.drawn("memory")[0]) >= 3, timeout=TIMEOUT_MS)
    assert chart.axis_units() == ["%", "MB"]
    times, megabytes = chart.drawn("memory")
    assert times[0] == first  # from before the tab was opened
    assert all(m > 1 for m in megabytes)  # a Python worker holds more than 1 MB
    assert chart.title_label.text() == "Worker of plc1: CPU and memory"
    count = len(times)
    qtbot.waitUntil(lambda: len(chart.drawn("memory")[0]) > count, timeout=TIMEOUT_MS)  # live


def test_disable_goes_busy_then_disabled_and_enable_connects_again(
    page: ConnectionsView, qtbot: QtBot
) -> None:
    wait_connected(page, qtbot)
    qtbot.waitUntil(page.disable_button.isEnabled, timeout=TIMEOUT_MS)
    page.disable_button.click()
    assert not page.disable_button.isEnabled()
    qtbot.waitUntil(lambda: state_text(page) == "Disabled", timeout=TIMEOUT_MS)
    qtbot.waitUntil(page.enable_button.isEnabled, timeout=TIMEOUT_MS)
    assert QApplication.activeModalWidget() is None
    page.enable_button.click()
    wait_connected(page, qtbot)
    assert list_cells_fit(page)  # "Disabled" and back: the columns followed the texts


def test_restart_gives_the_worker_a_new_pid(
    page: ConnectionsView, models: EngineModels, qtbot: QtBot
) -> None:
    wait_connected(page, qtbot)
    pid = page.list.item(0, 4).text()
    assert pid.isdigit()
    qtbot.waitUntil(page.restart_button.isEnabled, timeout=TIMEOUT_MS)
    page.restart_button.click()
    qtbot.waitUntil(
        lambda: page.list.item(0, 4).text() not in (pid, "-") and state_text(page) == "Connected",
        timeout=TIMEOUT_MS,
    )
    snap = models.connections.snapshot("plc1")
    assert snap is not None and str(snap.pid) == page.list.item(0, 4).text()


def test_an_edit_names_the_bad_field_and_a_rename_keeps_one_connection(
    page: ConnectionsView, models: EngineModels, qtbot: QtBot, sim: ModbusSim
) -> None:
    wait_connected(page, qtbot)
    bad = CONNECTION | {"port": sim.port}
    bad = bad | {"blocks": [bad["blocks"][0] | {"count": 0}]}
    refusal = save(models, qtbot, bad, "plc1")
    assert refusal is not None
    assert refusal.splitlines()[0] == "$.blocks[0].count: 0 must be >= 1"
    assert save(models, qtbot, CONNECTION | {"port": sim.port}, None) == (
        "$.id: 'plc1' is already the id of another connection"
    )
    assert save(models, qtbot, CONNECTION | {"id": "press", "port": sim.port}, "plc1") is None
    qtbot.waitUntil(lambda: models.connections.ids() == ["press"], timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: page.current_id() == "press", timeout=TIMEOUT_MS)
    assert page.list.rowCount() == 1 and page.list.item(0, 1).text() == "press"
    assert [t["name"] for t in page.model.tag_infos("press")] == ["speed", "setpoint"]
    config = models.connections.connection("press")
    assert config is not None and config["port"] == sim.port
    wait_connected(page, qtbot)


def test_delete_asks_then_removes_the_connection(
    page: ConnectionsView, any_window: MainWindow, models: EngineModels, qtbot: QtBot
) -> None:
    wait_connected(page, qtbot)
    told = answer_next_message_box(standard_button(QMessageBox.StandardButton.Yes))
    page.delete_button.click()
    assert told == ["Delete connection?", "Stop and delete the connection plc1?"]
    qtbot.waitUntil(lambda: page.list.rowCount() == 0, timeout=TIMEOUT_MS)
    assert models.connections.ids() == [] and page.current_id() is None
    assert page.tag_model.rowCount() == 0
    sidebar = any_window.sidebar.item(any_window.pages.indexOf(page))
    assert sidebar.toolTip() == "No connections"
    card = any_window.overview_view.connections_card
    qtbot.waitUntil(lambda: card.summary.text().endswith("(of 0)"), timeout=TIMEOUT_MS)


def test_load_csv_replaces_the_connections(
    page: ConnectionsView, models: EngineModels, qtbot: QtBot, tmp_path: Path, sim: ModbusSim
) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "connections.csv").write_text(
        f"id,driver,host,port\nline2,modbus_tcp,127.0.0.1,{sim.port}\n", encoding="utf-8"
    )
    (folder / "blocks.csv").write_text(
        "connection,name,area,count,periodMs\nline2,hr,holding,2,100\n", encoding="utf-8"
    )
    (folder / "tags.csv").write_text(
        "connection,block,name,offset,type\nline2,hr,rate,0,uint16\n", encoding="utf-8"
    )
    answer_next_file_dialog(folder)
    qtbot.mouseClick(page.csv_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: models.connections.ids() == ["line2"], timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: cell(page, "rate", COL_VALUE) == "321", timeout=TIMEOUT_MS)
    wait_connected(page, qtbot)


def test_load_csv_with_bad_utf8_names_the_spot_and_keeps_the_connections(
    page: ConnectionsView, models: EngineModels, qtbot: QtBot, tmp_path: Path
) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "connections.csv").write_bytes(b"id,driver,host,port\nplc2,modbus_tcp,h\xf6st,1502\n")
    chosen = answer_next_file_dialog(folder)
    told = answer_next_message_box(standard_button(QMessageBox.StandardButton.Ok))
    qtbot.mouseClick(page.csv_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(told) == 2, timeout=TIMEOUT_MS)
    assert chosen == ["Folder with connections.csv"]
    assert told == [
        "CSV not loaded",
        "connections.csv:2: column host: not valid UTF-8 (byte 0xf6); save the file as UTF-8",
    ]
    assert models.connections.ids() == ["plc1"]


def test_load_csv_that_the_engine_refuses_says_where(
    page: ConnectionsView, models: EngineModels, qtbot: QtBot, tmp_path: Path
) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "connections.csv").write_text("id,driver,host,port\nplc2,modbus_tcp,h,x\n")
    answer_next_file_dialog(folder)
    told = answer_next_message_box(standard_button(QMessageBox.StandardButton.Ok))
    qtbot.mouseClick(page.csv_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(told) == 2, timeout=TIMEOUT_MS)
    assert told == ["CSV not loaded", "connections.csv:2: column port: 'x' is not a number"]
    assert models.connections.ids() == ["plc1"]


def test_grouped_connections_show_their_group_and_the_shared_fault_warning(
    page: ConnectionsView, models: EngineModels, qtbot: QtBot, sim: ModbusSim
) -> None:
    wait_connected(page, qtbot)
    assert page.list.item(0, PROCESS_COLUMN).text() == "Own"
    assert page.group_caption.isHidden()
    for conn_id in ("line-a", "line-b"):
        grouped = CONNECTION | {"id": conn_id, "port": sim.port, "process": "group:line1"}
        assert save(models, qtbot, grouped, None) is None

    def cells() -> list[str]:
        rows = range(page.list.rowCount())
        return [page.list.item(r, PROCESS_COLUMN).text() for r in rows if page.list.item(r, 0)]

    qtbot.waitUntil(lambda: cells() == ["Own", "Group line1", "Group line1"], timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: page.list.item(2, 0).text() == "Connected", timeout=TIMEOUT_MS)
    pids = {page.list.item(row, 4).text() for row in (1, 2)}
    assert len(pids) == 1, "one worker process for the group"
    assert page.group_caption.isVisible()
    warning = "one fault in a group stops all its connections"
    assert warning in page.group_caption.text()
    assert warning in page.list.item(1, PROCESS_COLUMN).toolTip()
    assert page.list.item(0, PROCESS_COLUMN).toolTip() == ""
    assert list_cells_fit(page)
