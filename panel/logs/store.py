"""`LogStore`: numbered log lines in a ring, with their channels, as list models read them.

Two kinds exist: the engine's `LogHub` (lines split from child output, also
written to files) and an attached window's `LogMirror` (lines received from an
engine, no files). `LogListModel` shows either; both announce new lines in
batches through `sig_appended`.
"""

from __future__ import annotations

import uuid
from itertools import compress

from PySide6.QtCore import QObject, Signal

from panel.logs.levels import LogLevel
from panel.logs.line import LogLine
from panel.logs.ring import LogRing

RING_BYTES = 256 * 1024 * 1024
"""Text the ring holds at most by default (setting `logs.ringMegabytes`)."""


class LogStore(QObject):
    """Log lines numbered in order of arrival, the newest `capacity` of them kept."""

    sig_appended = Signal(int)
    """New lines were stored; the argument is the sequence number of the newest.

    Emitted in batches (never once per line); lines older than `first_seq` may
    have been dropped from the ring meanwhile."""
    sig_source_added = Signal(str)
    """A source sent its first line (or first chunk); the argument is its name."""
    sig_cleared = Signal()
    """`clear()` emptied the in-memory lines (files are untouched)."""

    def __init__(
        self,
        capacity: int = 1_000_000,
        parent: QObject | None = None,
        *,
        ring_bytes: int = RING_BYTES,
    ) -> None:
        super().__init__(parent)
        self.ring = LogRing(capacity, ring_bytes)
        self.instance = uuid.uuid4().hex
        """Names this store's numbering: another store (a restarted engine) has another."""
        self._chans: dict[tuple[str, str], int] = {}
        self._chan_info: list[tuple[str, str]] = []
        self._sources: dict[str, None] = {}

    # -- channels ---------------------------------------------------------------

    def _channel(self, source: str, stream: str) -> int:
        chan = self._chans.get((source, stream))
        return self._add_channel(source, stream) if chan is None else chan

    def _add_channel(self, source: str, stream: str) -> int:
        chan = len(self._chan_info)
        if chan > 0xFFFF:
            raise RuntimeError("too many log channels")
        new_source = source not in self._sources
        self._sources[source] = None
        self._chans[(source, stream)] = chan
        self._chan_info.append((source, stream))
        if stream == "stderr":
            self.ring.mark_stderr(chan)
        self._channel_added(chan, source, stream, new_source)
        if new_source:
            self.sig_source_added.emit(source)
        return chan

    def _channel_added(self, chan: int, source: str, stream: str, new_source: bool) -> None:
        """Hook: channel `chan` was just numbered (before `sig_source_added`)."""

    def channel_info(self, chan: int) -> tuple[str, str]:
        """(source, stream) of channel number `chan` (as stored in the ring)."""
        return self._chan_info[chan]

    def channel_count(self) -> int:
        """How many (source, stream) channels exist."""
        return len(self._chan_info)

    def channels_of(self, sources: set[str]) -> set[int]:
        """Channel numbers belonging to any of `sources`."""
        return {c for c, (src, _) in enumerate(self._chan_info) if src in sources}

    def sources(self) -> list[str]:
        """Every source seen so far, in order of first appearance."""
        return list(self._sources)

    # -- reading ----------------------------------------------------------------

    @property
    def first_seq(self) -> int:
        """Sequence number of the oldest line held in memory."""
        return self.ring.first_seq

    @property
    def next_seq(self) -> int:
        """Sequence number the next line will get."""
        return self.ring.next_seq

    def __len__(self) -> int:
        return len(self.ring)

    def line(self, seq: int) -> LogLine:
        """The line numbered `seq`; IndexError when it is not held any more."""
        ring = self.ring
        source, stream = self._chan_info[ring.chan(seq)]
        return LogLine(seq, ring.ts(seq), source, stream, LogLevel(ring.level(seq)), ring.text(seq))

    def lines(self, seqs: list[int]) -> list[LogLine]:
        """The lines numbered `seqs` (all must be held)."""
        return [self.line(seq) for seq in seqs]

    def tail(self, n: int, source: str | None = None) -> list[LogLine]:
        """The last `n` lines held (of `source` only, if given), oldest first."""
        if n <= 0:
            return []
        ring = self.ring
        if source is None:
            return self.lines(list(range(max(ring.first_seq, ring.next_seq - n), ring.next_seq)))
        wanted = self.channels_of({source})
        found: list[int] = []
        end = ring.next_seq
        step = max(1024, n * 4)
        while end > ring.first_seq and len(found) < n:
            start = max(ring.first_seq, end - step)
            mask = map(wanted.__contains__, ring.chans(start, end))
            found[:0] = compress(range(start, end), mask)
            end = start
        return self.lines(found[-n:])

    def lines_since(self, seq: int, limit: int) -> list[LogLine]:
        """Up to `limit` lines numbered above `seq`, oldest first (from the oldest held)."""
        start = max(seq + 1, self.ring.first_seq)
        stop = min(self.ring.next_seq, start + max(0, limit))
        return self.lines(list(range(start, stop)))

    def clear(self) -> None:
        """Forget the lines held in memory; sequence numbers carry on."""
        self.ring.clear()
        self.sig_cleared.emit()
