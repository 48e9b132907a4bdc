"""`ConnectionManager`: one worker process per connection, started, reloaded and stopped.

The workspace database is the source of truth. An edit (dialog, CSV, import, API) is
validated by the worker's own parser and written in ONE transaction; then `apply`
compares old and new and decides per connection:

- added -> its worker starts (when enabled); removed -> stopped and forgotten;
- driver/host/port/endpoint/unit id changed -> that worker restarts at once;
- anything else (blocks, tags, periods) -> `reload` on stdin: same pid, no reconnect;
- enabled turned off/on -> the worker stops/starts.

A worker reads its connection from the workspace database itself (at start, and again
on `{"cmd":"reload"}`), so the manager only commits, then tells it.

Every change, whoever made it (`source`: window, api, import, csv, ...), is then
published as one `SystemEvent` per connection on `sig_system_event`, in order and
after the commit: `conn_added`, `conn_removed`, or `config_reload` with `change`
saying what changed (see `changes.describe_change`). Each is also one log line.

A connection with `"process": "group:<name>"` runs in its group's one worker process
(`worker.group`) with the other connections of that group, each its own worker inside
it; its link shares the group's `WorkerChannel`. A change to one member is a `reload`
for that member only (a new endpoint restarts only it, inside the group); the group's
process starts with its first enabled member, stops when none is left enabled, and
restarts as one (a fault in it stops all its connections).

With `zygotes` (`connections.zygote`) workers are forked by the zygote of their
driver family (`panel.connections.zygote`) instead of spawned; nothing else changes.

With `keep_running` (`connections.keepRunning`) each worker talks over a Unix socket in
the workspace's run folder and outlives the engine; `start(adopt=...)` then takes over
the workers an earlier engine left running instead of starting new ones.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from panel.connections.changes import describe_change
from panel.connections.channel import WorkerChannel, group_source
from panel.connections.events import EventKind, SystemEvent
from panel.connections.history import Series, TagHistory
from panel.connections.link import WorkerLink, source_name
from panel.connections.sources import API, IMPORT
from panel.connections.status import (
    BlockFigures,
    ConnectionSnapshot,
    ConnState,
    overall_state,
    worst,
)
from panel.connections.store import load_connections, replace_one, save_connections
from panel.connections.validation import check_one, connection_problems
from panel.connections.values import check_value
from panel.connections.worker.config import ConnectionConfig, TagConfig, parse_connection
from panel.connections.worker.ipc_path import prepare_run_dir, run_dir
from panel.connections.write_answer import WriteAnswer
from panel.connections.zygote import family_of
from panel.logs.hub import LogHub
from panel.supervise.process import ManagedProcess
from panel.supervise.spec import ProcessSpec, RestartPolicy
from panel.supervise.state import ProcessState
from panel.supervise.sweep import sweep_orphans
from panel.supervise.zygote.client import Zygote
from panel.util.paths import panel_argv
from panel.workspace.errors import ConfigError
from panel.workspace.known_settings import CONNECTIONS_KEEP_RUNNING, CONNECTIONS_ORPHAN_TIMEOUT_S
from panel.workspace.process_records import RecordedProcess
from panel.workspace.workspace import Workspace

log = logging.getLogger("panel.connections")

DEFAULT_RESTART_DELAY_MS = 5000
WRITE_TIMEOUT_S = 10.0
"""How long a write may wait in the worker's queue before it is dropped unsent."""
ANSWER_MARGIN_S = 2.0

ProcessFactory = Callable[[str, ProcessSpec], ManagedProcess]
ZygoteFactory = Callable[[str], Zygote | None]
"""Zygote family (`family_of`) -> the zygote that forks its workers, None: spawn them."""

DEFAULT_SOURCE = API
"""Who made a change when the caller does not say (`SystemEvent.source`)."""


class UnknownConnection(KeyError):
    """No connection has this id."""


class NotRunning(RuntimeError):
    """The connection's worker does not run (disabled, stopped, restarting)."""


@dataclass
class _Group:
    """One connection group's worker process and its channel."""

    name: str
    process: ManagedProcess
    channel: WorkerChannel


@dataclass
class _Conn:
    """What the manager keeps per connection."""

    data: dict[str, Any]
    config: ConnectionConfig | None
    link: WorkerLink | None = None
    values: dict[str, dict[str, Any]] = field(default_factory=dict)


class ConnectionManager(QObject):
    """Supervises the connection workers of one workspace; views and the API use it."""

    sig_connections_changed = Signal()
    """Connections were added, removed or reconfigured (the list should be rebuilt)."""

    sig_status_changed = Signal(str)
    """(conn_id) state, pid, CPU/RSS or block figures of one connection changed."""

    sig_tags = Signal(str, object)
    """(conn_id, values) new tag values: a list of {name, value, quality, ts, reason?}."""

    sig_written = Signal(str, str, object)
    """(conn_id, request id, WriteAnswer) the one answer to a write."""

    sig_system_event = Signal(object)
    """(SystemEvent) a configuration change was committed (added, removed, reloaded)."""

    def __init__(
        self,
        workspace: Workspace,
        hub: LogHub,
        new_process: ProcessFactory,
        forget_process: Callable[[ManagedProcess], None],
        *,
        restart_delay_ms: int = DEFAULT_RESTART_DELAY_MS,
        stats_interval_s: float = 1.0,
        keep_running: bool = False,
        orphan_timeout_s: float = 0.0,
        zygotes: ZygoteFactory | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self._zygotes = zygotes
        self.keep_running = keep_running
        self.orphan_timeout_s = orphan_timeout_s
        self.run_dir = run_dir(workspace.root)
        self._adoptable: dict[str, RecordedProcess] = {}
        self._hub = hub
        self._new_process = new_process
        self._forget_process = forget_process
        self.restart_delay_ms = restart_delay_ms
        self.stats_interval_s = stats_interval_s
        self._conns: dict[str, _Conn] = {}
        self._history = TagHistory()
        """The last minutes of every numeric tag (what a trend opened now starts from)."""
        self._groups: dict[str, _Group] = {}
        self._retiring: list[tuple[ManagedProcess, list[QObject]]] = []
        """Processes being stopped for good, with what goes when they have stopped."""
        self._started = False
        self._seq = 0

    # ----------------------------------------------------------------- lifecycle

    def start(self, adopt: Mapping[str, RecordedProcess] | None = None) -> None:
        """Read the connections from the workspace and start every enabled one.

        `adopt` (conn id -> record) names workers an earlier engine left running: each
        enabled connection among them is adopted (same pid, counters carried on)
        instead of started; the others are stopped.
        """
        self._started = True
        self._conns.clear()  # nothing ran before: every connection is new
        self._adoptable = dict(adopt or {})
        if self.keep_running:
            prepare_run_dir(self.run_dir)
        self._remove_stale_sockets({r.pid for r in self._adoptable.values()})
        try:
            self.apply(load_connections(self.workspace), publish=False)
        finally:
            left, self._adoptable = list(self._adoptable.values()), {}
        if left:
            for pid in sweep_orphans(left):
                log.info("stopped worker %d left running for a connection no longer run", pid)
            for record in left:
                self.workspace.forget(record.pid)

    # ----------------------------------------------------------------- worker settings

    def worker_settings(self) -> dict[str, Any]:
        """`{"keepRunning", "orphanTimeoutS"}` in force (0: a kept worker never gives up)."""
        return {"keepRunning": self.keep_running, "orphanTimeoutS": self.orphan_timeout_s}

    def set_worker_settings(
        self, keep_running: bool | None = None, orphan_timeout_s: float | None = None
    ) -> None:
        """Store `connections.keepRunning` / `connections.orphanTimeoutS` (None: unchanged).

        Each worker uses them from its next start; a running socket worker gets the new
        orphan timeout at once. `sig_connections_changed` follows.
        """
        if orphan_timeout_s is not None and not 0 <= orphan_timeout_s <= 31_536_000:
            raise ConfigError([("$.orphanTimeoutS", "must be between 0 and 31536000 seconds")])
        if keep_running is not None:
            self.workspace.set_setting(CONNECTIONS_KEEP_RUNNING, bool(keep_running))
            self.keep_running = bool(keep_running)
        if orphan_timeout_s is not None:
            self.workspace.set_setting(CONNECTIONS_ORPHAN_TIMEOUT_S, orphan_timeout_s)
            self.orphan_timeout_s = float(orphan_timeout_s)
        if self.keep_running:
            prepare_run_dir(self.run_dir)
        ipc_dir = self.run_dir if self.keep_running else None
        for group in self._groups.values():
            group.process.set_spec(self._group_spec(group.name))
        for conn_id, conn in self._conns.items():
            if conn.link is not None:
                if conn.link.group is None:
                    conn.link.process.set_spec(self._spec(conn_id))
                conn.link.use_socket(ipc_dir, self.orphan_timeout_s)
        log.info(
            "connection workers: keepRunning %s, orphanTimeoutS %g (from each worker's next start)",
            self.keep_running,
            self.orphan_timeout_s,
        )
        self.sig_connections_changed.emit()

    # ----------------------------------------------------------------- editing

    def connections(self) -> list[dict[str, Any]]:
        """The configured connection objects (JSON shape), in order."""
        return [dict(c.data) for c in self._conns.values()]

    def connection(self, conn_id: str) -> dict[str, Any]:
        """One connection object; raises UnknownConnection."""
        return dict(self._conn(conn_id).data)

    def save_connection(
        self, data: dict[str, Any], old_id: str | None = None, *, source: str = DEFAULT_SOURCE
    ) -> None:
        """Add or replace one connection (`old_id`: the id it had, for a rename).

        Raises `ConfigError` naming every problem by its path in `data` (`$.blocks[0].count`,
        `$.id` for an id another connection has); nothing changes then.
        """
        items = load_connections(self.workspace)
        current = old_id if old_id is not None else data.get("id")
        taken = {str(item.get("id")) for item in items if item.get("id") != current}
        problems = check_one(data, taken)
        if problems:
            raise ConfigError(problems)
        if old_id is not None and old_id != data.get("id"):
            items = replace_one(items, old_id, None)
        self.replace_all(replace_one(items, str(data["id"]), data), source=source)

    def add_connection(self, data: dict[str, Any], *, source: str = DEFAULT_SOURCE) -> None:
        """Add one new connection; `ConfigError` when it is invalid or its id is taken."""
        taken = {str(item.get("id")) for item in load_connections(self.workspace)}
        problems = check_one(data, taken)
        if problems:
            raise ConfigError(problems)
        self.save_connection(data, source=source)

    def change_connection(
        self, data: dict[str, Any], old_id: str | None = None, *, source: str = DEFAULT_SOURCE
    ) -> None:
        """Replace an existing connection (`old_id`, else `data`'s id); UnknownConnection
        when there is none, `ConfigError` naming every problem."""
        current = old_id if old_id is not None else data.get("id")
        if isinstance(current, str) and current:
            self._conn(current)
        self.save_connection(data, old_id, source=source)

    def delete_connection(self, conn_id: str, *, source: str = DEFAULT_SOURCE) -> None:
        """Remove a connection: its worker stops and it is forgotten."""
        self._conn(conn_id)
        items = replace_one(load_connections(self.workspace), conn_id, None)
        self.replace_all(items, source=source)

    def replace_all(self, items: list[dict[str, Any]], *, source: str = DEFAULT_SOURCE) -> None:
        """Store `items` as the whole section (one transaction), then apply the change."""
        save_connections(self.workspace, items)
        self.apply(items, source=source)

    def set_enabled(self, conn_id: str, enabled: bool, *, source: str = DEFAULT_SOURCE) -> None:
        """Enable (start) or disable (stop) a connection; stored in the workspace."""
        data = self.connection(conn_id)
        data["enabled"] = enabled
        self.save_connection(data, source=source)

    def restart(self, conn_id: str) -> None:
        """Restart a connection's worker (starts it when enabled and not running)."""
        conn = self._conn(conn_id)
        if conn.config is None or not conn.config.enabled:
            raise NotRunning(f"connection {conn_id!r} is disabled")
        self._link(conn_id, conn).process.restart()

    def reload_from_workspace(self, *, source: str = IMPORT) -> None:
        """Apply what the workspace now holds (after an import, or when told it changed)."""
        self.apply(load_connections(self.workspace), source=source)

    # ----------------------------------------------------------------- applying

    def apply(
        self, items: list[dict[str, Any]], *, source: str = DEFAULT_SOURCE, publish: bool = True
    ) -> None:
        """Bring the workers in line with `items` (already stored and validated), then
        publish a `SystemEvent` per changed connection (`publish`: once started)."""
        wanted = {str(item.get("id")): item for item in items if isinstance(item, dict)}
        changed = False
        events: list[tuple[EventKind, str, str | None]] = []
        for conn_id in [c for c in self._conns if c not in wanted]:
            self._remove(conn_id)
            events.append(("conn_removed", conn_id, None))
            changed = True
        old_conns, self._conns = self._conns, {}
        for conn_id, data in wanted.items():  # all first: a group needs its other members
            old = old_conns.get(conn_id)
            config, problems = parse_connection(data)
            new = _Conn(dict(data), config if not problems else None)
            if old is not None:
                new.link, new.values = old.link, old.values
            self._conns[conn_id] = new
        for conn_id, new in self._conns.items():
            old = old_conns.get(conn_id)
            data = new.data
            if old is None or old.data != data:
                changed = True
                self._apply_one(conn_id, old, new)
                if old is None:
                    events.append(("conn_added", conn_id, None))
                else:
                    events.append(
                        ("config_reload", conn_id, describe_change(old.data, data) or "settings")
                    )
        if changed:
            self.sig_connections_changed.emit()
        if publish and self._started:
            for kind, conn_id, change in events:
                self._publish(kind, conn_id, source, change)

    def _publish(self, kind: EventKind, conn_id: str, source: str, change: str | None) -> None:
        """Log and emit one system event (numbered in order)."""
        self._seq += 1
        event = SystemEvent(kind, conn_id, self._seq, source, change)
        what = f" ({change})" if change else ""
        log.info("system event %d: %s %s%s from %s", event.seq, kind, conn_id, what, source)
        self.sig_system_event.emit(event)

    def _apply_one(self, conn_id: str, old: _Conn | None, new: _Conn) -> None:
        if not self._started:
            return
        group = new.config.group if new.config is not None else None
        if new.link is not None and new.link.group != group:
            log.info("connection %s: moves to %s", conn_id, _process_label(group))
            self._drop_link(new.link)  # another process runs it from now on
            new.link, old = None, None
        if group is not None:
            self._apply_member(conn_id, old, new, group)
            return
        enabled = new.config is not None and new.config.enabled
        running = new.link is not None and new.link.process.state not in (
            ProcessState.STOPPED,
            ProcessState.FATAL,
        )
        if not enabled:
            if new.link is not None:
                new.link.process.stop()
            return
        process = self._link(conn_id, new).process
        if new.config is not None:
            process.set_launcher(self._zygote_for(new.config.driver))
        if not running and self._adopt(conn_id, process):
            log.info("connection %s: adopted its running worker %d", conn_id, process.pid)
            self._link(conn_id, new).send({"cmd": "reload"})  # a change made meanwhile
            return
        if not running or old is None or old.config is None:
            process.start()
        elif new.config is not None and old.config.endpoint_key() != new.config.endpoint_key():
            log.info("connection %s: endpoint changed, restarting its worker", conn_id)
            process.restart()
        elif not self._link(conn_id, new).send({"cmd": "reload"}):
            process.start()  # between two runs: the next start reads the new configuration

    def _apply_member(self, conn_id: str, old: _Conn | None, new: _Conn, name: str) -> None:
        """A grouped connection changed: only its member is told; the group's process
        runs while one of its members is enabled."""
        group = self._group(name)
        link = self._link(conn_id, new)
        process = group.process
        running = process.state not in (ProcessState.STOPPED, ProcessState.FATAL)
        if not self._group_enabled(name):
            if running:
                log.info("group %s: no enabled connection left, stopping its worker", name)
                process.stop()
            return
        if new.config is not None and not running:
            process.set_launcher(self._zygote_for(new.config.driver))
        if not running and self._adopt(group_source(name), process):
            log.info("group %s: adopted its running worker %d", name, process.pid)
            group.channel.send(b'{"cmd":"reload"}\n')  # its members as configured now
            return
        if not running:
            process.start()  # the group worker starts every member
        elif old is None or old.config is None or old.data != new.data:
            link.send({"cmd": "reload"})  # this member only (added, changed or disabled)

    def _group(self, name: str) -> _Group:
        group = self._groups.get(name)
        if group is None:
            process = self._new_process(group_source(name), self._group_spec(name))
            ipc_dir = self.run_dir if self.keep_running else None
            channel = WorkerChannel(
                process, self._hub, group_source(name), self, group=name, ipc_dir=ipc_dir
            )
            group = self._groups[name] = _Group(name, process, channel)
        return group

    def _group_enabled(self, name: str) -> bool:
        return any(
            c.config is not None and c.config.group == name and c.config.enabled
            for c in self._conns.values()
        )

    def _zygote_for(self, driver: str) -> Zygote | None:
        """The zygote that forks a worker for `driver`, None to spawn it."""
        return self._zygotes(family_of(driver)) if self._zygotes is not None else None

    def _remove_stale_sockets(self, kept: set[int]) -> None:
        """Remove the sockets of workers that are gone (killed ones cannot remove theirs)."""
        with contextlib.suppress(OSError):
            for path in self.run_dir.glob("w-*.sock"):
                pid = path.name[2:-5]
                if not pid.isdigit() or int(pid) not in kept:
                    path.unlink(missing_ok=True)

    def _adopt(self, key: str, process: ManagedProcess) -> bool:
        """Take over the worker an earlier engine left for `key` (a conn id, or
        `group:<name>`), if there is one."""
        record = self._adoptable.pop(key, None)
        if record is None or not process.spec.outlives_engine:
            if record is not None:
                self._adoptable[key] = record  # not adoptable now: stopped at the end
            return False
        if not process.adopt(record.pid, record.create_time):
            self.workspace.forget(record.pid)
            return False
        return True

    def _remove(self, conn_id: str) -> None:
        conn = self._conns.pop(conn_id)
        self._history.forget(conn_id)
        if conn.link is not None:
            self._drop_link(conn.link)

    def _drop_link(self, link: WorkerLink) -> None:
        """`link`'s connection no longer runs in its process: a lone worker stops for
        good; a member leaves its group (whose process stops when none is left)."""
        if link.group is None:
            self._retire(link.process, [link])
            return
        link.send({"cmd": "stop"})  # this member only
        link.release()
        link.deleteLater()
        group = self._groups[link.group]
        if not group.channel.links:
            del self._groups[group.name]
            self._retire(group.process, [group.channel])
        elif not self._group_enabled(group.name):
            group.process.stop()

    def _retire(self, process: ManagedProcess, parts: list[QObject]) -> None:
        """Stop `process` for good; it and `parts` go once it has stopped."""
        self._retiring.append((process, parts))
        process.sig_state_changed.connect(self._on_retiring_state)
        process.stop()
        self._on_retiring_state(process.state, process.state)

    def _on_retiring_state(self, new: ProcessState, old: ProcessState) -> None:
        for entry in list(self._retiring):
            process, parts = entry
            if process.state == ProcessState.STOPPED and not process.state.is_alive:
                self._retiring.remove(entry)
                process.sig_state_changed.disconnect(self._on_retiring_state)
                self._forget_process(process)
                for part in parts:
                    part.deleteLater()
                process.deleteLater()

    # ----------------------------------------------------------------- links

    def _link(self, conn_id: str, conn: _Conn) -> WorkerLink:
        if conn.link is None:
            name = conn.config.group if conn.config is not None else None
            channel = self._group(name).channel if name is not None else None
            if channel is not None:
                process = channel.process
            else:
                process = self._new_process(source_name(conn_id), self._spec(conn_id))
            link = WorkerLink(
                conn_id,
                process,
                self._hub,
                self,
                ipc_dir=self.run_dir if self.keep_running else None,
                orphan_timeout_s=self.orphan_timeout_s,
                channel=channel,
            )
            link.sig_tags.connect(self._on_tags)
            link.sig_changed.connect(self._on_link_changed)
            link.sig_written.connect(self._on_written)
            conn.link = link
        return conn.link

    def _spec(self, conn_id: str) -> ProcessSpec:
        """The process of a lone connection's worker."""
        return self._worker_spec(source_name(conn_id), ["--conn-id", conn_id], _safe(conn_id))

    def _group_spec(self, name: str) -> ProcessSpec:
        """The process of a connection group's worker (every member inside it)."""
        return self._worker_spec(group_source(name), ["--group", name], f"group-{_safe(name)}")

    def _worker_spec(self, name: str, who: list[str], log_name: str) -> ProcessSpec:
        argv = panel_argv(
            "worker",
            "connection",
            *who,
            "--workspace",
            str(self.workspace.root),
            "--stats-interval-s",
            f"{self.stats_interval_s:g}",
        )
        if self.keep_running:
            argv += [
                "--ipc-dir",
                str(self.run_dir),
                "--log-file",
                str(Path(self.workspace.logs_dir) / f"worker-{log_name}.log"),
                "--orphan-timeout-s",
                f"{self.orphan_timeout_s:g}",
            ]
        return ProcessSpec(
            name=name,
            argv=tuple(argv),
            cwd=str(self.workspace.root),
            restart=RestartPolicy.ALWAYS,
            restart_delay_ms=self.restart_delay_ms,
            backoff_factor=2.0,
            backoff_max_ms=max(60_000, self.restart_delay_ms),
            backoff_reset_secs=60.0,
            start_secs=1.0,
            start_retries=10,
            stop_timeout_ms=3000,
            python_child=True,
            parent_death_signal=not self.keep_running,
            outlives_engine=self.keep_running,
        )

    def _sender_link(self) -> WorkerLink | None:
        link = self.sender()
        if isinstance(link, WorkerLink):
            conn = self._conns.get(link.conn_id)
            if conn is not None and conn.link is link:
                return link
        return None

    def _on_tags(self, values: list[dict[str, Any]], full: bool) -> None:
        link = self._sender_link()
        if link is None:
            return
        conn = self._conns[link.conn_id]
        cache = conn.values
        if full:
            cache.clear()
        for value in values:
            cache[value["name"]] = value
        self._history.record(link.conn_id, conn.config, values)
        self.sig_tags.emit(link.conn_id, values)

    def _on_link_changed(self) -> None:
        link = self._sender_link()
        if link is not None:
            self.sig_status_changed.emit(link.conn_id)

    def _on_written(self, request_id: str, answer: WriteAnswer) -> None:
        link = self._sender_link()
        if link is not None:
            self.sig_written.emit(link.conn_id, request_id, answer)

    # ----------------------------------------------------------------- reading

    def ids(self) -> list[str]:
        """Connection ids, in configuration order."""
        return list(self._conns)

    def snapshot(self, conn_id: str) -> ConnectionSnapshot:
        """One connection as it is now; raises UnknownConnection."""
        conn = self._conn(conn_id)
        data, config, link = conn.data, conn.config, conn.link
        enabled = bool(config.enabled) if config is not None else bool(data.get("enabled", True))
        process = link.process if link is not None else None
        pstate = process.state if process is not None else ProcessState.STOPPED
        state = overall_state(enabled, pstate, link.worker_state if link else None)
        problems = list(link.problems) if link else []
        if config is None:
            state = ConnState.ERROR
            problems = [f"{p}: {m}" for p, m in connection_problems(data)]
        stats = link.stats if link is not None else {}
        bus = stats.get("bus") if pstate.is_alive else None
        bus = bus if isinstance(bus, dict) else {}
        return ConnectionSnapshot(
            id=conn_id,
            driver=str(data.get("driver", "modbus_tcp")),
            address=_address(config, data),
            enabled=enabled,
            state=state,
            link=link.worker_state if link else None,
            reason=(link.reason if link else None) or (process.last_error if process else None),
            pid=process.pid if process else None,
            cpu=link.cpu if link else None,
            rss=link.rss if link else None,
            restarts=process.restarts if process else 0,
            uptime=process.uptime if process else 0.0,
            tags=len(config.all_tags()) if config else 0,
            queued_writes=int(stats.get("queuedWrites", 0) or 0),
            problems=problems,
            blocks=self._blocks(config, stats),
            bus_state=bus.get("state"),
            bus_last_published=bus.get("lastPublished"),
            adopted=process.adopted if process is not None else False,
            group=config.group if config is not None else None,
        )

    def snapshots(self) -> list[ConnectionSnapshot]:
        """Every connection, in configuration order."""
        return [self.snapshot(conn_id) for conn_id in self._conns]

    def worst_state(self) -> ConnState | None:
        """The most severe state among all connections (None when there is none)."""
        return worst([s.state for s in self.snapshots()])

    def link(self, conn_id: str) -> WorkerLink | None:
        """The worker link of a connection (None before its first start)."""
        return self._conn(conn_id).link

    def tag_infos(self, conn_id: str) -> list[dict[str, Any]]:
        """The configured tags: name, unit, type, writable, block."""
        config = self._conn(conn_id).config
        if config is None:
            return []
        return [
            {
                "name": t.name,
                "unit": t.unit,
                "type": t.type,
                "writable": t.writable,
                "block": b.name,
            }
            for b, t in config.all_tags()
        ]

    def latest_values(self, conn_id: str) -> list[dict[str, Any]]:
        """The last value message of every tag seen (raw worker shape)."""
        return list(self._conn(conn_id).values.values())

    def history(
        self, conn_id: str, names: list[str] | None = None, seconds: float | None = None
    ) -> list[Series]:
        """The kept history of a connection's numeric tags (`names`: only these) over the
        last `seconds` (default and at most ten minutes); raises UnknownConnection."""
        self._conn(conn_id)
        return self._history.series(conn_id, names, seconds)

    def tags(self, conn_id: str) -> list[dict[str, Any]]:
        """Every configured tag with its live value, quality and timestamp."""
        conn = self._conn(conn_id)
        out = []
        for info in self.tag_infos(conn_id):
            value = conn.values.get(info["name"], {})
            entry = {
                "name": info["name"],
                "value": value.get("value"),
                "quality": value.get("quality", "unknown"),
                "timestamp": value.get("ts"),
                "unit": info["unit"],
                "type": info["type"],
                "writable": info["writable"],
                "block": info["block"],
            }
            if value.get("reason"):
                entry["reason"] = value["reason"]
            out.append(entry)
        return out

    # ----------------------------------------------------------------- writing

    def find_tag(self, conn_id: str, name: str) -> tuple[Any, TagConfig]:
        """(block, tag) of tag `name`; raises UnknownConnection or KeyError."""
        config = self._conn(conn_id).config
        if config is not None:
            for block, tag in config.all_tags():
                if tag.name == name:
                    return block, tag
        raise KeyError(name)

    def write(
        self, conn_id: str, values: dict[str, Any], timeout_s: float = WRITE_TIMEOUT_S
    ) -> str:
        """Check and send a write of `values` (tag -> value); returns the request id.

        A write still queued after `timeout_s` (link down or busy) is dropped unsent.
        Raises UnknownConnection, KeyError (unknown tag), ValueError (not writable,
        wrong type or out of range) or NotRunning. The one answer comes on `sig_written`
        within `write_answer_s(conn_id, timeout_s)`.
        """
        checked = {}
        for name, value in values.items():
            block, tag = self.find_tag(conn_id, name)
            checked[name] = check_value(block, tag, value)
        link = self._conn(conn_id).link
        request_id = link.write(checked, timeout_s) if link is not None else None
        if request_id is None:
            raise NotRunning(f"connection {conn_id!r} has no running worker")
        return request_id

    def write_answer_s(self, conn_id: str, timeout_s: float) -> float:
        """How long a write's answer can take: its queue time, then a request on the wire
        (the worker answers at the device's timeout at the latest; two for OPC UA's
        type read + write), plus a margin for the pipes."""
        config = self._conn(conn_id).config
        request_s = (config.timeout_ms if config is not None else 1000) / 1000.0 + 0.5
        return timeout_s + 2 * request_s + ANSWER_MARGIN_S

    def _conn(self, conn_id: str) -> _Conn:
        conn = self._conns.get(conn_id)
        if conn is None:
            raise UnknownConnection(conn_id)
        return conn

    def _blocks(self, config: ConnectionConfig | None, stats: dict[str, Any]) -> list[BlockFigures]:
        if config is None:
            return []
        figures = {b.get("name"): b for b in stats.get("blocks", []) or [] if isinstance(b, dict)}
        out = []
        for block in config.blocks:
            found = figures.get(block.name, {})
            summary = {
                "name": block.name,
                "kind": block.kind,
                "periodMs": block.period_ms,
                "enabled": block.enabled,
                "tags": len(block.tags),
            }
            out.append(BlockFigures.from_json({**found, **summary}))
        return out


def _safe(conn_id: str) -> str:
    """`conn_id` as a file name part."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in conn_id) or "conn"


def _process_label(group: str | None) -> str:
    return f"group {group}" if group is not None else "a worker process of its own"


def _address(config: ConnectionConfig | None, data: dict[str, Any]) -> str:
    if config is None:
        return str(data.get("host", "?"))
    if config.driver == "opcua":
        return str(config.endpoint)
    return f"{config.host}:{config.port}"
