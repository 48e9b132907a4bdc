"""Which Host header the API port answers, and how its refusals are logged.

A web page can make a browser connect to 127.0.0.1 under a name of its own
(DNS rebinding); the browser then sends that name as ``Host``. So the WebSocket
handshake, ``/health``, ``/metrics`` and the webhooks answer only a ``Host`` of
``127.0.0.1``, ``localhost`` or ``[::1]`` (or a name the server was given: the
``api.listen`` address and, with TLS, the certificate's names, see
`panel.api.listen`), with the API port or no port; anything else gets 421
Misdirected Request.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")

WARNING_WINDOW_S = 60.0
"""After a refusal is logged, further ones are counted and summed up once this long after."""


def host_checker(
    port: Callable[[], int], names: Iterable[str] = ()
) -> Callable[[str | None], bool]:
    """A test of a ``Host`` value: one of the loopback names or `names`, on `port()` or none."""
    allowed = {name.lower() for name in (*LOOPBACK_NAMES, *names)}

    def check(host: str | None) -> bool:
        if not host:
            return False
        name, sep, given = host.strip().lower().rpartition(":")
        if not sep or name == "[":  # no port (a bare IPv6 literal always has brackets)
            name, given = host.strip().lower(), ""
        if name not in allowed:
            return False
        return not given or given == str(port())

    return check


class RefusalLog:
    """Logs the first refused handshake, then at most one summary per `window_s`."""

    def __init__(self, logger: logging.Logger, window_s: float = WARNING_WINDOW_S) -> None:
        self._log = logger
        self._window_s = window_s
        self._since: float | None = None
        self._more = 0
        self._timer: asyncio.TimerHandle | None = None

    def refused(self, message: str, *args: object) -> None:
        """Log `message % args` now, or count it for the next summary."""
        now = time.monotonic()
        if self._since is not None and now - self._since < self._window_s:
            self._more += 1
            if self._timer is None:
                loop = asyncio.get_running_loop()
                self._timer = loop.call_later(self._since + self._window_s - now, self.flush)
            return
        self.flush()
        self._since = now
        self._log.warning(message, *args)

    def flush(self) -> None:
        """Write the summary of what was counted (nothing when nothing was)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._more and self._since is not None:
            elapsed = time.monotonic() - self._since
            self._log.warning(
                "API: refused %d more handshakes in the last %.0f s", self._more, elapsed
            )
        self._more = 0
        self._since = None
