"""One engine per workspace: a second launch hands over to the first and exits.

The owner listens on a Unix-domain socket of its own (user-only, in the temporary
directory) with the standard library, watched by a QSocketNotifier: the check runs
before the window's first frame, and QtNetwork would cost that frame its import.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import socket
import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, QSocketNotifier, Signal

log = logging.getLogger(__name__)

RAISE_MESSAGE = b"raise\n"
SHOWN_REPLY = b"shown\n"
"""The owner has a window and raised it."""
HEADLESS_REPLY = b"headless\n"
"""The owner runs without a window: the second launch attaches a window to it instead."""
CONNECT_TIMEOUT_S = 0.5
GUARDED = hasattr(socket, "AF_UNIX")
"""Windows' Python has no Unix-domain sockets: a launch there is never refused."""


def instance_name(workspace_dir: Path) -> str:
    """A name that is the same for every launch on one workspace folder."""
    digest = hashlib.sha1(str(workspace_dir.resolve()).encode(), usedforsecurity=False)
    return f"opspanel-{digest.hexdigest()[:16]}"


def instance_path(name: str) -> Path:
    """Where the owner of `name` listens: the temporary directory, as Qt's QLocalServer
    did (so a launch of an earlier version and of this one still find each other)."""
    return Path(tempfile.gettempdir(), name)


def _listen(path: Path) -> socket.socket | None:
    """A listening socket at `path` (replacing one left by a crashed run), or None."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        try:
            server.bind(str(path))
        except OSError:  # nobody answered on it: left over from a crashed run
            path.unlink(missing_ok=True)
            server.bind(str(path))
        os.chmod(path, 0o600)
        server.listen(8)
        server.setblocking(False)
    except OSError as exc:
        log.warning("cannot guard the workspace against a second engine (%s): %s", path, exc)
        server.close()
        return None
    return server


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
        self.path = instance_path(self.name)
        self._server: socket.socket | None = None
        self._server_inode = 0
        self._accepting: QSocketNotifier | None = None
        self._clients: dict[socket.socket, QSocketNotifier] = {}
        self.has_window = False
        """Set by the owner: it answers a second launch with "shown" (else "headless")."""
        self.owner_has_window = True
        """After a failed `claim()`: whether the owner has a window it brought to the front."""

    def claim(self) -> bool:
        """True if this process now owns the workspace; False if another one does."""
        if not GUARDED:
            return True
        if self._notify_running():
            return False
        server = _listen(self.path)
        if server is None:
            return True  # cannot guard, but must not refuse to run
        self._server = server
        self._server_inode = os.stat(self.path).st_ino
        self._accepting = QSocketNotifier(server.fileno(), QSocketNotifier.Type.Read, self)
        self._accepting.activated.connect(self._on_connection)
        return True

    def release(self) -> None:
        """Stop answering other launches."""
        for client in list(self._clients):
            self._drop(client)
        if self._accepting is not None:
            self._accepting.setEnabled(False)
            self._accepting.deleteLater()
            self._accepting = None
        if self._server is not None:
            self._server.close()
            self._server = None
            with contextlib.suppress(OSError):
                if os.stat(self.path).st_ino == self._server_inode:  # not a later owner's
                    self.path.unlink()

    def _notify_running(self) -> bool:
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.settimeout(CONNECT_TIMEOUT_S)
        try:
            try:
                client.connect(str(self.path))
            except OSError:  # none, or a file left by a crashed run
                return False
            reply = b""
            with contextlib.suppress(OSError):  # an owner too busy to answer still owns it
                client.sendall(RAISE_MESSAGE)
                reply = client.recv(64)
        finally:
            client.close()
        self.owner_has_window = not reply.startswith(HEADLESS_REPLY.strip())
        return True

    def _on_connection(self) -> None:
        while self._server is not None:
            try:
                client, _ = self._server.accept()
            except OSError:  # BlockingIOError: no more pending
                return
            client.setblocking(False)
            notifier = QSocketNotifier(client.fileno(), QSocketNotifier.Type.Read, self)
            notifier.activated.connect(lambda *_, c=client: self._on_message(c))
            self._clients[client] = notifier

    def _on_message(self, client: socket.socket) -> None:
        try:
            data = client.recv(64)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data.startswith(RAISE_MESSAGE.strip()):
            with contextlib.suppress(OSError):  # the launch may have stopped waiting
                client.send(SHOWN_REPLY if self.has_window else HEADLESS_REPLY)
            if self.has_window:
                self.sig_raise_requested.emit()
        self._drop(client)

    def _drop(self, client: socket.socket) -> None:
        notifier = self._clients.pop(client, None)
        if notifier is not None:
            notifier.setEnabled(False)
            notifier.deleteLater()
        client.close()
