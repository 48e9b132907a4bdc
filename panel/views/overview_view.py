"""Overview, the home page: one glance says whether all is well, and where it is not.

A header line with the engine's worst state in a word; the server with its actions and
the engine's resources; a tile per connection; today's jobs (a 24-hour strip, the next
runs, the last failures one click from their log); the newest warnings and errors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from panel.connections.status import ConnState
from panel.jobs.watch_status import ERROR, MISSING
from panel.server.status import ServerSnapshot
from panel.viewmodels.engines.probe import HealthSource
from panel.views.engine_state import connections_dot, worst_jobs_state
from panel.views.format import format_bytes, format_duration
from panel.views.overview.connection_tiles import ConnectionTiles
from panel.views.overview.header import OverviewHeader
from panel.views.overview.jobs_today import JobsToday
from panel.views.overview.recent_problems import RecentProblems
from panel.views.services.cards import ServiceCards
from panel.views.sparkline import Sparkline
from panel.views.state_colors import (
    BAD,
    BUSY,
    GOOD,
    IDLE,
    SERVER_COLORS,
    server_status_label,
    show_dot,
)

BUSY_CPU = 80.0
"""Engine CPU (% of one core) from which the Resources dot turns amber."""

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
        layout.addLayout(self.body, 1)

    def show_state(self, color: QColor, word: str) -> None:
        """Colour the dot, with its word as tooltip and accessible name."""
        self.state = (color, word)
        show_dot(self.dot, color, word)


class OverviewView(QScrollArea):
    """The engine at a glance; each card opens its page, a tile its connection."""

    sig_open_page = Signal(str)
    """The operator asked for a page: "server", "services", "connections", "jobs" or "logs"."""

    sig_open_connection = Signal(str)
    """(connection id) the operator clicked a connection's tile."""

    sig_open_service = Signal(str)
    """(name) the operator asked for a service on the Services page."""

    def __init__(
        self,
        models: EngineModels,
        health: HealthSource,
        server_actions: list[QAction],
        parent: QWidget | None = None,
    ) -> None:
        """`health` is the window's one health source (the header's worst state)."""
        super().__init__(parent)
        self._models = models
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget()
        self.setWidget(content)
        grid = QGridLayout(content)
        # A scroll area has no layout of its own for the window to give the room every
        # page has around it (left, top, right, bottom): its content's layout takes it.
        grid.setContentsMargins(10, 8, 10, 6)
        self.health = health
        self.header = OverviewHeader(health)
        self.server_card = _Card(self.tr("Server"), self.tr("Open"))
        buttons = QHBoxLayout()
        for action in server_actions:  # the window's own actions: enabled exactly when they are
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.server_card.body.addLayout(buttons)
        self.server_card.body.addStretch(1)
        self.connections_card = _Card(self.tr("Connections"), self.tr("Open"))
        self.tiles = ConnectionTiles(models.connections)
        self.tiles.sig_open.connect(self.sig_open_connection)
        self.connections_card.body.addWidget(self.tiles)
        self.jobs_card = _Card(self.tr("Jobs today"), self.tr("Open"))
        self.jobs_today = JobsToday(models.jobs, figures=False)
        self.jobs_card.body.addWidget(self.jobs_today)
        self.problems_card = _Card(self.tr("Recent warnings and errors"), self.tr("Logs"))
        self.problems = RecentProblems(models.logs)
        self.problems.sig_open_logs.connect(lambda: self.sig_open_page.emit("logs"))
        self.problems.sig_state.connect(self.problems_card.show_state)
        self.problems_card.summary.hide()  # the lines say it
        self.problems.scan()
        self.problems_card.body.addWidget(self.problems)
        self.problems_card.body.addStretch(1)
        self.resources_card = _Card(self.tr("Resources"), self.tr("Logs"))
        self.resources_card.show_state(IDLE, self.tr("No figures yet"))
        self.cpu_plot = Sparkline(self.tr("Engine CPU %"), "{:.1f} %", floor_max=10.0)
        self.rss_plot = Sparkline(self.tr("Engine memory MB"), "{:.0f} MB", floor_max=100.0)
        self.server_cpu_plot = Sparkline(self.tr("Server CPU %"), "{:.1f} %", floor_max=10.0)
        plots = QHBoxLayout()
        for plot in (self.cpu_plot, self.rss_plot, self.server_cpu_plot):
            plots.addWidget(plot)
        self.resources_card.body.addLayout(plots)
        grid.addWidget(self.header, 0, 0, 1, 2)
        grid.addWidget(self.server_card, 1, 0)
        grid.addWidget(self.resources_card, 1, 1)
        self.services_card = _Card(self.tr("Services"), self.tr("Open"))
        self.services_card.summary.hide()  # each service's own card says it
        self.service_cards = ServiceCards(models.services, models.engine)
        self.service_cards.sig_open.connect(self.sig_open_service)
        self.service_cards.sig_worst_state.connect(self.services_card.show_state)
        self.services_card.body.addWidget(self.service_cards)
        grid.addWidget(self.services_card, 2, 0, 1, 2)
        grid.addWidget(self.connections_card, 3, 0, 1, 2)
        grid.addWidget(self.jobs_card, 4, 0)
        grid.addWidget(self.problems_card, 4, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(5, 1)
        for card, key in (
            (self.server_card, "server"),
            (self.services_card, "services"),
            (self.connections_card, "connections"),
            (self.jobs_card, "jobs"),
            (self.problems_card, "logs"),
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
        if stats.panel_cpu >= BUSY_CPU:
            self.resources_card.show_state(BUSY, self.tr("The engine is busy"))
        else:
            self.resources_card.show_state(GOOD, self.tr("The engine has room"))
