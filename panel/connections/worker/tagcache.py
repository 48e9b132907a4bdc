"""The last published state of every tag: decides what a `tags` message carries."""

from __future__ import annotations

import math
import time
from typing import Any

from panel.connections.worker.config import ConnectionConfig
from panel.connections.worker.drivers.base import BAD, TagValue


class TagCache:
    """Filters samples down to changes (beyond each tag's deadband) and makes snapshots."""

    def __init__(self, config: ConnectionConfig) -> None:
        self._deadbands: dict[str, float] = {}
        self._last: dict[str, TagValue] = {}
        self.configure(config)

    def configure(self, config: ConnectionConfig) -> None:
        """Adopt a new tag list; tags no longer configured are forgotten."""
        self._deadbands = {tag.name: tag.deadband for _, tag in config.all_tags()}
        self._last = {n: v for n, v in self._last.items() if n in self._deadbands}

    def changes(self, samples: list[TagValue]) -> list[dict[str, Any]]:
        """The samples worth sending; remembers them as the last published state."""
        out: list[dict[str, Any]] = []
        last_of, deadbands = self._last.get, self._deadbands
        for sample in samples:
            last = last_of(sample.name)
            if (
                last is not None  # the common case first: the very same value and quality
                and last.value == sample.value
                and last.quality == sample.quality
                and last.reason == sample.reason
                and type(last.value) is type(sample.value)
            ):
                continue
            if sample.name not in deadbands:
                continue
            if last is None or self._moved(last, sample):
                self._last[sample.name] = sample
                out.append(as_json(sample))
        return out

    def _moved(self, last: TagValue, new: TagValue) -> bool:
        if last.quality != new.quality or last.reason != new.reason:
            return True
        old_value, new_value = last.value, new.value
        deadband = self._deadbands.get(new.name, 0.0)
        if _is_number(old_value) and _is_number(new_value):
            if math.isnan(old_value) or math.isnan(new_value):
                return math.isnan(old_value) != math.isnan(new_value)
            delta = abs(new_value - old_value)
            return delta > deadband if deadband > 0 else delta != 0
        return bool(old_value != new_value)

    def all_bad(self, reason: str) -> list[dict[str, Any]]:
        """Mark every tag bad (link lost); returns the changes to send."""
        now = time.time()
        samples = [TagValue(name, None, BAD, now, reason) for name in self._deadbands]
        return self.changes(samples)

    def snapshot(self) -> list[dict[str, Any]]:
        """Every known tag's last state (for a full refresh)."""
        return [as_json(v) for v in self._last.values()]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def as_json(sample: TagValue) -> dict[str, Any]:
    """A sample as an entry of the `tags` message."""
    value = sample.value
    if isinstance(value, float) and not math.isfinite(value):
        value = str(value)
    entry: dict[str, Any] = {
        "name": sample.name,
        "value": value,
        "quality": sample.quality,
        "ts": round(sample.ts, 6),
    }
    if sample.reason:
        entry["reason"] = sample.reason
    return entry
