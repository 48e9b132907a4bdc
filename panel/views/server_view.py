"""The Server panel: status, figures, Start / Stop / Restart, settings and a CPU/memory chart."""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from panel.server.status import ExitStatus, ServerSnapshot, ServerStatus
from panel.views.charts.resource_chart import ResourceChart
from panel.views.charts.samples import ResourceSamples
from panel.views.confirm import confirmed
from panel.views.format import format_argv, format_bytes, format_duration
from panel.views.icons import themed_icon
from panel.views.state_colors import BAD, SERVER_COLORS, server_status_label, show_dot

if TYPE_CHECKING:
    from panel.viewmodels.engine import EngineModel, ProcessStats
    from panel.viewmodels.server import ServerModel


class ServerView(QWidget):
    """Shows the Python server as its view model reports it, and drives it through the model."""

    sig_edit_settings = Signal()
    """The operator asked to edit the server settings."""

    def __init__(
        self,
        server: ServerModel,
        engine: EngineModel,
        resources: ResourceSamples | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`resources`: the server's readings, kept (and fed) by the window from its start,
        so the chart shows the minutes before the page was first opened; None: the page
        keeps its own from now on."""
        super().__init__(parent)
        self._server = server
        self._own_resources = resources is None
        self.resources = resources if resources is not None else ResourceSamples(self)
        """The server's CPU and memory readings over the last minutes (the chart's)."""
        self._build()
        server.sig_status.connect(self._show_snapshot)
        engine.sig_stats.connect(self._show_stats)
        self._uptime_timer = QTimer(self, interval=1000)
        self._uptime_timer.timeout.connect(self._refresh_uptime)
        self._uptime_timer.start()
        self._show_snapshot(server.snapshot())

    def refresh_icons(self) -> None:
        """The buttons' icons in the current palette's colours (again after a scheme change)."""
        for button, name in (
            (self.start_button, "start"),
            (self.stop_button, "stop"),
            (self.restart_button, "restart"),
            (self.settings_button, "settings"),
        ):
            button.setIcon(themed_icon(name))

    # ------------------------------------------------------------------ build

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        self.dot = QLabel()
        self.status_label = QLabel()
        self.status_label.setObjectName("serverStatus")
        font = self.status_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.status_label.setFont(font)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumWidth(120)
        self.busy.setVisible(False)
        header.addWidget(self.dot)
        header.addWidget(self.status_label)
        header.addWidget(self.busy)
        header.addStretch(1)
        self.start_button = QPushButton(self.tr("Start"))
        self.stop_button = QPushButton(self.tr("Stop"))
        self.restart_button = QPushButton(self.tr("Restart"))
        self.settings_button = QPushButton(self.tr("Settings…"))
        self.start_button.setToolTip(self.tr("Start the server (F5)"))
        self.stop_button.setToolTip(self.tr("Stop the server and its children (Shift+F5)"))
        self.restart_button.setToolTip(self.tr("Restart the server (Ctrl+Shift+R)"))
        for button in (self.start_button, self.stop_button, self.restart_button):
            header.addWidget(button)
        header.addWidget(self.settings_button)
        self.refresh_icons()
        layout.addLayout(header)

        self.conflict_banner = QFrame()
        self.conflict_banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.conflict_banner.setStyleSheet(f"QFrame {{ border: 1px solid {BAD.name()}; }}")
        banner = QHBoxLayout(self.conflict_banner)
        self.conflict_label = QLabel()
        self.conflict_label.setWordWrap(True)
        self.use_port_button = QPushButton()
        banner.addWidget(self.conflict_label, 1)
        banner.addWidget(self.use_port_button)
        self.conflict_banner.setVisible(False)
        layout.addWidget(self.conflict_banner)

        form = QFormLayout()
        self.pid_label = QLabel("-")
        self.port_label = QLabel("-")
        self.uptime_label = QLabel("-")
        self.restarts_label = QLabel("0")
        self.last_exit_label = QLabel("-")
        self.health_label = QLabel("-")
        self.error_label = QLabel("-")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.command_label = QLabel()
        self.command_label.setWordWrap(True)
        self.command_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("PID"), self.pid_label)
        form.addRow(self.tr("Port"), self.port_label)
        form.addRow(self.tr("Uptime"), self.uptime_label)
        form.addRow(self.tr("Restarts"), self.restarts_label)
        form.addRow(self.tr("Last exit"), self.last_exit_label)
        form.addRow(self.tr("Health URL"), self.health_label)
        form.addRow(self.tr("Last error"), self.error_label)
        form.addRow(self.tr("Command"), self.command_label)
        self.cpu_label = QLabel("-")
        self.memory_label = QLabel("-")
        form.addRow(self.tr("CPU"), self.cpu_label)
        form.addRow(self.tr("Memory"), self.memory_label)
        layout.addLayout(form)

        self.resource_chart = ResourceChart(self.tr("Server: CPU and memory"))
        self.resource_chart.show_samples(self.resources)
        layout.addWidget(self.resource_chart, 1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        self.start_button.clicked.connect(self._on_start)
        self.stop_button.clicked.connect(self._on_stop)
        self.restart_button.clicked.connect(self._on_restart)
        self.settings_button.clicked.connect(self.sig_edit_settings)
        self.use_port_button.clicked.connect(self._on_use_port)

    # ---------------------------------------------------------------- actions

    def _confirm(self, title: str, text: str) -> bool:
        return confirmed(self, title, text)

    def _on_start(self) -> None:
        self._server.start()

    def _on_stop(self) -> None:
        if self._server.snapshot().status == ServerStatus.RUNNING and not self._confirm(
            self.tr("Stop the server?"),
            self.tr("The server and every process it started will be stopped."),
        ):
            return
        self._server.stop()

    def _on_restart(self) -> None:
        if self._server.snapshot().status == ServerStatus.RUNNING and not self._confirm(
            self.tr("Restart the server?"),
            self.tr("The server will be stopped and started again."),
        ):
            return
        self._server.restart()

    def _on_use_port(self) -> None:
        conflict = self._server.snapshot().conflict
        if conflict and conflict.suggested_port:
            self._server.use_port(conflict.suggested_port)

    # ------------------------------------------------------------------- show

    def _show_snapshot(self, snap: ServerSnapshot) -> None:
        status = snap.status
        show_dot(self.dot, SERVER_COLORS[status], server_status_label(status), 16)
        self.status_label.setText(server_status_label(status))
        busy = status in (ServerStatus.STARTING, ServerStatus.STOPPING)
        self.busy.setVisible(busy)
        active = status in (ServerStatus.RUNNING, ServerStatus.STARTING)
        self.start_button.setEnabled(status in (ServerStatus.STOPPED, ServerStatus.ERROR))
        self.stop_button.setEnabled(active)
        self.restart_button.setEnabled(status in (ServerStatus.RUNNING, ServerStatus.ERROR))
        self.pid_label.setText(str(snap.pid) if snap.pid else "-")
        self.port_label.setText(str(snap.port))
        self.restarts_label.setText(str(snap.restarts))
        self.last_exit_label.setText(exit_text(snap.last_exit))
        self.health_label.setText(snap.health_url)
        self.error_label.setText(snap.last_error or "-")
        self.command_label.setText(format_argv(snap.command))
        self._refresh_uptime()
        conflict = snap.conflict
        show_conflict = status == ServerStatus.ERROR and conflict is not None
        self.conflict_banner.setVisible(show_conflict)
        if show_conflict and conflict is not None:
            self.conflict_label.setText(conflict.message())
            self.use_port_button.setVisible(conflict.suggested_port is not None)
            self.use_port_button.setText(
                self.tr("Use port %1 and start").replace("%1", str(conflict.suggested_port))
            )

    def _refresh_uptime(self) -> None:
        uptime = self._server.snapshot().uptime
        self.uptime_label.setText(format_duration(uptime) if uptime is not None else "-")

    def _show_stats(self, stats: ProcessStats) -> None:
        if stats.server_rss is None:
            self.cpu_label.setText("-")
            self.memory_label.setText("-")
            return
        self.cpu_label.setText(f"{stats.server_cpu or 0.0:.1f} %")
        self.memory_label.setText(format_bytes(stats.server_rss))
        if self._own_resources:
            self.resources.add(stats.server_cpu, stats.server_rss)


def exit_text(last_exit: ExitStatus | None) -> str:
    """`signal 9 (SIGKILL)`, `code 1`, or `-` before the first exit."""
    if last_exit is None:
        return "-"
    if last_exit.signal:
        try:
            name = f" ({signal.Signals(last_exit.signal).name})"
        except ValueError:
            name = ""
        return QCoreApplication.translate("ServerView", "signal %1").replace(
            "%1", f"{last_exit.signal}{name}"
        )
    return QCoreApplication.translate("ServerView", "code %1").replace("%1", str(last_exit.code))
