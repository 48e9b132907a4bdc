"""A read-only table of typed rows: the Qt model plumbing the pages' tables share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

RowT = TypeVar("RowT")

_Index = QModelIndex | QPersistentModelIndex


class RowTableModel(QAbstractTableModel, Generic[RowT]):
    """One typed row (usually a NamedTuple) per table row, one column per header.

    Subclasses translate their column titles in `headers()` (so each keeps its own
    translation context) and answer `cell(row, column, role)`; the rows are replaced
    as a whole with `replace_rows`.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[RowT] = []
        self._headers: list[str] = list(self.headers())

    def headers(self) -> Sequence[str]:
        """The translated column titles (read once, at construction)."""
        raise NotImplementedError

    def cell(self, row: RowT, column: int, role: int) -> Any:
        """What `row` shows in `column` for `role` (None for nothing)."""
        raise NotImplementedError

    def replace_rows(self, rows: list[RowT]) -> None:
        """Show `rows` instead of the current ones (a model reset)."""
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rows(self) -> list[RowT]:
        """Every row shown."""
        return list(self._rows)

    def row_at(self, row: int) -> RowT:
        """The row shown at `row`."""
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Rows shown."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """One column per header."""
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Asks `cell` about a valid index."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self.cell(self._rows[index.row()], index.column(), role)
