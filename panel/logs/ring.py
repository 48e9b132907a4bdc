"""A bounded, columnar ring buffer of log lines addressed by sequence number.

Every line gets the next sequence number; the line with number ``seq`` lives in
slot ``seq % capacity`` of each column, so the newest ``capacity`` lines are kept
and older ones are overwritten without any copying. Columns:

- ``text``: a list of ``str`` (the line, without its newline);
- ``ts``: ``array('d')`` of epoch seconds;
- ``chan``: ``array('H')``, the channel (source + stream) number;
- ``level``: a ``bytearray`` of `LogLevel` values, ``UNPARSED`` until first asked for.

Lines are appended a chunk at a time with slice assignment (C speed, no per-line
Python work). Levels are parsed lazily, many lines per call, and cached.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence

from panel.logs.levels import LogLevel, chunk_levels

UNPARSED = 0xFF
_ZERO_TO_ONE = bytes([1] + [0] * 255)
_ONE_TO_WARNING = bytes([0, LogLevel.WARNING] + [0] * 254)


_PARSE_PIECE = 65536


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
    """The newest `capacity` log lines, stored column by column."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._text: list[str] = [""] * capacity
        self._ts = array("d", bytes(8 * capacity))
        self._chan = array("H", bytes(2 * capacity))
        self._level = bytearray(capacity)
        self._stderr_chans: set[int] = set()
        self.first_seq = 0
        """The oldest sequence number still held (equal to `next_seq` when empty)."""
        self.next_seq = 0
        """The sequence number the next appended line will get."""

    def __len__(self) -> int:
        return self.next_seq - self.first_seq

    def mark_stderr(self, chan: int) -> None:
        """Lines of `chan` with no level of their own default to WARNING (see `levels`)."""
        self._stderr_chans.add(chan)

    def append(self, ts: float, chan: int, lines: list[str], level: int = UNPARSED) -> None:
        """Append `lines`, all stamped `ts` and from `chan`, with one level (or unparsed)."""
        n = len(lines)
        cap = self.capacity
        if n > cap:
            self.next_seq += n - cap
            lines = lines[n - cap :]
            n = cap
        start = self.next_seq % cap
        end = start + n
        if end <= cap:  # the usual case: one run of slots
            self._text[start:end] = lines
            self._ts[start:end] = array("d", (ts,)) * n
            self._chan[start:end] = array("H", (chan,)) * n
            self._level[start:end] = bytes((level,)) * n
        else:
            split = cap - start
            ts_col = array("d", (ts,)) * n
            chan_col = array("H", (chan,)) * n
            level_col = bytes((level,)) * n
            self._put(start, 0, split, lines, ts_col, chan_col, level_col)
            self._put(0, split, n, lines, ts_col, chan_col, level_col)
        self.next_seq += n
        if self.next_seq - cap > self.first_seq:
            self.first_seq = self.next_seq - cap

    def _put(
        self, slot: int, a: int, b: int, lines: list[str], ts: array, chan: array, level: bytes
    ) -> None:
        end = slot + b - a
        self._text[slot:end] = lines[a:b]
        self._ts[slot:end] = ts[a:b]
        self._chan[slot:end] = chan[a:b]
        self._level[slot:end] = level[a:b]

    def clear(self) -> None:
        """Forget every line held; sequence numbers carry on from where they were."""
        self.first_seq = self.next_seq
        self._text = [""] * self.capacity

    # -- reading --------------------------------------------------------------

    def _runs(self, a: int, b: int) -> Iterator[tuple[int, int]]:
        """Slot ranges covering sequence numbers [a, b) (clipped to what is held)."""
        a = max(a, self.first_seq)
        b = min(b, self.next_seq)
        if a >= b:
            return
        cap = self.capacity
        start = a % cap
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
        return seq % self.capacity

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
