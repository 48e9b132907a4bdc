"""Where a worker's IPC socket lives: ``<workspace>/run/w-<pid>.sock`` (folder 0700, socket 0600).

Both ends compute the path from the worker's pid, so a restarted engine reaches a
worker it did not start from its recorded pid alone, and a stale socket file of an
earlier worker is never mistaken for a live one (its pid differs). No Qt: the
worker uses this too.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

RUN_DIR = "run"
"""The folder of the workspace holding the workers' sockets."""

SUN_PATH_MAX = 100
"""Longest socket path used as is (the kernel's limit is 108 bytes with the NUL)."""

_DIR_FDS: dict[str, int] = {}


def run_dir(workspace_root: Path | str) -> Path:
    """The run folder of a workspace (not created)."""
    return Path(workspace_root) / RUN_DIR


def prepare_run_dir(folder: Path | str) -> Path:
    """Create `folder` if needed and make it 0700 (only its owner may reach the sockets)."""
    path = Path(folder)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def socket_name(pid: int) -> str:
    """The file name of worker `pid`'s socket."""
    return f"w-{pid}.sock"


def socket_path(folder: Path | str, pid: int) -> str:
    """The path to bind or connect to for worker `pid` in `folder`.

    A path too long for a Unix socket address (a deep workspace) goes through
    ``/proc/self/fd/N/``, N an O_PATH descriptor of the folder kept open.
    """
    full = os.path.join(os.fspath(folder), socket_name(pid))
    if len(full.encode()) <= SUN_PATH_MAX:
        return full
    key = os.fspath(folder)
    fd = _DIR_FDS.get(key)
    if fd is None:
        fd = os.open(key, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
        _DIR_FDS[key] = fd
    return f"/proc/self/fd/{fd}/{socket_name(pid)}"


def remove_socket(folder: Path | str, pid: int) -> None:
    """Remove worker `pid`'s socket file (no error when it is gone)."""
    with contextlib.suppress(OSError):
        os.unlink(os.path.join(os.fspath(folder), socket_name(pid)))
