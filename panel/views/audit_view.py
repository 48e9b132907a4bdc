"""The Audit table: every mutating API call (when, client, method, params, outcome)."""

from __future__ import annotations

import time
from typing import Any, NamedTuple

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from panel.viewmodels.sessions import SessionsModel
from panel.views.state_colors import BAD, GOOD, dot_icon
from panel.views.table_model import RowTableModel

REFRESH_MS = 2000
ROWS = 500


class AuditRow(NamedTuple):
    """One row as shown."""

    when: str
    client: str
    method: str
    params: str
    outcome: str
    duration: str
    failed: bool


COL_WHEN, COL_CLIENT, COL_METHOD, COL_PARAMS, COL_OUTCOME, COL_DURATION = range(6)


def _row(data: dict[str, Any]) -> AuditRow:
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(data.get("ts", 0))))
    outcome = str(data.get("outcome", ""))
    return AuditRow(
        when,
        str(data.get("client", "")),
        str(data.get("method", "")),
        str(data.get("params", "")),
        outcome,
        f"{float(data.get('durationMs') or 0):.1f} ms",
        outcome != "ok",
    )


class AuditTableModel(RowTableModel[AuditRow]):
    """Audit rows, newest first."""

    def headers(self) -> list[str]:
        """When, client, method, parameters, result, duration."""
        return [
            QCoreApplication.translate("AuditTableModel", "When"),
            QCoreApplication.translate("AuditTableModel", "Client"),
            QCoreApplication.translate("AuditTableModel", "Method"),
            QCoreApplication.translate("AuditTableModel", "Parameters"),
            QCoreApplication.translate("AuditTableModel", "Result"),
            QCoreApplication.translate("AuditTableModel", "Duration"),
        ]

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        """Replace every row."""
        self.replace_rows([_row(r) for r in rows])

    def cell(self, row: AuditRow, column: int, role: int) -> Any:
        """Text of a cell; the parameters again as a tooltip; the result with a dot (red
        beside an error, green beside "ok") and a failed call's result in red."""
        if role == Qt.ItemDataRole.DisplayRole:
            return row[column]
        if role == Qt.ItemDataRole.DecorationRole and column == COL_OUTCOME:
            return dot_icon(BAD if row.failed else GOOD, 12)
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_OUTCOME and row.failed:
            return BAD
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_PARAMS:
            return row.params
        return None


class AuditView(QWidget):
    """A table of the newest audit rows, refreshed while visible."""

    def __init__(self, source: SessionsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self.model = AuditTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(
            COL_PARAMS, QHeaderView.ResizeMode.Stretch
        )
        self.table.verticalHeader().setVisible(False)
        self.status = QLabel(self.tr("No audit log (the API is not running)."))
        self.status.setWordWrap(True)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self._on_timer)

    def refresh(self) -> None:
        """Read the newest rows now (they arrive at once embedded, on the API's answer attached)."""
        if self._source.has_audit():
            self._source.audit(ROWS, self._show_rows)

    def _show_rows(self, rows: list[dict[str, Any]]) -> None:
        self.model.set_rows(rows)
        if rows:
            self.status.setText(self.tr("%n mutating call(s) shown, newest first.", "", len(rows)))
        else:
            self.status.setText(
                self.tr(
                    "No changes yet: every API call that changes something (from this window,"
                    " opspanel ctl or a script) is listed here, with its result."
                )
            )

    def _on_timer(self) -> None:
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        """Refresh on show and every couple of seconds while shown."""
        super().showEvent(event)
        self.refresh()
        self._timer.start()

    def hideEvent(self, event: Any) -> None:
        """No refreshes while hidden."""
        super().hideEvent(event)
        self._timer.stop()
