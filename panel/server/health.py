"""HTTP health probes for readiness and liveness, on Qt's network stack (no threads)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkProxy, QNetworkReply, QNetworkRequest


class HealthProbe(QObject):
    """Sends one GET at a time to a health URL and reports whether it answered 2xx.

    A probe that is still in flight when the next one is asked for is aborted
    first, so a hung server never piles up requests.
    """

    sig_result = Signal(bool, str)
    """(healthy, detail): healthy is True for an HTTP 2xx answer; detail says what came back."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._manager = QNetworkAccessManager(self)
        self._manager.setProxy(QNetworkProxy(QNetworkProxy.ProxyType.NoProxy))
        self._reply: QNetworkReply | None = None

    def probe(self, url: str, timeout_ms: int) -> None:
        """Start one probe; the answer comes as `sig_result`."""
        self.cancel()
        request = QNetworkRequest(QUrl(url))
        request.setTransferTimeout(max(1, timeout_ms))
        request.setAttribute(
            QNetworkRequest.Attribute.CacheLoadControlAttribute,
            QNetworkRequest.CacheLoadControl.AlwaysNetwork,
        )
        reply = self._manager.get(request)
        self._reply = reply
        reply.finished.connect(lambda: self._on_finished(reply))

    @property
    def busy(self) -> bool:
        """True while a probe is in flight."""
        return self._reply is not None

    def cancel(self) -> None:
        """Forget the probe in flight, if any, without reporting it."""
        reply, self._reply = self._reply, None
        if reply is not None:
            reply.abort()
            reply.deleteLater()

    def _on_finished(self, reply: QNetworkReply) -> None:
        if reply is not self._reply:
            return  # aborted or superseded
        self._reply = None
        status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
        if reply.error() == QNetworkReply.NetworkError.NoError and status and 200 <= status < 300:
            self.sig_result.emit(True, f"HTTP {status}")
        elif status:
            self.sig_result.emit(False, f"HTTP {status}")
        else:
            self.sig_result.emit(False, reply.errorString())
        reply.deleteLater()
