"""`ForkedChild`: a child forked by a zygote, with the part of QProcess's face that
`ManagedProcess` uses (signals, output, stdin, pid, exit)."""

from __future__ import annotations

import contextlib
import os
import signal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QObject, QProcess, QSocketNotifier, QTimer, Signal

if TYPE_CHECKING:
    from panel.supervise.zygote.client import Zygote

EXIT_WAIT_MS = 2000
"""How long the end of a child waits for the zygote to tell its exit status."""
_READ = 65536


class ForkedChild(QObject):
    """One child asked of a `Zygote`: the panel makes its pipes, the zygote forks it.

    Its exit is seen on a pidfd (the child is not ours to wait for); the status comes
    from the zygote. When the zygote is gone the status is unknown (`exit_known`
    False) and the owner decides what to report. Signals go through the pidfd
    (`pidfd_send_signal`), which cannot hit a later process with the same pid.
    """

    started = Signal()
    """The zygote forked the child: `processId()` is its pid."""
    finished = Signal(int, QProcess.ExitStatus)
    """(code or signal, NormalExit | CrashExit) as QProcess.finished."""
    readyReadStandardOutput = Signal()
    """Output arrived on the child's stdout."""
    readyReadStandardError = Signal()
    """Output arrived on the child's stderr."""
    errorOccurred = Signal(QProcess.ProcessError)
    """FailedToStart: the zygote could not fork it (`errorString()` says why)."""

    def __init__(self, zygote: Zygote, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._zygote = zygote
        self._program = ""
        self._arguments: list[str] = []
        self._env: dict[str, str] = {}
        self._cwd = ""
        self.cgroup: str | None = None
        """`cgroup.procs` of the group the child joins before it runs, if any."""
        self._pid = 0
        self._pidfd: int | None = None
        self._pidfd_notifier: QSocketNotifier | None = None
        self._error = ""
        self._status: tuple[int, int] | None = None
        self._gone = False
        self._done = False
        self._out: dict[str, bytearray] = {"stdout": bytearray(), "stderr": bytearray()}
        self._readers: dict[str, tuple[int, QSocketNotifier]] = {}
        self._stdin: int | None = None
        self._pending_in = bytearray()
        self._stdin_notifier: QSocketNotifier | None = None
        self._child_fds: list[int] = []
        self._wait_timer: QTimer | None = None

    # ------------------------------------------------------------ QProcess's face

    def setProgram(self, program: str) -> None:
        """The program (argv[0])."""
        self._program = program

    def setArguments(self, arguments: list[str]) -> None:
        """argv[1:]."""
        self._arguments = list(arguments)

    def setEnvironment(self, env: dict[str, str]) -> None:
        """The child's whole environment."""
        self._env = dict(env)

    def setWorkingDirectory(self, cwd: str) -> None:
        """The child's working folder ("" : the zygote's)."""
        self._cwd = cwd

    def processId(self) -> int:
        """The child's pid, 0 before the zygote forked it."""
        return self._pid

    def errorString(self) -> str:
        """Why the start failed."""
        return self._error

    def readAllStandardOutput(self) -> QByteArray:
        """What the child wrote on stdout since the last call."""
        return self._take("stdout")

    def readAllStandardError(self) -> QByteArray:
        """What the child wrote on stderr since the last call."""
        return self._take("stderr")

    def write(self, data: bytes) -> int:
        """Queue `data` for the child's stdin; its length, -1 when stdin is closed."""
        if self._stdin is None:
            return -1
        self._pending_in += data
        self._flush_stdin()
        return len(data)

    def start(self) -> None:
        """Make the pipes and ask the zygote (asynchronous: `started` or `errorOccurred`)."""
        ours: list[int] = []
        theirs: list[int] = []
        for index in range(3):
            r, w = os.pipe2(os.O_CLOEXEC)
            mine, child = (w, r) if index == 0 else (r, w)
            os.set_blocking(mine, False)
            ours.append(mine)
            theirs.append(child)
        self._child_fds = theirs
        self._stdin = ours[0]
        for stream, fd in (("stdout", ours[1]), ("stderr", ours[2])):
            notifier = QSocketNotifier(fd, QSocketNotifier.Type.Read, self)
            notifier.activated.connect(self._on_readable)
            self._readers[stream] = (fd, notifier)
        self._zygote.launch(self)

    @property
    def exit_known(self) -> bool:
        """False when the child ended without its zygote telling how."""
        return self._status is not None

    def send_signal(self, sig: int) -> bool:
        """Signal the child through its pidfd; False when it is gone."""
        if self._pidfd is None:
            return False
        try:
            signal.pidfd_send_signal(self._pidfd, sig)
        except OSError:
            return False
        return True

    def terminate(self) -> None:
        """SIGTERM the child."""
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL the child."""
        self.send_signal(signal.SIGKILL)

    # ------------------------------------------------------------ from the zygote

    def request(self) -> tuple[dict[str, Any], list[int]]:
        """The spawn request (without its token) and the child's three descriptors."""
        argv = [self._program, *self._arguments]
        return {"argv": argv, "env": self._env, "cwd": self._cwd, "cgroup": self.cgroup}, list(
            self._child_fds
        )

    def on_spawned(self, pid: int) -> None:
        """The zygote forked the child as `pid`."""
        self._close_child_fds()
        self._pid = pid
        try:
            self._pidfd = os.pidfd_open(pid)
        except OSError:
            self._pidfd = None  # already gone and reaped: the exit message follows
        else:
            notifier = QSocketNotifier(self._pidfd, QSocketNotifier.Type.Read, self)
            notifier.activated.connect(self._on_pidfd)
            self._pidfd_notifier = notifier
        self.started.emit()

    def on_failed(self, error: str) -> None:
        """The zygote could not fork the child."""
        self._error = error
        self._close_all()
        self.errorOccurred.emit(QProcess.ProcessError.FailedToStart)

    def on_exited(self, code: int, sig: int) -> None:
        """The zygote reaped the child: `code` (``-signal`` after a signal)."""
        self._status = (code, sig)
        self._finish()

    def on_zygote_gone(self) -> None:
        """The zygote died: the child's end is seen on its pidfd alone."""
        if self._gone:
            self._finish()

    # ------------------------------------------------------------ internals

    def _on_pidfd(self) -> None:
        if self._pidfd_notifier is not None:
            self._pidfd_notifier.setEnabled(False)
        self._gone = True
        if self._status is not None or not self._zygote.knows(self):
            self._finish()
            return
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(self._finish)
        timer.start(EXIT_WAIT_MS)
        self._wait_timer = timer

    def _finish(self) -> None:
        if self._done:
            return
        self._done = True
        self._zygote.forget(self)
        for stream in ("stdout", "stderr"):
            self._read_now(stream)
        self._close_all()
        code, sig = self._status if self._status is not None else (-signal.SIGKILL, signal.SIGKILL)
        if sig:
            self.finished.emit(sig, QProcess.ExitStatus.CrashExit)
        else:
            self.finished.emit(code, QProcess.ExitStatus.NormalExit)

    def _on_readable(self) -> None:
        notifier = self.sender()
        for stream, (_fd, known) in list(self._readers.items()):
            if known is notifier:
                self._read_now(stream)

    def _read_now(self, stream: str) -> None:
        entry = self._readers.get(stream)
        if entry is None:
            return
        fd, notifier = entry
        got = False
        while True:
            try:
                chunk = os.read(fd, _READ)
            except BlockingIOError:
                break
            except OSError:
                chunk = b""
            if not chunk:
                notifier.setEnabled(False)
                notifier.deleteLater()
                os.close(fd)
                del self._readers[stream]
                break
            self._out[stream] += chunk
            got = True
        if got:
            ready = self.readyReadStandardOutput if stream == "stdout" else None
            (ready or self.readyReadStandardError).emit()

    def _take(self, stream: str) -> QByteArray:
        data = bytes(self._out[stream])
        self._out[stream].clear()
        return QByteArray(data)

    def _flush_stdin(self) -> None:
        fd = self._stdin
        if fd is None:
            return
        while self._pending_in:
            try:
                sent = os.write(fd, self._pending_in)
            except BlockingIOError:
                break
            except OSError:
                self._pending_in.clear()
                self._close_stdin()
                return
            del self._pending_in[:sent]
        if self._pending_in and self._stdin_notifier is None:
            notifier = QSocketNotifier(fd, QSocketNotifier.Type.Write, self)
            notifier.activated.connect(self._flush_stdin)
            self._stdin_notifier = notifier
        if self._stdin_notifier is not None:
            self._stdin_notifier.setEnabled(bool(self._pending_in))

    def _close_stdin(self) -> None:
        if self._stdin_notifier is not None:
            self._stdin_notifier.setEnabled(False)
            self._stdin_notifier.deleteLater()
            self._stdin_notifier = None
        if self._stdin is not None:
            with contextlib.suppress(OSError):
                os.close(self._stdin)
            self._stdin = None

    def _close_child_fds(self) -> None:
        for fd in self._child_fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._child_fds = []

    def _close_all(self) -> None:
        self._close_child_fds()
        self._close_stdin()
        for fd, notifier in self._readers.values():
            notifier.setEnabled(False)
            notifier.deleteLater()
            with contextlib.suppress(OSError):
                os.close(fd)
        self._readers.clear()
        if self._wait_timer is not None:
            self._wait_timer.stop()
        if self._pidfd_notifier is not None:
            self._pidfd_notifier.setEnabled(False)
            self._pidfd_notifier.deleteLater()
            self._pidfd_notifier = None
        if self._pidfd is not None:
            with contextlib.suppress(OSError):
                os.close(self._pidfd)
            self._pidfd = None
