"""All engines at a glance: one row per engine, its state, server, connections and jobs."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from panel.viewmodels.engines.board import EnginesBoard
from panel.views.engine_state import Dot, connections_cell, engine_dot, jobs_cell, server_cell
from panel.views.state_colors import dot_icon

KEY_ROLE = Qt.ItemDataRole.UserRole
NAME, STATE, SERVER, CONNECTIONS, JOBS = range(5)


class AllEnginesView(QTableWidget):
    """Every engine of the board side by side; each cell a dot and its words.

    The figures of an unreachable engine stay (greyed) beside its "Unreachable" state.
    A double-click asks for that engine's window (`sig_open`).
    """

    sig_open = Signal(str)
    """(entry key) the operator double-clicked an engine: open its Overview."""

    def __init__(self, board: EnginesBoard, parent: QWidget | None = None) -> None:
        super().__init__(0, 5, parent)
        self._board = board
        self.setHorizontalHeaderLabels(
            [
                self.tr("Engine"),
                self.tr("State"),
                self.tr("Server"),
                self.tr("Connections"),
                self.tr("Jobs today"),
            ]
        )
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setVisible(False)
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.cellDoubleClicked.connect(self._on_double_click)
        board.sig_entries.connect(self.refresh)
        board.sig_health.connect(self._show_key)
        self.refresh()

    def refresh(self) -> None:
        """Re-read the list and every engine's health."""
        entries = self._board.entries()
        self.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            item = QTableWidgetItem(entry.name)
            item.setData(KEY_ROLE, entry.key)
            item.setToolTip(entry.target)
            self.setItem(row, NAME, item)
            self._show_row(row, entry.key)

    def row_of(self, key: str) -> int:
        """The row of an entry, -1 when it is not shown."""
        for row in range(self.rowCount()):
            item = self.item(row, NAME)
            if item is not None and item.data(KEY_ROLE) == key:
                return row
        return -1

    def cell_text(self, key: str, column: int) -> str:
        """The words of one cell (what the operator reads)."""
        row = self.row_of(key)
        item = self.item(row, column) if row >= 0 else None
        return item.text() if item is not None else ""

    def _show_key(self, key: str) -> None:
        row = self.row_of(key)
        if row >= 0:
            self._show_row(row, key)

    def _show_row(self, row: int, key: str) -> None:
        health = self._board.health(key)
        state = engine_dot(health)
        figures = health.reachable or health.server is not None  # the last ones stay, greyed
        cells: dict[int, Dot | None] = {
            STATE: state,
            SERVER: server_cell(health) if figures else state,
            CONNECTIONS: connections_cell(health) if figures else None,
            JOBS: jobs_cell(health) if figures else None,
        }
        for column, dot in cells.items():
            item = self._cell(dot, health.reachable or column == STATE)
            if column == STATE:
                item.setToolTip(health.message or health.workspace)
            self.setItem(row, column, item)

    def _cell(self, dot: Dot | None, current: bool) -> QTableWidgetItem:
        if dot is None:
            return QTableWidgetItem("-")
        color, text = dot
        item = QTableWidgetItem(text)
        item.setIcon(dot_icon(color))
        if not current:
            item.setForeground(self.palette().placeholderText())
        return item

    def _on_double_click(self, row: int, _column: int) -> None:
        item = self.item(row, NAME)
        if item is not None:
            self.sig_open.emit(str(item.data(KEY_ROLE)))
