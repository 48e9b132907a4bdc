"""Dataset allocations: which path is held, how, by which run or session and since when."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

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

from panel.views.jobs_history import format_when
from panel.views.table_model import RowTableModel

if TYPE_CHECKING:
    from panel.jobs.datasets import DatasetManager

COL_NAME, COL_PATH, COL_MODE, COL_OWNER, COL_PID, COL_SINCE = range(6)
POLL_MS = 2000
"""Sessions allocate too, without a signal: the visible table re-reads every 2 s."""


class AllocationRow(NamedTuple):
    """One allocation."""

    name: str
    path: str
    mode: str
    owner_kind: str
    owner_id: str
    pid: int | None
    acquired: float | None

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> AllocationRow:
        """From a `DatasetManager.allocations()` item."""
        return cls(
            str(item["name"]),
            str(item["path"]),
            str(item["mode"]),
            str(item["ownerKind"]),
            str(item["ownerId"]),
            item.get("pid"),
            item.get("acquired"),
        )


class DatasetModel(RowTableModel[AllocationRow]):
    """The allocations, oldest first."""

    def headers(self) -> tuple[str, ...]:
        """Dataset, path, mode, holder, PID, since."""
        return (
            self.tr("Dataset"),
            self.tr("Path"),
            self.tr("Mode"),
            self.tr("Held by"),
            self.tr("PID"),
            self.tr("Since"),
        )

    def set_allocations(self, items: list[dict[str, Any]]) -> None:
        """Replace every row (no reset when nothing changed)."""
        rows = [AllocationRow.from_json(i) for i in items]
        if rows != self._rows:
            self.replace_rows(rows)

    def cell(self, row: AllocationRow, col: int, role: int) -> Any:
        """The text of a cell."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if col == COL_NAME:
            return row.name
        if col == COL_PATH:
            return row.path
        if col == COL_MODE:
            return self.tr("exclusive") if row.mode == "exclusive" else self.tr("shared")
        if col == COL_OWNER:
            kind = self.tr("run") if row.owner_kind == "run" else row.owner_kind
            return f"{kind} {row.owner_id}"
        if col == COL_PID:
            return "" if row.pid is None else str(row.pid)
        return "" if row.acquired is None else format_when(row.acquired)


class DatasetsView(QWidget):
    """The allocation table, re-read while visible and on every run change."""

    def __init__(
        self, datasets: DatasetManager, changed: Any = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._datasets = datasets
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
        if changed is not None:
            changed.connect(self.refresh)
        self.refresh()

    def _on_poll(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self, _why: object = None) -> None:
        """Re-read the allocations."""
        self.model.set_allocations(self._datasets.allocations())
        self.empty_label.setVisible(self.model.rowCount() == 0)
