"""What closing the main window does: keep the engine running in the background, or quit.

The operator is asked the first time and the answer is remembered (QSettings,
`CLOSE_ACTION_KEY`); File › When the window closes changes it. A desktop without a
tray always asks: a hidden window could only come back by opening OpsPanel again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QCheckBox, QMenu, QMessageBox, QWidget

from panel.views import ui_settings

CLOSE_ACTION_KEY = ui_settings.CLOSE_ACTION
ASK = "ask"
BACKGROUND = "background"
QUIT = "quit"
CLOSE_ACTIONS = (ASK, BACKGROUND, QUIT)


def saved_close_action() -> str:
    """The remembered answer: `ASK` (nothing remembered), `BACKGROUND` or `QUIT`."""
    value = str(QSettings().value(CLOSE_ACTION_KEY, ASK))
    return value if value in CLOSE_ACTIONS else ASK


def save_close_action(action: str) -> None:
    """Remember what closing the window does (`ASK` forgets the answer)."""
    if action not in CLOSE_ACTIONS:
        raise ValueError(f"unknown close action {action!r}")
    QSettings().setValue(CLOSE_ACTION_KEY, action)


def effective_close_action(tray_available: bool) -> str:
    """What closing does now: the remembered answer, or `ASK` on a desktop without a tray."""
    return saved_close_action() if tray_available else ASK


class CloseChoiceBox(QMessageBox):
    """The question asked when the window closes: keep running in the background, or quit.

    With a tray, "Remember my choice" (on by default) stores the answer; without one
    there is no check box and the text says how the window comes back.
    """

    def __init__(self, tray_available: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(self.tr("Close the window?"))
        self.setText(
            self.tr("Keep OpsPanel running in the background, or stop everything and quit?")
        )
        if tray_available:
            info = self.tr(
                "In the background the server, connections and jobs go on and the tray icon "
                "stays: choose “Open window” in its menu to bring the window back. "
                "You can change this later in File › When the window closes."
            )
        else:
            info = self.tr(
                "In the background the server, connections and jobs go on, but this desktop "
                "has no tray icon: open OpsPanel again to bring the window back."
            )
        self.setInformativeText(info)
        self._background = self.addButton(
            self.tr("Keep running in the background"), QMessageBox.ButtonRole.AcceptRole
        )
        self._quit = self.addButton(
            self.tr("Stop everything and quit"), QMessageBox.ButtonRole.DestructiveRole
        )
        cancel = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self._background)
        self.setEscapeButton(cancel)
        self._remember: QCheckBox | None = None
        if tray_available:
            # Kept (and parented) here: setCheckBox() does not keep the Python object alive.
            self._remember = QCheckBox(self.tr("Remember my choice"), self)
            self._remember.setChecked(True)
            self.setCheckBox(self._remember)

    def choose(self) -> str | None:
        """Ask; `BACKGROUND`, `QUIT`, or None when cancelled. Remembers the answer if ticked."""
        self.exec()
        clicked = self.clickedButton()
        if clicked is self._background:
            choice = BACKGROUND
        elif clicked is self._quit:
            choice = QUIT
        else:
            return None
        if self._remember is not None and self._remember.isChecked():
            save_close_action(choice)
        return choice


class CloseActionMenu(QMenu):
    """File › When the window closes: Ask every time / Keep running / Stop everything and quit.

    Without a tray only "Ask every time" can be chosen (and is shown checked);
    The entries are brought up to date (`sync`) each time the menu opens.
    """

    def __init__(self, tray_available: Callable[[], bool], parent: QWidget | None = None) -> None:
        super().__init__(self.tr("When the window &closes"), parent)
        self._tray_available = tray_available
        group = QActionGroup(self)
        self.choices: dict[str, QAction] = {}
        for label, action in (
            (self.tr("&Ask every time"), ASK),
            (self.tr("Keep running in the &background"), BACKGROUND),
            (self.tr("Stop everything and &quit"), QUIT),
        ):
            item = self.addAction(label)
            item.setCheckable(True)
            group.addAction(item)
            item.triggered.connect(lambda _=False, a=action: save_close_action(a))
            self.choices[action] = item
        self.aboutToShow.connect(self.sync)

    def sync(self) -> None:
        """Check the entry in effect; without a tray, only "Ask every time" is offered."""
        tray_available = self._tray_available()
        self.choices[effective_close_action(tray_available)].setChecked(True)
        for action in (BACKGROUND, QUIT):
            self.choices[action].setEnabled(tray_available)
        self.menuAction().setToolTip(
            ""
            if tray_available
            else self.tr("This desktop has no tray icon: closing the window asks every time.")
        )
