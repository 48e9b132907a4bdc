"""The side panel of one job: state, Run now / Cancel / Enable, recent runs, durations, log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from panel.jobs.snapshots import HistoryQuery, JobSummary, RunLog, RunSnapshot
from panel.views.format import format_argv
from panel.views.job_duration_chart import DurationChart
from panel.views.job_run_dialog import run_interactively
from panel.views.job_states import NEVER, run_color, run_state_label
from panel.views.jobs_history import (
    COL_ATTEMPT,
    COL_ERROR,
    COL_HOST,
    COL_JOB,
    COL_QUEUED,
    COL_TRIGGER,
    HistoryModel,
    format_when,
)
from panel.views.state_colors import show_dot

if TYPE_CHECKING:
    from panel.viewmodels.jobs import JobsModel

RECENT_RUNS = 30
LOG_POLL_MS = 1000
"""While the shown run runs and its log is on screen, what it wrote is read every second."""


class JobDetails(QWidget):
    """Everything about the selected job, and its three actions with their busy states.

    The job comes from the jobs model, its recent runs from a history read, and
    the Log tab shows the newest run's log file (what follows is read while it runs).
    """

    sig_run_started = Signal(int)
    """(run_id) Run now started a run."""

    def sizeHint(self) -> QSize:
        """Wide enough for the runs table's columns side by side (no sideways scrolling)."""
        hint = super().sizeHint()
        return QSize(max(hint.width(), 380), hint.height())

    def __init__(self, model: JobsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.job_id: str | None = None
        self._summary: JobSummary | None = None
        self._cancelling: set[int] = set()
        self._toggling = False
        self._starting = False
        self._reading_runs = False
        self._again = False
        self._log_run: int | None = None
        self._log_end: int | None = None
        self._log_complete = False
        self._log_again = False
        self._reading_log = False
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
        self.runs_model.short_times = True
        self.runs_table = QTableView()
        self.runs_table.setModel(self.runs_model)
        self.runs_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.runs_table.verticalHeader().hide()
        self.runs_table.setWordWrap(False)
        # Narrow: the job is this one, and the History tab has trigger, attempt and error.
        for col in (COL_JOB, COL_TRIGGER, COL_ATTEMPT, COL_HOST, COL_ERROR):
            self.runs_table.hideColumn(col)
        header = self.runs_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        # The panel is narrow: how a run went and how long it took come before the
        # (wide) date it was queued, so they are seen without scrolling.
        header.moveSection(header.visualIndex(COL_QUEUED), header.count() - 1)
        self.chart = DurationChart()
        self.log_text = QPlainTextEdit()
        self.log_text.setReadOnly(True)
        self.log_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.log_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.log_text.setMaximumBlockCount(100_000)
        self._log_poll = QTimer(self, interval=LOG_POLL_MS)
        self._log_poll.timeout.connect(self._poll_log)
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
        self.tabs.addTab(self.log_text, self.tr("Log"))
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
            self._log_run = self._log_end = None
            self._log_complete = False
            self.log_text.clear()
            self.runs_model.set_runs([])
            self.chart.set_runs([])
        self.job_id = job_id
        self.refresh()

    def refresh(self) -> None:
        """Show the job as the model has it, then read its recent runs again."""
        summary = self._summary = None if self.job_id is None else self._model.job(self.job_id)
        if summary is None:
            self.job_id = None
        self.setEnabled(summary is not None)
        if summary is None:
            self.title.setText(self.tr("Select a job in the graph"))
            for label in (self.state_label, self.command_label, self.schedule_label):
                label.clear()
            self.depends_label.clear()
            self.state_dot.clear()
            self.runs_model.set_runs([])
            self.chart.set_runs([])
            self._log_poll.stop()
            return
        self.title.setText(summary.name)
        self.command_label.setText(format_argv(summary.definition.get("command", summary.command)))
        self.schedule_label.setText(self._schedule_text(summary))
        self.depends_label.setText(", ".join(summary.depends_on) or self.tr("nothing"))
        self._show_state()
        self._update_buttons()
        self.refresh_runs()

    def _show_state(self) -> None:
        run = self._model.node_run(self.job_id) if self.job_id is not None else None
        state = run.status if run is not None else NEVER
        show_dot(self.state_dot, run_color(state), run_state_label(state))
        self.state_label.setText(run_state_label(state))

    def refresh_runs(self) -> None:
        """Read the job's recent runs again (once more after a read under way)."""
        if self.job_id is None:
            return
        self._show_state()
        self._update_buttons()
        if self._reading_runs:
            self._again = True
            return
        self._reading_runs = True
        job_id = self.job_id
        query = HistoryQuery(job=job_id, limit=RECENT_RUNS)
        self._model.history(query, lambda runs, error: self._on_runs(job_id, runs, error))

    def _on_runs(self, job_id: str, runs: list[RunSnapshot] | None, error: str | None) -> None:
        self._reading_runs = False
        again, self._again = self._again, False
        if job_id == self.job_id and runs is not None:
            self.runs_model.set_runs(runs)
            self.chart.set_runs(
                [
                    (r.start, r.end - r.start, r.status)
                    for r in reversed(runs)
                    if r.start is not None and r.end is not None
                ]
            )
            self._follow_log(runs[0] if runs else None)
        if again or job_id != self.job_id:
            self.refresh_runs()

    def _schedule_text(self, summary: JobSummary) -> str:
        if not summary.schedule:
            return self.tr("manual only")
        text = summary.schedule
        if summary.next_fire:
            text += "  " + self.tr("next %1").replace("%1", format_when(summary.next_fire))
        return text

    def active_run_ids(self) -> list[int]:
        """The job's runs still in the engine's hands (newest last)."""
        if self.job_id is None:
            return []
        return sorted(r.id for r in self._model.active_runs() if r.job == self.job_id)

    def _update_buttons(self) -> None:
        summary = self._summary
        active = self.active_run_ids()
        self._cancelling &= set(active)
        if not self._starting:
            self.run_button.setText(self.tr("Run now…"))
            self.run_button.setEnabled(summary is not None)
        cancelling = bool(self._cancelling)
        self.cancel_button.setText(self.tr("Cancelling…") if cancelling else self.tr("Cancel"))
        self.cancel_button.setEnabled(bool(active) and not cancelling)
        enabled = bool(summary and summary.enabled)
        if not self._toggling:
            self.enable_button.setText(self.tr("Disable") if enabled else self.tr("Enable"))
            self.enable_button.setEnabled(summary is not None)

    # ------------------------------------------------------------------ log

    def _follow_log(self, newest: RunSnapshot | None) -> None:
        """Show the log of the job's newest run; read on while it runs, once more as it ends."""
        if newest is None:
            return
        if newest.id != self._log_run:
            self._log_run, self._log_end, self._log_complete = newest.id, None, False
            self.log_text.clear()
        if self._log_complete:
            return
        if newest.is_active:
            if not self._log_poll.isActive():
                self._log_poll.start()
        else:
            self._log_poll.stop()
        self._read_log(final=not newest.is_active)

    def _poll_log(self) -> None:
        if self.log_text.isVisible():
            self._read_log()

    def _read_log(self, final: bool = False) -> None:
        run_id = self._log_run
        if run_id is None:
            return
        if self._reading_log:
            self._log_again = self._log_again or final
            return
        self._reading_log = True
        offset = self._log_end
        self._model.run_log(run_id, lambda log, _error: self._on_log(run_id, log, final), offset)

    def _on_log(self, run_id: int, log: RunLog | None, final: bool) -> None:
        self._reading_log = False
        again, self._log_again = self._log_again, False
        if run_id != self._log_run:
            return
        if log is not None:
            self._log_complete = self._log_complete or final
            self._append_log(log)
        if again:
            self._read_log(final=True)

    def _append_log(self, log: RunLog) -> None:
        if not log.exists:
            return
        if self._log_end is not None and log.offset != self._log_end:
            self.log_text.clear()  # only the tail of what followed could be read
        self._log_end = log.end
        if not log.text:
            return
        bar = self.log_text.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 2
        cursor = QTextCursor(self.log_text.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(log.text)
        if at_bottom:
            bar.setValue(bar.maximum())

    def log_shown(self) -> str:
        """The text of the Log tab."""
        return self.log_text.toPlainText()

    # ------------------------------------------------------------------ actions

    def run_now(self) -> None:
        """Ask for the options and run the job (Starting… until the run started or not)."""
        summary = self._summary
        if summary is None or self._starting:
            return
        self._starting = True
        self.run_button.setEnabled(False)
        self.run_button.setText(self.tr("Starting…"))
        run_interactively(self, self._model, summary, self._started)

    def _started(self, run_id: int | None) -> None:
        self._starting = False
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
            self._model.cancel_run(run_id)

    def toggle_enabled(self) -> None:
        """Enable or disable the job's schedule (Saving… until the engine has it)."""
        summary = self._summary
        if summary is None or self._toggling:
            return
        self._toggling = True
        self.enable_button.setEnabled(False)
        self.enable_button.setText(self.tr("Saving…"))
        enabled = not summary.enabled
        QTimer.singleShot(0, lambda: self._model.set_enabled(summary.id, enabled, self._toggled))

    def _toggled(self, error: str | None) -> None:
        self._toggling = False
        if error is not None:
            QMessageBox.warning(self, self.tr("Cannot change the job"), error)
        self.refresh()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.job_id is not None:
            self.refresh_runs()
