"""Dataset allocations: which path is held, how, by which job run (or session) and its
process, and since when."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from panel.jobs.datasets import Allocation
from panel.views.jobs_history import format_when
from panel.views.table_model import RowTableModel

if TYPE_CHECKING:
    from panel.viewmodels.jobs import JobsModel

COL_NAME, COL_PATH, COL_MODE, COL_JOB, COL_OWNER, COL_PID, COL_SINCE = range(7)
POLL_MS = 2000
"""Sessions allocate too, without a signal: the visible table re-reads every 2 s."""


class DatasetModel(RowTableModel[Allocation]):
    """The allocations, oldest first."""

    def headers(self) -> tuple[str, ...]:
        """Dataset, path, mode, job, holder (run or session), owner PID, since."""
        return (
            self.tr("Dataset"),
            self.tr("Path"),
            self.tr("Mode"),
            self.tr("Job"),
            self.tr("Held by"),
            self.tr("Owner PID"),
            self.tr("Since"),
        )

    def set_allocations(self, rows: list[Allocation]) -> None:
        """Replace every row (no reset when nothing changed)."""
        if rows != self._rows:
            self.replace_rows(rows)

    def cell(self, row: Allocation, col: int, role: int) -> Any:
        """The text of a cell (the PID's tooltip says whose process it is)."""
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_PID and row.pid is not None:
            return self.tr("The process that holds the data (the run's own command)")
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if col == COL_NAME:
            return row.name
        if col == COL_PATH:
            return row.path
        if col == COL_MODE:
            return self.tr("exclusive") if row.mode == "exclusive" else self.tr("shared")
        if col == COL_JOB:
            return row.job or ("" if row.owner_kind == "run" else "-")
        if col == COL_OWNER:
            kinds = {"run": self.tr("run"), "session": self.tr("session")}
            return f"{kinds.get(row.owner_kind, row.owner_kind)} {row.owner_id}"
        if col == COL_PID:
            return "" if row.pid is None else str(row.pid)
        return "" if row.acquired is None else format_when(row.acquired)


class DatasetsView(QWidget):
    """The allocation table, read again while visible and as runs change."""

    def __init__(self, model: JobsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._reading = False
        self.model = DatasetModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_PATH, QHeaderView.ResizeMode.Stretch)
        self.empty_label = QLabel(self.tr("No dataset is allocated."))
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.empty_label)
        top.addStretch(1)
        top.addWidget(refresh)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.table, 1)
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._on_poll)
        self._poll.start()
        self.refresh()

    def _on_poll(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self, _why: object = None) -> None:
        """Read the allocations again (one read at a time)."""
        if self._reading:
            return
        self._reading = True
        self._model.allocations(self._on_allocations)

    def _on_allocations(self, rows: list[Allocation] | None, _error: str | None) -> None:
        self._reading = False
        if rows is not None:
            self.model.set_allocations(rows)
        self.empty_label.setVisible(self.model.rowCount() == 0)
