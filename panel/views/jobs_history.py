"""The run history: a typed table model, filters (job, status, dates) and "Open log".

Reads go through the jobs model and may take a while on an attached window: the
view says "Loading…" meanwhile, asks again once when filters changed during a
read, and never shows an answer to filters that are no longer set.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from panel.jobs.snapshots import HistoryQuery, RunSnapshot
from panel.views.format import format_run_duration
from panel.views.job_log_dialog import open_run_log
from panel.views.job_states import RUN_COLORS, run_color, run_state_label
from panel.views.state_colors import dot_icon
from panel.views.table_model import RowTableModel

if TYPE_CHECKING:
    from panel.viewmodels.jobs import JobsModel

COL_ID, COL_JOB, COL_STATUS, COL_TRIGGER, COL_ATTEMPT, COL_QUEUED, COL_DURATION = range(7)
COL_EXIT, COL_HOST, COL_ERROR = 7, 8, 9
HISTORY_LIMIT = 500


def format_when(ts: float) -> str:
    """Local date and time, `2024-05-01 13:02:03`."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts))


def format_when_short(ts: float, now: float | None = None) -> str:
    """`13:02:03` today, `05-01 13:02` before: for a narrow table (the tooltip has it all)."""
    when, today = time.localtime(ts), time.localtime(time.time() if now is None else now)
    if (when.tm_year, when.tm_yday) == (today.tm_year, today.tm_yday):
        return time.strftime("%H:%M:%S", when)
    return time.strftime("%m-%d %H:%M", when)


class HistoryModel(RowTableModel[RunSnapshot]):
    """Runs, newest first: id, job, status (colour and word), trigger, times, exit, error.

    `short_times` shows the queued time as `format_when_short` (for a narrow pane)."""

    short_times = False

    def headers(self) -> tuple[str, ...]:
        """Run, job, status, trigger, attempt, queued, duration, exit, host, error."""
        return (
            self.tr("Run"),
            self.tr("Job"),
            self.tr("Status"),
            self.tr("Trigger"),
            self.tr("Attempt"),
            self.tr("Queued"),
            self.tr("Duration"),
            self.tr("Exit"),
            self.tr("Host"),
            self.tr("Error"),
        )

    def set_runs(self, runs: list[RunSnapshot]) -> None:
        """Replace every row."""
        self.replace_rows(list(runs))

    def cell(self, row: RunSnapshot, col: int, role: int) -> Any:
        """Text, status dot, error tooltip, and the run id as UserRole."""
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_QUEUED and self.short_times and row.queued:
                return format_when_short(row.queued)
            return self._text(row, col)
        if role == Qt.ItemDataRole.DecorationRole and col == COL_STATUS:
            return dot_icon(run_color(row.status), 12)
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_HOST and row.host:
            return self.tr("Ran on {host} ({executor})").format(
                host=row.host, executor=row.executor
            )
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_ERROR and row.error:
            return row.error
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_QUEUED and row.queued:
            return format_when(row.queued)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    @staticmethod
    def _text(row: RunSnapshot, col: int) -> str:
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
        if col == COL_HOST:  # where a cluster run ran; blank for this machine's runs
            return row.host or ""
        return row.error or ""


class HistoryView(QWidget):
    """The history table with its filters; re-read (throttled by the page) as runs change."""

    sig_loaded = Signal()
    """The table shows the answer to the current filters."""

    def __init__(self, model: JobsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._reading: HistoryQuery | None = None
        self._again = False
        self._stale = False
        self._opening = False
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
        self.busy_label = QLabel()
        self.busy_label.hide()
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
        filters.addWidget(self.busy_label)
        filters.addWidget(self.open_log_button)
        column = QVBoxLayout(self)
        column.addLayout(filters)
        column.addWidget(self.table, 1)
        self.set_jobs(sorted(j.id for j in model.jobs()))

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

    def query(self) -> HistoryQuery:
        """The filters as a history read."""
        since = until = None
        if self.range_check.isChecked():
            since = float(self.since_edit.dateTime().toSecsSinceEpoch())
            until = float(self.until_edit.dateTime().toSecsSinceEpoch())
        return HistoryQuery(
            job=self.job_filter.currentData(),
            status=self.status_filter.currentData(),
            since=since,
            until=until,
            limit=HISTORY_LIMIT,
        )

    def filters(self) -> dict[str, Any]:
        """The filters as `JobEngine.history` keywords."""
        return self.query().filters()

    @property
    def busy(self) -> bool:
        """True while a read of the history is under way."""
        return self._reading is not None

    def refresh(self, _why: object = None) -> None:
        """Read the history with the current filters again, keeping the selected run."""
        if self._reading is not None:
            self._again = True  # once this read is answered
            return
        query = self._reading = self.query()
        self.busy_label.setText(self.tr("Loading…"))
        self.busy_label.setToolTip("")
        self.busy_label.show()
        self._model.history(query, lambda runs, error: self._on_history(query, runs, error))

    def refresh_if_shown(self) -> None:
        """Read the history again when the table is on screen (else when it is shown)."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()

    def _on_history(
        self, query: HistoryQuery, runs: list[RunSnapshot] | None, error: str | None
    ) -> None:
        self._reading = None
        again, self._again = self._again, False
        if query != self.query():  # the filters changed meanwhile: this answer is stale
            self.refresh()
            return
        if error is not None or runs is None:
            self.busy_label.setText(self.tr("History not read"))
            self.busy_label.setToolTip(error or "")
        else:
            self.busy_label.hide()
            self._show_runs(runs)
        if again:
            self.refresh()

    def _show_runs(self, runs: list[RunSnapshot]) -> None:
        selected = self.selected_run()
        self.model.set_runs(runs)
        if selected is not None:
            for row, run in enumerate(self.model.rows()):
                if run.id == selected.id:
                    self.table.selectRow(row)
                    break
        self.sig_loaded.emit()

    def selected_run(self) -> RunSnapshot | None:
        """The run of the selected row, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def open_log(self) -> None:
        """Show the selected run's log in a read-only viewer (Opening… while it is read)."""
        run = self.selected_run()
        if run is None or self._opening:
            return
        self._opening = True
        self.open_log_button.setEnabled(False)
        self.open_log_button.setText(self.tr("Opening…"))
        open_run_log(self, self._model, run, self._log_read)

    def _log_read(self) -> None:
        self._opening = False
        self.open_log_button.setEnabled(True)
        self.open_log_button.setText(self.tr("Open log"))
