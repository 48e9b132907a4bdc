"""`WorkerSocket`: the engine's end of one worker's Unix socket (see `worker.ipc_socket`)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalSocket

from panel.connections.worker.ipc_path import socket_path

RETRY_MS = 20
"""How often a connect is tried again while the worker's socket is not there yet."""


class WorkerSocket(QObject):
    """Connects to worker `pid`'s socket in `folder`, retrying until it answers.

    Lines written before the connection is up are kept and sent once it is.
    `close()` drops the connection (the worker carries on without an engine).
    """

    sig_data = Signal(bytes)
    """A chunk of the worker's output (JSON lines)."""

    sig_connected = Signal()
    """The worker accepted the connection."""

    sig_lost = Signal()
    """An established connection closed (the worker ended, or refused a second engine)."""

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._folder = folder
        self._pid: int | None = None
        self._socket: QLocalSocket | None = None
        self._pending: list[bytes] = []
        self._up = False
        self._retry = QTimer(self, singleShot=True, interval=RETRY_MS)
        self._retry.timeout.connect(self._try)

    @property
    def connected(self) -> bool:
        """True while the connection is established."""
        return self._up

    def connect_to(self, pid: int) -> None:
        """Reach worker `pid` (drops any earlier connection and queued lines)."""
        self.close()
        self._pid = pid
        self._try()

    def drain(self) -> None:
        """Hand on whatever the worker wrote that was not read yet (it is ending)."""
        sock = self._socket
        if sock is None or not self._up:
            return
        sock.waitForReadyRead(0)
        while sock.bytesAvailable() > 0:
            self.sig_data.emit(bytes(sock.readAll().data()))

    def close(self) -> None:
        """Drop the connection and stop retrying."""
        self._retry.stop()
        self._pid = None
        self._pending.clear()
        self._up = False
        sock, self._socket = self._socket, None
        if sock is not None:
            sock.blockSignals(True)
            sock.abort()
            sock.deleteLater()

    def write(self, data: bytes) -> bool:
        """Send `data` now, or once connected; False when no worker is being reached."""
        if self._pid is None:
            return False
        if self._up and self._socket is not None:
            return self._socket.write(data) == len(data)
        self._pending.append(data)
        return True

    def _try(self) -> None:
        if self._pid is None:
            return
        sock = QLocalSocket(self)
        sock.connected.connect(self._on_connected)
        sock.readyRead.connect(self._on_ready_read)
        sock.disconnected.connect(self._on_disconnected)
        sock.errorOccurred.connect(self._on_error)
        self._socket = sock
        sock.connectToServer(socket_path(self._folder, self._pid))

    def _current(self) -> QLocalSocket | None:
        sender = self.sender()
        return self._socket if sender is not None and sender is self._socket else None

    def _on_connected(self) -> None:
        sock = self._current()
        if sock is None:
            return
        self._up = True
        pending, self._pending = self._pending, []
        self.sig_connected.emit()
        for data in pending:
            sock.write(data)

    def _on_ready_read(self) -> None:
        sock = self._current()
        if sock is None:
            return
        while sock.bytesAvailable() > 0:
            self.sig_data.emit(bytes(sock.readAll().data()))

    def _on_error(self, _error: QLocalSocket.LocalSocketError) -> None:
        sock = self._current()
        if sock is None or self._up:
            return  # an established connection ends through _on_disconnected
        self._drop(sock)
        self._retry.start()

    def _on_disconnected(self) -> None:
        sock = self._current()
        if sock is None:
            return
        if sock.bytesAvailable() > 0:
            self.sig_data.emit(bytes(sock.readAll().data()))
        was_up = self._up
        self._up = False
        self._drop(sock)
        if was_up:
            self.sig_lost.emit()

    def _drop(self, sock: QLocalSocket) -> None:
        self._socket = None
        sock.blockSignals(True)
        sock.deleteLater()
