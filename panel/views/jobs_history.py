"""The run history: a typed table model, filters (job, status, dates) and "Open log"."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import (
    QDateTime,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from panel.views.format import format_run_duration
from panel.views.job_log_dialog import RunLogDialog
from panel.views.job_states import RUN_COLORS, run_color, run_state_label
from panel.views.state_colors import dot_icon
from panel.views.table_model import RowTableModel

if TYPE_CHECKING:
    from panel.jobs.engine import JobEngine

COL_ID, COL_JOB, COL_STATUS, COL_TRIGGER, COL_ATTEMPT, COL_QUEUED, COL_DURATION = range(7)
COL_EXIT, COL_ERROR = 7, 8
REFRESH_MS = 250
HISTORY_LIMIT = 500


class HistoryRow(NamedTuple):
    """One run as the table shows it."""

    id: int
    job: str
    status: str
    trigger: str
    attempt: int
    queued: float
    start: float | None
    end: float | None
    exit_code: int | None
    error: str
    log_path: str | None

    @classmethod
    def from_json(cls, run: dict[str, Any]) -> HistoryRow:
        """From a `JobEngine.history()` item."""
        return cls(
            int(run["id"]),
            str(run["job"]),
            str(run["status"]),
            str(run.get("trigger") or ""),
            int(run.get("attempt") or 1),
            float(run.get("queued") or 0.0),
            run.get("start"),
            run.get("end"),
            run.get("exitCode"),
            str(run.get("error") or ""),
            run.get("logPath"),
        )

    def duration(self, now: float | None = None) -> float | None:
        """Seconds it ran (so far, while running), or None when it never started."""
        if self.start is None:
            return None
        return max(0.0, (self.end or now or time.time()) - self.start)


def format_when(ts: float) -> str:
    """Local date and time, `2024-05-01 13:02:03`."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts))


class HistoryModel(RowTableModel[HistoryRow]):
    """Runs, newest first: id, job, status (colour and word), trigger, times, exit, error."""

    def headers(self) -> tuple[str, ...]:
        """Run, job, status, trigger, attempt, queued, duration, exit, error."""
        return (
            self.tr("Run"),
            self.tr("Job"),
            self.tr("Status"),
            self.tr("Trigger"),
            self.tr("Attempt"),
            self.tr("Queued"),
            self.tr("Duration"),
            self.tr("Exit"),
            self.tr("Error"),
        )

    def set_runs(self, runs: list[dict[str, Any]]) -> None:
        """Replace every row."""
        self.replace_rows([HistoryRow.from_json(r) for r in runs])

    def cell(self, row: HistoryRow, col: int, role: int) -> Any:
        """Text, status dot, error tooltip, and the run id as UserRole."""
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, col)
        if role == Qt.ItemDataRole.DecorationRole and col == COL_STATUS:
            return dot_icon(run_color(row.status), 12)
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_ERROR and row.error:
            return row.error
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    @staticmethod
    def _text(row: HistoryRow, col: int) -> str:
        if col == COL_ID:
            return str(row.id)
        if col == COL_JOB:
            return row.job
        if col == COL_STATUS:
            return run_state_label(row.status)
        if col == COL_TRIGGER:
            return row.trigger
        if col == COL_ATTEMPT:
            return str(row.attempt)
        if col == COL_QUEUED:
            return format_when(row.queued) if row.queued else ""
        if col == COL_DURATION:
            seconds = row.duration()
            return "" if seconds is None else format_run_duration(seconds)
        if col == COL_EXIT:
            return "" if row.exit_code is None else str(row.exit_code)
        return row.error


class HistoryView(QWidget):
    """The history table with its filters; refreshes (throttled) as runs change."""

    def __init__(self, engine: JobEngine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self.model = HistoryModel(self)
        self.job_filter = QComboBox()
        self.status_filter = QComboBox()
        self.status_filter.addItem(self.tr("Any status"), None)
        for state in RUN_COLORS:
            if state != "never":
                self.status_filter.addItem(
                    dot_icon(run_color(state), 12), run_state_label(state), state
                )
        self.range_check = QCheckBox(self.tr("From"))
        now = QDateTime.currentDateTime()
        self.since_edit = QDateTimeEdit(now.addDays(-1))
        self.until_edit = QDateTimeEdit(now.addDays(1))
        for edit in (self.since_edit, self.until_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setEnabled(False)
            edit.dateTimeChanged.connect(self.refresh)
        self.range_check.toggled.connect(self.since_edit.setEnabled)
        self.range_check.toggled.connect(self.until_edit.setEnabled)
        self.range_check.toggled.connect(self.refresh)
        self.job_filter.currentIndexChanged.connect(self.refresh)
        self.status_filter.currentIndexChanged.connect(self.refresh)
        self.open_log_button = QPushButton(self.tr("Open log"))
        self.open_log_button.clicked.connect(self.open_log)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self.open_log)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Job")))
        filters.addWidget(self.job_filter)
        filters.addWidget(QLabel(self.tr("Status")))
        filters.addWidget(self.status_filter)
        filters.addWidget(self.range_check)
        filters.addWidget(self.since_edit)
        filters.addWidget(QLabel(self.tr("to")))
        filters.addWidget(self.until_edit)
        filters.addStretch(1)
        filters.addWidget(self.open_log_button)
        column = QVBoxLayout(self)
        column.addLayout(filters)
        column.addWidget(self.table, 1)
        self._throttle = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._throttle.timeout.connect(self.refresh)
        self.set_jobs(sorted(engine.jobs))
        engine.sig_run_changed.connect(self._schedule_refresh)

    def set_jobs(self, job_ids: list[str]) -> None:
        """The choices of the job filter (keeps the current choice when it still exists)."""
        current = self.job_filter.currentData()
        self.job_filter.blockSignals(True)
        self.job_filter.clear()
        self.job_filter.addItem(self.tr("All jobs"), None)
        for job_id in job_ids:
            self.job_filter.addItem(job_id, job_id)
        index = self.job_filter.findData(current) if current else 0
        self.job_filter.setCurrentIndex(max(0, index))
        self.job_filter.blockSignals(False)
        self.refresh()

    def set_filters(
        self,
        job: str | None = None,
        status: str | None = None,
        since: float | None = None,
        until: float | None = None,
    ) -> None:
        """Set every filter at once (None: any)."""
        for combo, value in ((self.job_filter, job), (self.status_filter, status)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)) if value else 0)
            combo.blockSignals(False)
        dated = since is not None or until is not None
        for edit, moment in ((self.since_edit, since), (self.until_edit, until)):
            if moment is not None:
                edit.blockSignals(True)
                edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(moment)))
                edit.blockSignals(False)
        self.range_check.blockSignals(True)
        self.range_check.setChecked(dated)
        self.since_edit.setEnabled(dated)
        self.until_edit.setEnabled(dated)
        self.range_check.blockSignals(False)
        self.refresh()

    def filters(self) -> dict[str, Any]:
        """The filters as `JobEngine.history` keywords."""
        out: dict[str, Any] = {
            "job": self.job_filter.currentData(),
            "status": self.status_filter.currentData(),
        }
        if self.range_check.isChecked():
            out["since"] = float(self.since_edit.dateTime().toSecsSinceEpoch())
            out["until"] = float(self.until_edit.dateTime().toSecsSinceEpoch())
        return out

    def _schedule_refresh(self, _run: object = None) -> None:
        if not self._throttle.isActive():
            self._throttle.start()

    def refresh(self) -> None:
        """Re-read the history with the current filters, keeping the selected run."""
        selected = self.selected_run()
        self.model.set_runs(self._engine.history(**self.filters(), limit=HISTORY_LIMIT))
        if selected is not None:
            for row, run in enumerate(self.model.rows()):
                if run.id == selected.id:
                    self.table.selectRow(row)
                    break

    def selected_run(self) -> HistoryRow | None:
        """The run of the selected row, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def open_log(self) -> None:
        """Show the selected run's log file in a read-only viewer."""
        run = self.selected_run()
        if run is None:
            return
        if not run.log_path or not Path(run.log_path).exists():
            QMessageBox.information(
                self,
                self.tr("No log"),
                self.tr("Run %1 has no log file (it never started).").replace("%1", str(run.id)),
            )
            return
        title = self.tr("Log of run %1 (%2)").replace("%1", str(run.id)).replace("%2", run.job)
        RunLogDialog(Path(run.log_path), title, self).exec()
