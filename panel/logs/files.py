"""Per-source log files on disk, rotated by size.

Each source writes ``<logs_dir>/<safe name>.log``; when the next write would take
the file past `max_bytes`, it is renamed to ``.1`` (``.1`` to ``.2`` and so on, the
oldest beyond `backups` deleted) and a new file is started. Files are only ever
cut between lines, so reading ``.N`` .. ``.1`` then the ``.log`` file gives the
lines in order.

One line per log line, UTF-8::

    2024-05-01T12:34:56.789+02:00 stdout the text of the line

that is: an ISO 8601 timestamp with milliseconds and UTC offset (local time), one
space, the stream name (no spaces), one space, the text (which may hold anything
but a newline). `parse_file_line` reads one back.

Writes are buffered in memory per source and written in big chunks by `flush()`,
which the log hub calls on its batching timer and on close.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from pathlib import Path

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
# Above this much buffered text for one source, write at once instead of on the timer.
EAGER_FLUSH_CHARS = 4 * 1024 * 1024


def safe_name(source: str) -> str:
    """A file name stem for `source`: itself if harmless, else cleaned plus a short hash."""
    cleaned = _UNSAFE.sub("_", source).lstrip(".") or "_"
    if cleaned == source and len(source) <= 100:
        return source
    digest = hashlib.sha1(source.encode("utf-8")).hexdigest()[:8]
    return f"{cleaned[:80]}-{digest}"


_second_cache: list[tuple[int, str, str]] = [(-1, "", "")]


def iso_time(ts: float) -> str:
    """`ts` (epoch seconds) as local ISO 8601 time with milliseconds and UTC offset.

    The date, time and offset are formatted once per second (this runs per chunk).
    """
    second = int(ts // 1)
    cached_second, head, offset = _second_cache[0]
    if second != cached_second:
        stamp = datetime.fromtimestamp(second).astimezone().isoformat(timespec="seconds")
        head, offset = stamp[:19], stamp[19:]
        _second_cache[0] = (second, head, offset)
    return f"{head}.{int((ts - second) * 1000):03d}{offset}"


def parse_file_line(line: str) -> tuple[datetime, str, str]:
    """Split one line of a log file (without its newline) into (time, stream, text)."""
    stamp, stream, text = [*line.split(" ", 2), "", ""][:3]
    return datetime.fromisoformat(stamp), stream, text


class RotatingLogFile:
    """One source's log file: buffered appends, size rotation with numbered backups."""

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        self.path = path
        self.max_bytes = max(1, max_bytes)
        self.backups = max(0, backups)
        self._pending: list[str] = []
        self.pending_chars = 0
        self._file = open(path, "ab", buffering=0)  # noqa: SIM115 - held open, closed in close()
        self._size = self._file.tell()

    def add(self, text: str) -> bool:
        """Buffer `text` (whole lines, each ending in a newline); True when it should be flushed."""
        self._pending.append(text)
        self.pending_chars += len(text)
        return self.pending_chars >= EAGER_FLUSH_CHARS

    def flush(self) -> None:
        """Write everything buffered, rotating between lines as the size limit requires."""
        if not self._pending:
            return
        data = "".join(self._pending).encode("utf-8")
        self._pending.clear()
        self.pending_chars = 0
        view = memoryview(data)
        pos = 0
        while pos < len(data):
            room = self.max_bytes - self._size
            if len(data) - pos <= room:
                cut = len(data)
            else:
                cut = data.rfind(b"\n", pos, pos + max(room, 0)) + 1
                if cut <= pos:  # not even one line fits
                    if self._size > 0:
                        self._rotate()
                        continue
                    cut = data.find(b"\n", pos) + 1 or len(data)  # an over-long line: alone
            self._file.write(view[pos:cut])
            self._size += cut - pos
            pos = cut
            if pos < len(data):
                self._rotate()

    def _rotate(self) -> None:
        """Close the file, shift the backups up by one and start an empty file."""
        self._file.close()
        base = str(self.path)
        if self.backups:
            Path(f"{base}.{self.backups}").unlink(missing_ok=True)
            for n in range(self.backups - 1, 0, -1):
                older = Path(f"{base}.{n}")
                if older.exists():
                    older.replace(f"{base}.{n + 1}")
            self.path.replace(f"{base}.1")
            self._file = open(self.path, "ab", buffering=0)  # noqa: SIM115
        else:
            self._file = open(self.path, "wb", buffering=0)  # noqa: SIM115
        self._size = 0

    def close(self) -> None:
        """Flush and close the file."""
        try:
            self.flush()
        finally:
            self._file.close()

    def files_oldest_first(self) -> list[Path]:
        """The backups that exist, oldest first, then the current file."""
        base = str(self.path)
        olds = [Path(f"{base}.{n}") for n in range(self.backups, 0, -1)]
        return [p for p in olds if p.exists()] + [self.path]
