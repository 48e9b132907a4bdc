"""`LogFilter`: which lines a log list shows, applied to many lines at once.

Filtering a million lines must not cost a Python call per line and per test.
Each criterion is turned into a byte mask with C-level tools (``bytes.translate``
for levels, ``map`` over a set's ``__contains__`` for channels, ``map`` of
``operator.contains`` or a compiled regex's ``search`` for text), the masks are
combined as big integers, and ``itertools.compress`` picks the sequence numbers.
"""

from __future__ import annotations

import operator
import re
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import compress, repeat

from panel.logs.levels import LogLevel
from panel.logs.ring import LogRing

TextTest = Callable[[Iterable[str]], Iterable[object]]
"""Maps texts to truth values, one per text, lazily (like ``map``)."""


def text_test(pattern: str, regex: bool = False, case_sensitive: bool = False) -> TextTest:
    """A bulk text test for `pattern` (a substring, or a regex); re.error if invalid."""
    if regex:
        search = re.compile(pattern, 0 if case_sensitive else re.IGNORECASE).search
        return lambda texts: map(search, texts)
    if case_sensitive:
        return lambda texts: map(operator.contains, texts, repeat(pattern))
    needle = pattern.lower()
    return lambda texts: map(operator.contains, map(str.lower, texts), repeat(needle))


@dataclass(frozen=True)
class LogFilter:
    """What to show: channels (None = all), a minimum level, a text test (None = any)."""

    chans: frozenset[int] | None = None
    min_level: LogLevel = LogLevel.NONE
    text: TextTest | None = None

    @property
    def active(self) -> bool:
        """True when the filter hides anything at all."""
        return self.chans is not None or self.min_level > LogLevel.NONE or self.text is not None

    def select(self, ring: LogRing, a: int, b: int) -> array:
        """Sequence numbers in [a, b) (of those the ring holds) that pass, as ``array('q')``."""
        a = max(a, ring.first_seq)
        b = min(b, ring.next_seq)
        if a >= b:
            return array("q")
        n = b - a
        mask: int | None = None
        if self.min_level > LogLevel.NONE:
            table = bytes(int(v >= self.min_level) for v in range(256))
            mask = int.from_bytes(ring.levels(a, b).translate(table), "big")
        if self.chans is not None:
            chan_mask = int.from_bytes(bytes(map(self.chans.__contains__, ring.chans(a, b))), "big")
            mask = chan_mask if mask is None else mask & chan_mask
        positions: Iterable[int] = range(n)
        if mask is not None:
            positions = list(compress(positions, mask.to_bytes(n, "big")))
        if self.text is not None:
            texts = ring.texts(a, b)
            if mask is not None:
                subset = list(map(texts.__getitem__, positions))
                positions = list(compress(positions, self.text(subset)))
            else:
                positions = compress(positions, self.text(texts))
        return array("q", map(a.__add__, positions))
