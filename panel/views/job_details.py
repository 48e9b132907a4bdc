"""The side panel of one job: state, Run now / Cancel / Enable, recent runs, durations, log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from panel.jobs.errors import JobError
from panel.logs.model import LogListModel
from panel.views.job_duration_chart import DurationChart
from panel.views.job_run_dialog import run_interactively
from panel.views.job_states import ACTIVE, NEVER, run_color, run_state_label
from panel.views.jobs_history import (
    COL_ERROR,
    COL_JOB,
    COL_QUEUED,
    COL_TRIGGER,
    HistoryModel,
    format_when,
)
from panel.views.state_colors import dot_pixmap
from panel.workspace.errors import WorkspaceError

if TYPE_CHECKING:
    from panel.jobs.engine import JobEngine

RECENT_RUNS = 30


class JobDetails(QWidget):
    """Everything about the selected job, and its three actions with their busy states."""

    sig_run_started = Signal(int)
    """(run_id) Run now started a run."""

    def __init__(self, engine: JobEngine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self.job_id: str | None = None
        self._summary: dict[str, Any] | None = None
        self._cancelling: set[int] = set()
        self._toggling = False
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold; font-size: 14px")
        self.state_dot = QLabel()
        self.state_label = QLabel()
        self.command_label = QLabel()
        self.command_label.setWordWrap(True)
        self.command_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.schedule_label = QLabel()
        self.depends_label = QLabel()
        self.depends_label.setWordWrap(True)
        self.run_button = QPushButton(self.tr("Run now…"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.enable_button = QPushButton(self.tr("Disable"))
        self.run_button.clicked.connect(self.run_now)
        self.cancel_button.clicked.connect(self.cancel)
        self.enable_button.clicked.connect(self.toggle_enabled)
        self.runs_model = HistoryModel(self)
        self.runs_table = QTableView()
        self.runs_table.setModel(self.runs_model)
        self.runs_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.runs_table.verticalHeader().hide()
        self.runs_table.setWordWrap(False)
        for col in (COL_JOB, COL_TRIGGER, COL_ERROR):
            self.runs_table.hideColumn(col)
        header = self.runs_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        # The panel is narrow: how a run went and how long it took come before the
        # (wide) date it was queued, so they are seen without scrolling.
        header.moveSection(header.visualIndex(COL_QUEUED), header.count() - 1)
        self.chart = DurationChart()
        self.log_model = LogListModel(engine.hub, self)
        self.log_model.set_sources([])
        self.log_view = QListView()
        self.log_view.setModel(self.log_model)
        self.log_view.setUniformItemSizes(True)
        self.log_model.rowsInserted.connect(self._on_log_rows)
        self._build_layout()
        self.show_job(None)

    def _build_layout(self) -> None:
        head = QHBoxLayout()
        head.addWidget(self.state_dot)
        head.addWidget(self.state_label)
        head.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("Command"), self.command_label)
        form.addRow(self.tr("Schedule"), self.schedule_label)
        form.addRow(self.tr("Depends on"), self.depends_label)
        buttons = QHBoxLayout()
        for button in (self.run_button, self.cancel_button, self.enable_button):
            buttons.addWidget(button)
        runs_page = QWidget()
        runs_column = QVBoxLayout(runs_page)
        runs_column.setContentsMargins(0, 0, 0, 0)
        runs_column.addWidget(self.chart)
        runs_column.addWidget(self.runs_table, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(runs_page, self.tr("Runs"))
        self.tabs.addTab(self.log_view, self.tr("Log"))
        column = QVBoxLayout(self)
        column.addWidget(self.title)
        column.addLayout(head)
        column.addLayout(form)
        column.addLayout(buttons)
        column.addWidget(self.tabs, 1)

    # ------------------------------------------------------------------ content

    def show_job(self, job_id: str | None) -> None:
        """Show `job_id` (None: nothing selected)."""
        if job_id != self.job_id:
            self._cancelling.clear()
            self.log_model.set_sources([f"job:{job_id}"] if job_id else [])
        self.job_id = job_id
        self.refresh()

    def refresh(self) -> None:
        """Re-read the job and its recent runs from the engine."""
        self._summary = None
        if self.job_id is not None:
            try:
                self._summary = self._engine.get_job(self.job_id, runs=RECENT_RUNS)
            except JobError:
                self.job_id = None
        summary = self._summary
        self.setEnabled(summary is not None)
        if summary is None:
            self.title.setText(self.tr("Select a job in the graph"))
            for label in (self.state_label, self.command_label, self.schedule_label):
                label.clear()
            self.depends_label.clear()
            self.state_dot.clear()
            self.runs_model.set_runs([])
            self.chart.set_runs([])
            return
        runs = summary["runs"]
        self.title.setText(summary["name"])
        state = runs[0]["status"] if runs else NEVER
        self.state_dot.setPixmap(dot_pixmap(run_color(state)))
        self.state_label.setText(run_state_label(state))
        self.command_label.setText(summary["command"])
        self.schedule_label.setText(self._schedule_text(summary))
        self.depends_label.setText(", ".join(summary["dependsOn"]) or self.tr("nothing"))
        self.runs_model.set_runs(runs)
        self.chart.set_runs(
            [
                (r["end"] - r["start"], r["status"])
                for r in reversed(runs)
                if r["start"] is not None and r["end"] is not None
            ]
        )
        self._update_buttons()

    def _schedule_text(self, summary: dict[str, Any]) -> str:
        if not summary["schedule"]:
            return self.tr("manual only")
        text = summary["schedule"]
        if summary["nextFire"]:
            text += "  " + self.tr("next %1").replace("%1", format_when(summary["nextFire"]))
        return text

    def active_run_ids(self) -> list[int]:
        """The job's runs still in the engine's hands (newest last)."""
        if self.job_id is None:
            return []
        return sorted(
            r["id"]
            for r in self._engine.active_runs()
            if r["job"] == self.job_id and r["status"] in ACTIVE
        )

    def _update_buttons(self) -> None:
        summary = self._summary
        active = self.active_run_ids()
        self._cancelling &= set(active)
        self.run_button.setText(self.tr("Run now…"))
        self.run_button.setEnabled(summary is not None)
        cancelling = bool(self._cancelling)
        self.cancel_button.setText(self.tr("Cancelling…") if cancelling else self.tr("Cancel"))
        self.cancel_button.setEnabled(bool(active) and not cancelling)
        enabled = bool(summary and summary["enabled"])
        if not self._toggling:
            self.enable_button.setText(self.tr("Disable") if enabled else self.tr("Enable"))
            self.enable_button.setEnabled(summary is not None)

    def _on_log_rows(self, _parent: QModelIndex, _first: int, _last: int) -> None:
        bar = self.log_view.verticalScrollBar()
        if bar.value() >= bar.maximum() - 2:
            QTimer.singleShot(0, self.log_view.scrollToBottom)

    # ------------------------------------------------------------------ actions

    def run_now(self) -> None:
        """Ask for the options and run the job (Starting… while the dialog is open)."""
        if self.job_id is None:
            return
        self.run_button.setEnabled(False)
        self.run_button.setText(self.tr("Starting…"))
        run_id = run_interactively(self, self._engine, self.job_id)
        self.refresh()
        if run_id is not None:
            self.sig_run_started.emit(run_id)

    def cancel(self) -> None:
        """Cancel the job's active runs (Cancelling… until they ended)."""
        active = self.active_run_ids()
        if not active:
            return
        self._cancelling.update(active)
        self._update_buttons()
        for run_id in active:
            self._engine.cancel_run(run_id)
        self.refresh()

    def toggle_enabled(self) -> None:
        """Enable or disable the job's schedule (Saving… until the engine has reloaded)."""
        if self._summary is None or self._toggling:
            return
        self._toggling = True
        self.enable_button.setEnabled(False)
        self.enable_button.setText(self.tr("Saving…"))
        QTimer.singleShot(0, self._apply_toggle)

    def _apply_toggle(self) -> None:
        summary = self._summary
        try:
            if summary is not None:
                self._engine.set_enabled(summary["id"], not summary["enabled"])
        except (JobError, WorkspaceError) as exc:
            QMessageBox.warning(self, self.tr("Cannot change the job"), str(exc))
        finally:
            self._toggling = False
            self.refresh()
