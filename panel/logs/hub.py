"""`LogHub`: where every log line of the panel and its children goes.

Raw chunks from a child's pipes come in through `feed()`; they are split into
lines (a partial line waits per source and stream for its newline), stamped
with the time of arrival, kept in a bounded in-memory ring (`LogRing`) and
buffered for the per-source rotating file (`RotatingLogFile`). Listeners hear of
new lines through `sig_appended`, at most about 20 times a second: one
single-shot QTimer batches them (it also writes the files), so a flood of lines
costs a handful of Qt calls per second, never one per line.

The hot path does no per-line Python work: one decode and one ``str.split`` per
chunk, slice assignments into the ring's columns, one ``str.replace`` to make the
file text. Levels are parsed later, only when somebody asks (see `LogRing`).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from panel.logs.files import RotatingLogFile, iso_time, safe_name
from panel.logs.levels import LogLevel
from panel.logs.ring import UNPARSED
from panel.logs.store import RING_BYTES, LogStore

__all__ = ["RING_BYTES", "HubLogHandler", "LogHub", "level_of_record"]

BATCH_INTERVAL_MS = 50
"""Shortest time between two `sig_appended` emissions (and file writes)."""
MAX_PARTIAL_BYTES = 1024 * 1024
"""A line still without newline past this size is cut and stored as it is."""
MAX_LINE_BYTES = 1024 * 1024
"""A longer line is cut in memory (with `CUT_MARK`); its file keeps it whole."""
CUT_MARK = " [line cut at {limit} bytes]"


class LogHub(LogStore):
    """Collects log lines from every source into a ring buffer and per-source files.

    `sig_appended` is emitted at most every `BATCH_INTERVAL_MS` ms."""

    _sig_foreign_line = Signal(str, str, str, int)
    """Internal: a line logged from another thread, delivered queued to this one."""

    def __init__(
        self,
        logs_dir: Path,
        capacity: int = 1_000_000,
        max_file_bytes: int = 10 * 1024 * 1024,
        backups: int = 5,
        parent: QObject | None = None,
        *,
        ring_bytes: int = RING_BYTES,
        max_line_bytes: int = MAX_LINE_BYTES,
    ) -> None:
        super().__init__(capacity, parent, ring_bytes=ring_bytes)
        self.logs_dir = Path(logs_dir)
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        self.max_file_bytes = max_file_bytes
        self.backups = backups
        self.max_line_bytes = max_line_bytes
        self._chan_prefix: list[str] = []
        self._chan_file: list[RotatingLogFile] = []
        self._files: dict[str, RotatingLogFile] = {}
        self._partial: dict[int, bytes] = {}
        self._emitted_next = 0
        self._last_emit = 0.0
        self._closed = False
        self.lines_total = 0
        """Every line ever stored (also those since dropped from the ring or cleared)."""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_tick)
        self._sig_foreign_line.connect(self._on_foreign_line, Qt.ConnectionType.QueuedConnection)

    # -- channels ---------------------------------------------------------------

    def _add_channel(self, source: str, stream: str) -> int:
        if self._closed:
            raise RuntimeError("the log hub is closed")
        return super()._add_channel(source, stream)

    def _channel_added(self, chan: int, source: str, stream: str, new_source: bool) -> None:
        if new_source:
            path = self.logs_dir / f"{safe_name(source)}.log"
            self._files[source] = RotatingLogFile(path, self.max_file_bytes, self.backups)
        self._chan_prefix.append("".join(stream.split()) or "-")
        self._chan_file.append(self._files[source])

    def log_file(self, source: str) -> Path:
        """The current log file of `source` (backups beside it as ``.1`` .. ``.N``)."""
        return self._files[source].path

    def log_files(self, source: str) -> list[Path]:
        """All existing files of `source`, oldest backup first, current file last."""
        return self._files[source].files_oldest_first()

    # -- input ------------------------------------------------------------------

    def feed(self, source: str, stream: str, data: bytes) -> None:
        """Take a raw chunk of `stream` (e.g. "stdout") of `source`; any bytes-like works.

        Complete lines are stored now; a trailing partial line waits for the rest.
        ``\\r\\n`` ends a line like ``\\n``; bad UTF-8 becomes U+FFFD.
        """
        chan = self._chans.get((source, stream))
        if chan is None:
            chan = self._add_channel(source, stream)
        data = bytes(data)
        held = self._partial.pop(chan, None)
        if held:
            data = held + data
        cut = data.rfind(b"\n") + 1
        if cut < len(data):
            if len(data) - cut <= MAX_PARTIAL_BYTES:
                self._partial[chan] = data[cut:]
            else:
                data += b"\n"
                cut = len(data)
        if cut:
            self._store_text(chan, str(memoryview(data)[:cut], "utf-8", "replace"), UNPARSED)

    def end_of_stream(self, source: str, stream: str) -> None:
        """`stream` of `source` ended (the process exited): store its last partial line."""
        chan = self._chans.get((source, stream))
        if chan is not None and chan in self._partial:
            self.feed(source, stream, b"\n")

    def add_line(self, source: str, stream: str, text: str, level: LogLevel | None = None) -> None:
        """Store the panel's own message `text` (several lines if it holds newlines)."""
        chan = self._channel(source, stream)
        body = "\n".join(text.splitlines()) if text else ""
        self._store_text(chan, body + "\n", UNPARSED if level is None else int(level))

    def _store_text(self, chan: int, text: str, level: int) -> None:
        """Store `text`: one or more lines, each ending in a newline."""
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        lines = text.split("\n")
        lines.pop()
        limit = self.max_line_bytes
        if len(text) > limit and max(map(len, lines)) > limit:
            lines = [_cut(line, limit) if len(line) > limit else line for line in lines]
        ts = time.time()
        self.ring.append(ts, chan, lines, level)
        self.lines_total += len(lines)
        prefix = f"{iso_time(ts)} {self._chan_prefix[chan]} "
        log_file = self._chan_file[chan]
        if log_file.add(prefix + text[:-1].replace("\n", "\n" + prefix) + "\n"):
            log_file.flush()
        if not self._timer.isActive():
            wait = BATCH_INTERVAL_MS - (time.monotonic() - self._last_emit) * 1000
            self._timer.start(max(0, int(wait)))

    @Slot()
    def _on_tick(self) -> None:
        self._last_emit = time.monotonic()
        self._write_files()
        if self.ring.next_seq != self._emitted_next:
            self._emitted_next = self.ring.next_seq
            self.sig_appended.emit(self._emitted_next - 1)

    def _write_files(self) -> None:
        for log_file in list(self._files.values()):  # a failing one logs (a new file may come)
            log_file.flush()

    # -- housekeeping -----------------------------------------------------------

    def flush(self) -> None:
        """Write every buffered line to its file now."""
        self._write_files()

    def close(self) -> None:
        """Store pending partial lines, write and close every file. Idempotent."""
        if self._closed:
            return
        for chan in list(self._partial):
            source, stream = self._chan_info[chan]
            self.end_of_stream(source, stream)
        self._timer.stop()
        self._closed = True
        for log_file in list(self._files.values()):
            log_file.close()

    @Slot(str, str, str, int)
    def _on_foreign_line(self, source: str, stream: str, text: str, level: int) -> None:
        if not self._closed:
            self.add_line(source, stream, text, LogLevel(level))

    def add_line_threadsafe(self, source: str, stream: str, text: str, level: LogLevel) -> None:
        """`add_line` callable from any thread (queued to the hub's thread if needed)."""
        if QThread.currentThread() == self.thread():
            if not self._closed:
                self.add_line(source, stream, text, level)
        else:
            self._sig_foreign_line.emit(source, stream, text, int(level))


def _cut(line: str, limit: int) -> str:
    """`line` cut to its first `limit` bytes of UTF-8, marked as cut."""
    head = line.encode("utf-8")[:limit].decode("utf-8", "ignore")
    return head + CUT_MARK.format(limit=limit)


def level_of_record(levelno: int) -> LogLevel:
    """The `LogLevel` of a `logging` record's numeric level."""
    for level in (LogLevel.CRITICAL, LogLevel.ERROR, LogLevel.WARNING, LogLevel.INFO):
        if levelno >= level:
            return level
    return LogLevel.DEBUG


class HubLogHandler(logging.Handler):
    """A `logging.Handler` that sends the panel's own log records into a `LogHub`.

    Records arrive under `source` (default ``"panel"``) and stream ``"log"``, with
    their level from the record; records from other threads are queued to the hub.
    """

    def __init__(self, hub: LogHub, source: str = "panel", level: int = logging.NOTSET) -> None:
        super().__init__(level)
        self.hub = hub
        self.source = source

    def emit(self, record: logging.LogRecord) -> None:
        """Format `record` and hand it to the hub."""
        try:
            text = self.format(record)
            self.hub.add_line_threadsafe(self.source, "log", text, level_of_record(record.levelno))
        except Exception:
            self.handleError(record)
