"""`TagHistory`: the last minutes of every numeric tag, kept by the engine as columns.

A trend opened now shows the past too, so the engine keeps what the workers sent. It
does so at a cost that does not grow with the tags in a batch, in Python operations:
values arrive in batches (one per block cycle) of up to thousands, and the engine's
thread must stay responsive. Per block there is one timestamps column and one 2-D
array, a row per batch and a column per numeric tag of the block; a batch becomes one
row through a handful of C-level calls (`map` over the value objects, one NumPy
conversion, one fancy-index assignment), whatever its size.

A worker sends only the tags that changed (beyond their deadband); a row therefore
starts as a copy of the row before (the tags kept their value) and takes the batch's
values in their columns. A value without a number (a bad read: null) is NaN, a gap in
the trend. Rows older than `keep_s` are dropped when the buffer needs room (amortised
O(1) per row) and never read.

NumPy is imported with the first batch, so an engine without connections never pays
for it.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING, Any

from panel.connections.worker.config import FIXED_TYPES, ConnectionConfig

if TYPE_CHECKING:
    import numpy as np

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
    """The rows of one block: `ts[start:end]` and `values[start:end, column]`."""

    def __init__(self, name: str, tags: list[str], units: list[str], keep_s: float) -> None:
        import numpy as np

        self.name = name
        self.tags = tags
        self.units = units
        self.keep_s = keep_s
        self._ts = np.empty(START_ROWS, dtype=np.float64)
        self._values = np.full((START_ROWS, len(tags)), np.nan, dtype=np.float64)
        self._start = 0
        self._end = 0
        self.wide = len(tags) * keep_s * 10 * 8 > EXACT_BYTES
        """True when the block keeps two rows a second rather than every batch."""

    def __len__(self) -> int:
        return self._end - self._start

    def append(self, when: float, columns: np.ndarray, values: np.ndarray) -> None:
        """One row at `when`: the row before, with `values` in `columns` (or the row before
        itself, updated, in a wide block when it is the second one of the same second:
        see `ROW_S`)."""
        end = self._end
        if end > self._start:
            last = float(self._ts[end - 1])
            when = max(when, last)  # rows stay in time order
            second = when // ROW_S
            if (
                self.wide
                and end - self._start >= 2
                and last // ROW_S == second
                and float(self._ts[end - 2]) // ROW_S == second
            ):
                self._values[end - 1, columns] = values
                self._ts[end - 1] = when
                return
        if self._end == len(self._ts):
            self._make_room(when)
        end = self._end
        if end > self._start:
            self._values[end] = self._values[end - 1]
        self._values[end, columns] = values
        self._ts[end] = when
        self._end = end + 1

    def _make_room(self, now: float) -> None:
        """Drop the rows older than `keep_s`; grow when the rest fill half the buffer."""
        import numpy as np

        start, end = self._start, self._end
        first = start + int(np.searchsorted(self._ts[start:end], now - self.keep_s, "left"))
        kept = end - first
        size = len(self._ts)
        if kept * 2 > size:
            size *= 2
        ts = np.empty(size, dtype=np.float64) if size != len(self._ts) else self._ts
        values = (
            np.full((size, len(self.tags)), np.nan, dtype=np.float64)
            if size != len(self._ts)
            else self._values
        )
        ts[:kept] = self._ts[first:end]
        values[:kept] = self._values[first:end]
        self._ts, self._values = ts, values
        self._start, self._end = 0, kept

    def rows(self, since: float) -> tuple[np.ndarray, np.ndarray]:
        """(ts, values) of the rows at or after `since` (views, not copies).

        When no row is at `since`, the one just before it is included (shown at `since`
        by `TagHistory.series`): the values it holds were still current then.
        """
        import numpy as np

        start, end = self._start, self._end
        first = start + int(np.searchsorted(self._ts[start:end], since, "left"))
        if first > start and (first == end or self._ts[first] > since):
            first -= 1
        return self._ts[first:end], self._values[first:end]

    def capacity(self) -> int:
        """The rows the buffer has room for (for tests of its growth)."""
        return len(self._ts)


class _ConnHistory:
    """The blocks of one connection, laid out from its configuration."""

    def __init__(self, config: ConnectionConfig, keep_s: float, old: _ConnHistory | None) -> None:
        import numpy as np

        self.config = config
        self.blocks: list[BlockHistory] = []
        self.index: dict[str, int] = {}
        """Numeric tag name -> global column (the blocks' columns, one after the other)."""
        owners: list[int] = []
        offsets: list[int] = []
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
            offsets.append(len(self.index))
            for name in names:
                self.index[name] = len(owners)
                owners.append(len(self.blocks))
            self.blocks.append(history)
        self.owner = np.array(owners, dtype=np.intp)
        self.offset = np.array(offsets, dtype=np.intp)

    def record(self, values: list[dict[str, Any]], when: float) -> None:
        import numpy as np

        count = len(values)
        columns = np.fromiter(map(self.index.get, map(_NAME, values), repeat(-1)), np.intp, count)
        wanted = columns >= 0
        if not wanted.all():
            if not wanted.any():
                return
            columns = columns[wanted]
            positions = np.flatnonzero(wanted).tolist()
            got = operator.itemgetter(*positions)(list(map(_VALUE, values)))
            picked = list(got) if len(positions) > 1 else [got]
        else:
            picked = list(map(_VALUE, values))
        try:
            numbers = np.array(picked, dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            numbers = self._numbers_one_by_one(picked, columns)
        if numbers.ndim != 1:  # a list value (an OPC UA array) somewhere: not a number
            numbers = self._numbers_one_by_one(picked, columns)
        owners = self.owner[columns]
        first = int(owners[0])
        if owners[-1] == first and (owners == first).all():
            self.blocks[first].append(when, columns - self.offset[first], numbers)
            return
        for block in np.unique(owners).tolist():
            mine = owners == block
            self.blocks[block].append(when, columns[mine] - self.offset[block], numbers[mine])

    def _numbers_one_by_one(self, picked: list[Any], columns: np.ndarray) -> np.ndarray:
        """The slow path for a batch with a value that is no number (an `auto` tag holding
        text, say): it is NaN here, and its tag is no longer kept from the next batch."""
        import numpy as np

        out = np.empty(len(picked), dtype=np.float64)
        names = {column: name for name, column in self.index.items()}
        for i, value in enumerate(picked):
            number = _number(value)
            if number is None and value is not None:
                self.index.pop(names[int(columns[i])], None)
            out[i] = math.nan if number is None else number
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

        import numpy as np

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
            if step > 1:  # thinned evenly, the newest row kept
                rows = np.unique(np.append(np.arange(0, len(ts), step), len(ts) - 1))
                ts, values = ts[rows], values[rows]
            times = ts.tolist()
            if times:
                times[0] = max(times[0], since)
            for column in columns:
                column_values = values[:, column]
                listed = column_values.astype(object)
                listed[np.isnan(column_values)] = None
                name, unit = block.tags[column], block.units[column]
                out.append(Series(name, unit, block.name, times, listed.tolist()))
        return out
