"""One engine per workspace: a second launch hands over to the first and exits."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

RAISE_MESSAGE = b"raise\n"
SHOWN_REPLY = b"shown\n"
"""The owner has a window and raised it."""
HEADLESS_REPLY = b"headless\n"
"""The owner runs without a window: the second launch attaches a window to it instead."""
CONNECT_TIMEOUT_MS = 500


def instance_name(workspace_dir: Path) -> str:
    """A local-socket name that is the same for every launch on one workspace folder."""
    digest = hashlib.sha1(str(workspace_dir.resolve()).encode(), usedforsecurity=False)
    return f"opspanel-{digest.hexdigest()[:16]}"


class SingleInstance(QObject):
    """Claims a workspace for this process, or tells the process that already has it.

    `claim()` returns False when another engine already runs on the workspace;
    that engine then receives `sig_raise_requested` (its window comes to the front)
    when it has a window, and `owner_has_window` says whether it had one.
    """

    sig_raise_requested = Signal()
    """A second launch on the same workspace asked this instance to show itself."""

    def __init__(self, workspace_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = instance_name(workspace_dir)
        self._server: QLocalServer | None = None
        self.has_window = False
        """Set by the owner: it answers a second launch with "shown" (else "headless")."""
        self.owner_has_window = True
        """After a failed `claim()`: whether the owner has a window it brought to the front."""

    def claim(self) -> bool:
        """True if this process now owns the workspace; False if another one does."""
        if self._notify_running():
            return False
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            QLocalServer.removeServer(self.name)  # left over from a crashed run
            if not server.listen(self.name):
                return True  # cannot guard, but must not refuse to run
        server.newConnection.connect(self._on_connection)
        self._server = server
        return True

    def release(self) -> None:
        """Stop answering other launches."""
        if self._server is not None:
            self._server.close()
            self._server = None

    def _notify_running(self) -> bool:
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        socket.write(RAISE_MESSAGE)
        socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        reply = b""
        if socket.waitForReadyRead(CONNECT_TIMEOUT_MS):
            reply = bytes(socket.readAll().data())
        self.owner_has_window = not reply.startswith(HEADLESS_REPLY.strip())
        socket.disconnectFromServer()
        return True

    def _on_connection(self) -> None:
        server = self._server
        while server is not None and server.hasPendingConnections():
            socket = server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._on_message(s))
            socket.disconnected.connect(socket.deleteLater)

    def _on_message(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(RAISE_MESSAGE.strip()):
            socket.write(SHOWN_REPLY if self.has_window else HEADLESS_REPLY)
            socket.flush()
            if self.has_window:
                self.sig_raise_requested.emit()
