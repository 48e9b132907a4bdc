"""The result of reaching an engine: what a client needs to connect, and how to let go."""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any


@dataclass
class Endpoint:
    """Where and how to open the engine's WebSocket.

    `url` is the engine's own address: the ``Host`` header and the TLS server name
    come from it. `dial`, when set, is where the TCP connection really goes (the
    local end of an SSH forward). `close()` ends what was started to get here;
    call it once the connection is closed (it is safe to call twice).
    """

    url: str
    token: str
    ssl: ssl.SSLContext | None = None
    pid: int | None = None
    where: str = ""
    """How messages name this engine: ``workspace /x``, ``ssh://host``, the URL."""
    dial: tuple[str, int] | None = None
    _closers: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def headers(self) -> dict[str, str]:
        """The handshake headers (the bearer token)."""
        return {"Authorization": f"Bearer {self.token}"}

    def async_connect_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``websockets.asyncio.client.connect(endpoint.url, ...)``."""
        kwargs: dict[str, Any] = {"additional_headers": self.headers(), "proxy": None}
        if self.ssl is not None:
            kwargs["ssl"] = self.ssl
        if self.dial is not None:
            kwargs["host"], kwargs["port"] = self.dial
        return kwargs

    def on_close(self, closer: Callable[[], None]) -> None:
        """Run `closer` on `close()` (last added, first run)."""
        self._closers.append(closer)

    def close(self) -> None:
        """Tear down whatever was started for this endpoint (an SSH tunnel)."""
        while self._closers:
            closer = self._closers.pop()
            with contextlib.suppress(Exception):
                closer()

    def __enter__(self) -> Endpoint:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
