"""`TagTableModel`: live tag values of one connection, updated in batches on a timer.

Values arrive far faster than a screen can show them (tens of thousands a second). `push`
only records the newest value per tag; a timer (`FLUSH_HZ`) applies what changed with
one `dataChanged` over the rows touched and one insert for new tags: never one Qt call
per value. For tags on the watch list it also keeps a short history for trend charts.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

FLUSH_HZ = 15
HISTORY_SECONDS = 300.0
HISTORY_POINTS = 20_000

COL_NAME, COL_VALUE, COL_QUALITY, COL_TIME, COL_UNIT, COL_BLOCK = range(6)
QUALITY_ROLE = Qt.ItemDataRole.UserRole + 1
"""Role giving the quality word (good, uncertain, bad, unknown) of any cell's row."""
WRITABLE_ROLE = Qt.ItemDataRole.UserRole + 2
"""Role giving True when the row's tag may be written."""
TYPE_ROLE = Qt.ItemDataRole.UserRole + 3
"""Role giving the tag's configured type (uint16, float32, bool, string(8), auto...)."""

_ANY_INDEX = QModelIndex | QPersistentModelIndex

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ROLES = frozenset({_DISPLAY, _TOOLTIP, QUALITY_ROLE, WRITABLE_ROLE, TYPE_ROLE})
"""The roles `data` answers; the view asks each painted cell for about eight, so the
others are refused before the index is looked at (a repaint is 20 rows x 6 cells)."""


class _Row:
    """One tag: its configuration summary and its latest state.

    The latest value message is kept as it came (`apply` is one assignment: a flush
    touches every changed tag, the view paints about twenty); its fields are read
    from it when shown.
    """

    __slots__ = ("block", "latest", "name", "type", "unit", "writable")

    def __init__(self, name: str, info: dict[str, Any] | None = None) -> None:
        info = info or {}
        self.name = name
        self.latest: dict[str, Any] = _NO_VALUE
        self.unit = str(info.get("unit", ""))
        self.type = str(info.get("type", ""))
        self.writable = bool(info.get("writable", False))
        self.block = str(info.get("block", ""))

    def apply(self, value: dict[str, Any]) -> None:
        self.latest = value

    @property
    def value(self) -> Any:
        return self.latest.get("value")

    @property
    def quality(self) -> str:
        return str(self.latest.get("quality", "unknown"))

    @property
    def ts(self) -> float | None:
        ts = self.latest.get("ts")
        return float(ts) if isinstance(ts, int | float) else None

    @property
    def reason(self) -> str | None:
        reason = self.latest.get("reason")
        return str(reason) if reason is not None else None


_NO_VALUE: dict[str, Any] = {}
"""The latest value of a tag that has none yet (never changed)."""


def format_value(value: Any) -> str:
    """A tag value as shown in the table."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def format_time(ts: float | None) -> str:
    """`HH:MM:SS.mmm` local time."""
    if ts is None:
        return "-"
    moment = time.localtime(ts)
    return time.strftime("%H:%M:%S", moment) + f".{int((ts % 1) * 1000):03d}"


class TagTableModel(QAbstractTableModel):
    """Rows are the tags of one connection, in configuration order, then new names."""

    sig_flushed = Signal(int)
    """(values applied) after each batch; trend charts repaint on it."""

    HEADERS = (
        QT_TRANSLATE_NOOP("TagTableModel", "Name"),
        QT_TRANSLATE_NOOP("TagTableModel", "Value"),
        QT_TRANSLATE_NOOP("TagTableModel", "Quality"),
        QT_TRANSLATE_NOOP("TagTableModel", "Timestamp"),
        QT_TRANSLATE_NOOP("TagTableModel", "Unit"),
        QT_TRANSLATE_NOOP("TagTableModel", "Block"),
    )

    def __init__(self, parent: QObject | None = None, flush_hz: int = FLUSH_HZ) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self._index: dict[str, int] = {}
        self._pending: dict[str, dict[str, Any]] = {}
        self._watched: dict[str, deque[tuple[float, float]]] = {}
        self.values_applied = 0
        self._timer = QTimer(self)
        self._timer.setInterval(max(1, 1000 // flush_hz))
        self._timer.timeout.connect(self.flush)
        self._timer.start()

    # ----------------------------------------------------------------- feeding

    def reset(self, tags: Iterable[dict[str, Any]], values: Iterable[dict[str, Any]] = ()) -> None:
        """Show the configured `tags` (dicts with name, unit, type, writable, block), then
        apply `values` (the connection's latest known values)."""
        self.beginResetModel()
        self._rows = []
        self._index = {}
        self._pending = {}
        for info in tags:
            name = str(info.get("name", ""))
            if name and name not in self._index:
                self._index[name] = len(self._rows)
                self._rows.append(_Row(name, info))
        for value in values:
            row = self._index.get(str(value.get("name")))
            if row is not None:
                self._rows[row].apply(value)
        self.endResetModel()
        for name in list(self._watched):
            self._watched[name].clear()

    def push(self, values: list[dict[str, Any]]) -> None:
        """Take new values (cheap: the newest per tag waits for the next flush)."""
        pending = self._pending
        for value in values:
            pending[value["name"]] = value

    def flush(self) -> None:
        """Apply the pending values: one insert for new tags, one dataChanged for the rest."""
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        rows, index = self._rows, self._index
        low, high = len(rows), -1
        fresh: list[_Row] = []
        for name, value in pending.items():
            at = index.get(name)
            if at is None:
                row = _Row(str(name))
                row.latest = value
                fresh.append(row)
                continue
            rows[at].latest = value
            if at < low:
                low = at
            if at > high:
                high = at
        if high >= 0:
            self.dataChanged.emit(self.index(low, COL_VALUE), self.index(high, COL_TIME))
        if fresh:
            start = len(rows)
            self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
            for offset, row in enumerate(fresh):
                index[row.name] = start + offset
                rows.append(row)
            self.endInsertRows()
        self._record_history(pending)
        self.values_applied += len(pending)
        self.sig_flushed.emit(len(pending))

    # ----------------------------------------------------------------- trends

    def watch(self, names: Iterable[str]) -> None:
        """Keep a history of these tags (others are forgotten)."""
        wanted = set(names)
        self._watched = {
            name: self._watched.get(name) or deque(maxlen=HISTORY_POINTS) for name in wanted
        }
        for name in wanted:
            row = self.row_of(name)
            history = self._watched[name]
            if row is not None and not history:
                self._append_point(history, self._rows[row].value, self._rows[row].ts)

    def history(self, name: str) -> list[tuple[float, float]]:
        """(unix time, numeric value) points of a watched tag, oldest first."""
        return list(self._watched.get(name, ()))

    def watched(self) -> list[str]:
        """The tags whose history is kept."""
        return sorted(self._watched)

    def _record_history(self, pending: dict[str, dict[str, Any]]) -> None:
        for name, history in self._watched.items():
            value = pending.get(name)
            if value is not None:
                self._append_point(history, value.get("value"), value.get("ts"))

    @staticmethod
    def _append_point(history: deque[tuple[float, float]], value: Any, ts: Any) -> None:
        if isinstance(value, bool):
            value = float(value)
        if not isinstance(value, int | float):
            return
        when = float(ts) if isinstance(ts, int | float) else time.time()
        history.append((when, float(value)))
        horizon = when - HISTORY_SECONDS
        while history and history[0][0] < horizon:
            history.popleft()

    # ----------------------------------------------------------------- reading

    def row_of(self, name: str) -> int | None:
        """The row of tag `name`, None when not shown."""
        return self._index.get(name)

    def tag(self, row: int) -> dict[str, Any]:
        """Row `row` as a dict (name, value, quality, ts, reason, unit, type, writable, block)."""
        r = self._rows[row]
        return {
            "name": r.name,
            "value": r.value,
            "quality": r.quality,
            "ts": r.ts,
            "reason": r.reason,
            "unit": r.unit,
            "type": r.type,
            "writable": r.writable,
            "block": r.block,
        }

    def rowCount(self, parent: _ANY_INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _ANY_INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(str(self.HEADERS[section]))  # the stub types the NOOP as object
        return None

    def data(self, index: _ANY_INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES:
            return None
        at = index.row()
        if at < 0 or at >= len(self._rows):
            return None
        row = self._rows[at]
        if role == _DISPLAY:
            return self._display(row, index.column())
        if role == QUALITY_ROLE:
            return row.quality
        if role == WRITABLE_ROLE:
            return row.writable
        if role == TYPE_ROLE:
            return row.type
        return row.reason or None

    @staticmethod
    def _display(row: _Row, column: int) -> str:
        if column == COL_NAME:
            return row.name
        if column == COL_VALUE:
            return format_value(row.value)
        if column == COL_QUALITY:
            return row.quality
        if column == COL_TIME:
            return format_time(row.ts)
        if column == COL_UNIT:
            return row.unit
        return row.block
