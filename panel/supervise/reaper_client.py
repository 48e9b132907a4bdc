"""The panel side of the reaper: start it, tell it about each child's session."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QObject, QProcess, QTimer, Signal

from panel.supervise.cgroups import EngineCgroups
from panel.supervise.unix import new_session_parameters
from panel.util.paths import panel_argv


class Reaper(QObject):
    """Owns the engine's reaper process (`panel.supervise.reaper`).

    `ManagedProcess` calls `add(sid)` when a child starts and `remove(sid)` once
    its whole tree is gone. The messages of one turn of the event loop go to
    the reaper in one write, before the loop waits again (a busy job graph
    starts and ends many children per turn). If the reaper dies it is started
    again and told every live session. `close()` ends it without killing anything (clean
    shutdown); `close(kill_children=True)` makes it kill what is registered.
    On Windows this is a no-op: the engine's Job Object does the job.

    With the engine's `cgroups` the reaper also kills the engine's whole group
    folder when the engine dies (a daemon a child left behind included), and
    every `ManagedProcess` given this reaper puts its child in a group.
    """

    sig_ready = Signal()
    """The reaper runs and has armed its parent-death signal."""

    sig_error = Signal(str)
    """The reaper could not be started or died unexpectedly (message)."""

    def __init__(self, parent: QObject | None = None, cgroups: EngineCgroups | None = None) -> None:
        super().__init__(parent)
        self._cgroups = cgroups
        self._sessions: set[int] = set()
        self._proc: QProcess | None = None
        self._ready = False
        self._closing = False
        self._pending: list[str] = []
        self._send_timer = QTimer(self, singleShot=True)
        self._send_timer.timeout.connect(self._send_pending)

    @property
    def enabled(self) -> bool:
        """False where the reaper does not exist (Windows)."""
        return sys.platform != "win32"

    @property
    def cgroups(self) -> EngineCgroups | None:
        """The engine's cgroups, None where children run without."""
        return self._cgroups

    @property
    def is_ready(self) -> bool:
        """True once the reaper said it is armed."""
        return self._ready

    @property
    def pid(self) -> int | None:
        """The reaper's pid while it runs."""
        if self._proc is None or self._proc.state() != QProcess.ProcessState.Running:
            return None
        return int(self._proc.processId())

    @property
    def sessions(self) -> frozenset[int]:
        """The sessions registered right now."""
        return frozenset(self._sessions)

    def start(self) -> None:
        """Start the reaper (asynchronous; `sig_ready` follows)."""
        if not self.enabled or self._proc is not None:
            return
        self._closing = False
        proc = QProcess(self)
        proc.setUnixProcessParameters(new_session_parameters())
        argv = panel_argv("reaper", "--parent", str(os.getpid()))
        if self._cgroups is not None:
            argv += ["--cgroup", self._cgroups.kind, self._cgroups.base]
        proc.setProgram(argv[0])
        proc.setArguments(argv[1:])
        proc.readyReadStandardOutput.connect(self._on_output)
        proc.readyReadStandardError.connect(self._on_stderr)
        proc.finished.connect(self._on_finished)
        proc.errorOccurred.connect(self._on_error)
        self._proc = proc
        proc.start()
        self._pending = [f"add {sid}" for sid in sorted(self._sessions)]
        self._send_pending()

    def add(self, sid: int) -> None:
        """Register a child's session (killed if the panel dies)."""
        self._sessions.add(sid)
        self._send(f"add {sid}")

    def remove(self, sid: int) -> None:
        """Forget a session whose tree is gone."""
        if sid in self._sessions:
            self._sessions.discard(sid)
            self._send(f"del {sid}")

    def close(self, kill_children: bool = False, timeout_ms: int = 3000) -> None:
        """End the reaper and wait for it (bounded); kill registered trees if asked."""
        proc = self._proc
        if proc is None:
            return
        self._closing = True
        if not kill_children:
            self._send("quit")
        self._send_pending()
        proc.closeWriteChannel()
        if not proc.waitForFinished(timeout_ms):
            proc.kill()
            proc.waitForFinished(timeout_ms)

    def _send(self, line: str) -> None:
        if not self._pending:
            self._send_timer.start()
        self._pending.append(line)

    def _send_pending(self) -> None:
        """Write every queued message, in order, in one write."""
        self._send_timer.stop()
        lines, self._pending = self._pending, []
        if lines and self._proc is not None:
            self._proc.write(("\n".join(lines) + "\n").encode("ascii"))

    def _on_output(self) -> None:
        assert self._proc is not None
        while not (data := self._proc.readAllStandardOutput()).isEmpty():
            if b"ready" in data.data() and not self._ready:
                self._ready = True
                self.sig_ready.emit()

    def _on_stderr(self) -> None:
        if self._proc is not None:
            self._proc.readAllStandardError()  # nothing to say; keep the pipe empty

    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and self._proc is not None:
            proc, self._proc = self._proc, None
            self.sig_error.emit(f"reaper failed to start: {proc.errorString()}")
            proc.deleteLater()

    def _on_finished(self, code: int, _status: QProcess.ExitStatus) -> None:
        proc, self._proc = self._proc, None
        self._ready = False
        if proc is not None:
            proc.deleteLater()
        if not self._closing:
            self.sig_error.emit(f"reaper exited unexpectedly ({code}); starting it again")
            self.start()
