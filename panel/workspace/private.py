"""The workspace is private: its folder 0700, its database and secrets 0600.

New files are created so; an existing folder or file of ours that others could
read is tightened when the workspace is opened.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from pathlib import Path

from panel.workspace.errors import WorkspaceError

EMPTY_WAIT_S = 1.0
"""How long a 0-byte database may stay empty before it is refused: another process
that is creating the workspace writes the first page within milliseconds."""


def tighten(path: Path, mode: int) -> None:
    """chmod `path` to `mode` when it is ours and allows more than that (links untouched)."""
    with contextlib.suppress(OSError):
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode) or info.st_uid != os.geteuid():
            return
        if stat.S_IMODE(info.st_mode) & ~mode:
            os.chmod(path, stat.S_IMODE(info.st_mode) & mode)


def prepare_database_file(db: Path) -> None:
    """Create `db` 0600 when missing (SQLite gives its -wal and -shm the same mode).

    A database file that exists but is empty is not a new workspace: opening it
    would silently start over with the default configuration (and start the
    demo server), so it is refused with what to do.
    """
    try:
        fd = os.open(db, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        _refuse_if_empty(db)
    else:
        os.close(fd)
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        tighten(db.with_name(db.name + suffix), 0o600)


def _refuse_if_empty(db: Path) -> None:
    deadline = time.monotonic() + EMPTY_WAIT_S
    while True:
        try:
            if os.path.getsize(db) > 0:
                return
        except OSError:
            return  # gone: SQLite will say what it finds
        if time.monotonic() >= deadline:
            break
        time.sleep(0.02)  # a bounded wait for a creator that is writing its first page
    raise WorkspaceError(
        f"{db}: the database file is empty (0 bytes), so this is not a new workspace and "
        "its configuration is lost; restore workspace.db from a backup, or delete it to "
        "start this workspace anew with the default configuration"
    )
