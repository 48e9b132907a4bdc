"""`open_endpoint`: from a target to an `Endpoint` a client can connect with."""

from __future__ import annotations

import ssl
from pathlib import Path
from urllib.parse import urlsplit

from panel.remote.apifile import api_file_path, read_api_file, read_token_file
from panel.remote.endpoint import Endpoint
from panel.remote.errors import EngineUnreachable, RemoteError
from panel.remote.ssh import SshTunnel, read_remote_api_file, ssh_argv
from panel.remote.target import SshTarget, UrlTarget, WorkspaceTarget, parse_target
from panel.remote.tls import client_context, pinned_context

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def open_endpoint(
    target: str | Path | None = None,
    *,
    token_file: Path | str | None = None,
    tls_ca: Path | str | None = None,
    ssh_config: Path | str | None = None,
    ssh_program: str = "ssh",
) -> Endpoint:
    """Reach the engine `target` names (see `panel.remote`); close the result when done.

    Raises EngineUnreachable (no engine, host unreachable) or RemoteError (refused,
    untrusted, malformed), each with one sentence; ApiFileError for an api.json or
    token file that is unsafe (not 0600) or malformed.
    """
    parsed = parse_target(target)
    if isinstance(parsed, WorkspaceTarget):
        return workspace_endpoint(parsed.folder)
    if isinstance(parsed, UrlTarget):
        return _url_endpoint(parsed, token_file, tls_ca)
    return _ssh_endpoint(parsed, ssh_config, ssh_program)


def workspace_endpoint(folder: Path) -> Endpoint:
    """The engine of a workspace on this machine, as its api.json describes it."""
    path = api_file_path(folder)
    try:
        info = read_api_file(path)
    except FileNotFoundError:
        raise EngineUnreachable(
            f"the engine is not running for workspace {folder} (no {path.name})"
        ) from None
    context = pinned_context(info.tls_cert) if info.tls_cert else None
    return Endpoint(info.url, info.token, context, info.pid, f"workspace {folder}")


def _url_endpoint(
    target: UrlTarget, token_file: Path | str | None, tls_ca: Path | str | None
) -> Endpoint:
    if token_file is None:
        raise RemoteError(
            f"{target.url} needs the engine's token: pass --token-file FILE "
            "(or set OPSPANEL_TOKEN_FILE)"
        )
    secure = target.url.startswith("wss://")
    if not secure and target.host.lower() not in LOOPBACK:
        raise RemoteError(
            f"refusing to send the token unencrypted to {target.host}: use wss:// "
            "(the engine's api.tlsCert/api.tlsKey) or ssh://"
        )
    try:
        token = read_token_file(Path(token_file))
    except FileNotFoundError:
        raise RemoteError(f"no token file {token_file}") from None
    except IsADirectoryError:
        raise RemoteError(f"{token_file} is a folder, not a token file") from None
    except PermissionError:
        raise RemoteError(f"cannot read the token file {token_file}: permission denied") from None
    context = client_context(tls_ca) if secure else None
    return Endpoint(target.url, token, context, None, target.url)


def _ssh_endpoint(target: SshTarget, config: Path | str | None, program: str) -> Endpoint:
    base = ssh_argv(target, program=program, config=config)
    info = read_remote_api_file(target, base)
    # The URL stays the engine's own (its Host check wants its address and port);
    # only the TCP connection goes to the local end of the forward.
    remote_host = urlsplit(info.url).hostname or "127.0.0.1"
    tunnel = SshTunnel(target, base, remote_host, info.port)
    local_port = tunnel.open()
    context = tunnelled_tls_context(info.url)
    endpoint = Endpoint(
        info.url, info.token, context, info.pid, str(target), ("127.0.0.1", local_port)
    )
    endpoint.on_close(tunnel.close)
    return endpoint


def tunnelled_tls_context(url: str) -> ssl.SSLContext | None:
    """The TLS context for an engine's `url` reached through an SSH tunnel (None: ws://).

    The remote certificate file is not here; SSH already authenticated the host and
    carries the connection, so TLS inside it is not verified again.
    """
    if not url.startswith("wss://"):
        return None
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context
