"""Outgoing webhooks: a Slack-compatible JSON POST when a run ends, never blocking the engine.

The body is ``{"text": "...", "run": {...}}``: Slack (and Mattermost, Rocket.Chat,
Teams' incoming-webhook bridge) show `text`; other receivers read `run`. The
request runs in Qt's network stack (QNetworkAccessManager), bounded by the
job's `notify.timeout`; a failure is logged, never retried.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from PySide6.QtCore import QByteArray, QObject, QUrl, Signal
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply, QNetworkRequest

from panel.jobs.model import Notify

log = logging.getLogger("panel.jobs.notify")


def message_text(run: dict[str, Any]) -> str:
    """`job backup: failed (exit code 2), attempt 1, run 17`."""
    text = f"job {run.get('job')}: {run.get('status')}"
    if run.get("error"):
        text += f" ({run['error']})"
    return text + f", attempt {run.get('attempt')}, run {run.get('id')}"


class Notifier(QObject):
    """Posts run outcomes to webhook URLs asynchronously."""

    sig_sent = Signal(str, int, str)
    """(url, HTTP status or 0, error text or ""): a notification was answered or failed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._manager = QNetworkAccessManager(self)
        self._pending: set[QNetworkReply] = set()

    @property
    def pending(self) -> int:
        """Requests still in flight."""
        return len(self._pending)

    def post(self, notify: Notify, run: dict[str, Any]) -> None:
        """Send `run`'s outcome to `notify.url` (returns at once)."""
        request = QNetworkRequest(QUrl(notify.url))
        request.setHeader(QNetworkRequest.KnownHeaders.ContentTypeHeader, "application/json")
        request.setTransferTimeout(max(1, int(notify.timeout * 1000)))
        body = json.dumps({"text": message_text(run), "run": run}).encode("utf-8")
        reply = self._manager.post(request, QByteArray(body))
        self._pending.add(reply)
        reply.finished.connect(self._on_finished)

    def _on_finished(self) -> None:
        reply = self.sender()
        if not isinstance(reply, QNetworkReply):
            return
        self._pending.discard(reply)
        url = reply.url().toString()
        status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
        error = "" if reply.error() == QNetworkReply.NetworkError.NoError else reply.errorString()
        if error:
            log.warning("notification to %s failed: %s", url, error)
        self.sig_sent.emit(url, int(status or 0), error)
        reply.deleteLater()
