"""The connections of the engine in this process."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer

from panel.connections.csv_loader import CsvError, load_csv_texts
from panel.connections.manager import NotRunning, UnknownConnection
from panel.connections.sources import CSV, WINDOW
from panel.connections.status import ConnectionSnapshot
from panel.connections.worker.config import BlockConfig, TagConfig
from panel.connections.worker.writes import FAILED, UNKNOWN
from panel.connections.write_answer import WriteAnswer
from panel.viewmodels.connections import ConnectionsModel, Done, HistoryDone, WriteDone
from panel.workspace.errors import WorkspaceError

if TYPE_CHECKING:
    from panel.connections.manager import ConnectionManager

WRITE_TIMEOUT_S = 10.0
"""How long a write from the window may wait for the link before it is dropped unsent."""


class LocalConnectionsModel(ConnectionsModel):
    """Forwards to the embedded engine's connection manager; its snapshots are the manager's."""

    def __init__(self, manager: ConnectionManager) -> None:
        super().__init__(manager)
        self._manager = manager
        self._writes: dict[tuple[str, str], WriteDone] = {}
        manager.sig_connections_changed.connect(self.sig_changed)
        manager.sig_connections_changed.connect(self.sig_worker_settings)
        manager.sig_status_changed.connect(self.sig_status)
        manager.sig_tags.connect(self.sig_tags)
        manager.sig_written.connect(self._on_written)

    # ----------------------------------------------------------------- queries

    def ids(self) -> list[str]:
        return self._manager.ids()

    def snapshots(self) -> list[ConnectionSnapshot]:
        return self._manager.snapshots()

    def snapshot(self, conn_id: str) -> ConnectionSnapshot | None:
        try:
            return self._manager.snapshot(conn_id)
        except UnknownConnection:
            return None

    def connection(self, conn_id: str) -> dict[str, Any] | None:
        try:
            return self._manager.connection(conn_id)
        except UnknownConnection:
            return None

    def tag_infos(self, conn_id: str) -> list[dict[str, Any]]:
        try:
            return self._manager.tag_infos(conn_id)
        except UnknownConnection:
            return []

    def find_tag(self, conn_id: str, name: str) -> tuple[BlockConfig, TagConfig] | None:
        try:
            return self._manager.find_tag(conn_id, name)
        except KeyError:  # UnknownConnection is one too
            return None

    def latest_values(self, conn_id: str) -> list[dict[str, Any]]:
        try:
            return self._manager.latest_values(conn_id)
        except UnknownConnection:
            return []

    def history(
        self, conn_id: str, names: list[str] | None, seconds: float | None, done: HistoryDone
    ) -> None:
        try:
            series = self._manager.history(conn_id, names, seconds)
        except UnknownConnection:
            series = []
        done(series)

    # ----------------------------------------------------------------- actions

    def save(self, data: dict[str, Any], old_id: str | None, done: Done) -> None:
        manager = self._manager
        if old_id is None:
            _run(lambda: manager.add_connection(data, source=WINDOW), done)
        else:
            _run(lambda: manager.change_connection(data, old_id, source=WINDOW), done)

    def remove(self, conn_id: str, done: Done) -> None:
        _run(lambda: self._manager.delete_connection(conn_id, source=WINDOW), done)

    def set_enabled(self, conn_id: str, enabled: bool, done: Done) -> None:
        _run(lambda: self._manager.set_enabled(conn_id, enabled, source=WINDOW), done)

    def restart(self, conn_id: str, done: Done) -> None:
        _run(lambda: self._manager.restart(conn_id), done)

    def load_csv(self, texts: dict[str, str], done: Done) -> None:
        _run(lambda: self._manager.replace_all(load_csv_texts(texts), source=CSV), done)

    def keep_running(self) -> bool | None:
        return self._manager.keep_running

    def set_keep_running(self, enabled: bool, done: Done) -> None:
        _run(lambda: self._manager.set_worker_settings(keep_running=enabled), done)

    def write(self, conn_id: str, values: dict[str, Any], done: WriteDone) -> None:
        manager = self._manager
        try:
            request_id = manager.write(conn_id, values, WRITE_TIMEOUT_S)
            bound_s = manager.write_answer_s(conn_id, WRITE_TIMEOUT_S)
        except UnknownConnection as exc:
            done(WriteAnswer(FAILED, f"no connection with id {exc.args[0]!r}"))
            return
        except KeyError as exc:
            done(WriteAnswer(FAILED, f"no tag named {exc.args[0]!r}"))
            return
        except (ValueError, NotRunning) as exc:
            done(WriteAnswer(FAILED, str(exc)))
            return
        key = (conn_id, request_id)
        self._writes[key] = done

        def unanswered() -> None:
            self._answer(key, WriteAnswer(UNKNOWN, f"unknown: no answer within {bound_s:g} s"))

        QTimer.singleShot(round(bound_s * 1000), self, unanswered)

    def _on_written(self, conn_id: str, request_id: str, answer: WriteAnswer) -> None:
        self._answer((conn_id, request_id), answer)

    def _answer(self, key: tuple[str, str], answer: WriteAnswer) -> None:
        done = self._writes.pop(key, None)
        if done is not None:  # the first answer counts, exactly once
            done(answer)


def _run(action: Any, done: Done) -> None:
    """Run `action` and tell `done` how it went (the manager's refusals as one text)."""
    try:
        action()
    except UnknownConnection as exc:
        done(f"no connection with id {exc.args[0]!r}")
        return
    except (WorkspaceError, CsvError, NotRunning, ValueError) as exc:
        done(str(exc))
        return
    done(None)
