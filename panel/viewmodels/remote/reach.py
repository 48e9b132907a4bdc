"""`remote_endpoint`: a window reaches any engine ctl can reach (workspace, wss://, ssh://).

`panel.remote` does the reaching (api.json, token files, TLS, the OpenSSH client);
this module turns it into the window's `Endpoint`, whose `resolve()` runs again
before every reconnect, so an engine restarted with a new port and token is found.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from panel.remote.apifile import ApiFileError
from panel.remote.connect import open_endpoint, tunnelled_tls_context
from panel.remote.errors import EngineUnreachable, RemoteError
from panel.remote.ssh import SshTunnel, read_remote_api_file, ssh_argv
from panel.remote.target import SshTarget, UrlTarget, WorkspaceTarget, parse_target
from panel.viewmodels.remote.endpoint import Address, Endpoint, EndpointError, workspace_endpoint

T = TypeVar("T")

CLOSED = "the window closed the connection"


def remote_endpoint(
    target: str | Path,
    *,
    token_file: Path | str | None = None,
    tls_ca: Path | str | None = None,
    ssh_config: Path | str | None = None,
    ssh_program: str = "ssh",
) -> Endpoint:
    """The engine `target` names, as ``opspanel ctl --url`` names one, for a `RemoteLink`.

    - ``ssh://[user@]host[:port][/workspace]``: every `resolve()` reads the remote
      api.json over SSH (a restarted engine has a new port and token) and keeps the
      SSH tunnel while it runs and still leads to that port, else closes it and
      opens a new one. `ssh_config` is passed as ``ssh -F``.
    - ``wss://host:port`` (or ``https://``): the token in `token_file` (0600, read
      again on every resolve), the certificate trusted with `tls_ca` (its CA or the
      certificate itself; default: the system's CAs).
    - a workspace folder (a `Path`, or a string without ``://``): its api.json here.

    Raises EndpointError (one sentence) at once when `target` is malformed, or for a
    URL when the token file or TLS CA file is missing or unsafe (nothing is dialled
    yet); `resolve()` raises EndpointError with the sentences ctl prints. Call
    `Endpoint.close()` when done (`RemoteLink.close()` does): it ends the tunnel. Should
    the process die first, even by SIGKILL, the tunnel gets SIGTERM (Linux's
    parent-death signal).
    """
    with _sentences():
        parsed = parse_target(target)
    if isinstance(parsed, WorkspaceTarget):
        return workspace_endpoint(parsed.folder)
    if isinstance(parsed, UrlTarget):
        return _url_endpoint(parsed, token_file, tls_ca)
    reach = _SshReach(parsed, ssh_config, ssh_program)
    return Endpoint(
        str(parsed), reach.resolve, close=reach.close, token_source=f"the api.json on {parsed}"
    )


def _url_endpoint(
    target: UrlTarget, token_file: Path | str | None, tls_ca: Path | str | None
) -> Endpoint:
    def resolve() -> Address:
        with _sentences():
            found = open_endpoint(target.url, token_file=token_file, tls_ca=tls_ca)
        return Address(found.url, found.token, found.ssl, None, found.dial, local=False)

    resolve()  # no token file, an unreadable one, plain ws:// to another host: say so now
    return Endpoint(target.url, resolve, token_source="the token file")


@contextmanager
def _sentences() -> Iterator[None]:
    """panel.remote's errors as EndpointError, keeping their sentences."""
    try:
        yield
    except EngineUnreachable as exc:
        raise EndpointError(str(exc)) from None
    except (RemoteError, ApiFileError) as exc:
        raise EndpointError(str(exc), refused=True) from None


class _SshReach:
    """The SSH side of a remote endpoint: api.json read afresh, the tunnel kept while useful.

    Linux ties a child's parent-death signal to the *thread* that started it, and
    `resolve()` runs on short-lived connecting threads: so tunnels are started on
    one thread of our own that lives as long as the endpoint.
    """

    def __init__(self, target: SshTarget, config: Path | str | None, program: str) -> None:
        self._target = target
        self._base = ssh_argv(target, program=program, config=config)
        self._resolving = threading.Lock()
        self._state = threading.Lock()
        self._tunnel: SshTunnel | None = None
        self._forward: tuple[str, int] | None = None
        self._closed = False
        self._starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ssh-tunnel")

    def resolve(self) -> Address:
        with self._resolving:
            try:
                with _sentences():
                    self._check_open()
                    info = read_remote_api_file(self._target, self._base)
                    host = urlsplit(info.url).hostname or "127.0.0.1"
                    tunnel = self._tunnel_to(host, info.port)
            except EndpointError:
                self._drop_tunnel()  # nothing (or nothing useful) to forward to
                raise
            context = tunnelled_tls_context(info.url)
            dial = ("127.0.0.1", tunnel.local_port)
            return Address(info.url, info.token, context, info.pid, dial, local=False)

    def _check_open(self) -> None:
        if self._closed:
            raise EngineUnreachable(CLOSED)

    def _tunnel_to(self, host: str, port: int) -> SshTunnel:
        with self._state:
            current = self._tunnel
            if current is not None and current.pid is not None and self._forward == (host, port):
                return current
        self._drop_tunnel()
        fresh = SshTunnel(self._target, self._base, host, port)
        try:
            self._on_starter(fresh.open)
        except BaseException:
            fresh.close()
            raise
        with self._state:
            if not self._closed:
                self._tunnel, self._forward = fresh, (host, port)
                return fresh
        fresh.close()  # the window closed while the tunnel opened
        raise EngineUnreachable(CLOSED)

    def _on_starter(self, work: Callable[[], T]) -> T:
        try:
            future = self._starter.submit(work)
        except RuntimeError:  # shut down: the endpoint was closed meanwhile
            raise EngineUnreachable(CLOSED) from None
        return future.result()

    def _drop_tunnel(self) -> None:
        with self._state:
            tunnel, self._tunnel, self._forward = self._tunnel, None, None
        if tunnel is not None:
            tunnel.close()

    def close(self) -> None:
        """End the tunnel; every later `resolve()` fails."""
        with self._state:
            self._closed = True
        self._drop_tunnel()
        self._starter.shutdown(wait=False)
