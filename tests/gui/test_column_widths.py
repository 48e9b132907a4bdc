"""No table cuts a name while another of its columns has room to give, at two window sizes."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).parents[1] / "integration" / "connections"))

from modbus_sim import ModbusSim

from panel.connections.tag_model import COL_NAME, COL_VALUE
from panel.views.main_window import MainWindow
from tests.gui.jobs_page import JobsPage, py
from tests.gui.test_connections_view import CONNECTION, TIMEOUT_MS, save
from tests.gui.test_jobs_view import click_node

SIZES = [(1100, 720), (1600, 1000)]
LONG_NAMES = ("overTemperatureAlarmLatched", "dischargePressureSetpointHigh")


@pytest.fixture
def sim(free_port: int) -> Iterator[ModbusSim]:
    simulator = ModbusSim(free_port).start()
    simulator.set("holding", 0, [321, 5, 1, 0])
    yield simulator
    simulator.close()


def needed_width(view: QTableView, column: int) -> int:
    """The width `column` needs to show its widest text and its header whole."""
    return max(view.sizeHintForColumn(column), view.horizontalHeader().sectionSizeHint(column))


def cut_columns(view: QTableView, columns: tuple[int, ...]) -> list[str]:
    """The header texts of `columns` whose widest text does not fit their width."""
    model = view.model()
    cut = []
    for column in columns:
        if view.columnWidth(column) < needed_width(view, column):
            cut.append(str(model.headerData(column, view.horizontalHeader().orientation())))
    return cut


def spare_width(view: QTableView) -> int:
    """Width some column holds beyond its widest text (what it could give to a name)."""
    spare = 0
    for column in range(view.model().columnCount()):
        if view.isColumnHidden(column):
            continue
        spare = max(spare, view.columnWidth(column) - needed_width(view, column))
    return spare


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_tag_names_are_whole_while_the_block_column_has_room(
    window: MainWindow, qtbot: QtBot, sim: ModbusSim, size: tuple[int, int]
) -> None:
    window.resize(*size)
    view = window.connections_view
    assert view is not None
    window.show_page(view)
    block = CONNECTION["blocks"][0]
    tags = [*block["tags"]]
    tags += [{"name": name, "offset": 2 + i, "type": "uint16"} for i, name in enumerate(LONG_NAMES)]
    connection = CONNECTION | {
        "port": sim.port,
        "blocks": [block | {"name": "a-long-block-name-for-the-press", "tags": tags}],
    }
    assert save(window.models, qtbot, connection, None) is None
    qtbot.waitUntil(lambda: view.current_id() == "plc1", timeout=TIMEOUT_MS)
    model = view.tag_model
    qtbot.waitUntil(lambda: model.rowCount() == len(tags), timeout=TIMEOUT_MS)
    qtbot.waitUntil(
        lambda: model.data(model.index(model.rowCount() - 1, COL_VALUE)) not in (None, ""),
        timeout=TIMEOUT_MS,
    )
    assert cut_columns(view.tags, (COL_NAME,)) == []
    assert spare_width(view.tags) > 0  # the table is wider than it needs: the Block column
    assert cut_columns(view.list, (1, 2)) == []  # the connection's id and address


def test_the_runs_of_a_job_fit_its_details_at_the_default_size(
    window: MainWindow, qtbot: QtBot
) -> None:
    window.resize(*SIZES[0])
    page = JobsPage(window, qtbot)
    view = page.open([{"id": "nightly-export", "command": py("print('done')")}])
    run = page.run("nightly-export")
    page.wait_final(run)
    click_node(view, "nightly-export", qtbot)
    table = view.details.runs_table
    qtbot.waitUntil(lambda: table.model().rowCount() == 1, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: table.isVisible(), timeout=TIMEOUT_MS)
    visible = [c for c in range(table.model().columnCount()) if not table.isColumnHidden(c)]
    assert cut_columns(table, tuple(visible)) == []
    assert table.horizontalScrollBar().maximum() == 0  # no scrolling sideways
