"""The Connections page's empty and error states, embedded and attached.

Its normal state (a connected worker, live tags, blocks) is in tests/gui/test_connections_view.py.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from panel.connections.tag_model import COL_NAME, COL_TIME
from panel.util.ports import ephemeral_port
from panel.viewmodels.models import EngineModels
from panel.views.conn_states import CONN_COLORS
from panel.views.connections_view import ConnectionsView
from panel.views.main_window import MainWindow
from panel.views.state_colors import BUSY
from tests.gui.states.parts import TIMEOUT_MS, icon_color
from tests.gui.test_column_widths import cut_columns
from tests.gui.test_connections_view import CONNECTION, save, state_text


def shown(window: MainWindow) -> ConnectionsView:
    window.open_page("connections")
    return window.connections_view


def test_a_new_workspace_says_how_to_add_a_connection(any_window: MainWindow) -> None:
    view = shown(any_window)
    assert view.list.rowCount() == 0
    assert view.empty_label.isVisible()
    assert "No connections yet" in view.empty_label.text()
    assert "Add" in view.empty_label.text() and "Load CSV" in view.empty_label.text()
    assert view.add_button.isEnabled() and view.csv_button.isEnabled()
    assert not view.edit_button.isEnabled() and not view.delete_button.isEnabled()


def test_a_device_on_a_closed_port_shows_reconnecting_in_amber_with_the_reason(
    any_window: MainWindow, models: EngineModels, qtbot: QtBot
) -> None:
    view = shown(any_window)
    closed = ephemeral_port()  # nobody listens there
    assert save(models, qtbot, CONNECTION | {"port": closed}, None) is None
    qtbot.waitUntil(lambda: view.current_id() == "plc1", timeout=TIMEOUT_MS)
    assert not view.empty_label.isVisible()
    qtbot.waitUntil(lambda: state_text(view) == "Reconnecting", timeout=TIMEOUT_MS)
    state = view.list.item(0, 0)
    assert icon_color(state.icon()) == BUSY == CONN_COLORS[models.connections.worst_state()]  # type: ignore[index]
    assert view.list.item(0, 2).text() == f"127.0.0.1:{closed}"
    qtbot.waitUntil(lambda: "Reconnecting — " in view.reason_label.text(), timeout=TIMEOUT_MS)
    reason = view.reason_label.text()
    assert reason == f"plc1: Reconnecting — connect to 127.0.0.1:{closed} failed"
    assert state.toolTip() in reason
    tags = view.tag_model  # the bad reads' times come after their rows: still whole
    qtbot.waitUntil(lambda: bool(tags.data(tags.index(0, COL_TIME))), timeout=TIMEOUT_MS)
    assert cut_columns(view.tags, (COL_NAME, COL_TIME)) == []
