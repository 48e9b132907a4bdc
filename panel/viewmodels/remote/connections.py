"""The connections of an engine reached over its API.

A mirror fed by subscriptions: `conns.status` (one snapshot per change), `conns.changed`
(the list or a configuration changed: re-read them) and `conns.tags` (every connection's
tag values, kept per tag so that a connection picked later shows its values at once;
asked for as columns, a sixth of the text to decode, from an engine that has them).
After a reconnect, or when the engine dropped notifications for this slow window
(`rpc.dropped`), the whole state is read again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from panel.connections.history import Series
from panel.connections.status import ConnectionSnapshot
from panel.connections.tag_columns import TagBatch
from panel.connections.worker.writes import FAILED, UNKNOWN
from panel.connections.write_answer import WriteAnswer
from panel.viewmodels.connections import (
    ConnectionsModel,
    Done,
    HistoryDone,
    WriteDone,
    tag_infos_of,
)
from panel.viewmodels.remote.latest_tags import LatestTags
from panel.viewmodels.remote.link import CallError, RemoteLink

NOT_FOUND = -32010
INVALID_STATE = -32011
INVALID_PARAMS = -32602
TIMEOUT = -32012
REFUSED = (NOT_FOUND, INVALID_STATE, INVALID_PARAMS, -32600, -32601, -32002, -32003)
"""Errors that say the engine did not send the write (nothing can have been applied)."""


class RemoteConnectionsModel(ConnectionsModel):
    """Mirrors the engine's connections; the buttons are API calls."""

    def __init__(self, link: RemoteLink) -> None:
        super().__init__(link)
        self._link = link
        self._snaps: dict[str, ConnectionSnapshot] = {}
        self._received: dict[str, float] = {}
        self._configs: dict[str, dict[str, Any]] = {}
        self._tag_infos: dict[str, list[dict[str, Any]]] = {}
        self._values: dict[str, LatestTags] = {}
        self._generation = 0
        self._keep_running: bool | None = None
        link.on("conns.status", self._on_status)
        link.on("conns.changed", lambda _params: self._fetch())
        link.on("conns.tags", self._on_tags)
        link.on("rpc.dropped", self._on_dropped)
        link.subscribe("conns.subscribeStatus")
        link.subscribe("conns.subscribe", {"format": "columns"}, fallback={})
        link.sig_connected.connect(self._fetch)

    # ----------------------------------------------------------------- mirror

    def _fetch(self) -> None:
        """Read the list, then each connection's configuration and tags, afresh; one
        `sig_changed` once all of it has arrived."""
        self._generation += 1
        generation = self._generation
        self._fetch_worker_settings()

        def listed(result: Any) -> None:
            if generation != self._generation or not isinstance(result, dict):
                return
            self._take_list(result)
            waiting = [2 * len(self._snaps)]

            def arrived() -> None:
                waiting[0] -= 1
                if waiting[0] == 0 and generation == self._generation:
                    self.sig_changed.emit()

            for conn_id in self._snaps:
                self._fetch_config(conn_id, generation, arrived)
                self._fetch_tags(conn_id, generation, arrived)
            if not self._snaps:
                self.sig_changed.emit()

        self._link.call("conns.list", {}, listed)

    def _fetch_worker_settings(self) -> None:
        def settled(result: Any) -> None:
            if isinstance(result, dict) and isinstance(result.get("keepRunning"), bool):
                self._keep_running = result["keepRunning"]
                self.sig_worker_settings.emit()

        self._link.call("conns.workerSettings", {}, settled, lambda _error: None)

    def _on_dropped(self, _params: Any) -> None:
        """The engine dropped notifications for this window: read states and values again
        (the configurations did not change, or `conns.changed` would have said so)."""
        generation = self._generation

        def listed(result: Any) -> None:
            if generation != self._generation or not isinstance(result, dict):
                return
            known = set(self._snaps)
            self._take_list(result)
            if set(self._snaps) != known:
                self._fetch()
                return
            for conn_id in self._snaps:
                self.sig_status.emit(conn_id)
                self._fetch_tags(conn_id, generation, None)

        self._link.call("conns.list", {}, listed)

    def _take_list(self, result: dict[str, Any]) -> None:
        snaps = [
            ConnectionSnapshot.from_json(item)
            for item in result.get("connections", [])
            if isinstance(item, dict)
        ]
        now = time.monotonic()
        self._snaps = {s.id: s for s in snaps}
        self._received = {s.id: now for s in snaps}
        self._configs = {k: v for k, v in self._configs.items() if k in self._snaps}
        self._tag_infos = {k: v for k, v in self._tag_infos.items() if k in self._snaps}
        self._values = {k: v for k, v in self._values.items() if k in self._snaps}

    def _fetch_config(
        self, conn_id: str, generation: int, arrived: Callable[[], None] | None
    ) -> None:
        def configured(result: Any) -> None:
            config = result.get("config") if isinstance(result, dict) else None
            if generation == self._generation and isinstance(config, dict):
                self._configs[conn_id] = config
                self._tag_infos[conn_id] = tag_infos_of(config)
            if arrived is not None:
                arrived()

        def failed(_error: CallError) -> None:
            if arrived is not None:
                arrived()

        self._link.call("conns.config", {"id": conn_id}, configured, failed)

    def _fetch_tags(
        self, conn_id: str, generation: int, arrived: Callable[[], None] | None
    ) -> None:
        def tagged(result: Any) -> None:
            if generation == self._generation and isinstance(result, dict):
                values = [
                    _value_of(t)
                    for t in result.get("tags", [])
                    if isinstance(t, dict) and "name" in t and t.get("timestamp") is not None
                ]
                self._values[conn_id] = LatestTags(values)
                if arrived is None and values:
                    self.sig_tags.emit(conn_id, values)
            if arrived is not None:
                arrived()

        def failed(_error: CallError) -> None:
            if arrived is not None:
                arrived()

        self._link.call("conns.tags", {"id": conn_id}, tagged, failed)

    def _on_status(self, params: Any) -> None:
        data = params.get("connection") if isinstance(params, dict) else None
        if not isinstance(data, dict):
            return
        snap = ConnectionSnapshot.from_json(data)
        if snap.id not in self._snaps:
            return  # a connection the list does not have yet: `conns.changed` follows
        self._snaps[snap.id] = snap
        self._received[snap.id] = time.monotonic()
        self.sig_status.emit(snap.id)

    def _on_tags(self, params: Any) -> None:
        if not isinstance(params, dict):
            return
        conn_id, values = params.get("id"), params.get("values")
        if values is None and "names" in params:
            values = TagBatch.of(params)
        if not isinstance(conn_id, str) or not isinstance(values, list | TagBatch):
            return
        latest = self._values.get(conn_id)
        if latest is None:
            latest = self._values[conn_id] = LatestTags()
        latest.add(values)
        self.sig_tags.emit(conn_id, values)

    # ----------------------------------------------------------------- queries

    def history(
        self, conn_id: str, names: list[str] | None, seconds: float | None, done: HistoryDone
    ) -> None:
        params: dict[str, Any] = {"id": conn_id}
        if names is not None:
            params["tags"] = names
        if seconds is not None:
            params["seconds"] = seconds

        def answered(result: Any) -> None:
            entries = result.get("series") if isinstance(result, dict) else None
            series = [Series.from_json(e) for e in entries] if isinstance(entries, list) else []
            done([s for s in series if s is not None])

        # An engine from before `conns.history` refuses it: the trend starts empty.
        self._link.call("conns.history", params, answered, lambda _error: done([]))

    def ids(self) -> list[str]:
        return list(self._snaps)

    def snapshots(self) -> list[ConnectionSnapshot]:
        now = time.monotonic()
        return [self._aged(s, now) for s in self._snaps.values()]

    def snapshot(self, conn_id: str) -> ConnectionSnapshot | None:
        snap = self._snaps.get(conn_id)
        return self._aged(snap, time.monotonic()) if snap is not None else None

    def _aged(self, snap: ConnectionSnapshot, now: float) -> ConnectionSnapshot:
        """The snapshot with its uptime counted up to `now`."""
        if snap.pid is None:
            return snap
        return replace(snap, uptime=snap.uptime + now - self._received.get(snap.id, now))

    def connection(self, conn_id: str) -> dict[str, Any] | None:
        config = self._configs.get(conn_id)
        return dict(config) if config is not None else None

    def tag_infos(self, conn_id: str) -> list[dict[str, Any]]:
        return list(self._tag_infos.get(conn_id, []))

    def latest_values(self, conn_id: str) -> list[dict[str, Any]]:
        latest = self._values.get(conn_id)
        return latest.values() if latest is not None else []

    # ----------------------------------------------------------------- actions

    def save(self, data: dict[str, Any], old_id: str | None, done: Done) -> None:
        def failed(error: CallError) -> None:
            done(_problems_text(error, "$.config"))

        method, params = (
            ("conns.add", {"config": data})
            if old_id is None
            else (
                "conns.save",
                {"config": data, "id": old_id},
            )
        )
        self._link.call(method, params, lambda _result: done(None), failed)

    def remove(self, conn_id: str, done: Done) -> None:
        self._act("conns.remove", {"id": conn_id}, done)

    def set_enabled(self, conn_id: str, enabled: bool, done: Done) -> None:
        self._act("conns.enable", {"id": conn_id, "enabled": enabled}, done)

    def restart(self, conn_id: str, done: Done) -> None:
        self._act("conns.restart", {"id": conn_id}, done)

    def load_csv(self, texts: dict[str, str], done: Done) -> None:
        params = {
            name.removesuffix(".csv"): text
            for name, text in texts.items()
            if name in ("connections.csv", "blocks.csv", "tags.csv")
        }
        self._act("conns.loadCsv", params, done)

    def write(self, conn_id: str, values: dict[str, Any], done: WriteDone) -> None:
        if not self._link.connected:
            done(WriteAnswer(FAILED, f"not sent: {self._link.message or 'not connected'}"))
            return

        def written(result: Any) -> None:
            outcome = result.get("outcome") if isinstance(result, dict) else None
            done(WriteAnswer(str(outcome or "done")))

        def failed(error: CallError) -> None:
            done(_write_answer(error))

        self._link.call("conns.write", {"id": conn_id, "values": values}, written, failed)

    def keep_running(self) -> bool | None:
        return self._keep_running

    def set_keep_running(self, enabled: bool, done: Done) -> None:
        def stored(result: Any) -> None:
            if isinstance(result, dict) and isinstance(result.get("keepRunning"), bool):
                self._keep_running = result["keepRunning"]
                self.sig_worker_settings.emit()
            done(None)

        params = {"keepRunning": enabled}
        self._link.call("conns.setWorkerSettings", params, stored, lambda e: done(str(e)))

    def _act(self, method: str, params: dict[str, Any], done: Done) -> None:
        self._link.call(method, params, lambda _result: done(None), lambda e: done(str(e)))


def _problems_text(error: CallError, where: str) -> str:
    """The engine's problems, one per line, with paths in the connection object (`$.id`)
    rather than in the call's params (`$.config.id`): what the embedded engine says."""
    data = error.data if isinstance(error.data, dict) else {}
    lines = []
    for problem in data.get("problems", []):
        if isinstance(problem, dict):
            path = str(problem.get("path", "$"))
            if path == where or path.startswith(where + ".") or path.startswith(where + "["):
                path = "$" + path[len(where) :]
            lines.append(f"{path}: {problem.get('message', '')}")
    return "\n".join(lines) or str(error)


def _value_of(tag: dict[str, Any]) -> dict[str, Any]:
    """A `conns.tags` entry in the shape of a tag value message."""
    value = {
        "name": tag["name"],
        "value": tag.get("value"),
        "quality": tag.get("quality", "unknown"),
        "ts": tag.get("timestamp"),
    }
    if tag.get("reason"):
        value["reason"] = tag["reason"]
    return value


def _write_answer(error: CallError) -> WriteAnswer:
    """What the engine's error to `conns.write` says happened to the write."""
    data = error.data if isinstance(error.data, dict) else {}
    outcome = data.get("outcome")
    if outcome in (FAILED, UNKNOWN):
        return WriteAnswer(str(outcome), str(error), expired=error.code == TIMEOUT)
    if error.code in REFUSED:
        return WriteAnswer(FAILED, str(error))
    return WriteAnswer(UNKNOWN, f"unknown: {error} (the engine may have sent it)")
