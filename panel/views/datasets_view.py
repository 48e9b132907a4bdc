"""Dataset allocations: which path is held, how, by which run or session and since when."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
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

if TYPE_CHECKING:
    from panel.jobs.datasets import DatasetManager

_Index = QModelIndex | QPersistentModelIndex

COL_NAME, COL_PATH, COL_MODE, COL_OWNER, COL_PID, COL_SINCE = range(6)
COLUMNS = 6
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


class DatasetModel(QAbstractTableModel):
    """The allocations, oldest first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[AllocationRow] = []

    def set_allocations(self, items: list[dict[str, Any]]) -> None:
        """Replace every row (no reset when nothing changed)."""
        rows = [AllocationRow.from_json(i) for i in items]
        if rows == self._rows:
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rows(self) -> list[AllocationRow]:
        """Every allocation shown."""
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            self.tr("Dataset"),
            self.tr("Path"),
            self.tr("Mode"),
            self.tr("Held by"),
            self.tr("PID"),
            self.tr("Since"),
        )[section]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
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
