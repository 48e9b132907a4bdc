"""`LogBatch`: consecutive lines of a log store, in columns, as the API carries them.

One batch is lines ``first .. first + len(texts) - 1`` of the store named
`instance` (the numbering restarts with every engine), and says where that
store's lines end (`end`): a batch with fewer lines than that is followed by
more. The columns cost no Python work per line to encode or decode:

- ``texts``: the lines' texts;
- ``runs``: ``[count, ts, channel]`` for each run of lines that arrived together
  (one chunk of a child's output shares its time and channel);
- ``channels``: ``[source, stream]`` of each channel number the runs use;
- ``levels``: one byte a line, base64 (255: not parsed yet, the reader parses it).
"""

from __future__ import annotations

import base64
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate, groupby
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from panel.logs.store import LogStore

MAX_BATCH_CHARS = 4 * 1024 * 1024
"""A batch holds at most this much text (and always at least one line)."""


@dataclass(frozen=True)
class LogBatch:
    """Lines `first` .. `next - 1` of store `instance`, whose lines end at `end`."""

    instance: str
    first: int
    end: int
    texts: list[str] = field(default_factory=list)
    runs: list[tuple[int, float, int]] = field(default_factory=list)
    channels: list[tuple[str, str]] = field(default_factory=list)
    levels: bytes = b""

    @property
    def next(self) -> int:
        """The sequence number after the batch's last line."""
        return self.first + len(self.texts)

    def to_json(self) -> dict[str, Any]:
        """The batch as JSON-ready data."""
        return {
            "instance": self.instance,
            "first": self.first,
            "end": self.end,
            "texts": self.texts,
            "runs": [list(run) for run in self.runs],
            "channels": [list(chan) for chan in self.channels],
            "levels": base64.b64encode(self.levels).decode("ascii"),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LogBatch:
        """Read a batch back; ValueError when it is not one (or does not add up)."""
        try:
            texts = data.get("texts", [])
            if not isinstance(texts, list) or not all(map(str.__instancecheck__, texts)):
                raise TypeError("texts must be a list of strings")
            runs = [(int(n), float(ts), int(c)) for n, ts, c in data.get("runs", [])]
            channels = [(str(s), str(st)) for s, st in data.get("channels", [])]
            levels = base64.b64decode(str(data.get("levels", "")), validate=True)
            batch = cls(
                str(data["instance"]),
                int(data["first"]),
                int(data["end"]),
                texts,
                runs,
                channels,
                levels,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a log batch: {exc}") from None
        if sum(n for n, _, _ in runs) != len(texts) or len(levels) != len(texts):
            raise ValueError("not a log batch: its columns differ in length")
        if any(not 0 <= c < len(channels) for _, _, c in runs):
            raise ValueError("not a log batch: a run names an unknown channel")
        return batch


def read_batch(
    store: LogStore, since: int, limit: int, max_chars: int = MAX_BATCH_CHARS
) -> LogBatch:
    """Up to `limit` lines of `store` numbered above `since` (from the oldest held)."""
    ring = store.ring
    a = max(since + 1, ring.first_seq)
    b = min(ring.next_seq, a + max(0, limit))
    if a >= b:
        return LogBatch(store.instance, min(a, ring.next_seq), ring.next_seq)
    texts = ring.texts(a, b)
    if sum(map(len, texts)) > max_chars:
        fits = max(1, bisect_right(list(accumulate(map(len, texts))), max_chars))
        b = a + fits
        texts = texts[:fits]
    numbers: dict[int, int] = {}
    runs = []
    for (ts, chan), group in groupby(zip(ring.timestamps(a, b), ring.chans(a, b), strict=True)):
        index = numbers.setdefault(chan, len(numbers))
        runs.append((sum(1 for _ in group), ts, index))
    channels = [store.channel_info(chan) for chan in numbers]
    return LogBatch(store.instance, a, ring.next_seq, texts, runs, channels, ring.raw_levels(a, b))
