"""The Sessions page: open runner sessions, a console into one, and the audit log."""

from __future__ import annotations

import json
import shlex
from typing import Any, NamedTuple

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontDatabase, QTextBlockFormat, QTextCharFormat, QTextCursor
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

from panel.sessions.session import SessionSnapshot, SessionState
from panel.viewmodels.sessions import SessionsModel
from panel.views.audit_view import AuditView
from panel.views.format import format_bytes, format_duration
from panel.views.session_options_dialog import SessionOptionsDialog
from panel.views.state_colors import BAD, BUSY, GOOD, IDLE, dot_icon
from panel.views.table_model import RowTableModel

REFRESH_MS = 1000
THROTTLE_MS = 100
LIVE_FLUSH_MS = 30
"""Live output is written to the console at most this often (one append per batch)."""
STREAMED_KINDS = ("execute_shell", "run_code")

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


def sandbox_label(session: SessionSnapshot) -> str:
    """How a session's commands are contained, in words."""
    if session.sandbox != "bwrap":
        return QCoreApplication.translate("SessionTableModel", "Not sandboxed")
    if session.network:
        return QCoreApplication.translate("SessionTableModel", "Sandboxed, network on")
    return QCoreApplication.translate("SessionTableModel", "Sandboxed, no network")


def _row(session: SessionSnapshot) -> SessionRow:
    rss = session.rss
    return SessionRow(
        session.session_id,
        session.state,
        sandbox_label(session),
        format_duration(session.idle_s),
        format_duration(session.lifetime_s),
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

    def set_sessions(self, sessions: list[SessionSnapshot]) -> None:
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

    sig_session_created = Signal(str)
    """(session id) a session started from this page is open (and selected once listed)."""

    def __init__(self, sessions: SessionsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self._select_when_listed: str | None = None
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
        self.empty_label = QLabel(
            self.tr(
                "No sessions open. A session is a private folder where commands and code"
                " run, sandboxed, for scripts and the API: New session opens one, and its"
                " console below runs what you type in it."
            )
        )
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setWordWrap(True)

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
        self.kind.currentIndexChanged.connect(self._show_example)
        self._show_example()
        self.input.returnPressed.connect(self.run_input)
        self.run_button = QPushButton(self.tr("Run"))
        self.run_button.clicked.connect(self.run_input)
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setMaximumBlockCount(20_000)
        self.output.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))

        self.audit_view = AuditView(sessions)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._sessions_tab(), self.tr("Sessions"))
        self.tabs.addTab(self.audit_view, self.tr("Audit"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        self._live: list[str] = []
        self._live_flush = QTimer(self, singleShot=True, interval=LIVE_FLUSH_MS)
        self._live_flush.timeout.connect(self._flush_live)

        self._throttle = QTimer(self, singleShot=True, interval=THROTTLE_MS)
        self._throttle.timeout.connect(self.refresh)
        self._ticker = QTimer(self, interval=REFRESH_MS)
        self._ticker.timeout.connect(self._on_tick)
        self._ticker.start()
        sessions.sig_changed.connect(self._throttle.start)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.refresh()

    def _show_example(self, *_: object) -> None:
        """The console line's placeholder: an example of what the chosen kind runs."""
        examples = {
            "execute_shell": self.tr("e.g. ls -la (arguments are never given to a shell)"),
            "run_code": self.tr("e.g. print(6 * 7)"),
            "read_file": self.tr("a file in the session's folder, e.g. data/input.csv"),
            "list_files": self.tr("a folder in the session's folder, e.g. . for its top"),
        }
        self.input.setPlaceholderText(examples.get(str(self.kind.currentData()), ""))

    def _sessions_tab(self) -> QWidget:
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.new_with_button)
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        buttons.addWidget(self.summary)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(9, 9, 9, 0)  # off the tab frame, as the Audit tab
        top_layout.addLayout(buttons)
        top_layout.addWidget(self.empty_label)
        top_layout.addWidget(self.table)
        command_row = QHBoxLayout()
        command_row.addWidget(self.kind)
        command_row.addWidget(self.input, 1)
        command_row.addWidget(self.run_button)
        console = QWidget()
        console_layout = QVBoxLayout(console)
        console_layout.setContentsMargins(9, 0, 9, 9)
        console_layout.addLayout(command_row)
        console_layout.addWidget(self.output, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(console)
        return split

    # ------------------------------------------------------------------ actions

    def selected_id(self) -> str | None:
        """The session selected in the list."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.session_id(rows[0].row()) if rows else None

    def new_session(self, params: dict[str, Any] | None = None) -> None:
        """Start a session with `params` (`session.create`'s), else the default settings."""
        self.new_button.setEnabled(False)
        self.new_with_button.setEnabled(False)
        self._sessions.create(params or {}, self._on_created)

    def _on_created(self, session_id: str | None, problem: str | None) -> None:
        self.new_button.setEnabled(True)
        self.new_with_button.setEnabled(True)
        if session_id is None:
            QMessageBox.warning(self, self.tr("New session"), problem or "")
            return
        self.refresh()
        self._select_when_listed = session_id
        self.select(session_id)
        self.sig_session_created.emit(session_id)

    def new_session_with_settings(self) -> None:
        """Ask for a new session's settings, then start it."""
        dialog = SessionOptionsDialog(self, self._sessions.languages())
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
        self._sessions.close(session_id)
        self.refresh()

    def run_input(self) -> None:
        """Run what the console line says in the selected session."""
        session_id = self.selected_id()
        text = self.input.text().strip()
        if session_id is None or not text:
            return
        session = self._sessions.session(session_id)
        if session is None:
            self._append(self.tr("! %1").replace("%1", f"no such session: {session_id}"))
            return
        try:
            command = self._command(str(self.kind.currentData()), text, session.config.language)
        except ValueError as exc:
            self._append(self.tr("! %1").replace("%1", str(exc)))
            return
        self._append(f"[{session_id}] $ {text}")
        if command["type"] in STREAMED_KINDS:
            streamed: list[bool] = []

            def on_output(_stream: str, data: str) -> None:
                streamed.append(True)
                self._on_live(data)

            def on_reply(reply: dict[str, Any]) -> None:
                self._on_reply(reply, bool(streamed))

            self._sessions.execute(session_id, command, on_reply, on_output)
        else:
            self._sessions.execute(session_id, command, self._on_reply)
        self.input.clear()

    @staticmethod
    def _command(kind: str, text: str, language: str) -> dict[str, Any]:
        if kind == "execute_shell":
            argv = shlex.split(text)
            return {"type": kind, "commandName": argv[0], "args": argv[1:], "timeoutMs": 60_000}
        if kind == "run_code":
            return {"type": kind, "code": text, "language": language, "timeoutMs": 60_000}
        return {"type": kind, "path": text}

    def _on_live(self, data: str) -> None:
        """A running command wrote `data`: shown within LIVE_FLUSH_MS, batched."""
        self._live.append(data)
        if not self._live_flush.isActive():
            self._live_flush.start()

    def _flush_live(self, everything: bool = False) -> None:
        """Write the whole lines received (a partial last line waits, unless `everything`)."""
        self._live_flush.stop()
        text = "".join(self._live)
        cut = len(text) if everything else text.rfind("\n") + 1
        self._live = [text[cut:]] if text[cut:] else []
        if text[:cut].strip("\n"):
            self._append(text[:cut].rstrip("\n"))

    def _on_reply(self, reply: dict[str, Any], streamed: bool = False) -> None:
        self._flush_live(everything=True)  # what the command wrote comes before its result
        result = reply.get("result")
        lines: list[str] = []
        if isinstance(result, dict) and "stdout" in result:
            if not streamed:
                lines += [
                    result.get("stdout", "").rstrip("\n"),
                    result.get("stderr", "").rstrip("\n"),
                ]
            lines.append(self.tr("exit code %1").replace("%1", str(result.get("exitCode"))))
        elif isinstance(result, dict) and "content" in result:
            lines.append(str(result["content"]).rstrip("\n"))
        elif isinstance(result, dict) and "entries" in result:
            lines += [f"{e['type']:4} {e['size']:>10} {e['name']}" for e in result["entries"]]
        elif result is not None:
            lines.append(json.dumps(result))
        failed = not reply.get("success")
        if isinstance(result, dict) and result.get("exitCode") not in (None, 0):
            failed = True
        if not reply.get("success"):
            lines.append(self.tr("! %1").replace("%1", str(reply.get("error"))))
        lines.append(self.tr("(%1 ms)").replace("%1", f"{reply.get('durationMs') or 0:.1f}"))
        self._append("\n".join(line for line in lines if line), failed)

    def _append(self, text: str, failed: bool = False) -> None:
        """Write `text` to the console; a failed command's answer in the error colour
        (its words, "exit code 1" or "! ...", say it as well)."""
        fmt = QTextCharFormat()
        if failed:
            fmt.setForeground(BAD)
        cursor = self.output.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        if not self.output.document().isEmpty():
            cursor.insertBlock(QTextBlockFormat(), fmt)
        cursor.insertText(text, fmt)
        self.output.setTextCursor(cursor)
        self.output.ensureCursorVisible()
        self.sig_output_appended.emit(text)

    def failed_lines(self) -> list[str]:
        """The console's lines shown in the error colour."""
        lines = []
        block = self.output.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                if it.fragment().charFormat().foreground().color() == BAD:
                    lines.append(block.text())
                    break
                it += 1
            block = block.next()
        return lines

    # ------------------------------------------------------------------ refresh

    def refresh(self) -> None:
        """Rebuild the list from the manager (keeps the selection)."""
        selected = self.selected_id() or self._select_when_listed
        sessions = self._sessions.sessions()
        self.model.set_sessions(sessions)
        if selected is not None:
            self.select(selected)
            if self.selected_id() == selected:
                self._select_when_listed = None
        self.summary.setText(self.tr("%n session(s) open", "", len(sessions)))
        self.empty_label.setVisible(not sessions)
        self._update_buttons()

    def _on_tick(self) -> None:
        if self.isVisible() and self.model.rowCount():
            self._sessions.poll()
            self.refresh()

    def _update_buttons(self, *_: object) -> None:
        has = self.selected_id() is not None
        self.close_button.setEnabled(has)
        self.run_button.setEnabled(has)
