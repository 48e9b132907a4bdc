"""`LogListModel`: the log hub's lines as a Qt list model, filtered, appended in batches.

Rows are uniform: one line each. Without a filter, row ``r`` is simply line
``base + r`` and nothing is stored per row; with a filter, the model keeps the
sequence numbers that pass in an ``array('q')`` (8 bytes a row), computed in bulk
by `LogFilter`. New lines arrive on the hub's batched `sig_appended` (one
``beginInsertRows`` per batch); lines the ring dropped are removed from the top in
one ``beginRemoveRows``.
"""

from __future__ import annotations

import time
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from itertools import compress
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)

from panel.logs.filtering import LogFilter, TextTest, text_test
from panel.logs.levels import LogLevel
from panel.logs.store import LogStore

_Index = QModelIndex | QPersistentModelIndex

SeqRole = Qt.ItemDataRole.UserRole + 1
"""int: the line's sequence number."""
SourceRole = Qt.ItemDataRole.UserRole + 2
"""str: the line's source."""
StreamRole = Qt.ItemDataRole.UserRole + 3
"""str: the line's stream ("stdout", "stderr", "log", ...)."""
LevelRole = Qt.ItemDataRole.UserRole + 4
"""int: the line's `LogLevel` value (views colour by it)."""
TextRole = Qt.ItemDataRole.UserRole + 5
"""str: the line's text alone."""
TimeRole = Qt.ItemDataRole.UserRole + 6
"""float: the line's arrival time, epoch seconds."""
MatchRole = Qt.ItemDataRole.UserRole + 7
"""bool: the line matches the current search (see `set_search`)."""

_SEARCH_STEP = 8192


def format_time(ts: float) -> str:
    """Local wall-clock time of `ts` as ``HH:MM:SS.mmm``."""
    return time.strftime("%H:%M:%S", time.localtime(ts)) + f".{int(ts % 1 * 1000):03d}"


class LogListModel(QAbstractListModel):
    """A filtered, live list of the hub's lines; one row per line."""

    sig_filter_changed = Signal()
    """The filter changed and the rows were recomputed (the model was reset)."""

    def __init__(self, hub: LogStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        """The store shown: the engine's hub, or an attached window's mirror of it."""
        self._sources: frozenset[str] | None = None
        self._min_level = LogLevel.NONE
        self._text: TextTest | None = None
        self._search: TextTest | None = None
        self._filter = LogFilter()
        self._known_chans = 0
        self._rows: array | None = None  # None: unfiltered, row r is line base + r
        self._floor = 0  # lines below this were cleared from this list
        self._base = hub.first_seq
        self._end = hub.next_seq  # lines below this have been taken in
        hub.sig_appended.connect(self._on_appended)
        hub.sig_cleared.connect(self._on_cleared)

    # -- Qt model interface -----------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Number of lines shown."""
        if parent.isValid():
            return 0
        return len(self._rows) if self._rows is not None else self._end - self._base

    def seq_at(self, row: int) -> int:
        """Sequence number of the line in `row`."""
        return self._rows[row] if self._rows is not None else self._base + row

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The line in `index`'s row, for `role` (display text, level, seq, ...)."""
        row = index.row()
        if not index.isValid() or not 0 <= row < self.rowCount():
            return None
        seq = self.seq_at(row)
        ring = self.hub.ring
        try:
            if role == Qt.ItemDataRole.DisplayRole:
                source = self.hub.channel_info(ring.chan(seq))[0]
                return f"{format_time(ring.ts(seq))} {source}: {ring.text(seq)}"
            if role == LevelRole:
                return ring.level(seq)
            if role == SeqRole:
                return seq
            if role == TextRole:
                return ring.text(seq)
            if role == SourceRole:
                return self.hub.channel_info(ring.chan(seq))[0]
            if role == StreamRole:
                return self.hub.channel_info(ring.chan(seq))[1]
            if role == TimeRole:
                return ring.ts(seq)
            if role == MatchRole:
                return self._search is not None and any(self._search((ring.text(seq),)))
        except IndexError:  # dropped by the ring, the removal is on its way
            return None
        return None

    def roleNames(self) -> dict[int, QByteArray]:
        """Role names for QML and debugging."""
        names = super().roleNames()
        names.update(
            {
                SeqRole: QByteArray(b"seq"),
                SourceRole: QByteArray(b"source"),
                StreamRole: QByteArray(b"stream"),
                LevelRole: QByteArray(b"level"),
                TextRole: QByteArray(b"text"),
                TimeRole: QByteArray(b"time"),
                MatchRole: QByteArray(b"match"),
            }
        )
        return names

    # -- filters ----------------------------------------------------------------

    @property
    def filtered(self) -> bool:
        """True when a filter hides some lines."""
        return self._filter.active

    @property
    def total_lines(self) -> int:
        """Lines the hub holds in memory since the last `clear()` (shown or not)."""
        return self.hub.next_seq - max(self._floor, self.hub.first_seq)

    def set_sources(self, sources: Iterable[str] | None) -> None:
        """Show only lines of `sources` (None: every source)."""
        self._sources = None if sources is None else frozenset(sources)
        self._refilter()

    def set_min_level(self, level: LogLevel) -> None:
        """Show only lines at `level` or above (NONE: every line)."""
        self._min_level = LogLevel(level)
        self._refilter()

    def set_text_filter(
        self, pattern: str, regex: bool = False, case_sensitive: bool = False
    ) -> None:
        """Show only lines containing `pattern` (or matching it as a regex); "" shows all.

        Raises `re.error` for an invalid regex (the filter is then left as it was).
        """
        self._text = text_test(pattern, regex, case_sensitive) if pattern else None
        self._refilter()

    def _make_filter(self) -> LogFilter:
        chans = (
            None if self._sources is None else frozenset(self.hub.channels_of(set(self._sources)))
        )
        self._known_chans = self.hub.channel_count()
        return LogFilter(chans, self._min_level, self._text)

    def _refilter(self) -> None:
        self.beginResetModel()
        self._filter = self._make_filter()
        ring = self.hub.ring
        self._base = max(self._base, ring.first_seq)
        self._rows = (
            self._filter.select(ring, self._base, self._end) if self._filter.active else None
        )
        self.endResetModel()
        self.sig_filter_changed.emit()

    # -- search -----------------------------------------------------------------

    def set_search(self, pattern: str, regex: bool = False, case_sensitive: bool = False) -> None:
        """Mark lines matching `pattern` (MatchRole); "" clears. re.error if invalid."""
        self._search = text_test(pattern, regex, case_sensitive) if pattern else None
        if self.rowCount():
            last = self.index(self.rowCount() - 1)
            self.dataChanged.emit(self.index(0), last, [MatchRole])

    def find(self, start_row: int, forward: bool = True) -> int:
        """The next row after (or before) `start_row` matching the search, wrapping; -1 if none."""
        count = self.rowCount()
        if self._search is None or count == 0:
            return -1
        if forward:
            order = [(start_row + 1, count), (0, min(start_row + 1, count))]
        else:
            order = [(0, max(start_row, 0)), (max(start_row, 0), count)]
        for lo, hi in order:
            row = self._find_in(lo, hi, forward)
            if row >= 0:
                return row
        return -1

    def _find_in(self, lo: int, hi: int, forward: bool) -> int:
        assert self._search is not None
        steps = range(lo, hi, _SEARCH_STEP)
        for a in steps if forward else reversed(steps):
            b = min(hi, a + _SEARCH_STEP)
            texts = self._texts(a, b)
            hits = list(compress(range(a, b), self._search(texts)))
            if hits:
                return hits[0] if forward else hits[-1]
        return -1

    def _texts(self, a: int, b: int) -> list[str]:
        """Texts of rows [a, b)."""
        ring = self.hub.ring
        if self._rows is None:
            return ring.texts(self._base + a, self._base + b)
        return list(map(ring.text, self._rows[a:b]))

    # -- live updates -----------------------------------------------------------

    @Slot(int)
    def _on_appended(self, _last_seq: int) -> None:
        ring = self.hub.ring
        if self.hub.channel_count() != self._known_chans and self._sources is not None:
            self._filter = self._make_filter()
        self._drop_before(ring.first_seq)
        start = max(self._end, ring.first_seq)
        stop = ring.next_seq
        if start >= stop:
            self._end = max(self._end, stop)
            return
        if self._rows is None:  # `_drop_before` made `start` equal to `_end`
            first_row = self._end - self._base
            self.beginInsertRows(QModelIndex(), first_row, first_row + (stop - start) - 1)
            self._end = stop
            self.endInsertRows()
            return
        new = self._filter.select(ring, start, stop)
        self._end = stop
        if new:
            first_row = len(self._rows)
            self.beginInsertRows(QModelIndex(), first_row, first_row + len(new) - 1)
            self._rows.extend(new)
            self.endInsertRows()

    def _drop_before(self, first_seq: int) -> None:
        """Remove the rows of lines older than `first_seq` (gone from the ring)."""
        if self._rows is None:
            gone = min(first_seq, self._end) - self._base
            if gone > 0:
                self.beginRemoveRows(QModelIndex(), 0, gone - 1)
                self._base += gone
                self.endRemoveRows()
            if self._base < first_seq:  # nothing shown: just move on
                self._base = first_seq
                self._end = max(self._end, first_seq)
            return
        gone = bisect_left(self._rows, first_seq)
        if gone:
            self.beginRemoveRows(QModelIndex(), 0, gone - 1)
            del self._rows[:gone]
            self.endRemoveRows()
        self._base = max(self._base, first_seq)

    @Slot()
    def clear(self) -> None:
        """Empty this list: it shows only lines that arrive from now on (the store keeps
        the older ones, and its other lists still show them)."""
        self._floor = self.hub.next_seq
        self._on_cleared()

    @Slot()
    def _on_cleared(self) -> None:
        self.beginResetModel()
        self._base = self._end = self.hub.next_seq
        if self._rows is not None:
            self._rows = array("q")
        self.endResetModel()

    # -- export -----------------------------------------------------------------

    def shown_text(self, rows: Iterable[int] | None = None) -> str:
        """The display text of `rows` (default: every shown row), one per line."""
        rows = range(self.rowCount()) if rows is None else rows
        out = []
        for row in rows:
            value = self.data(self.index(row), Qt.ItemDataRole.DisplayRole)
            if value is not None:
                out.append(value)
        return "".join(f"{line}\n" for line in out)

    def export(self, path: Path) -> int:
        """Write the shown lines to `path` (UTF-8, the display format); returns the count."""
        count = 0
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            for a in range(0, self.rowCount(), _SEARCH_STEP):
                b = min(self.rowCount(), a + _SEARCH_STEP)
                text = self.shown_text(range(a, b))
                out.write(text)
                count += b - a
        return count
