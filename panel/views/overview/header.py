"""The Overview's first line: the worst state of the engine in a word, which engine, where."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from panel.viewmodels.engines.probe import HealthSource
from panel.views.engine_state import engine_dot
from panel.views.state_colors import show_dot


class OverviewHeader(QWidget):
    """ "● All well" (or the worst area: "Connections: Error"), then the engine (pid,
    embedded or attached) and its workspace, from the window's own health source."""

    def __init__(self, health: HealthSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._health = health
        self.dot = QLabel()
        self.state_label = QLabel()
        self.state_label.setObjectName("overviewState")
        self.engine_label = QLabel()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.dot)
        row.addWidget(self.state_label)
        row.addSpacing(16)
        row.addWidget(self.engine_label, 1)
        health.sig_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Read the health again."""
        health = self._health.health()
        color, word = engine_dot(health)
        show_dot(self.dot, color, word, 14)
        self.state_label.setText(f"<b>{word}</b>")
        where = health.workspace or "-"
        engine = (
            self.tr("Engine pid %1 on %2").replace("%1", str(health.pid)).replace("%2", where)
            if health.pid
            else where
        )
        self.engine_label.setText(engine)
        self.setAccessibleName(f"{word}. {engine}")
