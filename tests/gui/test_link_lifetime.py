"""A remote link deleted with its window while its reader thread is handing it messages.

A dialog or window that goes away deletes its link with it, at any moment: also while
the link's reader thread is in the middle of passing a message on. That must neither
crash the process nor leave the reader running on a connection nobody reads.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from pytestqt.qtbot import QtBot
from websockets.sync.server import Request, Response, ServerConnection, serve

from panel import __version__
from panel.api.client import VERSION_HEADER
from panel.viewmodels.remote.endpoint import Address, Endpoint
from panel.viewmodels.remote.link import RemoteLink
from tests.waiting import wait_for

ROUNDS = 60
TIMEOUT_MS = 10_000
NOTE = '{"jsonrpc": "2.0", "method": "logs.lines", "params": {"lines": []}}'


@contextmanager
def flooding_engine() -> Iterator[str]:
    """A WebSocket server on 127.0.0.1 that sends notifications as fast as it can."""

    def version(_conn: ServerConnection, _request: Request, response: Response) -> Response:
        response.headers[VERSION_HEADER] = __version__
        return response

    def flood(conn: ServerConnection) -> None:
        try:
            while True:
                conn.send(NOTE)
        except Exception:  # the window went: the flood for it ends
            return

    with serve(flood, "127.0.0.1", 0, process_response=version) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        port = server.socket.getsockname()[1]
        try:
            yield f"ws://127.0.0.1:{port}/rpc"
        finally:
            server.shutdown()
            thread.join(10)


def _readers() -> int:
    return sum(t.name == "link-read" and t.is_alive() for t in threading.enumerate())


def test_a_link_deleted_in_the_middle_of_a_flood_neither_crashes_nor_leaves_its_reader(
    qapp: QCoreApplication, qtbot: QtBot
) -> None:
    before = _readers()
    with flooding_engine() as url:
        endpoint = Endpoint(url, lambda: Address(url, "token"))
        for _ in range(ROUNDS):
            window = QObject()
            link = RemoteLink(endpoint, window)
            seen: list[str] = []
            link.sig_notification.connect(lambda method, _params, seen=seen: seen.append(method))
            link.open()
            qtbot.waitUntil(lambda seen=seen: len(seen) > 3, timeout=TIMEOUT_MS)
            window.deleteLater()  # closed without closing the link first
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        # every reader saw its link go, closed its connection and ended
        wait_for(lambda: _readers() <= before, 30, "the readers of the deleted links to end")
