"""A bounded, columnar ring buffer of log lines addressed by sequence number.

Every line gets the next sequence number; the line with number ``seq`` lives in
slot ``(seq - base) % allocated`` of each column, so the newest ``capacity`` lines are kept
and older ones are overwritten without any copying. Columns:

- ``text``: a list of ``str`` (the line, without its newline);
- ``ts``: ``array('d')`` of epoch seconds;
- ``chan``: ``array('H')``, the channel (source + stream) number;
- ``level``: a ``bytearray`` of `LogLevel` values, ``UNPARSED`` until first asked for.

Lines are appended a chunk at a time with slice assignment (C speed, no per-line
Python work). Levels are parsed lazily, many lines per call, and cached.

The columns start small and grow (doubling, by at most `GROW_STEP` slots at a time)
as lines arrive until they reach `capacity`, so an idle panel does not hold memory
for a million lines it never saw, and no one growth stalls a flood.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from itertools import accumulate

from panel.logs.levels import LogLevel, chunk_levels

UNPARSED = 0xFF
_ZERO_TO_ONE = bytes([1] + [0] * 255)
_ONE_TO_WARNING = bytes([0, LogLevel.WARNING] + [0] * 254)


_PARSE_PIECE = 65536
INITIAL_SLOTS = 4096
"""Slots allocated at first (90 kB: 65,536 held 1.5 MB in a headless engine at rest that
had logged a few dozen lines); the columns grow up to the capacity as lines arrive."""

GROW_STEP = 65536
"""The columns grow by at most this many slots at a time (more only for a bigger chunk):
a doubling of a million-line ring at once stalled the window 10-15 ms."""


def _run_end(col: bytearray, s: int, e: int) -> int:
    """The first slot in [s, e) whose level is parsed, or `e`; looks at bounded blocks."""
    while s < e:
        block_end = min(e, s + 4096)
        rest = col[s:block_end].lstrip(b"\xff")
        if rest:
            return block_end - len(rest)
        s = block_end
    return e


class LogRing:
    """The newest `capacity` log lines, stored column by column, holding at most
    `max_bytes` characters of text (the newest line is always kept)."""

    def __init__(self, capacity: int, max_bytes: int | None = None) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.max_bytes = max_bytes
        self.bytes = 0
        """Characters of text held (one per byte for ASCII)."""
        self.first_seq = 0
        """The oldest sequence number still held (equal to `next_seq` when empty)."""
        self.next_seq = 0
        """The sequence number the next appended line will get."""
        self._alloc = 0
        self._base = 0
        self._allocate(min(capacity, INITIAL_SLOTS))
        self._stderr_chans: set[int] = set()

    def __len__(self) -> int:
        return self.next_seq - self.first_seq

    @property
    def allocated(self) -> int:
        """Slots allocated now (grows up to `capacity`)."""
        return self._alloc

    def _allocate(self, slots: int) -> None:
        """Fresh, empty columns of `slots` slots; line `first_seq` will go to slot 0."""
        self._alloc = slots
        self._base = self.first_seq
        self._text: list[str] = [""] * slots
        self._ts = array("d", bytes(8 * slots))
        self._chan = array("H", bytes(2 * slots))
        self._level = bytearray(slots)
        self._size = array("I", bytes(4 * slots))

    def _grow_for(self, incoming: int) -> None:
        """Make room for `incoming` more lines without dropping any, up to `capacity`.

        Until the columns are full size no line is ever dropped, so the lines held
        sit in slots 0 .. len-1 (counted from `_base`) and stay there when the
        columns are extended: growing is an append of empty slots, no copying of
        lines (a flood must not stall on it).
        """
        # Lines dropped for their bytes leave their slots behind: count from the base.
        wanted = min(self.capacity, self.next_seq - self._base + incoming)
        if wanted <= self._alloc:
            return
        slots = self._alloc
        while slots < wanted:
            slots += min(slots, GROW_STEP)
        extra = min(self.capacity, slots) - self._alloc
        self._text.extend([""] * extra)
        self._ts.frombytes(bytes(8 * extra))
        self._chan.frombytes(bytes(2 * extra))
        self._level.extend(bytes(extra))
        self._size.frombytes(bytes(4 * extra))
        self._alloc += extra

    def _place(self, seq: int, lines: list[str], cols: tuple[array, array, bytes, array]) -> None:
        """Write columns for the lines numbered from `seq` into their slots."""
        cap = self._alloc
        n = len(lines)
        start = (seq - self._base) % cap
        if start + n <= cap:
            self._put(start, 0, n, lines, cols)
        else:
            split = cap - start
            self._put(start, 0, split, lines, cols)
            self._put(0, split, n, lines, cols)

    def mark_stderr(self, chan: int) -> None:
        """Lines of `chan` with no level of their own default to WARNING (see `levels`)."""
        self._stderr_chans.add(chan)

    def append(
        self,
        ts: float,
        chan: int,
        lines: list[str],
        level: int = UNPARSED,
        levels: bytes | None = None,
    ) -> None:
        """Append `lines`, all stamped `ts` and from `chan`, with one level (or unparsed),
        or with `levels`, one byte a line (as `raw_levels` gives them)."""
        n = len(lines)
        cap = self.capacity
        if n > cap:
            self._drop_oldest(len(self))
            self.next_seq += n - cap
            self.first_seq = self.next_seq
            lines = lines[n - cap :]
            levels = None if levels is None else levels[n - cap :]
            n = cap
        if len(self) + n > cap:
            self._drop_oldest(len(self) + n - cap)
        if self._alloc < cap:
            self._grow_for(n)
        sizes = array("I", map(len, lines))
        level_col = bytes((level,)) * n if levels is None else bytes(levels)
        cols = (array("d", (ts,)) * n, array("H", (chan,)) * n, level_col, sizes)
        self._place(self.next_seq, lines, cols)
        self.next_seq += n
        self.bytes += sum(sizes)
        if self.max_bytes is not None and self.bytes > self.max_bytes:
            self._drop_for_bytes(self.bytes - self.max_bytes)

    def _drop_oldest(self, count: int) -> None:
        """Forget the `count` oldest lines, releasing their text."""
        end = self.first_seq + count
        for s, e in self._runs(self.first_seq, end):
            self.bytes -= sum(self._size[s:e])
            self._text[s:e] = [""] * (e - s)
        self.first_seq = end

    def _drop_for_bytes(self, excess: int) -> None:
        """Forget the oldest lines until `excess` characters are gone (keeping the newest)."""
        count = 0
        for s, e in self._runs(self.first_seq, self.next_seq - 1):
            running = list(accumulate(self._size[s:e]))
            at = bisect_left(running, excess)
            if at < len(running):
                count += at + 1
                break
            count += e - s
            excess -= running[-1] if running else 0
        self._drop_oldest(count)

    def _put(
        self, slot: int, a: int, b: int, lines: list[str], cols: tuple[array, array, bytes, array]
    ) -> None:
        ts, chan, level, size = cols
        end = slot + b - a
        self._text[slot:end] = lines[a:b]
        self._ts[slot:end] = ts[a:b]
        self._chan[slot:end] = chan[a:b]
        self._level[slot:end] = level[a:b]
        self._size[slot:end] = size[a:b]

    def clear(self) -> None:
        """Forget every line held; sequence numbers carry on from where they were."""
        self.first_seq = self.next_seq
        self.bytes = 0
        self._allocate(min(self.capacity, INITIAL_SLOTS))

    # -- reading --------------------------------------------------------------

    def _runs(self, a: int, b: int) -> Iterator[tuple[int, int]]:
        """Slot ranges covering sequence numbers [a, b) (clipped to what is held)."""
        a = max(a, self.first_seq)
        b = min(b, self.next_seq)
        if a >= b:
            return
        cap = self._alloc
        start = (a - self._base) % cap
        end = start + (b - a)
        if end <= cap:
            yield start, end
        else:
            yield start, cap
            yield 0, end - cap

    def texts(self, a: int, b: int) -> list[str]:
        """Texts of the lines with sequence numbers in [a, b)."""
        out: list[str] = []
        for s, e in self._runs(a, b):
            out += self._text[s:e]
        return out

    def chans(self, a: int, b: int) -> array:
        """Channel numbers of the lines in [a, b)."""
        out = array("H")
        for s, e in self._runs(a, b):
            out += self._chan[s:e]
        return out

    def timestamps(self, a: int, b: int) -> array:
        """Timestamps of the lines in [a, b)."""
        out = array("d")
        for s, e in self._runs(a, b):
            out += self._ts[s:e]
        return out

    def levels(self, a: int, b: int) -> bytes:
        """Levels of the lines in [a, b), parsing those not parsed yet."""
        out = bytearray()
        for s, e in self._runs(a, b):
            self._parse(s, e)
            out += self._level[s:e]
        return bytes(out)

    def raw_levels(self, a: int, b: int) -> bytes:
        """Levels of the lines in [a, b) as stored: `UNPARSED` where not parsed yet."""
        out = bytearray()
        for s, e in self._runs(a, b):
            out += self._level[s:e]
        return bytes(out)

    def _parse(self, s: int, e: int) -> None:
        """Fill the unparsed levels in slots [s, e) (parsed levels are left alone)."""
        col = self._level
        while (s := col.find(UNPARSED, s, e)) >= 0:
            run_end = _run_end(col, s, e)
            for piece in range(s, run_end, _PARSE_PIECE):
                self._parse_run(piece, min(run_end, piece + _PARSE_PIECE))
            s = run_end

    def _parse_run(self, s: int, e: int) -> None:
        texts = self._text[s:e]
        parsed = chunk_levels("\n".join(texts) + "\n", e - s)
        if self._stderr_chans:
            parsed = self._stderr_defaults(parsed, self._chan[s:e])
        self._level[s:e] = parsed

    def _stderr_defaults(self, parsed: bytes, chans: Sequence[int]) -> bytes:
        """`parsed` with WARNING where no level was found and the channel is stderr."""
        n = len(parsed)
        unmarked = int.from_bytes(parsed.translate(_ZERO_TO_ONE), "big")
        on_stderr = int.from_bytes(bytes(map(self._stderr_chans.__contains__, chans)), "big")
        both = (unmarked & on_stderr).to_bytes(n, "big").translate(_ONE_TO_WARNING)
        return (int.from_bytes(parsed, "big") | int.from_bytes(both, "big")).to_bytes(n, "big")

    def slot(self, seq: int) -> int:
        """The slot of `seq`; raises IndexError when the line is not held."""
        if not self.first_seq <= seq < self.next_seq:
            raise IndexError(seq)
        return (seq - self._base) % self._alloc

    def text(self, seq: int) -> str:
        """Text of line `seq`."""
        return self._text[self.slot(seq)]

    def ts(self, seq: int) -> float:
        """Timestamp of line `seq`."""
        return self._ts[self.slot(seq)]

    def chan(self, seq: int) -> int:
        """Channel number of line `seq`."""
        return self._chan[self.slot(seq)]

    def level(self, seq: int) -> int:
        """Level of line `seq` (parsed now if needed)."""
        slot = self.slot(seq)
        if self._level[slot] == UNPARSED:
            self._parse_run(slot, slot + 1)
        return self._level[slot]
