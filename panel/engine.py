"""The engine: one per workspace. It owns the log hub, the process core and the server.

Every front door (window, tray, API, `ctl`) calls the methods here; the engine
emits signals that views and API subscriptions listen to. No view keeps state of
its own that the engine does not have.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any

import psutil
from PySide6.QtCore import QObject, QTimer, Signal

from panel import __version__
from panel.connections.adoption import adoptable_workers
from panel.connections.manager import DEFAULT_RESTART_DELAY_MS, ConnectionManager
from panel.connections.sources import IMPORT
from panel.connections.validation import check_connections
from panel.connections.worker.ipc_path import run_dir
from panel.demo.config import DEVICES_KEY, parse_devices, uses_demo_devices
from panel.demo.devices import DemoDevices
from panel.jobs.engine import JobEngine
from panel.jobs.file_watch import JobsFileWatcher
from panel.logs.hub import HubLogHandler, LogHub
from panel.mqtt.engine_bus import EngineBus
from panel.mqtt.settings import check_mqtt
from panel.server.controller import ServerController
from panel.server.preflight import PortConflict
from panel.server.services import ServiceManager
from panel.server.status import ServerSnapshot, ServiceSnapshot
from panel.sessions.manager import SessionManager
from panel.supervise.cgroups import EngineCgroups
from panel.supervise.process import ManagedProcess
from panel.supervise.reaper_client import Reaper
from panel.supervise.spec import ProcessSpec
from panel.supervise.stats import StatsSampler
from panel.supervise.sweep import sweep_orphans
from panel.supervise.zygote.client import Zygote, fork_is_safe
from panel.workspace.known_settings import (
    CONNECTIONS_KEEP_RUNNING,
    CONNECTIONS_ORPHAN_TIMEOUT_S,
    CONNECTIONS_ZYGOTE,
    SESSIONS_ALLOW_UNSANDBOXED,
    keep_running,
    orphan_timeout_s,
    zygote_enabled,
)
from panel.workspace.server_config import ServerConfig
from panel.workspace.service_config import SERVER_SERVICE
from panel.workspace.transfer import export_config, import_config
from panel.workspace.workspace import Workspace

log = logging.getLogger("panel.engine")

SERVER_SOURCE = "server"
"""The log source name of the server's output."""

SHUTDOWN_GRACE_MS = 1000
"""Extra time, beyond the children's stop timeouts, before shutdown gives up waiting."""

SHUTDOWN_STEP_MS = 500
"""Allowance per child, beyond its stop timeout, for its tree to be found gone."""


@dataclass(frozen=True)
class ProcessStats:
    """Once a second: the panel's own CPU and memory, the server tree's and each service's."""

    panel_cpu: float
    panel_rss: int
    server_cpu: float | None
    server_rss: int | None
    services: dict[str, tuple[float, int]] = field(default_factory=dict)
    """CPU % and RSS bytes of each running service's tree, by name."""

    def to_json(self) -> dict[str, Any]:
        """The figures as the `stats` notification carries them."""
        return {
            "panelCpu": round(self.panel_cpu, 2),
            "panelRss": self.panel_rss,
            "serverCpu": None if self.server_cpu is None else round(self.server_cpu, 2),
            "serverRss": self.server_rss,
            "services": {
                name: {"cpu": round(cpu, 2), "rss": rss}
                for name, (cpu, rss) in self.services.items()
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProcessStats:
        """The figures `to_json` wrote."""
        server_cpu = data.get("serverCpu")
        server_rss = data.get("serverRss")
        return cls(
            panel_cpu=float(data.get("panelCpu", 0.0)),
            panel_rss=int(data.get("panelRss", 0)),
            server_cpu=None if server_cpu is None else float(server_cpu),
            server_rss=None if server_rss is None else int(server_rss),
            services={
                str(name): (float(v.get("cpu", 0.0)), int(v.get("rss", 0)))
                for name, v in (data.get("services") or {}).items()
            },
        )


class Engine(QObject):
    """Runs everything of one workspace; the window and the API are its clients."""

    sig_server_status = Signal(object)
    """(ServerSnapshot) the server's status, pid, restarts or last error changed."""

    sig_service_status = Signal(object)
    """(ServiceSnapshot) a service's status changed, or its process exited."""

    sig_services_changed = Signal()
    """A service was added or removed, or the services were replaced by an import."""

    sig_stats = Signal(object)
    """(ProcessStats) resource figures, once a second while watched (`watch_stats`)."""

    sig_shutdown_finished = Signal()
    """Every child is stopped; the engine may be dropped."""

    def __init__(
        self, workspace: Workspace, parent: QObject | None = None, *, headless: bool = False
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.headless = headless
        """True for an engine without a window of its own (headless, a service)."""
        self.started_at = time.time()
        self.hub = LogHub(
            workspace.logs_dir,
            capacity=int(workspace.get_setting("logs.capacity", 1_000_000)),
            max_file_bytes=int(workspace.get_setting("logs.maxFileBytes", 10 * 1024 * 1024)),
            backups=int(workspace.get_setting("logs.backups", 5)),
            parent=self,
            ring_bytes=int(workspace.get_setting("logs.ringMegabytes", 256)) * 1024 * 1024,
        )
        self._log_handler = HubLogHandler(self.hub)
        logging.getLogger("panel").addHandler(self._log_handler)
        logging.getLogger("panel").setLevel(logging.INFO)
        self.cgroups = EngineCgroups.for_workspace(workspace.lock_name)
        self.reaper = Reaper(self, cgroups=self.cgroups)
        self._processes: list[ManagedProcess] = []
        self._shutting_down = False
        self._finished = False
        self._start_order: list[ManagedProcess] = []
        self._stop_queue: list[ManagedProcess] = []
        self._stopping: ManagedProcess | None = None
        self._started = False
        self._me = psutil.Process()
        self._me.cpu_percent(None)  # the first reading is meaningless
        self.zygotes: dict[str, Zygote] = {}
        self._use_zygotes = zygote_enabled(
            workspace.get_setting(CONNECTIONS_ZYGOTE), fork_is_safe()
        )

        self.services = ServiceManager(
            workspace, self._new_process, self._forget_process, parent=self
        )
        self.services.sig_service_status.connect(self.sig_service_status)
        self.services.sig_services_changed.connect(self.sig_services_changed)
        self.server = ServerController(self.services.get(SERVER_SERVICE), parent=self)
        self.server.sig_status_changed.connect(self.sig_server_status)
        self.demo = self._demo_devices()
        self.connections = ConnectionManager(
            workspace,
            self.hub,
            self._new_worker_process,
            self._forget_process,
            restart_delay_ms=int(
                workspace.get_setting("connections.restartDelayMs", DEFAULT_RESTART_DELAY_MS)
            ),
            keep_running=self.keep_workers_running,
            orphan_timeout_s=orphan_timeout_s(workspace.get_setting(CONNECTIONS_ORPHAN_TIMEOUT_S)),
            zygotes=self._zygote,
            parent=self,
        )
        self.bus = EngineBus(
            workspace.root,
            workspace.config_object("mqtt"),
            self.connections,
            lambda source, spec, survive: self._new_process(source, spec, survive=survive),
            keep_running=self.keep_workers_running,
            parent=self,
        )
        self.jobs = JobEngine(workspace, self.hub, self.reaper, parent=self)
        self.jobs_watch = JobsFileWatcher(self.jobs, parent=self.jobs)
        self.sessions = SessionManager(
            workspace.root,
            self._new_worker_process,
            self._forget_process,
            self.jobs.datasets,
            hub=self.hub,
            allow_unsandboxed=lambda: bool(
                workspace.get_setting(SESSIONS_ALLOW_UNSANDBOXED, False)
            ),
            parent=self,
        )

        self._stats_watchers: set[object] = set()
        self._stats_timer = QTimer(self, interval=1000)
        self._stats_timer.timeout.connect(self._emit_stats)
        self._shutdown_deadline = QTimer(self, singleShot=True)
        self._shutdown_deadline.timeout.connect(self._finish_shutdown)

    # ------------------------------------------------------------ lifecycle

    @property
    def keep_workers_running(self) -> bool:
        """`connections.keepRunning` in force: workers outlive this engine and are adopted."""
        return keep_running(self.workspace.get_setting(CONNECTIONS_KEEP_RUNNING), self.headless)

    def start(self) -> None:
        """Clean up after an earlier crash, start the reaper, autostart the server.

        With `connections.keepRunning`, the workers an earlier engine left running are
        adopted by the connection manager; everything else it left is stopped.
        """
        records = self.workspace.recorded()
        adopt = (
            adoptable_workers(records, run_dir(self.workspace.root))
            if self.connections.keep_running
            else {}
        )
        kept = {record.pid for record in adopt.values()}
        stale = [record for record in records if record.pid not in kept]
        for pid in sweep_orphans(stale):
            log.warning("stopped process %d left over from an earlier run", pid)
        for record in stale:
            self.workspace.forget(record.pid)
        for group in self.cgroups.sweep_leftovers() if self.cgroups is not None else []:
            log.warning("killed the processes of cgroup %s left over from an earlier run", group)
        self.reaper.start()
        self._started = True
        if self._stats_watchers:
            self._stats_timer.start()
        log.info("engine %s started on workspace %s", __version__, self.workspace.root)
        self.services.start_all(s.name for s in self.services.configs() if s.autostart)
        self.demo.start()  # before the workers, which connect to the devices (and retry)
        self.bus.start()  # the broker before the workers, which publish to it
        self.connections.start(adopt=adopt)
        self.jobs.start()
        self.jobs_watch.start_from_setting()  # setting `jobs.watchFile`
        self.sessions.start()

    def watch_stats(self, owner: object) -> None:
        """`owner` (the window) shows resource figures: `sig_stats` and every child's
        CPU and memory once a second until `unwatch_stats`. Unwatched (headless at
        rest), `sig_stats` is quiet and the children are sampled every 10 s."""
        self._stats_watchers.add(owner)
        StatsSampler.instance().watch(owner)
        if self._started and not self._shutting_down:
            self._stats_timer.start()

    def unwatch_stats(self, owner: object) -> None:
        """`owner` no longer shows resource figures (idempotent)."""
        self._stats_watchers.discard(owner)
        StatsSampler.instance().unwatch(owner)
        if not self._stats_watchers:
            self._stats_timer.stop()

    def has_running_children(self) -> bool:
        """True while any child is starting, running, backing off or stopping."""
        return any(not p.state.is_idle for p in self._processes) or not self.jobs.is_idle

    def shutdown(self) -> None:
        """Stop every child in reverse start order; `sig_shutdown_finished` follows.

        Children get their own stop timeouts; whatever still runs after the longest
        of them plus a grace period is left to the reaper, which kills the trees.
        """
        if self._shutting_down:
            return
        self._shutting_down = True
        log.info("engine shutting down")
        for owner in list(self._stats_watchers):  # the shared sampler outlives this engine
            self.unwatch_stats(owner)
        self._stats_timer.stop()
        self.jobs_watch.stop()
        self.bus.shutdown()
        self.sessions.shutdown()  # datasets released while the job store is still open
        self.jobs.sig_shutdown_finished.connect(self._check_shutdown_done)
        self.jobs.shutdown()  # new runs refused at once; running ones get their grace time
        # The other children are stopped one after another, the last started first, each
        # within its own stop timeout; the deadline covers them all, then the reaper.
        started = [p for p in self._start_order if p in self._processes]
        others = [p for p in self._processes if p not in started]
        self._stop_queue = [p for p in [*reversed(started), *others] if not p.state.is_idle]
        budget = sum(p.spec.stop_timeout_ms + SHUTDOWN_STEP_MS for p in self._stop_queue)
        self._shutdown_deadline.start(max(budget, self.jobs.shutdown_budget_ms) + SHUTDOWN_GRACE_MS)
        self._stop_next()

    def _stop_next(self, *_: object) -> None:
        """Stop the next child of the shutdown queue once the one before it is gone."""
        current = self._stopping
        if current is not None and not current.state.is_idle:
            return
        if current is not None:
            current.sig_state_changed.disconnect(self._stop_next)
        self._stopping = None
        while self._stop_queue:
            process = self._stop_queue.pop(0)
            if process.state.is_idle:
                continue
            self._stopping = process
            process.sig_state_changed.connect(self._stop_next)
            owner = self.services.owner_of(process)
            if owner is not None:
                owner.stop()
            else:
                process.stop()
            return
        self._check_shutdown_done()

    def _check_shutdown_done(self, *_: object) -> None:
        if self._shutting_down and not self.has_running_children():
            self._finish_shutdown()

    def _finish_shutdown(self) -> None:
        if self._finished:
            return
        self._finished = True
        self._shutdown_deadline.stop()
        self.bus.finish()
        for zygote in self.zygotes.values():
            zygote.close()
        self.reaper.close()
        if self.cgroups is not None:
            self.cgroups.close()
        self.jobs.close()
        self.hub.flush()
        logging.getLogger("panel").removeHandler(self._log_handler)
        self.hub.close()
        self.sig_shutdown_finished.emit()

    # --------------------------------------------------------------- server

    def start_server(self) -> PortConflict | None:
        """Start the server (port preflight first); returns the conflict if the port is taken."""
        return self.server.start()

    def stop_server(self) -> None:
        """Stop the server and its whole process tree."""
        self.server.stop()

    def restart_server(self) -> PortConflict | None:
        """Restart the server (or start it when it is not running)."""
        return self.server.restart()

    def server_snapshot(self) -> ServerSnapshot:
        """The server as it is now."""
        return self.server.snapshot()

    def save_server_config(self, config: ServerConfig) -> None:
        """Validate and store the server settings (one transaction); used from the next start.

        Raises `ConfigError` naming every bad field; nothing is stored then.
        """
        self.workspace.save_server_config(config)
        self.services.reload_from_workspace()
        log.info("server settings saved")

    def use_server_port(self, port: int) -> None:
        """Store a new server port (after a conflict) and start the server on it."""
        cfg = self.server.config
        self.save_server_config(ServerConfig.from_json({**cfg.to_json(), "port": port}))
        self.start_server()

    def import_config(self, data: object) -> list[str]:
        """Replace the workspace configuration (validated, one transaction), then apply it.

        Only what changed is touched: each changed connection is reloaded (blocks) or
        restarted (address), added or removed, with a system event each; the jobs are
        rescheduled only when they changed; the server's settings are kept for its next
        start. The demo devices keep running while an imported connection still talks
        to one of them. Raises `ConfigError` naming every bad field; nothing changes
        then. Returns what was applied and how, a line per part.
        """
        before = export_config(self.workspace)
        import_config(self.workspace, data, {"connections": check_connections, "mqtt": check_mqtt})
        after = export_config(self.workspace)
        self.services.reload_from_workspace()
        running = [s.name for s in self.services.supervisors() if s.is_active()]
        count = len(self.services.names())
        if before["services"] == after["services"]:
            server = f"services: {count}, unchanged"
        elif running:
            server = (
                f"services: {count}, settings stored; running ones ({', '.join(running)}):"
                " restart them to use them"
            )
        else:
            server = f"services: {count}, settings in effect for their next start"
        self.connections.reload_from_workspace(source=IMPORT)
        conns = len(self.connections.snapshots())
        changed = _changed_ids(before["connections"], after["connections"])
        applied = [
            server,
            f"connections: {conns}, {changed} changed (each reloaded for blocks, restarted "
            "for an address, started when added, stopped when removed)",
        ]
        if self.demo.devices and not uses_demo_devices(after["connections"], self.demo.devices):
            self.demo.stop()
            self.workspace.delete_setting(DEVICES_KEY)
            log.info("demo devices stopped: no imported connection uses them")
            applied.append("demo devices: stopped (no imported connection uses them)")
        if before["jobs"] != after["jobs"]:
            self.jobs.reload()
            applied.append(f"jobs: {len(self.jobs.jobs)}, rescheduled (running runs go on)")
        else:
            applied.append(f"jobs: {len(self.jobs.jobs)}, unchanged")
        log.info("configuration imported")
        return applied

    def export_config(self) -> dict[str, object]:
        """The workspace configuration as JSON."""
        return export_config(self.workspace)

    def set_jobs_watch_file(self, path: str | None) -> dict[str, object]:
        """Watch `path` for jobs and re-import it on change (stored as `jobs.watchFile`).

        None or "" stops watching; the jobs in effect stay. Returns `jobs_watch_status()`.
        """
        self.jobs_watch.set_file(path)
        return self.jobs_watch_status()

    def jobs_watch_status(self) -> dict[str, object]:
        """The watched jobs file: path, state, lastImport, error, jobs."""
        return self.jobs_watch.status

    # ---------------------------------------------------------------- status

    def status_json(self) -> dict[str, object]:
        """The engine and its server, as the `status` API method returns it."""
        return {
            "engine": {
                "pid": os.getpid(),
                "version": __version__,
                "workspace": str(self.workspace.root),
                "uptime": round(time.time() - self.started_at, 3),
            },
            "server": self.server.snapshot().to_json(),
            "services": [snap.to_json() for snap in self.services.snapshots()],
            "demo": [device.to_json() for device in self.demo.snapshots()],
            "history": self.jobs.history_status(),
        }

    def processes(self) -> list[ManagedProcess]:
        """Every child process the engine looks after now (server, workers, runners)."""
        return list(self._processes)

    # -------------------------------------------------------------- internals

    def _new_process(
        self, source: str, spec: ProcessSpec, *, feed_output: bool = True, survive: bool = False
    ) -> ManagedProcess:
        """A child the engine looks after; `survive`: not recorded, and given to the reaper
        only while its spec does not outlive the engine (the embedded broker: it follows
        `connections.keepRunning` from each start, and is found again by its state file)."""
        if survive:
            process = ManagedProcess(spec, self, reaper=self.reaper)
        else:
            process = ManagedProcess(spec, self, recorder=self.workspace, reaper=self.reaper)
        if feed_output:
            process.sig_output.connect(lambda stream, data: self.hub.feed(source, stream, data))
        process.sig_exited.connect(lambda *_: self._end_streams(source))
        process.sig_started.connect(self._on_child_started)
        self._processes.append(process)
        return process

    def _on_child_started(self, _pid: int) -> None:
        """Keep the order in which children (last) started, for the shutdown."""
        process = self.sender()
        if isinstance(process, ManagedProcess):
            if process in self._start_order:
                self._start_order.remove(process)
            self._start_order.append(process)

    def _demo_devices(self) -> DemoDevices:
        """The demo workspace's simulated devices (`demo.devices`; none in other workspaces)."""
        devices, problems = parse_devices(self.workspace.get_setting(DEVICES_KEY))
        for problem in problems:
            log.error("demo device ignored: %s", problem)
        return DemoDevices(devices, self._new_process, self.workspace.root, parent=self)

    def _new_worker_process(self, source: str, spec: ProcessSpec) -> ManagedProcess:
        """A connection worker: its output is parsed by its link, not fed to the hub raw."""
        return self._new_process(source, spec, feed_output=False)

    def _zygote(self, family: str) -> Zygote | None:
        """The zygote of a worker family (`connections.zygote`), None: spawn workers."""
        if not self._use_zygotes or self._finished:
            return None
        if family not in self.zygotes:
            self.zygotes[family] = Zygote(family, self)
        return self.zygotes[family]

    def _forget_process(self, process: ManagedProcess) -> None:
        """Drop a stopped child that is gone for good (a deleted connection)."""
        if process in self._processes:
            self._processes.remove(process)
        if process in self._start_order:
            self._start_order.remove(process)

    def _end_streams(self, source: str) -> None:
        self.hub.end_of_stream(source, "stdout")
        self.hub.end_of_stream(source, "stderr")

    def service_snapshots(self) -> list[ServiceSnapshot]:
        """Every service as it is now."""
        return self.services.snapshots()

    def _emit_stats(self) -> None:
        with self._me.oneshot():
            cpu = self._me.cpu_percent(None)
            rss = self._me.memory_info().rss
        services = {
            s.name: (s.cpu, s.rss)
            for s in self.services.supervisors()
            if s.process.state.is_alive and s.cpu is not None and s.rss is not None
        }
        server = services.get(SERVER_SERVICE)
        self.sig_stats.emit(
            ProcessStats(
                panel_cpu=cpu,
                panel_rss=rss,
                server_cpu=server[0] if server else None,
                server_rss=server[1] if server else None,
                services=services,
            )
        )


def _changed_ids(before: object, after: object) -> int:
    """How many connections differ between two `connections` sections (added,
    removed or edited)."""
    old = (
        {str(c.get("id")): c for c in before if isinstance(c, dict)}
        if isinstance(before, list)
        else {}
    )
    new = (
        {str(c.get("id")): c for c in after if isinstance(c, dict)}
        if isinstance(after, list)
        else {}
    )
    return sum(1 for key in set(old) | set(new) if old.get(key) != new.get(key))
