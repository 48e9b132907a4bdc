"""Where a remote engine is, resolved afresh on every (re)connect.

An engine that restarts gets a new port and a new token, written to its
workspace's api.json; so an endpoint is a recipe (`resolve`) rather than an
address, and the link calls it before every attempt.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from websockets.exceptions import InvalidHandshake, InvalidStatus, InvalidURI
from websockets.sync.client import ClientConnection, connect

from panel.api.apifile import ApiFileError, api_file_path, read_api_file
from panel.api.client import _DIRECT, MAX_RESPONSE_BYTES

CONNECT_TIMEOUT_S = 3.0


class EndpointError(Exception):
    """The engine cannot be reached: one sentence saying why."""


@dataclass(frozen=True)
class Address:
    """One resolved address of an engine: URL, token, TLS context, pid when known."""

    url: str
    token: str
    ssl_context: ssl.SSLContext | None = None
    pid: int | None = None


@dataclass(frozen=True)
class Endpoint:
    """An engine the window can attach to: a name for people and a way to find it."""

    where: str
    """How the window names it: a workspace folder or a URL."""
    resolve: Callable[[], Address]
    """The current address; raises EndpointError when there is none."""
    workspace: Path | None = None
    """The local workspace folder, when the engine runs on this machine."""


def workspace_endpoint(ws_dir: Path) -> Endpoint:
    """The engine of a workspace on this machine, found through its api.json."""

    def resolve() -> Address:
        path = api_file_path(ws_dir)
        try:
            info = read_api_file(path)
        except FileNotFoundError:
            raise EndpointError(f"the engine of {ws_dir} is not running (no {path.name})") from None
        except ApiFileError as exc:
            raise EndpointError(str(exc)) from None
        return Address(info.url, info.token, None, info.pid)

    return Endpoint(str(ws_dir), resolve, ws_dir)


def open_connection(endpoint: Endpoint) -> ClientConnection:
    """Connect to the endpoint's current address (blocking); EndpointError says why not."""
    address = endpoint.resolve()
    try:
        return connect(
            address.url,
            additional_headers={"Authorization": f"Bearer {address.token}"},
            proxy=None,
            compression=None,
            open_timeout=CONNECT_TIMEOUT_S,
            max_size=MAX_RESPONSE_BYTES,
            user_agent_header="opspanel-window",
            ssl=address.ssl_context,
            **_DIRECT,
        )
    except InvalidStatus as exc:
        if exc.response.status_code == 401:
            raise EndpointError(
                f"the engine at {endpoint.where} refused the token (401 unauthorized)"
            ) from None
        raise EndpointError(
            f"the engine at {endpoint.where} answered HTTP {exc.response.status_code}"
        ) from None
    except ssl.SSLError as exc:
        raise EndpointError(f"TLS failed with {endpoint.where}: {exc.reason or exc}") from None
    except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as exc:
        reason = "connection refused" if isinstance(exc, ConnectionRefusedError) else str(exc)
        raise EndpointError(
            f"the engine at {endpoint.where} does not answer ({reason or type(exc).__name__})"
        ) from None
