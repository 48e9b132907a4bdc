"""The zygote's messages: one JSON object per SOCK_SEQPACKET datagram (no Qt).

panel -> zygote: ``{"spawn": token, "argv": [...], "env": {...}, "cwd": str,
"cgroup": path | null}`` with the child's stdin, stdout and stderr as SCM_RIGHTS.
zygote -> panel: ``{"ready": pid, "version": str}`` once, then
``{"spawned": pid, "token": t}``, ``{"failed": token, "error": str}``,
``{"stale": token}`` (the code changed: start a new zygote and ask it) and
``{"exited": pid, "code": int, "signal": int}``.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from typing import Any

MAX_MESSAGE = 1 << 20
"""Largest datagram either side sends (an environment fits many times over)."""
CHILD_FDS = 3
"""Descriptors passed with a spawn request: the child's 0, 1 and 2."""


def encode(message: dict[str, Any]) -> bytes:
    """One datagram."""
    return json.dumps(message, separators=(",", ":")).encode("utf-8")


def decode(data: bytes) -> dict[str, Any] | None:
    """The object in one datagram, None when it is not one."""
    try:
        message = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return message if isinstance(message, dict) else None


def receive(sock: socket.socket) -> tuple[dict[str, Any] | None, list[int], bool]:
    """(message, fds, eof) of the next datagram (blocking unless `sock` is not)."""
    data, fds, _flags, _addr = socket.recv_fds(sock, MAX_MESSAGE, CHILD_FDS)
    if not data:
        for fd in fds:
            _close(fd)
        return None, [], True
    return decode(data), list(fds), False


def _close(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)
