"""Beneath the services table: the selected service's settings, last error and log lines."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from panel.logs.model import LogListModel
from panel.server.status import ServiceSnapshot
from panel.viewmodels.logs import LogsModel
from panel.views.charts.resource_chart import ResourceChart
from panel.views.charts.samples import ResourceSamples
from panel.views.format import format_argv
from panel.views.logs_view import LevelDelegate
from panel.views.server_view import exit_text
from panel.workspace.service_config import Probe, ServiceConfig


class ServiceDetails(QWidget):
    """What Cockpit shows under a unit: how it is set up, why it last failed, its journal,
    and (on a second tab) the chart of its CPU and memory over the last ten minutes.

    The log list is the engine's lines filtered to the service's own source (its name).
    """

    def __init__(self, logs: LogsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._name: str | None = None
        self.log_model = LogListModel(logs.store(), self)
        self.log_model.set_sources(set())
        self._build()
        self.log_model.rowsInserted.connect(self._follow)
        self.log_model.modelReset.connect(self._follow)
        self.log_model.rowsRemoved.connect(self._follow)

    def _build(self) -> None:
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        settings_box = QGroupBox(self.tr("Settings"))
        box_column = QVBoxLayout(settings_box)
        scroll = QScrollArea()  # a long command or environment scrolls, never gets cut
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(0, 0, 0, 0)
        scroll.setWidget(inner)
        box_column.addWidget(scroll)
        self.error_label = QLabel()
        self.error_label.setObjectName("serviceLastError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setProperty("role", "error")  # the stylesheet's colour for errors
        column.addWidget(self.error_label)
        form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for key, title in (
            ("command", self.tr("Command")),
            ("cwd", self.tr("Working folder")),
            ("env", self.tr("Environment")),
            ("port", self.tr("Port")),
            ("readiness", self.tr("Readiness")),
            ("liveness", self.tr("Liveness")),
            ("autostart", self.tr("Autostart")),
            ("restart", self.tr("Restart")),
            ("timeouts", self.tr("Timeouts")),
            ("memory", self.tr("Memory limit")),
            ("after", self.tr("Starts after")),
            ("exit", self.tr("Last exit")),
        ):
            label = QLabel("-")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(title, label)
            self.fields[key] = label
        column.addLayout(form)
        column.addStretch(1)
        logs_page = QWidget()
        logs_column = QVBoxLayout(logs_page)
        logs_column.setContentsMargins(0, 0, 0, 0)
        self.log_view = QListView()
        self.log_view.setModel(self.log_model)
        self.log_view.setItemDelegate(LevelDelegate(self.log_view))
        self.log_view.setUniformItemSizes(True)
        self.log_view.setSelectionMode(QListView.SelectionMode.ExtendedSelection)
        self.log_view.setAccessibleName(self.tr("Log lines of the selected service"))
        logs_column.addWidget(self.log_view)
        self.no_lines_label = QLabel(self.tr("No lines from this service yet."))
        logs_column.addWidget(self.no_lines_label)
        self.resource_chart = ResourceChart(self.tr("CPU and memory"))
        self.tabs = QTabWidget()
        self.tabs.addTab(logs_page, self.tr("Recent log lines"))
        self.tabs.addTab(self.resource_chart, self.tr("CPU/Memory"))
        layout.addWidget(settings_box, 2)
        layout.addWidget(self.tabs, 3)

    def show_service(
        self,
        snap: ServiceSnapshot | None,
        config: ServiceConfig | None,
        samples: ResourceSamples | None = None,
    ) -> None:
        """Show `snap`, `config` and the chart of `samples`, its CPU and memory readings
        (None: nothing selected)."""
        name = snap.name if snap is not None else None
        if name != self._name:
            self._name = name
            self.log_model.set_sources({name} if name else set())
            self._follow()
            title = self.tr("%1: CPU and memory").replace("%1", name or "-")
            self.resource_chart.show_samples(samples if name else None, title)
        if snap is None:
            self.error_label.setVisible(False)
            for label in self.fields.values():
                label.setText("-")
            return
        error = snap.last_error
        self.error_label.setText(self.tr("Last error: %1").replace("%1", error or ""))
        self.error_label.setVisible(bool(error))
        self.fields["exit"].setText(exit_text(snap.last_exit))
        if config is not None:
            self._show_config(config)

    def _show_config(self, cfg: ServiceConfig) -> None:
        no = self.tr("none")
        texts = {
            "command": format_argv(cfg.command),
            "cwd": cfg.cwd or self.tr("the workspace folder"),
            "env": ", ".join(f"{k}={v}" for k, v in cfg.env.items()) or no,
            "port": str(cfg.port) if cfg.port is not None else no,
            "readiness": self._probe_text(cfg.readiness),
            "liveness": self._probe_text(cfg.liveness),
            "autostart": self.tr("yes") if cfg.autostart else self.tr("no"),
            "restart": _restart_label(cfg.restart),
            "timeouts": self.tr("ready %1 ms, stop %2 ms, %3 start retries")
            .replace("%1", str(cfg.ready_timeout_ms))
            .replace("%2", str(cfg.stop_timeout_ms))
            .replace("%3", str(cfg.start_retries)),
            "memory": f"{cfg.memory_limit_mb} MB" if cfg.memory_limit_mb else no,
            "after": ", ".join(cfg.after) or no,
        }
        for key, text in texts.items():
            self.fields[key].setText(text)

    def _probe_text(self, probe: Probe | None) -> str:
        """`HTTP url`, `TCP port N`, `log /regex/` or `none`, in the window's language."""
        if probe is None or probe.kind == "none":
            return self.tr("none")
        if probe.kind == "tcp":
            return self.tr("TCP port %1").replace("%1", str(probe.target))
        if probe.kind == "log":
            return self.tr("log /%1/").replace("%1", str(probe.target))
        return f"HTTP {probe.target}"

    def _follow(self) -> None:
        self.log_view.scrollToBottom()
        self.no_lines_label.setVisible(self.log_model.rowCount() == 0)


def _restart_label(policy: str) -> str:
    labels = {
        "never": QCoreApplication.translate("ServiceDialog", "Never"),
        "on-failure": QCoreApplication.translate("ServiceDialog", "On failure"),
        "always": QCoreApplication.translate("ServiceDialog", "Always"),
    }
    return labels.get(policy, policy)
