"""TCP probes for readiness and liveness: does the port accept a connection?"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QAbstractSocket, QNetworkProxy, QTcpSocket


class TcpProbe(QObject):
    """Connects once to 127.0.0.1:port and reports whether the connection was accepted.

    Same shape as `HealthProbe`: one probe at a time, a new one aborts the old.
    """

    sig_result = Signal(bool, str)
    """(healthy, detail): healthy is True when the port accepted the connection."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._socket: QTcpSocket | None = None
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._on_timeout)

    @property
    def busy(self) -> bool:
        """True while a probe is in flight."""
        return self._socket is not None

    def probe(self, port: str | int, timeout_ms: int) -> None:
        """Start one probe of `port` on the loopback; the answer comes as `sig_result`."""
        self.cancel()
        sock = QTcpSocket(self)
        sock.setProxy(QNetworkProxy(QNetworkProxy.ProxyType.NoProxy))
        self._socket = sock
        sock.connected.connect(lambda: self._finish(sock, True, f"port {port} accepted"))
        sock.errorOccurred.connect(lambda _e: self._finish(sock, False, sock.errorString()))
        self._timer.start(max(1, timeout_ms))
        sock.connectToHost("127.0.0.1", int(port))

    def cancel(self) -> None:
        """Forget the probe in flight, if any, without reporting it."""
        sock, self._socket = self._socket, None
        self._timer.stop()
        if sock is not None:
            sock.abort()
            sock.deleteLater()

    def _on_timeout(self) -> None:
        if self._socket is not None:
            self._finish(self._socket, False, "no answer in time")

    def _finish(self, sock: QTcpSocket, ok: bool, detail: str) -> None:
        if sock is not self._socket:
            return
        self._socket = None
        self._timer.stop()
        if sock.state() != QAbstractSocket.SocketState.UnconnectedState:
            sock.abort()
        sock.deleteLater()
        self.sig_result.emit(ok, detail)
