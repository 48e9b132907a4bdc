"""The services on the Overview: a card each with its state, uptime, port and figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from panel.server.status import ServiceSnapshot
from panel.views.format import format_duration
from panel.views.services.history import ServiceHistory
from panel.views.services.state import worst_service_state
from panel.views.services.table import CPU_COLOR, RSS_COLOR
from panel.views.sparkline import Sparkline
from panel.views.state_colors import SERVER_COLORS, server_status_label, show_dot

if TYPE_CHECKING:  # the Overview is the first frame: no engine modules for type names
    from panel.viewmodels.engine import EngineModel
    from panel.viewmodels.services import ServicesModel

COLUMNS = 3
"""Cards side by side before the next row."""


class ServiceCard(QFrame):
    """One service: its dot and state word, uptime and port, CPU and memory sparklines."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setToolTip(self.tr("Show this service on the Services page"))
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        self.dot = QLabel()
        self.title = QLabel(f"<b>{name}</b>")
        self.state_label = QLabel()
        head.addWidget(self.dot)
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.state_label)
        head.addWidget(self.open_button)
        layout.addLayout(head)
        self.summary = QLabel("-")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        plots = QHBoxLayout()
        self.cpu_plot = Sparkline(self.tr("CPU"), "{:.1f} %", CPU_COLOR, floor_max=10.0)
        self.rss_plot = Sparkline(self.tr("Memory"), "{:.1f} MB", RSS_COLOR, floor_max=10.0)
        for plot in (self.cpu_plot, self.rss_plot):
            plot.setMinimumSize(90, 48)
            plot.setMaximumHeight(56)
            plots.addWidget(plot)
        layout.addLayout(plots)

    def show_snapshot(self, snap: ServiceSnapshot) -> None:
        """The state (colour and word), uptime, port and last error of `snap`."""
        word = server_status_label(snap.status)
        show_dot(self.dot, SERVER_COLORS[snap.status], word)
        self.state_label.setText(word)
        parts = []
        if snap.uptime is not None:
            parts.append(self.tr("up %1").replace("%1", format_duration(snap.uptime)))
        if snap.port is not None:
            parts.append(self.tr("port %1").replace("%1", str(snap.port)))
        text = "  ·  ".join(parts) or self.tr("not running")
        if snap.last_error:
            text += "\n" + snap.last_error
        self.summary.setText(text)

    def add_samples(self, cpu: float, rss: float) -> None:
        """The newest readings (CPU %, memory MB)."""
        self.cpu_plot.add_sample(cpu)
        self.rss_plot.add_sample(rss)


class ServiceCards(QWidget):
    """A card per service, in configured order, kept up to date by the services model."""

    sig_open = Signal(str)
    """(name) the operator asked for this service on the Services page."""

    sig_worst_state = Signal(QColor, str)
    """(colour, word) the worst state of any service changed."""

    def __init__(
        self, services: ServicesModel, engine: EngineModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._history = history = ServiceHistory(engine, self)
        self.cards: dict[str, ServiceCard] = {}
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        services.sig_changed.connect(self._rebuild)
        services.sig_status.connect(self._refresh)
        history.sig_sampled.connect(self._on_sampled)
        self._rebuild()

    def _rebuild(self) -> None:
        names = self._services.names()
        if list(self.cards) != names:
            for card in self.cards.values():
                self._grid.removeWidget(card)
                card.deleteLater()
            self.cards = {}
            for i, name in enumerate(names):
                card = ServiceCard(name)
                card.open_button.clicked.connect(lambda _=False, n=name: self.sig_open.emit(n))
                for plot, samples in (
                    (card.cpu_plot, self._history.cpu(name)),
                    (card.rss_plot, self._history.rss(name)),
                ):
                    for value in samples:
                        plot.add_sample(value)
                self._grid.addWidget(card, i // COLUMNS, i % COLUMNS)
                self.cards[name] = card
            for column in range(COLUMNS):
                self._grid.setColumnStretch(column, 1)
        self._refresh()

    def _refresh(self, *_: object) -> None:
        snaps = self._services.snapshots()
        self.sig_worst_state.emit(*worst_service_state(snaps))
        for snap in snaps:
            card = self.cards.get(snap.name)
            if card is not None:
                card.show_snapshot(snap)

    def _on_sampled(self, names: frozenset[str]) -> None:
        for name in names:
            card = self.cards.get(name)
            cpu, rss = self._history.cpu(name), self._history.rss(name)
            if card is not None and cpu and rss:
                card.add_samples(cpu[-1], rss[-1])
        self._refresh()
