"""TCP port helpers: is a port free, who holds it, the next free one."""

from __future__ import annotations

import contextlib
import socket
from dataclasses import dataclass

import psutil


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when a listening socket could bind `host:port` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def next_free_port(start: int, host: str = "127.0.0.1", limit: int = 200) -> int | None:
    """The first free port after `start`, looking at most `limit` ports ahead."""
    for port in range(start + 1, min(start + 1 + limit, 65536)):
        if port_is_free(port, host):
            return port
    return None


def ephemeral_port(host: str = "127.0.0.1") -> int:
    """A port the OS says is free now (for tests and first-run defaults)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class PortHolder:
    """The process listening on a port, as far as the OS lets us see."""

    pid: int | None
    name: str


def port_holder(port: int) -> PortHolder | None:
    """Who listens on TCP `port`; None when nobody does."""
    try:
        conns = psutil.net_connections(kind="tcp")
    except psutil.AccessDenied:
        conns = []
    for conn in conns:
        if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port:
            name = "unknown process"
            if conn.pid:
                with contextlib.suppress(psutil.Error):
                    name = psutil.Process(conn.pid).name()
            return PortHolder(conn.pid, name)
    return None
