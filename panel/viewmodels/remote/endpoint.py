"""Where a remote engine is, resolved afresh on every (re)connect.

An engine that restarts gets a new port and a new token, written to its
workspace's api.json; so an endpoint is a recipe (`resolve`) rather than an
address, and the link calls it before every attempt. `workspace_endpoint` is the
engine of a workspace on this machine; `remote_endpoint` (in `reach`) any target
ctl takes: a workspace, ``wss://host:port`` or ``ssh://[user@]host[/workspace]``.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from websockets.sync.client import ClientConnection

from panel import __version__
from panel.api.apifile import ApiFileError, api_file_path, read_api_file
from panel.api.client import (
    VERSION_HEADER,
    EngineNotRunning,
    handshake_failure,
    open_websocket,
)
from panel.remote.errors import EngineRefused
from panel.remote.tls import pinned_context
from panel.remote.version import check_version

CONNECT_TIMEOUT_S = 3.0


class EndpointError(Exception):
    """The engine cannot be reached: one sentence saying why.

    `refused` is True when something answered but refused the window or cannot be
    trusted (a wrong token, a host key mismatch, an untrusted certificate, another
    engine version), False when nothing answered (no engine, host unreachable).
    """

    def __init__(self, message: str, refused: bool = False) -> None:
        super().__init__(message)
        self.refused = refused


@dataclass(frozen=True)
class Address:
    """One resolved address of an engine: URL, token, TLS context, pid when known."""

    url: str
    token: str
    ssl_context: ssl.SSLContext | None = None
    pid: int | None = None
    dial: tuple[str, int] | None = None
    """Where the TCP connection really goes (the local end of an SSH tunnel); None: the URL."""
    local: bool = True
    """True when the engine runs on this machine (its pid can be checked here)."""


def _nothing() -> None:
    """Nothing to let go of."""


@dataclass(frozen=True)
class Endpoint:
    """An engine the window can attach to: a name for people and a way to find it."""

    where: str
    """How the window names it: a workspace folder or a URL."""
    resolve: Callable[[], Address]
    """The current address; raises EndpointError when there is none. Called from a
    background thread before every (re)connect; it may block (SSH) for seconds."""
    workspace: Path | None = None
    """The local workspace folder, when the engine runs on this machine."""
    close: Callable[[], None] = _nothing
    """Let go of what `resolve` started (an SSH tunnel); the link calls it when it closes."""
    token_source: str = "api.json"
    """Where the token comes from, for the sentence of a refused token."""


def workspace_endpoint(ws_dir: Path) -> Endpoint:
    """The engine of a workspace on this machine, found through its api.json."""

    def resolve() -> Address:
        path = api_file_path(ws_dir)
        try:
            info = read_api_file(path)
        except FileNotFoundError:
            raise EndpointError(f"the engine of {ws_dir} is not running (no {path.name})") from None
        except ApiFileError as exc:
            raise EndpointError(str(exc), refused=True) from None
        context = pinned_context(info.tls_cert) if info.tls_cert else None
        return Address(info.url, info.token, context, info.pid)

    return Endpoint(str(ws_dir), resolve, ws_dir)


def open_connection(endpoint: Endpoint) -> ClientConnection:
    """Connect to the endpoint's current address (blocking); EndpointError says why not.

    Refuses an engine of another major.minor version (its ``X-OpsPanel-Version``).
    """
    address = endpoint.resolve()
    ws = _handshake(endpoint, address)
    response = ws.response
    try:
        engine = response.headers.get(VERSION_HEADER) if response is not None else None
        check_version(engine, __version__, "window")
    except EngineRefused as exc:
        ws.close()
        raise EndpointError(str(exc), refused=True) from None
    return ws


def _handshake(endpoint: Endpoint, address: Address) -> ClientConnection:
    try:
        return open_websocket(
            address.url,
            address.token,
            CONNECT_TIMEOUT_S,
            address.ssl_context,
            address.dial,
            "opspanel-window",
        )
    except Exception as exc:
        pid = address.pid if address.local else None
        failure = handshake_failure(exc, address.url, endpoint.where, pid, endpoint.token_source)
        if failure is exc:
            raise EndpointError(
                f"the engine of {endpoint.where} does not answer ({exc or type(exc).__name__})"
            ) from None
        raise EndpointError(
            str(failure), refused=not isinstance(failure, EngineNotRunning)
        ) from None
