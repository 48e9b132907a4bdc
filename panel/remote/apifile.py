"""The `api.json` file: how a client finds the running engine's API and its token.

The engine writes `<workspace>/api.json` when its API listens and removes it on
exit. The file holds a secret (the bearer token), so:

- it is created with mode 0600 from its very first byte (a temporary file opened
  with `O_CREAT | O_EXCL` and mode 0o600 in the same folder, fsynced, then renamed
  over the old one), never world-readable even for an instant;
- a reader REFUSES a file whose permissions are looser than 0600 (any group or
  other bit set), the way ssh refuses a private key anyone can read: such a token
  must be considered leaked. `read_api_file` raises `ApiFileError`, and
  `opspanel ctl` prints its message and exits 1. (On Windows, where POSIX mode
  bits mean nothing, the check is skipped.) `read_token_file` holds a copied
  token file to the same rule.

When the API serves TLS, ``url`` is ``wss://`` and ``tlsCert`` names the
certificate file, which a client on this machine trusts for that connection.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

API_FILE_NAME = "api.json"
RPC_PATH = "/rpc"
HEALTH_PATH = "/health"


class ApiFileError(Exception):
    """api.json exists but cannot be trusted or understood."""


@dataclass(frozen=True)
class ApiInfo:
    """The content of api.json: where the engine listens and the token it expects."""

    port: int
    token: str
    pid: int
    url: str
    path: Path
    tls_cert: str | None = None
    """The certificate of a TLS API (a local client trusts exactly this one)."""


def api_file_path(ws_dir: Path) -> Path:
    """Where a workspace's api.json lives."""
    return Path(ws_dir) / API_FILE_NAME


def new_token() -> str:
    """A fresh random bearer token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def rpc_url(port: int, host: str = "127.0.0.1", *, tls: bool = False) -> str:
    """The WebSocket URL of the API on `port` (``wss://`` with `tls`)."""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{'wss' if tls else 'ws'}://{host}:{port}{RPC_PATH}"


def write_api_file(
    path: Path,
    port: int,
    token: str,
    pid: int,
    *,
    url: str | None = None,
    tls_cert: str | None = None,
) -> None:
    """Atomically write api.json with mode 0600 (never readable by others, even briefly)."""
    path = Path(path)
    data: dict[str, object] = {"port": port, "token": token, "pid": pid}
    data["url"] = url or rpc_url(port)
    if tls_cert:
        data["tlsCert"] = tls_cert
    payload = (json.dumps(data, indent=2) + "\n").encode("utf-8")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        # The umask can only remove bits; make sure no group/other bit survived.
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable (POSIX only; best effort)."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_api_file(path: Path) -> ApiInfo:
    """Read api.json; FileNotFoundError if absent, ApiFileError if unsafe or malformed."""
    path = Path(path)
    with open(path, "rb") as handle:
        _check_private(path, os.fstat(handle.fileno()))
        raw = handle.read()
    return parse_api_file(raw, path)


def parse_api_file(raw: bytes, path: Path, where: str | None = None) -> ApiInfo:
    """The content of an api.json read from somewhere (`where` names it in errors)."""
    shown = where or str(path)
    try:
        data = json.loads(raw)
        port, token, pid = data["port"], data["token"], data["pid"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ApiFileError(f"{shown} is not a valid API file: {exc}") from None
    if not _is_int(port) or not 0 < port < 65536 or not isinstance(token, str) or not token:
        raise ApiFileError(f"{shown} is not a valid API file: bad port or token")
    if not _is_int(pid):
        raise ApiFileError(f"{shown} is not a valid API file: bad pid")
    url = data.get("url") if isinstance(data.get("url"), str) else rpc_url(port)
    cert = data.get("tlsCert") if isinstance(data.get("tlsCert"), str) else None
    return ApiInfo(port=port, token=token, pid=pid, url=url, path=path, tls_cert=cert)


def read_token_file(path: Path) -> str:
    """The token in a file of its own (first line); refused unless private, like api.json.

    FileNotFoundError if absent; ApiFileError if unsafe or empty.
    """
    path = Path(path)
    with open(path, "rb") as handle:
        advice = f"chmod 600 {path} once you know nobody else read it"
        _check_private(path, os.fstat(handle.fileno()), advice)
        raw = handle.read(64 * 1024)
    lines = raw.decode("utf-8", "replace").strip().splitlines()
    token = lines[0].strip() if lines else ""
    if not token:
        raise ApiFileError(f"{path} holds no token")
    return token


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_private(
    path: Path, st: os.stat_result, advice: str = "restart the engine to write a new one"
) -> None:
    """Refuse a token file that group or others may read or write."""
    if os.name == "nt":
        return
    loose = stat.S_IMODE(st.st_mode) & 0o077
    if loose:
        mode = oct(stat.S_IMODE(st.st_mode))[2:].zfill(4)
        raise ApiFileError(
            f"{path} has permissions {mode}, expected 0600: its token may have leaked; {advice}"
        )


def remove_api_file(path: Path, only_if_token: str | None = None) -> None:
    """Remove api.json if it is there.

    With `only_if_token`, remove it only when it still holds that token, so an
    engine that exits late never deletes the file of the engine that replaced it.
    """
    path = Path(path)
    if only_if_token is not None:
        try:
            if read_api_file(path).token != only_if_token:
                return
        except FileNotFoundError:
            return
        except ApiFileError:
            pass
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
