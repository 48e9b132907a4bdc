"""`TagHistory`: the last minutes of every numeric tag, kept by the engine as columns.

A trend opened now shows the past too, so the engine keeps what the workers sent. It
does so at a cost that does not grow with the tags in a batch, in Python operations:
values arrive in batches (one per block cycle) of up to thousands, and the engine's
thread must stay responsive. Per block there is one timestamps column and one table
of 8-byte floats (`array('d')`, row-major), a row per batch and a column per numeric
tag of the block; a batch becomes one row through a handful of C-level calls (`map`
over the value objects, one conversion to floats, one slice or scattered assignment),
whatever its size.

A worker sends only the tags that changed (beyond their deadband); a row therefore
starts as a copy of the row before (the tags kept their value) and takes the batch's
values in their columns. A value without a number (a bad read: null) is NaN, a gap in
the trend. Rows older than `keep_s` are dropped when the buffer needs room (amortised
O(1) per row) and never read.

The standard library's `array` holds the columns, not NumPy: a headless engine
supervising idle workers keeps a history of their (bad) reads from the start, and
NumPy would be about 10 MB of its resident memory for a few rows.
"""

from __future__ import annotations

import math
import operator
from array import array
from bisect import bisect_left
from collections import deque
from dataclasses import dataclass
from itertools import compress, repeat
from typing import Any

from panel.connections.worker.config import FIXED_TYPES, ConnectionConfig

__all__ = ["KEEP_S", "BlockHistory", "Series", "TagHistory", "numeric_type"]

KEEP_S = 600.0
"""How far back the history goes (seconds)."""
MAX_VALUES = 500_000
"""The most values one answer holds (ten minutes of 1,000 tags at 10 Hz are 6 million)."""
EXACT_BYTES = 4 * 1024 * 1024
"""A block keeps a row per batch while ten minutes of it at 10 Hz fit in this much (up
to 87 numeric tags): every value it polled. A wider block keeps two rows a second
(see `ROW_S`), so its history stays near this size too."""
ROW_S = 1.0
"""In a wide block, two rows per second at most: a second's first batch starts a row,
its second batch another, and the batches after that update that second row (the
newest value of each tag, the newest batch's time). Ten minutes of a 1,000-tag block
at 10 Hz are then 1,200 rows (about 10 MB), not 6,000 (48 MB); a live trend still
draws every value as it comes."""
START_ROWS = 64
"""The rows a block's buffer starts with; it doubles while the kept rows fill half of it."""

_NAME = operator.itemgetter("name")
_VALUE = operator.itemgetter("value")
_NAN = math.nan
_NONE_AS_NAN = {None: _NAN}
"""`_NONE_AS_NAN.get(v, v)`: a value, or NaN for null, without a Python call per value
(an unhashable value, an OPC UA array, raises TypeError: the slow path takes it)."""
_KNOWN = (-1).__ne__
"""True for a column that is kept (the index gives -1 for a tag it does not keep)."""


def numeric_type(tag_type: str) -> bool:
    """Whether a tag of this configured type can have a number (bool counts: 0 or 1).

    `auto` (an OPC UA node's own type) may be a number: it is kept until a value says
    otherwise.
    """
    return tag_type in FIXED_TYPES or tag_type == "auto"


@dataclass(frozen=True)
class Series:
    """One tag's history: times (Unix seconds) and values (NaN: no value), oldest first."""

    name: str
    unit: str
    block: str
    ts: list[float]
    value: list[float | None]

    def to_json(self) -> dict[str, Any]:
        """The API shape: NaN becomes null."""
        return {
            "name": self.name,
            "unit": self.unit,
            "block": self.block,
            "ts": self.ts,
            "value": self.value,
        }

    @classmethod
    def from_json(cls, data: Any) -> Series | None:
        """The series of an API answer's entry; None when it is not well formed."""
        if not isinstance(data, dict):
            return None
        ts, value = data.get("ts"), data.get("value")
        if not isinstance(ts, list) or not isinstance(value, list) or len(ts) != len(value):
            return None
        return cls(
            str(data.get("name", "")),
            str(data.get("unit", "")),
            str(data.get("block", "")),
            ts,
            value,
        )


class BlockHistory:
    """The rows of one block: `ts[start:end]` and, row-major, `values[start*n:end*n]`
    (n: the block's kept tags, `width`)."""

    def __init__(self, name: str, tags: list[str], units: list[str], keep_s: float) -> None:
        self.name = name
        self.tags = tags
        self.units = units
        self.keep_s = keep_s
        self.width = len(tags)
        self._all_columns = list(range(self.width))
        self._nan_row = array("d", [_NAN]) * self.width
        self._ts = array("d", bytes(8 * START_ROWS))
        self._values = array("d", [_NAN]) * (START_ROWS * self.width)
        self._start = 0
        self._end = 0
        self.wide = len(tags) * keep_s * 10 * 8 > EXACT_BYTES
        """True when the block keeps two rows a second rather than every batch."""

    def __len__(self) -> int:
        return self._end - self._start

    def append(self, when: float, columns: list[int], values: array[float]) -> None:
        """One row at `when`: the row before, with `values` in `columns` (or the row before
        itself, updated, in a wide block when it is the second one of the same second:
        see `ROW_S`)."""
        end, width = self._end, self.width
        if end > self._start:
            last = self._ts[end - 1]
            when = max(when, last)  # rows stay in time order
            second = when // ROW_S
            if (
                self.wide
                and end - self._start >= 2
                and last // ROW_S == second
                and self._ts[end - 2] // ROW_S == second
            ):
                self._put((end - 1) * width, columns, values)
                self._ts[end - 1] = when
                return
        if end == len(self._ts):
            self._make_room(when)
            end = self._end
        self._put(end * width, columns, values, end > self._start)
        self._ts[end] = when
        self._end = end + 1

    def _put(
        self, base: int, columns: list[int], values: array[float], carry: bool | None = None
    ) -> None:
        """`values` into the row that starts at `base`, in `columns`. A new row starts as
        the row before (`carry` True) or without values (False); None: the row is not new."""
        width = self.width
        if columns == self._all_columns:  # every tag, in order: the row is the batch
            self._values[base : base + width] = values
        else:
            if carry is not None:
                before = self._values[base - width : base] if carry else self._nan_row
                self._values[base : base + width] = before
            # the assignments are the side effects of a `map`, run to its end by the deque
            deque(map(self._values.__setitem__, map(base.__add__, columns), values), maxlen=0)

    def _make_room(self, now: float) -> None:
        """Drop the rows older than `keep_s`; grow when the rest fill half the buffer."""
        start, end, width = self._start, self._end, self.width
        first = bisect_left(self._ts, now - self.keep_s, start, end)
        kept = end - first
        size = len(self._ts)
        if kept * 2 > size:
            size *= 2
            ts = array("d", bytes(8 * size))
            values = array("d", [_NAN]) * (size * width)
        else:
            ts, values = self._ts, self._values
        ts[0:kept] = self._ts[first:end]
        values[0 : kept * width] = self._values[first * width : end * width]
        self._ts, self._values = ts, values
        self._start, self._end = 0, kept

    def rows(self, since: float) -> tuple[array[float], array[float]]:
        """(ts, values) of the rows at or after `since` (copies; values row-major).

        When no row is at `since`, the one just before it is included (shown at `since`
        by `TagHistory.series`): the values it holds were still current then.
        """
        start, end, width = self._start, self._end, self.width
        first = bisect_left(self._ts, since, start, end)
        if first > start and (first == end or self._ts[first] > since):
            first -= 1
        return self._ts[first:end], self._values[first * width : end * width]

    def capacity(self) -> int:
        """The rows the buffer has room for (for tests of its growth)."""
        return len(self._ts)


class _ConnHistory:
    """The blocks of one connection, laid out from its configuration."""

    def __init__(self, config: ConnectionConfig, keep_s: float, old: _ConnHistory | None) -> None:
        self.config = config
        self.blocks: list[BlockHistory] = []
        self.index: dict[str, int] = {}
        """Numeric tag name -> global column (the blocks' columns, one after the other)."""
        self.owner: list[int] = []
        """Global column -> its block."""
        self.local: list[int] = []
        """Global column -> its column in its block."""
        kept = {(b.name, tuple(b.tags)): b for b in (old.blocks if old else [])}
        for block in config.blocks:
            tags = [t for t in block.tags if numeric_type(t.type) and t.name not in self.index]
            if not tags:
                continue
            names = [t.name for t in tags]
            history = kept.get((block.name, tuple(names))) or BlockHistory(
                block.name, names, [t.unit for t in tags], keep_s
            )
            history.units = [t.unit for t in tags]
            for column, name in enumerate(names):
                self.index[name] = len(self.owner)
                self.owner.append(len(self.blocks))
                self.local.append(column)
            self.blocks.append(history)

    def record(self, values: list[dict[str, Any]], when: float) -> None:
        columns = list(map(self.index.get, map(_NAME, values), repeat(-1)))
        if -1 in columns:
            wanted = list(map(_KNOWN, columns))
            if True not in wanted:
                return
            columns = list(compress(columns, wanted))
            picked = list(compress(map(_VALUE, values), wanted))
        else:
            picked = list(map(_VALUE, values))
        try:
            numbers = array("d", picked)
        except TypeError:  # a null (a bad read) somewhere, or no number
            try:
                numbers = array("d", map(_NONE_AS_NAN.get, picked, picked))
            except (TypeError, ValueError, OverflowError):
                numbers = self._numbers_one_by_one(picked, columns)
        except (ValueError, OverflowError):
            numbers = self._numbers_one_by_one(picked, columns)
        if len(self.blocks) == 1:  # the global columns are the block's
            self.blocks[0].append(when, columns, numbers)
            return
        owners = list(map(self.owner.__getitem__, columns))
        local = list(map(self.local.__getitem__, columns))
        first = owners[0]
        if owners.count(first) == len(owners):
            self.blocks[first].append(when, local, numbers)
            return
        for block in sorted(set(owners)):
            mine = list(map(block.__eq__, owners))
            self.blocks[block].append(
                when, list(compress(local, mine)), array("d", compress(numbers, mine))
            )

    def _numbers_one_by_one(self, picked: list[Any], columns: list[int]) -> array[float]:
        """The slow path for a batch with a value that is no number (an `auto` tag holding
        text, say): it is NaN here, and its tag is no longer kept from the next batch."""
        out = array("d", [_NAN]) * len(picked)
        names = {column: name for name, column in self.index.items()}
        for i, value in enumerate(picked):
            number = _number(value)
            if number is None and value is not None:
                self.index.pop(names[columns[i]], None)
            else:
                out[i] = _NAN if number is None else number
        return out


def _number(value: Any) -> float | None:
    """`value` as a float, None when it is none."""
    if isinstance(value, bool | int | float):
        try:
            return float(value)
        except OverflowError:
            return None
    return None


class TagHistory:
    """The last `keep_s` seconds of every numeric tag of every connection."""

    def __init__(self, keep_s: float = KEEP_S) -> None:
        self.keep_s = keep_s
        self._conns: dict[str, _ConnHistory] = {}

    def record(
        self, conn_id: str, config: ConnectionConfig | None, values: list[dict[str, Any]]
    ) -> None:
        """Keep one batch of values (`{name, value, quality, ts, reason?}` objects) of a
        connection whose configuration is `config` (a new configuration lays the blocks
        out again; blocks whose numeric tags did not change keep their rows)."""
        if config is None or not values:
            return
        conn = self._conns.get(conn_id)
        if conn is None or conn.config is not config:
            conn = self._conns[conn_id] = _ConnHistory(config, self.keep_s, conn)
        if not conn.index:
            return
        when = values[0].get("ts")
        if not isinstance(when, int | float):
            import time

            when = time.time()
        conn.record(values, float(when))

    def forget(self, conn_id: str) -> None:
        """Drop a connection's history (it was removed)."""
        self._conns.pop(conn_id, None)

    def series(
        self,
        conn_id: str,
        names: list[str] | None = None,
        seconds: float | None = None,
        now: float | None = None,
        max_values: int = MAX_VALUES,
    ) -> list[Series]:
        """The history of `names` (None: every numeric tag) over the last `seconds`
        (at most `keep_s`), in configuration order; unknown names are not in it. More
        than `max_values` values in all are thinned to that many (every n-th row)."""
        conn = self._conns.get(conn_id)
        if conn is None:
            return []
        import time

        span = self.keep_s if seconds is None else min(float(seconds), self.keep_s)
        since = (time.time() if now is None else now) - span
        wanted = None if names is None else set(names)
        picked = []
        for block in conn.blocks:
            columns = [i for i, n in enumerate(block.tags) if wanted is None or n in wanted]
            if columns and len(block):
                picked.append((block, columns, *block.rows(since)))
        total = sum(len(ts) * len(columns) for _b, columns, ts, _v in picked)
        step = max(1, math.ceil(total / max_values))
        out: list[Series] = []
        for block, columns, ts, values in picked:
            width = block.width
            rows = None
            if step > 1:  # thinned evenly, the newest row kept
                rows = list(range(0, len(ts), step))
                if rows[-1] != len(ts) - 1:
                    rows.append(len(ts) - 1)
                ts = array("d", map(ts.__getitem__, rows))
            times = ts.tolist()
            if times:
                times[0] = max(times[0], since)
            for column in columns:
                column_values = values[column::width]
                if rows is not None:
                    column_values = array("d", map(column_values.__getitem__, rows))
                listed: list[float | None] = list(column_values)
                if any(map(math.isnan, column_values)):  # NaN: no value
                    listed = [None if v != v else v for v in column_values]
                name, unit = block.tags[column], block.units[column]
                out.append(Series(name, unit, block.name, times, listed))
        return out
