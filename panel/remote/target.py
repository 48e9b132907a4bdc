"""What a target string names: a workspace folder, a TLS URL or an SSH host."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from panel.remote.apifile import RPC_PATH
from panel.remote.errors import RemoteError

_HOST_NAME = re.compile(r"^[A-Za-z0-9_.:%\[\]-]+$")
_USER_NAME = re.compile(r"^[A-Za-z0-9_.][A-Za-z0-9_.@-]*$")


@dataclass(frozen=True)
class WorkspaceTarget:
    """An engine on this machine, found through its workspace's api.json."""

    folder: Path


@dataclass(frozen=True)
class UrlTarget:
    """An engine's WebSocket URL (``wss://``, or ``ws://`` on loopback only)."""

    url: str
    host: str


@dataclass(frozen=True)
class SshTarget:
    """``ssh://[user@]host[:port][/workspace]``; `workspace` None: the remote default."""

    host: str
    user: str | None = None
    port: int | None = None
    workspace: str | None = None

    @property
    def destination(self) -> str:
        """``user@host`` or ``host`` as ssh takes it."""
        host = self.host[1:-1] if self.host.startswith("[") else self.host
        return f"{self.user}@{host}" if self.user else host

    def __str__(self) -> str:
        port = f":{self.port}" if self.port else ""
        user = f"{self.user}@" if self.user else ""
        return f"ssh://{user}{self.host}{port}"


Target = WorkspaceTarget | UrlTarget | SshTarget


def parse_target(text: str | Path | None) -> Target:
    """The target `text` names; RemoteError (one sentence) when it is malformed.

    None or a path: a workspace folder (None: the per-user default). ``https://``
    is taken as ``wss://`` and ``http://`` as ``ws://``; a URL without a path gets
    ``/rpc``.
    """
    if text is None or isinstance(text, Path):
        return WorkspaceTarget(_workspace(text))
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme == "ssh":
        return _ssh(text)
    if scheme in ("ws", "wss", "http", "https"):
        return _url(text, scheme)
    if scheme:
        raise RemoteError(f"cannot reach {text}: use wss://, https:// or ssh:// (not {scheme}://)")
    return WorkspaceTarget(_workspace(text))


def _workspace(path: str | Path | None) -> Path:
    from panel.workspace.location import resolve_workspace_dir

    return resolve_workspace_dir(str(path) if path is not None else None)


def _url(text: str, scheme: str) -> UrlTarget:
    parts = urlsplit(text)
    ws_scheme = {"http": "ws", "https": "wss"}.get(scheme, scheme)
    try:
        parts.port  # noqa: B018 (only checked: the URL keeps its own text)
    except ValueError:
        raise RemoteError(f"{text} has a bad port number") from None
    host = parts.hostname
    if not host:
        raise RemoteError(f"{text} names no host")
    netloc = parts.netloc.rpartition("@")[2]
    path = parts.path if parts.path not in ("", "/") else RPC_PATH
    return UrlTarget(f"{ws_scheme}://{netloc}{path}", host)


def _ssh(text: str) -> SshTarget:
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        raise RemoteError(f"{text} has a bad port number") from None
    netloc = parts.netloc
    user, _, hostport = netloc.rpartition("@")
    host = hostport if hostport.startswith("[") and hostport.endswith("]") else parts.hostname
    if not host or host.startswith("-") or not _HOST_NAME.match(host):
        raise RemoteError(f"{text} names no usable host")
    user = unquote(user)
    if user and (user.startswith("-") or not _USER_NAME.match(user)):
        raise RemoteError(f"{text} has a bad user name {user!r}")
    path = unquote(parts.path)
    workspace = None
    if path not in ("", "/"):
        workspace = path[1:] if path.startswith("/~") else path
    return SshTarget(host=host, user=user or None, port=port, workspace=workspace)
