"""A full disk: recognising it in the errors of file and SQLite writes, and saying so once.

`disk_full(exc, path)` turns the many shapes of "no space" (an OSError with
ENOSPC or EDQUOT, sqlite3's SQLITE_FULL, or an error wrapping either) into one
`DiskFullError` that names the file: ``no space left on device: workspace.db``.
`Condition` logs one line when a condition starts (or its message changes) and
one when it is over, however often the write that hits it is tried.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from pathlib import Path

SQLITE_FULL = 13
"""SQLite's primary result code for "database or disk is full"."""

_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)

NO_SPACE = "no space left on device"
"""What a write that failed for a full disk says (then ``: FILE`` when the file is known)."""


class DiskFullError(OSError):
    """A write to `path` failed because its file system is full (or the quota is used up)."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(errno.ENOSPC, NO_SPACE, str(path))
        self.path = Path(path)

    def __str__(self) -> str:
        return f"{NO_SPACE}: {self.path.name}"


def is_disk_full(exc: BaseException | None) -> bool:
    """True when `exc` (or what it wraps: its cause, context or `orig`) is "no space"."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in _NO_SPACE:
            return True
        if isinstance(exc, sqlite3.Error):
            code = getattr(exc, "sqlite_errorcode", None)
            if (code is not None and code & 0xFF == SQLITE_FULL) or "disk is full" in str(exc):
                return True
        orig = getattr(exc, "orig", None)
        exc = orig if isinstance(orig, BaseException) else (exc.__cause__ or exc.__context__)
    return False


def disk_full(exc: BaseException, path: str | Path) -> DiskFullError | None:
    """`exc` as a `DiskFullError` naming `path`, or None when it is some other failure."""
    if isinstance(exc, DiskFullError):
        return exc
    return DiskFullError(path) if is_disk_full(exc) else None


class Condition:
    """A failing write, logged once when it starts failing and once when it works again."""

    def __init__(self, logger: logging.Logger, what: str) -> None:
        self._log = logger
        self._what = what
        self.error: str | None = None

    @property
    def failing(self) -> bool:
        """True between a failure and the next success."""
        return self.error is not None

    def failed(self, error: BaseException | str, detail: str = "") -> None:
        """A write failed: log it if this is a new condition (or a different message)."""
        text = str(error)
        if text != self.error:
            self.error = text
            self._log.error("%s not written: %s%s", self._what, text, detail)

    def recovered(self, detail: str = "") -> None:
        """A write worked: log the end of the condition, if there was one."""
        if self.error is not None:
            self._log.info("%s written again%s", self._what, detail)
        self.error = None
