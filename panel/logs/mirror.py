"""`LogMirror`: a window's own copy of an engine's log lines, fed by batches, no files.

It keeps its own numbering (one line after the other, whatever engine they came
from) and remembers where it is in the current engine's numbering (`cursor`), so
that what it asks for next is exactly what it has not got: a batch that repeats
lines it holds is cut, lines the engine had dropped before they were fetched
are counted (`missed`). An engine that restarts numbers from 0 again under a new
`instance`; the mirror keeps the old engine's lines and follows the new one.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from panel.logs.batch import LogBatch
from panel.logs.store import RING_BYTES, LogStore


class LogMirror(LogStore):
    """The lines of one engine (and of those before it), as batches bring them."""

    def __init__(
        self,
        capacity: int = 1_000_000,
        parent: QObject | None = None,
        *,
        ring_bytes: int = RING_BYTES,
    ) -> None:
        super().__init__(capacity, parent, ring_bytes=ring_bytes)
        self.source_instance = ""
        """The engine store whose lines arrive now ("" before the first batch)."""
        self.cursor = 0
        """The engine's sequence number of the next line wanted from it."""
        self.missed = 0
        """Lines the engine dropped from its memory before they could be fetched."""

    def since(self, instance: str) -> int:
        """The `since` to ask store `instance` for: what follows the last line taken."""
        return self.cursor - 1 if instance == self.source_instance else -1

    def take(self, batch: LogBatch) -> int:
        """Store the lines of `batch` not held yet; returns how many were stored.

        A batch of another engine than the current one is taken whole (it starts
        that engine's numbering); a batch of the current one starting after
        `cursor` counts the lines in between as missed.
        """
        if batch.instance != self.source_instance:
            self.source_instance = batch.instance
            self.cursor = batch.first
        elif batch.first > self.cursor:
            self.missed += batch.first - self.cursor
            self.cursor = batch.first
        skip = self.cursor - batch.first
        self.cursor = max(self.cursor, batch.next)
        if skip >= len(batch.texts):
            return 0
        chans = [self._channel(source, stream) for source, stream in batch.channels]
        at = 0
        ring = self.ring
        for count, ts, chan in batch.runs:
            lo, hi = max(at, skip), at + count
            at = hi
            if lo < hi:
                ring.append(ts, chans[chan], batch.texts[lo:hi], levels=batch.levels[lo:hi])
        stored = len(batch.texts) - skip
        self.sig_appended.emit(ring.next_seq - 1)
        return stored
