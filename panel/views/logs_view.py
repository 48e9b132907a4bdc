"""The Logs panel: live lines of every source, filters, search, follow-tail.

`LogsView` shows a `LogListModel` over the lines of a `LogsModel` (the embedded
engine's hub, or an attached window's mirror of the engine's lines: the view
works the same on both) in a QListView with uniform rows (only the visible rows
are ever asked for) and a monospace font. It follows the tail while the view
sits at the bottom; scrolling up pauses that, scrolling back to the bottom (or
the Follow toggle) resumes it. Clear empties this list only: the engine keeps
its lines (for other windows, `opspanel-ctl logs` and the files).
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt, Slot
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontDatabase,
    QGuiApplication,
    QKeySequence,
    QPalette,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from panel.logs import LevelRole, LogLevel, LogListModel, MatchRole
from panel.viewmodels.logs import LogsModel

# (light palette, dark palette) text colours per level; NONE/INFO use the palette's text.
_LEVEL_COLOURS: dict[LogLevel, tuple[str, str]] = {
    LogLevel.DEBUG: ("#6b7280", "#9ca3af"),
    LogLevel.WARNING: ("#a15c00", "#f0b44c"),
    LogLevel.ERROR: ("#c81e1e", "#ff7b72"),
    LogLevel.CRITICAL: ("#a0129e", "#f78cf5"),
}
_MATCH_BACKGROUND = ("#fff3a3", "#5c4d00")


def is_dark(palette: QPalette) -> bool:
    """True when `palette` draws light text on a dark base."""
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def level_colour(level: int, palette: QPalette) -> QColor | None:
    """The text colour for `level` under `palette`; None: the palette's own text colour."""
    pair = _LEVEL_COLOURS.get(LogLevel(level)) if level in LogLevel._value2member_map_ else None
    if pair is None:
        return None
    return QColor(pair[1] if is_dark(palette) else pair[0])


class LevelDelegate(QStyledItemDelegate):
    """Paints a log row in its level's colour, with a tint when it matches the search."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Set the text colour by level and the background for search matches."""
        super().initStyleOption(option, index)
        dark = is_dark(option.palette)
        colour = level_colour(index.data(LevelRole) or 0, option.palette)
        if colour is not None:
            option.palette.setColor(QPalette.ColorRole.Text, colour)
        if index.data(MatchRole):
            option.backgroundBrush = QBrush(QColor(_MATCH_BACKGROUND[1 if dark else 0]))


class LogsView(QWidget):
    """The log panel: a filter bar, a search bar and the live list of lines."""

    def __init__(self, logs: LogsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.logs = logs
        self.model = LogListModel(logs.store(), self)
        self._following = True
        self._build()
        self._connect()
        self._refresh_sources()
        self._update_count()

    # -- building ---------------------------------------------------------------

    def _build(self) -> None:
        self.source_combo = QComboBox()
        self.source_combo.setToolTip(self.tr("Show the lines of one source only"))
        self.level_combo = QComboBox()
        self.level_combo.setToolTip(self.tr("Show lines at this level or above"))
        for text, level in (
            (self.tr("All levels"), LogLevel.NONE),
            (self.tr("Debug and above"), LogLevel.DEBUG),
            (self.tr("Info and above"), LogLevel.INFO),
            (self.tr("Warning and above"), LogLevel.WARNING),
            (self.tr("Error and above"), LogLevel.ERROR),
            (self.tr("Critical only"), LogLevel.CRITICAL),
        ):
            self.level_combo.addItem(text, int(level))
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(self.tr("Filter lines…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.regex_check = QCheckBox(self.tr("Regex"))
        self.case_check = QCheckBox(self.tr("Match case"))
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Search (Ctrl+F, F3 / Shift+F3)"))
        self.search_edit.setClearButtonEnabled(True)
        self.prev_button = QToolButton()
        self.prev_button.setText(self.tr("Previous"))
        self.next_button = QToolButton()
        self.next_button.setText(self.tr("Next"))
        self.follow_button = QPushButton(self.tr("Follow"))
        self.follow_button.setCheckable(True)
        self.follow_button.setChecked(True)
        self.follow_button.setToolTip(self.tr("Keep the newest line in view"))
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.setToolTip(
            self.tr("Empty this list (the engine keeps the lines, and its log files)")
        )
        self.copy_button = QPushButton(self.tr("Copy"))
        self.save_button = QPushButton(self.tr("Save…"))
        self.count_label = QLabel()
        self.empty_label = QLabel()
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()

        self.list_view = QListView()
        self.list_view.setModel(self.model)
        self.list_view.setUniformItemSizes(True)
        self.list_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.setItemDelegate(LevelDelegate(self.list_view))

        filters = QHBoxLayout()
        for widget in (self.source_combo, self.level_combo, self.filter_edit):
            filters.addWidget(widget)
        filters.addWidget(self.regex_check)
        filters.addWidget(self.case_check)
        filters.setStretchFactor(self.filter_edit, 1)
        search = QHBoxLayout()
        search.addWidget(self.search_edit, 1)
        for button in (self.prev_button, self.next_button, self.follow_button):
            search.addWidget(button)
        for button in (self.clear_button, self.copy_button, self.save_button):
            search.addWidget(button)
        footer = QHBoxLayout()
        footer.addWidget(self.count_label, 1)
        self.legend_labels = self._make_legend(footer)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(search)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.list_view, 1)
        layout.addLayout(footer)

    def _make_legend(self, row: QHBoxLayout) -> list[QLabel]:
        """One label per coloured level, in its own colour."""
        names = {
            LogLevel.DEBUG: self.tr("Debug"),
            LogLevel.WARNING: self.tr("Warning"),
            LogLevel.ERROR: self.tr("Error"),
            LogLevel.CRITICAL: self.tr("Critical"),
        }
        labels = []
        for level, name in names.items():
            label = QLabel(name)
            label.setProperty("level", int(level))
            row.addWidget(label)
            labels.append(label)
        self._colour_legend(labels)
        return labels

    def _colour_legend(self, labels: list[QLabel]) -> None:
        for label in labels:
            colour = level_colour(int(label.property("level")), self.palette())
            if colour is not None:
                label.setStyleSheet(f"color: {colour.name()};")

    def _connect(self) -> None:
        for changed in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            changed.connect(self._lay_out_rows)
        self.model.rowsInserted.connect(self._on_rows_inserted)
        self.model.rowsRemoved.connect(self._update_count)
        self.model.modelReset.connect(self._update_count)
        self.logs.sig_source_added.connect(self._refresh_sources)
        self.list_view.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.follow_button.toggled.connect(self.set_following)
        self.source_combo.currentIndexChanged.connect(self._apply_filters)
        self.level_combo.currentIndexChanged.connect(self._apply_filters)
        self.filter_edit.textChanged.connect(self._apply_filters)
        self.regex_check.toggled.connect(self._apply_filters)
        self.case_check.toggled.connect(self._apply_filters)
        self.search_edit.textChanged.connect(self._apply_search)
        self.search_edit.returnPressed.connect(self.find_next)
        self.next_button.clicked.connect(self.find_next)
        self.prev_button.clicked.connect(self.find_previous)
        self.clear_button.clicked.connect(self.model.clear)
        self.copy_button.clicked.connect(self.copy_selection)
        self.save_button.clicked.connect(self.save_dialog)
        for keys, slot in (
            (QKeySequence(QKeySequence.StandardKey.Find), self.focus_search),
            (QKeySequence("F3"), self.find_next),
            (QKeySequence("Shift+F3"), self.find_previous),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- following the tail -----------------------------------------------------

    @property
    def following(self) -> bool:
        """True while the view keeps the newest line in sight."""
        return self._following

    @Slot(bool)
    def set_following(self, on: bool) -> None:
        """Follow the tail (and jump to it) or stop following."""
        self._following = on
        if self.follow_button.isChecked() != on:
            self.follow_button.setChecked(on)
        if on:
            self.list_view.scrollToBottom()

    @Slot()
    def _lay_out_rows(self) -> None:
        """Lay out a batch of rows as it lands, not on the list's next idle moment.

        Otherwise the scroll bar's range lags the rows: a drag to its end, or the
        layout a scroll itself can run, moves the end under the user's hand, and
        reaching the bottom would not resume following.
        """
        self.list_view.doItemsLayout()

    @Slot(int)
    def _on_scrolled(self, value: int) -> None:
        at_bottom = value >= self.list_view.verticalScrollBar().maximum()
        if at_bottom != self._following:
            self.set_following(at_bottom)

    @Slot()
    def _on_rows_inserted(self) -> None:
        if self._following:
            self.list_view.scrollToBottom()
        self._update_count()

    @Slot()
    def _update_count(self) -> None:
        shown = self.model.rowCount()
        total = self.model.total_lines
        if self.model.filtered:
            text = self.tr("%1 of %2 lines shown").replace("%1", f"{shown:,}")
            text = text.replace("%2", f"{total:,}")
        else:
            text = self.tr("%1 lines").replace("%1", f"{total:,}")
        self.count_label.setText(text)
        if shown:
            self.empty_label.hide()
            return
        if self.model.filtered and total:
            self.empty_label.setText(self.tr("No line matches the filters."))
        else:
            self.empty_label.setText(
                self.tr(
                    "No lines yet: what the server, the services, the connection workers and"
                    " the jobs write appears here as they run. Start the server on the Server"
                    " page to see its first lines."
                )
            )
        self.empty_label.show()

    # -- filters ----------------------------------------------------------------

    @Slot()
    def _refresh_sources(self) -> None:
        current = self.source_combo.currentData()
        self.source_combo.blockSignals(True)
        self.source_combo.clear()
        self.source_combo.addItem(self.tr("All sources"), None)
        for source in self.logs.sources():
            self.source_combo.addItem(source, source)
        found = self.source_combo.findData(current) if current is not None else 0
        self.source_combo.setCurrentIndex(max(found, 0))
        self.source_combo.blockSignals(False)

    @Slot()
    def _apply_filters(self) -> None:
        source = self.source_combo.currentData()
        self.model.set_sources(None if source is None else {source})
        self.model.set_min_level(LogLevel(self.level_combo.currentData() or 0))
        try:
            self.model.set_text_filter(
                self.filter_edit.text(), self.regex_check.isChecked(), self.case_check.isChecked()
            )
        except re.error as exc:
            self.filter_edit.setToolTip(
                self.tr("Invalid regular expression: %1").replace("%1", str(exc))
            )
            self.filter_edit.setStyleSheet("border: 1px solid #c81e1e;")
            return
        self.filter_edit.setToolTip("")
        self.filter_edit.setStyleSheet("")
        if self._following:
            self.list_view.scrollToBottom()

    # -- search -----------------------------------------------------------------

    @Slot()
    def focus_search(self) -> None:
        """Put the keyboard in the search field (Ctrl+F)."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    @Slot()
    def _apply_search(self) -> None:
        try:
            self.model.set_search(
                self.search_edit.text(), self.regex_check.isChecked(), self.case_check.isChecked()
            )
        except re.error:
            self.model.set_search("")
        self.list_view.viewport().update()

    @Slot()
    def find_next(self) -> None:
        """Select the next line matching the search (F3)."""
        self._find(forward=True)

    @Slot()
    def find_previous(self) -> None:
        """Select the previous line matching the search (Shift+F3)."""
        self._find(forward=False)

    def _find(self, forward: bool) -> None:
        current = self.list_view.currentIndex()
        start = current.row() if current.isValid() else (-1 if forward else self.model.rowCount())
        row = self.model.find(start, forward)
        if row < 0:
            return
        self.set_following(False)
        index = self.model.index(row)
        self.list_view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.list_view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    # -- clipboard and export ---------------------------------------------------

    def selected_rows(self) -> list[int]:
        """Rows selected in the list, top to bottom."""
        return sorted(index.row() for index in self.list_view.selectionModel().selectedIndexes())

    @Slot()
    def copy_selection(self) -> None:
        """Copy the selected lines (as shown) to the clipboard."""
        text = self.model.shown_text(self.selected_rows())
        if text:
            QGuiApplication.clipboard().setText(text)

    @Slot()
    def save_dialog(self) -> None:
        """Ask for a file and write the shown (filtered) lines to it."""
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save log lines"), "", self.tr("Log files (*.log *.txt);;All files (*)")
        )
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> int:
        """Write the shown (filtered) lines to `path`; returns how many."""
        return self.model.export(path)
