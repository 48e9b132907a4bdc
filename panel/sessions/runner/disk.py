"""A session folder's disk quota. No Qt.

Enforced three ways: `write_file` refuses a write that would pass it; every command
starts with RLIMIT_FSIZE set to the room left, so no file it writes can grow past
the quota (the kernel stops it with SIGXFSZ); and after each command the folder is
measured again, so many small files that together pass it are reported too.
"""

from __future__ import annotations

import os
import stat

MB = 1024 * 1024


class DiskLimit:
    """At most `limit_mb` MB of files in the session folder `folder`."""

    def __init__(self, folder: str, limit_mb: int) -> None:
        self.folder = folder
        self.limit_mb = limit_mb
        self.limit = limit_mb * MB

    def used(self) -> int:
        """Bytes of the files in the folder now (links are not followed)."""
        total = 0
        for top, dirs, files in os.walk(self.folder, followlinks=False):
            for name in files + dirs:
                try:
                    info = os.lstat(os.path.join(top, name))
                except OSError:
                    continue
                if stat.S_ISREG(info.st_mode):
                    total += info.st_size
        return total

    def used_mb(self) -> float:
        """`used()` in MB."""
        return self.used() / MB

    def would_exceed(self, more: int) -> bool:
        """True when `more` bytes on top of what the folder holds pass the limit."""
        return self.used() + more > self.limit

    def full(self) -> bool:
        """True when the folder holds as much as the limit allows, or more."""
        return self.used() >= self.limit

    def room(self) -> int:
        """Bytes that may still be written (the file size limit of the next command)."""
        return max(self.limit - self.used(), 0)
