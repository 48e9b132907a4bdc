"""The Sessions page: open runner sessions, a console into one, and the audit log."""

from __future__ import annotations

import contextlib
import json
import shlex
from typing import Any, NamedTuple

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from panel.sessions.manager import SessionError, SessionManager
from panel.sessions.session import Session, SessionState
from panel.views.audit_view import AuditFetch, AuditView
from panel.views.format import format_bytes, format_duration
from panel.views.session_options_dialog import SessionOptionsDialog
from panel.views.state_colors import BAD, BUSY, GOOD, IDLE, dot_icon
from panel.views.table_model import RowTableModel

REFRESH_MS = 1000
THROTTLE_MS = 100

STATE_COLORS: dict[SessionState, QColor] = {
    SessionState.STARTING: BUSY,
    SessionState.ACTIVE: GOOD,
    SessionState.IDLE: IDLE,
    SessionState.CLOSING: BUSY,
    SessionState.CLOSED: BAD,
}


def session_state_label(state: SessionState) -> str:
    """The translated word for a session state."""
    labels = {
        SessionState.STARTING: QCoreApplication.translate("state", "Starting"),
        SessionState.ACTIVE: QCoreApplication.translate("state", "Active"),
        SessionState.IDLE: QCoreApplication.translate("state", "Idle"),
        SessionState.CLOSING: QCoreApplication.translate("state", "Closing"),
        SessionState.CLOSED: QCoreApplication.translate("state", "Closed"),
    }
    return labels[state]


class SessionRow(NamedTuple):
    """One session as shown."""

    session_id: str
    state: SessionState
    sandbox: str
    idle: str
    lifetime: str
    runs: str
    memory: str
    datasets: str


COL_ID, COL_STATE, COL_SANDBOX, COL_IDLE, COL_LIFETIME, COL_RUNS, COL_MEMORY, COL_DATASETS = range(
    8
)


def sandbox_label(session: Session) -> str:
    """How a session's commands are contained, in words."""
    if session.sandbox != "bwrap":
        return QCoreApplication.translate("SessionTableModel", "Not sandboxed")
    if session.network:
        return QCoreApplication.translate("SessionTableModel", "Sandboxed, network on")
    return QCoreApplication.translate("SessionTableModel", "Sandboxed, no network")


def _row(session: Session) -> SessionRow:
    rss = session.rss
    return SessionRow(
        session.session_id,
        session.state(),
        sandbox_label(session),
        format_duration(session.idle_seconds()),
        format_duration(session.lifetime_seconds()),
        str(session.execution_count),
        "—" if rss is None else format_bytes(rss),
        ", ".join(sorted(session.datasets)) or "—",
    )


class SessionTableModel(RowTableModel[SessionRow]):
    """The open sessions of a manager (rebuilt on refresh)."""

    def headers(self) -> list[str]:
        """Session, state, sandbox, idle, lifetime, runs, memory, datasets."""
        return [
            QCoreApplication.translate("SessionTableModel", "Session"),
            QCoreApplication.translate("SessionTableModel", "State"),
            QCoreApplication.translate("SessionTableModel", "Sandbox"),
            QCoreApplication.translate("SessionTableModel", "Idle"),
            QCoreApplication.translate("SessionTableModel", "Lifetime"),
            QCoreApplication.translate("SessionTableModel", "Runs"),
            QCoreApplication.translate("SessionTableModel", "Memory"),
            QCoreApplication.translate("SessionTableModel", "Datasets"),
        ]

    def set_sessions(self, sessions: list[Session]) -> None:
        """Show `sessions`."""
        rows = [_row(s) for s in sessions]
        if [r.session_id for r in rows] == [r.session_id for r in self._rows]:
            self._rows = rows
            if rows:
                last = self.index(len(rows) - 1, len(self._headers) - 1)
                self.dataChanged.emit(self.index(0, 0), last)
            return
        self.replace_rows(rows)

    def session_id(self, row: int) -> str | None:
        """The id shown on `row`."""
        return self._rows[row].session_id if 0 <= row < len(self._rows) else None

    def cell(self, row: SessionRow, column: int, role: int) -> Any:
        """Cell text; the state column carries a coloured dot beside its label."""
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_STATE:
                return session_state_label(row.state)
            return row[column]
        if role == Qt.ItemDataRole.DecorationRole and column == COL_STATE:
            return dot_icon(STATE_COLORS[row.state])
        return None


class SessionsView(QWidget):
    """Sessions list with New/Close, a command console for the selected one, and Audit."""

    sig_output_appended = Signal(str)
    """(text) a command's answer was written to the console."""

    def __init__(self, manager: SessionManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._manager = manager
        self.model = SessionTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_DATASETS, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_SANDBOX, QHeaderView.ResizeMode.ResizeToContents)
        self.new_button = QPushButton(self.tr("New session"))
        self.new_button.setToolTip(self.tr("A session with the default settings"))
        self.new_with_button = QPushButton(self.tr("New with settings…"))
        self.new_with_button.setToolTip(
            self.tr("Choose the language, time limits, memory limit and network access")
        )
        self.close_button = QPushButton(self.tr("Close session"))
        self.new_button.clicked.connect(lambda: self.new_session())
        self.new_with_button.clicked.connect(self.new_session_with_settings)
        self.close_button.clicked.connect(self.close_selected)
        self.summary = QLabel()

        self.kind = QComboBox()
        self.kind.addItem(self.tr("Command"), "execute_shell")
        self.kind.addItem(self.tr("Code"), "run_code")
        self.kind.setItemData(
            1,
            self.tr("Code in the session's language (Python unless chosen otherwise)"),
            Qt.ItemDataRole.ToolTipRole,
        )
        self.kind.addItem(self.tr("Read file"), "read_file")
        self.kind.addItem(self.tr("List files"), "list_files")
        self.input = QLineEdit()
        self.input.setPlaceholderText(self.tr("e.g. ls -la (arguments are never given to a shell)"))
        self.input.returnPressed.connect(self.run_input)
        self.run_button = QPushButton(self.tr("Run"))
        self.run_button.clicked.connect(self.run_input)
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setMaximumBlockCount(20_000)
        self.output.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))

        self.audit_view = AuditView()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._sessions_tab(), self.tr("Sessions"))
        self.tabs.addTab(self.audit_view, self.tr("Audit"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        self._throttle = QTimer(self, singleShot=True, interval=THROTTLE_MS)
        self._throttle.timeout.connect(self.refresh)
        self._ticker = QTimer(self, interval=REFRESH_MS)
        self._ticker.timeout.connect(self._on_tick)
        self._ticker.start()
        manager.sig_changed.connect(self._throttle.start)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.refresh()

    def _sessions_tab(self) -> QWidget:
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.new_with_button)
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        buttons.addWidget(self.summary)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(buttons)
        top_layout.addWidget(self.table)
        command_row = QHBoxLayout()
        command_row.addWidget(self.kind)
        command_row.addWidget(self.input, 1)
        command_row.addWidget(self.run_button)
        console = QWidget()
        console_layout = QVBoxLayout(console)
        console_layout.setContentsMargins(0, 0, 0, 0)
        console_layout.addLayout(command_row)
        console_layout.addWidget(self.output, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(console)
        return split

    # ------------------------------------------------------------------ actions

    def set_audit_source(self, fetch: AuditFetch | None) -> None:
        """Where the Audit tab reads its rows."""
        self.audit_view.set_source(fetch)

    def selected_id(self) -> str | None:
        """The session selected in the list."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.session_id(rows[0].row()) if rows else None

    def new_session(self, params: dict[str, Any] | None = None) -> Session | None:
        """Start a session with `params` (`session.create`'s), else the default settings."""
        try:
            session = self._manager.create(params or {})
        except SessionError as exc:
            QMessageBox.warning(self, self.tr("New session"), exc.message)
            return None
        self.refresh()
        self.select(session.session_id)
        return session

    def new_session_with_settings(self) -> Session | None:
        """Ask for a new session's settings, then start it."""
        dialog = SessionOptionsDialog(self)
        try:
            if dialog.exec() != SessionOptionsDialog.DialogCode.Accepted:
                return None
            return self.new_session(dialog.params())
        finally:
            dialog.deleteLater()

    def select(self, session_id: str) -> None:
        """Select the row of `session_id`."""
        for row in range(self.model.rowCount()):
            if self.model.session_id(row) == session_id:
                self.table.selectRow(row)
                return

    def close_selected(self) -> None:
        """Close the selected session."""
        session_id = self.selected_id()
        if session_id is None:
            return
        with contextlib.suppress(SessionError):  # already gone
            self._manager.close(session_id, "closed from the window")
        self.refresh()

    def run_input(self) -> None:
        """Run what the console line says in the selected session."""
        session_id = self.selected_id()
        text = self.input.text().strip()
        if session_id is None or not text:
            return
        try:
            language = self._manager.get(session_id).config.language
            command = self._command(str(self.kind.currentData()), text, language)
        except SessionError as exc:
            self._append(self.tr("! %1").replace("%1", exc.message))
            return
        except ValueError as exc:
            self._append(self.tr("! %1").replace("%1", str(exc)))
            return
        self._append(f"[{session_id}] $ {text}")
        try:
            self._manager.execute(session_id, command, self._on_reply)
        except SessionError as exc:
            self._append(self.tr("! %1").replace("%1", exc.message))
            return
        self.input.clear()

    @staticmethod
    def _command(kind: str, text: str, language: str) -> dict[str, Any]:
        if kind == "execute_shell":
            argv = shlex.split(text)
            return {"type": kind, "commandName": argv[0], "args": argv[1:], "timeoutMs": 60_000}
        if kind == "run_code":
            return {"type": kind, "code": text, "language": language, "timeoutMs": 60_000}
        return {"type": kind, "path": text}

    def _on_reply(self, reply: dict[str, Any]) -> None:
        result = reply.get("result")
        lines: list[str] = []
        if isinstance(result, dict) and "stdout" in result:
            lines += [result.get("stdout", "").rstrip("\n"), result.get("stderr", "").rstrip("\n")]
            lines.append(self.tr("exit code %1").replace("%1", str(result.get("exitCode"))))
        elif isinstance(result, dict) and "content" in result:
            lines.append(str(result["content"]).rstrip("\n"))
        elif isinstance(result, dict) and "entries" in result:
            lines += [f"{e['type']:4} {e['size']:>10} {e['name']}" for e in result["entries"]]
        elif result is not None:
            lines.append(json.dumps(result))
        if not reply.get("success"):
            lines.append(self.tr("! %1").replace("%1", str(reply.get("error"))))
        lines.append(self.tr("(%1 ms)").replace("%1", f"{reply.get('durationMs') or 0:.1f}"))
        self._append("\n".join(line for line in lines if line))

    def _append(self, text: str) -> None:
        self.output.appendPlainText(text)
        self.sig_output_appended.emit(text)

    # ------------------------------------------------------------------ refresh

    def refresh(self) -> None:
        """Rebuild the list from the manager (keeps the selection)."""
        selected = self.selected_id()
        sessions = self._manager.sessions()
        self.model.set_sessions(sessions)
        if selected is not None:
            self.select(selected)
        self.summary.setText(self.tr("%n session(s) open", "", len(sessions)))
        self._update_buttons()

    def _on_tick(self) -> None:
        if self.isVisible() and self.model.rowCount():
            self.refresh()

    def _update_buttons(self, *_: object) -> None:
        has = self.selected_id() is not None
        self.close_button.setEnabled(has)
        self.run_button.setEnabled(has)
