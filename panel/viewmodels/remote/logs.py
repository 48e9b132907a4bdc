"""The log lines of an engine reached over its API, mirrored in the window.

The engine pushes each batch of new lines (`logs.batch`, up to MAX_PUSH lines,
20 times a second at most); when more arrived than one push carries, when a push
was dropped by a slow link, or after (re)connecting, the model pulls what it
lacks with `logs.since`, one call at a time, from where its mirror stands. So a
flood costs the window as much as it can take in, never more, and no line is
lost or shown twice; lines of a restarted engine follow those of the old one.
"""

from __future__ import annotations

import logging
from typing import Any

from panel.logs.batch import LogBatch
from panel.logs.mirror import LogMirror
from panel.logs.store import LogStore
from panel.viewmodels.logs import LogsModel
from panel.viewmodels.remote.link import CallError, RemoteLink

log = logging.getLogger("panel.viewmodels.logs")

FETCH_LINES = 5_000
"""Lines asked for in one `logs.since` call."""


class RemoteLogsModel(LogsModel):
    """A mirror of the engine's lines, fed by `logs.batch` pushes and `logs.since` pulls."""

    def __init__(self, link: RemoteLink, capacity: int = 1_000_000) -> None:
        super().__init__(link)
        self._link = link
        self._mirror = LogMirror(capacity, self)
        self._mirror.sig_source_added.connect(self.sig_source_added)
        self._fetching = False
        self._end = 0
        """Where the current engine's lines end, as last heard."""
        link.on("logs.batch", self._on_batch)
        link.subscribe("logs.follow")
        link.sig_connected.connect(self._fetch)

    def store(self) -> LogStore:
        return self._mirror

    def missed(self) -> int:
        return self._mirror.missed

    def _on_batch(self, data: Any) -> None:
        batch = _batch(data)
        if batch is None:
            return
        mirror = self._mirror
        if batch.instance != mirror.source_instance:
            self._fetch()  # another engine: its lines are taken from its oldest
            return
        self._end = max(self._end, batch.end)
        if self._fetching:
            return
        if batch.texts and batch.first <= mirror.cursor:
            mirror.take(batch)
        if mirror.cursor < self._end:
            self._fetch()

    def _fetch(self) -> None:
        if self._fetching or not self._link.connected:
            return
        self._fetching = True
        mirror = self._mirror
        params: dict[str, Any] = {"since": -1, "limit": FETCH_LINES}
        if mirror.source_instance:
            params |= {"since": mirror.cursor - 1, "instance": mirror.source_instance}
        self._link.call("logs.since", params, self._on_fetched, self._on_fetch_failed)

    def _on_fetched(self, data: Any) -> None:
        self._fetching = False
        batch = _batch(data)
        if batch is None:
            return
        mirror = self._mirror
        same = batch.instance == mirror.source_instance
        mirror.take(batch)
        self._end = max(self._end, batch.end) if same else batch.end
        if mirror.cursor < self._end:
            self._fetch()

    def _on_fetch_failed(self, error: CallError) -> None:
        self._fetching = False
        if self._link.connected:
            log.warning("logs.since failed: %s", error)


def _batch(data: Any) -> LogBatch | None:
    if not isinstance(data, dict):
        return None
    try:
        return LogBatch.from_json(data)
    except ValueError as exc:
        log.warning("%s", exc)
        return None
