"""Overview, the home page: one card per area, so one glance says whether all is well."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from panel.connections.status import ConnState
from panel.jobs.watch_status import ERROR, MISSING
from panel.server.status import ServerSnapshot
from panel.views.engine_state import connections_dot
from panel.views.format import format_bytes, format_duration
from panel.views.jobs_view import worst_jobs_state
from panel.views.sparkline import Sparkline
from panel.views.state_colors import (
    BAD,
    IDLE,
    SERVER_COLORS,
    dot_pixmap,
    server_status_label,
)

if TYPE_CHECKING:
    from panel.viewmodels.engine import ProcessStats
    from panel.viewmodels.models import EngineModels


class _Card(QFrame):
    """A titled box with a state dot, a summary line and a button to its page."""

    def __init__(self, title: str, open_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        self.dot = QLabel()
        self.title = QLabel(f"<b>{title}</b>")
        self.open_button = QPushButton(open_text)
        head.addWidget(self.dot)
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.open_button)
        layout.addLayout(head)
        self.state: tuple[QColor, str] = (IDLE, "")
        """The card's dot: its colour and the word for it (also the dot's tooltip)."""
        self.summary = QLabel("-")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.body = QVBoxLayout()
        layout.addLayout(self.body)
        layout.addStretch(1)

    def show_state(self, color: QColor, word: str) -> None:
        """Colour the dot, with its word as tooltip and accessible name."""
        self.state = (color, word)
        self.dot.setPixmap(dot_pixmap(color, 12))
        self.dot.setToolTip(word)
        self.dot.setAccessibleName(word)


class OverviewView(QWidget):
    """Server, connections, jobs and resources at a glance; each card opens its page."""

    sig_open_page = Signal(str)
    """The operator asked for a page: "server", "connections" or "jobs"."""

    def __init__(
        self, models: EngineModels, server_actions: list[QAction], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._models = models
        grid = QGridLayout(self)
        self.server_card = _Card(self.tr("Server"), self.tr("Open"))
        buttons = QHBoxLayout()
        for action in server_actions:  # the window's own actions: enabled exactly when they are
            button = QToolButton()
            button.setDefaultAction(action)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.server_card.body.addLayout(buttons)
        self.connections_card = _Card(self.tr("Connections"), self.tr("Open"))
        self.jobs_card = _Card(self.tr("Jobs"), self.tr("Open"))
        self.resources_card = _Card(self.tr("Resources"), self.tr("Logs"))
        self.resources_card.dot.setPixmap(dot_pixmap(IDLE, 12))
        self.cpu_plot = Sparkline(self.tr("Engine CPU %"), "{:.1f} %", floor_max=10.0)
        self.rss_plot = Sparkline(self.tr("Engine memory MB"), "{:.0f} MB", floor_max=100.0)
        self.server_cpu_plot = Sparkline(self.tr("Server CPU %"), "{:.1f} %", floor_max=10.0)
        for plot in (self.cpu_plot, self.rss_plot, self.server_cpu_plot):
            self.resources_card.body.addWidget(plot)
        grid.addWidget(self.server_card, 0, 0)
        grid.addWidget(self.connections_card, 0, 1)
        grid.addWidget(self.jobs_card, 1, 0)
        grid.addWidget(self.resources_card, 1, 1)
        for card, key in (
            (self.server_card, "server"),
            (self.connections_card, "connections"),
            (self.jobs_card, "jobs"),
            (self.resources_card, "logs"),
        ):
            card.open_button.clicked.connect(lambda _=False, k=key: self.sig_open_page.emit(k))
        models.server.sig_status.connect(self._show_server)
        models.engine.sig_stats.connect(self._on_stats)
        self._show_server(models.server.snapshot())
        models.connections.sig_status.connect(self._show_connections)
        models.connections.sig_changed.connect(self._show_connections)
        self._show_connections()
        # The jobs model takes today's figures at most 4 times a second, however busy.
        models.jobs.sig_dashboard.connect(self._show_jobs)
        models.jobs.sig_watch_status.connect(self._show_jobs)
        self._show_jobs()

    def _show_server(self, snap: ServerSnapshot) -> None:
        self.server_card.show_state(SERVER_COLORS[snap.status], server_status_label(snap.status))
        text = server_status_label(snap.status)
        if snap.uptime is not None:
            text += "  ·  " + self.tr("up %1").replace("%1", format_duration(snap.uptime))
        text += "  ·  " + self.tr("port %1").replace("%1", str(snap.port))
        if snap.last_error:
            text += "\n" + snap.last_error
        self.server_card.summary.setText(text)

    def _show_connections(self, *_: object) -> None:
        states = [s.state for s in self._models.connections.snapshots()]
        good = states.count(ConnState.CONNECTED)
        trying = sum(1 for s in states if s.is_busy or s == ConnState.RECONNECTING)
        errors = states.count(ConnState.ERROR)
        self.connections_card.show_state(*connections_dot(states))  # the sidebar's rule
        self.connections_card.summary.setText(
            self.tr("%1 connected  ·  %2 connecting  ·  %3 in error  (of %4)")
            .replace("%1", str(good))
            .replace("%2", str(trying))
            .replace("%3", str(errors))
            .replace("%4", str(len(states)))
        )

    def _show_jobs(self, *_: object) -> None:
        jobs = self._models.jobs
        figures = jobs.dashboard()
        counts = figures.counts
        color, word = worst_jobs_state(jobs)  # the sidebar's rule
        watch = jobs.watch_status()
        if watch.state == ERROR:
            color, word = BAD, self.tr("Jobs file not imported")
        self.jobs_card.show_state(color, word)
        text = (
            self.tr("Today: %1 runs  ·  %2 succeeded  ·  %3 failed  ·  %4 running")
            .replace("%1", str(counts["total"]))
            .replace("%2", str(counts["success"]))
            .replace("%3", str(counts["failed"]))
            .replace("%4", str(counts["running"]))
        )
        if figures.next_fires:
            fire = figures.next_fires[0]
            text += "\n" + self.tr("Next: %1 at %2").replace("%1", fire.job).replace(
                "%2", _clock(fire.when)
            )
        if watch.state == ERROR:
            reason = (watch.error or "").splitlines()[:1]
            text += "\n" + self.tr("Jobs file not imported: %1").replace("%1", "".join(reason))
        elif watch.state == MISSING:
            text += "\n" + self.tr("Jobs file missing: %1").replace("%1", str(watch.path))
        self.jobs_card.summary.setText(text)

    def _on_stats(self, stats: ProcessStats) -> None:
        self._show_server(self._models.server.snapshot())  # the uptime moves on
        self.cpu_plot.add_sample(stats.panel_cpu)
        self.rss_plot.add_sample(stats.panel_rss / 1e6)
        self.server_cpu_plot.add_sample(stats.server_cpu or 0.0)
        self.resources_card.summary.setText(
            self.tr("Engine: %1 CPU, %2")
            .replace("%1", f"{stats.panel_cpu:.1f} %")
            .replace("%2", format_bytes(stats.panel_rss))
        )


def _clock(when: float) -> str:
    """A local date and time, to the minute."""
    import time

    return time.strftime("%Y-%m-%d %H:%M", time.localtime(when))
