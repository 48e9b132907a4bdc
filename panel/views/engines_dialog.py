"""File › Engines: the engines this window knows, each with its state; all of them at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from panel.viewmodels.engines.board import EnginesBoard, local_workspace_of
from panel.viewmodels.engines.registry import EngineEntry, EngineEntryError, EngineRegistry
from panel.viewmodels.remote.endpoint import EndpointError
from panel.views.all_engines_view import AllEnginesView
from panel.views.engine_add_dialog import AddEngineDialog
from panel.views.engine_state import engine_dot
from panel.views.state_colors import dot_icon

if TYPE_CHECKING:
    from panel.views.main_window import MainWindow

KEY_ROLE = Qt.ItemDataRole.UserRole
NAME, STATE, WHERE = range(3)

OpenEntry = Callable[[EngineEntry], str | None]
"""Open the Overview of an engine: None, or one sentence saying why it cannot."""


class EnginesDialog(QDialog):
    """The list (name, state dot and word, where) with Add, Rename, Remove and Open, and the
    All engines tab. Engines are probed only while the dialog is shown."""

    def __init__(
        self, board: EnginesBoard, open_entry: OpenEntry, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Engines"))
        self.resize(760, 380)
        self.board = board
        self._open_entry = open_entry
        self.add_dialog: AddEngineDialog | None = None
        self.rename_dialog: QInputDialog | None = None
        self.list = QTreeWidget()
        self.list.setColumnCount(3)
        self.list.setHeaderLabels([self.tr("Engine"), self.tr("State"), self.tr("Where")])
        self.list.setRootIsDecorated(False)
        self.list.setColumnWidth(NAME, 180)
        self.list.setColumnWidth(STATE, 200)
        self.list.itemDoubleClicked.connect(lambda *_: self.open_selected())
        self.list.currentItemChanged.connect(lambda *_: self._enable_buttons())
        self.add_button = QPushButton(self.tr("&Add…"))
        self.rename_button = QPushButton(self.tr("Re&name…"))
        self.remove_button = QPushButton(self.tr("&Remove"))
        self.open_button = QPushButton(self.tr("&Open"))
        self.add_button.clicked.connect(self.add_engine)
        self.rename_button.clicked.connect(self.rename_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.open_button.clicked.connect(self.open_selected)
        buttons = QVBoxLayout()
        for button in (self.open_button, self.add_button, self.rename_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        engines_tab = QWidget()
        row = QHBoxLayout(engines_tab)
        row.addWidget(self.list, 1)
        row.addLayout(buttons)
        self.all_view = AllEnginesView(board)
        self.all_view.sig_open.connect(self.open_key)
        self.tabs = QTabWidget()
        self.tabs.addTab(engines_tab, self.tr("Engines"))
        self.tabs.addTab(self.all_view, self.tr("All engines"))
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message_label)
        board.sig_entries.connect(self.refresh)
        board.sig_health.connect(self._show_key)
        self.refresh()

    # ----------------------------------------------------------------- reading

    def refresh(self) -> None:
        """Re-read the list, keeping the selection."""
        current = self.selected_key()
        self.list.clear()
        for entry in self.board.entries():
            item = QTreeWidgetItem([entry.name, "", entry.target])
            item.setData(NAME, KEY_ROLE, entry.key)
            item.setToolTip(WHERE, entry.target)
            self.list.addTopLevelItem(item)
            self._show_item(item)
            if entry.key == current:
                self.list.setCurrentItem(item)
        first = self.list.topLevelItem(0)
        if self.list.currentItem() is None and first is not None:
            self.list.setCurrentItem(first)
        self._enable_buttons()

    def selected_key(self) -> str | None:
        """The key of the selected entry."""
        item = self.list.currentItem()
        return str(item.data(NAME, KEY_ROLE)) if item is not None else None

    def select(self, key: str) -> None:
        """Select an entry."""
        item = self._item(key)
        if item is not None:
            self.list.setCurrentItem(item)

    def state_text(self, key: str) -> str:
        """The state word the list shows for an entry."""
        item = self._item(key)
        return item.text(STATE) if item is not None else ""

    def state_tip(self, key: str) -> str:
        """Why the entry is in its state (the reason it cannot be reached), as its tooltip says."""
        item = self._item(key)
        return item.toolTip(STATE) if item is not None else ""

    def _item(self, key: str) -> QTreeWidgetItem | None:
        for i in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(i)
            if item is not None and item.data(NAME, KEY_ROLE) == key:
                return item
        return None

    def _show_key(self, key: str) -> None:
        item = self._item(key)
        if item is not None:
            self._show_item(item)

    def _show_item(self, item: QTreeWidgetItem) -> None:
        health = self.board.health(str(item.data(NAME, KEY_ROLE)))
        color, word = engine_dot(health)
        item.setIcon(STATE, dot_icon(color))
        item.setText(STATE, word)
        item.setToolTip(STATE, health.message or health.workspace)

    def _enable_buttons(self) -> None:
        entry = self._selected()
        self.open_button.setEnabled(entry is not None)
        self.rename_button.setEnabled(entry is not None)
        self.remove_button.setEnabled(entry is not None and not entry.local)

    def _selected(self) -> EngineEntry | None:
        key = self.selected_key()
        return self.board.registry.entry(key) if key is not None else None

    # ----------------------------------------------------------------- actions

    def add_engine(self) -> None:
        """Ask for a name and a target (window-modal); the entry is added on OK."""
        dialog = AddEngineDialog(self._add, self)
        self.add_dialog = dialog
        dialog.open()

    def _add(self, name: str, target: str, token: str, ca: str, ssh: str) -> str | None:
        try:
            entry = self.board.registry.add(name, target, token, ca, ssh)
        except EngineEntryError as exc:
            return str(exc)
        self.select(entry.key)
        self._say("")
        return None

    def rename_selected(self) -> None:
        """Ask for the selected engine's new name (window-modal)."""
        entry = self._selected()
        if entry is None:
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("Rename engine"))
        dialog.setLabelText(self.tr("New name of %1:").replace("%1", entry.name))
        dialog.setTextValue(entry.name)
        dialog.textValueSelected.connect(lambda name: self._rename(entry.key, name))
        self.rename_dialog = dialog
        dialog.open()

    def _rename(self, key: str, name: str) -> None:
        try:
            self.board.registry.rename(key, name)
        except EngineEntryError as exc:
            self._say(str(exc))
            return
        self._say("")

    def remove_selected(self) -> None:
        """Forget the selected engine (it is not stopped; add it again any time)."""
        entry = self._selected()
        if entry is None:
            return
        try:
            self.board.registry.remove(entry.key)
        except EngineEntryError as exc:
            self._say(str(exc))
            return
        self._say(
            self.tr("%1 removed from the list (the engine itself runs on).").replace(
                "%1", entry.name
            )
        )

    def open_selected(self) -> None:
        """Open the Overview of the selected engine."""
        key = self.selected_key()
        if key is not None:
            self.open_key(key)

    def open_key(self, key: str) -> None:
        """Open the Overview of an engine: its window raised, or a new attached window."""
        entry = self.board.registry.entry(key)
        if entry is None:
            return
        problem = self._open_entry(entry)
        self._say(problem or "")

    def _say(self, text: str) -> None:
        self.message_label.setText(text)

    # ------------------------------------------------------------------- life

    def showEvent(self, event: Any) -> None:
        self.board.start()
        super().showEvent(event)

    def hideEvent(self, event: Any) -> None:
        self.board.stop()
        super().hideEvent(event)


def engines_dialog_for(window: MainWindow, registry: EngineRegistry | None = None) -> EnginesDialog:
    """The Engines dialog of `window`: its own engine read from its models, Open raising
    it or opening another window attached to the chosen engine. `registry`: the list
    in the application's QSettings unless given."""
    from panel.views.engine_windows import engine_windows

    if registry is None:
        registry = EngineRegistry(local_workspace_of(window.models))
    board = EnginesBoard(registry, window.models)

    def open_entry(entry: EngineEntry) -> str | None:
        if board.is_own(entry):
            window.bring_to_front()
            window.show_page(window.overview_view)
            return None
        try:
            engine_windows().open_entry(entry, near=window)
        except EndpointError as exc:
            return str(exc)
        return None

    dialog = EnginesDialog(board, open_entry, window)
    board.setParent(dialog)
    return dialog
