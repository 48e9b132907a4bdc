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
which the log hub calls on its batching timer and on close. A full disk is
logged once; the lines wait in memory (bounded) and are written when there is
room again.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import time
from datetime import datetime
from io import FileIO
from pathlib import Path

from panel.util.diskfull import Condition, disk_full

log = logging.getLogger("panel.logs")

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
# Above this much buffered text for one source, write at once instead of on the timer.
EAGER_FLUSH_CHARS = 4 * 1024 * 1024
MAX_HELD_BYTES = 4 * 1024 * 1024
"""While a file cannot be written, at most this much of its lines waits in memory."""
RETRY_S = 1.0
"""How soon a write that failed (a full disk) is tried again."""


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
    """One source's log file: buffered appends, size rotation with numbered backups.

    A write that fails (a full disk) neither raises nor spins: what was not
    written is held in memory (at most `MAX_HELD_BYTES`, the oldest lines
    dropped beyond that) and tried again `RETRY_S` later; one line is logged
    when the file stops being written and one when it is written again.
    """

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        self.path = path
        self.max_bytes = max(1, max_bytes)
        self.backups = max(0, backups)
        self._pending: list[str] = []
        self.pending_chars = 0
        self._held = b""  # encoded, not written yet (after a failed write)
        self.dropped_bytes = 0
        self._retry_at = 0.0
        self._condition = Condition(log, f"log file {path.name}")
        self._file: FileIO | None = None
        self._size = 0
        self._pos = 0  # how far the write in progress got
        self._mid_line = False  # the file ends in part of the first held line
        try:
            self._open()
        except OSError:
            self._file = None  # opened on the first write, which reports a failure (the
            # hub may be creating its own log's file right now: no logging from here)

    def _open(self, mode: str = "ab") -> None:
        self._file = FileIO(self.path, mode)
        self._size = self._file.seek(0, os.SEEK_END)

    @property
    def failing(self) -> bool:
        """True while the file cannot be written (its lines are held in memory)."""
        return self._condition.failing

    def add(self, text: str) -> bool:
        """Buffer `text` (whole lines, each ending in a newline); True when it should be flushed."""
        self._pending.append(text)
        self.pending_chars += len(text)
        return self.pending_chars >= EAGER_FLUSH_CHARS and not self.failing

    def flush(self, force: bool = False) -> None:
        """Write everything buffered, rotating between lines as the size limit requires.

        After a failed write the next try waits `RETRY_S` (unless `force`).
        """
        if not (self._pending or self._held):
            return
        if self.failing and not force and time.monotonic() < self._retry_at:
            self._hold(b"")  # keeps the memory held within bounds
            return
        data = self._held + "".join(self._pending).encode("utf-8")
        self._pending.clear()
        self.pending_chars = 0
        self._held = b""
        written, error = self._write(data)
        if error is not None:
            self._mid_line = 0 < written < len(data) and data[written - 1] != 0x0A
            self._hold(data[written:])
            self._failed(error)
            return
        self._mid_line = False
        dropped, self.dropped_bytes = self.dropped_bytes, 0
        self._condition.recovered(f" ({dropped} bytes of lines dropped)" if dropped else "")

    def _write(self, data: bytes) -> tuple[int, OSError | None]:
        """Write `data` cut into files: how much was written, and the error that stopped it."""
        view = memoryview(data)
        self._pos = 0
        try:
            while self._pos < len(data):
                pos = self._pos
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
                self._write_all(view, cut)
                if self._pos < len(data):
                    self._rotate()
        except OSError as exc:
            return self._pos, exc
        return self._pos, None

    def _write_all(self, view: memoryview, cut: int) -> None:
        """Write `view[self._pos:cut]`, short writes continued (`_pos` follows each one)."""
        if self._file is None:
            self._open()
        assert self._file is not None
        while self._pos < cut:
            n = self._file.write(view[self._pos : cut]) or 0
            if n <= 0:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.path))
            self._pos += n
            self._size += n

    def _hold(self, data: bytes) -> None:
        """Keep `data` and the buffered lines for a later try, dropping the oldest lines
        beyond `MAX_HELD_BYTES`."""
        self._held += data
        if self._pending and len(self._held) + self.pending_chars > MAX_HELD_BYTES:
            self._held += "".join(self._pending).encode("utf-8")
            self._pending.clear()
            self.pending_chars = 0
        excess = len(self._held) - MAX_HELD_BYTES
        if excess > 0:
            cut = self._held.find(b"\n", excess) + 1 or len(self._held)
            self.dropped_bytes += cut
            # the end of a line begun in the file goes too: that line is ended as it is
            self._held = (b"\n" if self._mid_line else b"") + self._held[cut:]
            self._mid_line = False

    def _failed(self, exc: OSError) -> None:
        self._retry_at = time.monotonic() + RETRY_S
        error = disk_full(exc, self.path) or exc
        self._condition.failed(error, f" (held in memory, tried again every {RETRY_S:g} s)")

    def _rotate(self) -> None:
        """Close the file, shift the backups up by one and start an empty file."""
        if self._file is not None:
            self._file.close()
            self._file = None
        base = str(self.path)
        if self.backups:
            Path(f"{base}.{self.backups}").unlink(missing_ok=True)
            for n in range(self.backups - 1, 0, -1):
                older = Path(f"{base}.{n}")
                if older.exists():
                    older.replace(f"{base}.{n + 1}")
            if self.path.exists():
                self.path.replace(f"{base}.1")
            self._open()
        else:
            self._open("wb")
        self._size = 0

    def close(self) -> None:
        """Flush (one last try, whatever is left unwritten is dropped) and close the file."""
        try:
            self.flush(force=True)
        finally:
            if self._file is not None:
                self._file.close()
                self._file = None

    def files_oldest_first(self) -> list[Path]:
        """The backups that exist, oldest first, then the current file."""
        base = str(self.path)
        olds = [Path(f"{base}.{n}") for n in range(self.backups, 0, -1)]
        return [p for p in olds if p.exists()] + [self.path]
