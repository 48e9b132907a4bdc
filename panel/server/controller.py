"""The Python server's lifecycle: start, readiness, liveness, stop, restart, port preflight."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from panel.server.command import server_argv, server_cwd, server_env, server_health_url
from panel.server.health import HealthProbe
from panel.server.preflight import PortConflict, check_port
from panel.server.status import ExitStatus, ServerSnapshot, ServerStatus
from panel.supervise.process import ManagedProcess
from panel.supervise.spec import ProcessSpec, RestartPolicy
from panel.supervise.state import ProcessState
from panel.workspace.server_config import ServerConfig

log = logging.getLogger("panel.server")

READY_POLL_MS = 100
"""How often readiness is probed while the server is starting."""

SERVER_PROCESS_NAME = "server"


def server_spec(cfg: ServerConfig, workspace_dir: Path) -> ProcessSpec:
    """How the process core runs the server configured by `cfg`."""
    argv = server_argv(cfg, workspace_dir)
    return ProcessSpec(
        name=SERVER_PROCESS_NAME,
        argv=tuple(argv),
        cwd=server_cwd(cfg, workspace_dir),
        env=server_env(cfg, workspace_dir),
        restart=RestartPolicy(cfg.restart),
        start_retries=cfg.start_retries,
        stop_timeout_ms=cfg.stop_timeout_ms,
        memory_limit_mb=cfg.memory_limit_mb,
        python_child=os.path.basename(argv[0]).startswith("python"),
    )


class ServerController(QObject):
    """Runs the operator's Python server through the process core and watches its health.

    The server counts as running only once its health URL answers 2xx; a log line
    never decides. While running, the health URL is probed every
    `livenessIntervalMs`; after `livenessFailures` failed probes in a row (a hung or
    SIGSTOPped server) the server is restarted. Before each start the port is
    checked, and a taken port is reported with its holder and a free alternative.
    """

    sig_status_changed = Signal(object)
    """(ServerSnapshot) emitted whenever the status, pid, restarts or last error change."""

    sig_port_conflict = Signal(object)
    """(PortConflict) the configured port was taken when a start was asked for."""

    def __init__(
        self,
        process: ManagedProcess,
        config: ServerConfig,
        workspace_dir: Path,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._process = process
        self._config = config
        self._workspace_dir = workspace_dir
        self._ready = False
        self._failed = False
        self._stopping_on_purpose = False
        self._last_error: str | None = None
        self._liveness_failures = 0
        self._health_restarts = 0
        self._last_key: tuple[object, ...] | None = None
        self._last_probe_detail = "no answer yet"
        self.port_conflict: PortConflict | None = None
        self._last_exit: ExitStatus | None = None

        self._probe = HealthProbe(self)
        self._probe.sig_result.connect(self._on_probe_result)
        self._ready_timer = QTimer(self, interval=READY_POLL_MS)
        self._ready_timer.timeout.connect(self._probe_readiness)
        self._ready_deadline = QTimer(self, singleShot=True)
        self._ready_deadline.timeout.connect(self._on_ready_deadline)
        self._liveness_timer = QTimer(self)
        self._liveness_timer.timeout.connect(self._probe_liveness)

        process.sig_started.connect(self._on_started)
        process.sig_exited.connect(self._on_exited)
        process.sig_state_changed.connect(self._on_process_state)
        process.sig_error.connect(self._on_process_error)
        self._apply_spec()

    # ----------------------------------------------------------------- public

    @property
    def config(self) -> ServerConfig:
        """The configuration the next start uses."""
        return self._config

    @property
    def process(self) -> ManagedProcess:
        """The supervised process behind the server."""
        return self._process

    def set_config(self, config: ServerConfig) -> None:
        """Use `config` from the next start on (the caller decides whether to restart)."""
        self._config = config
        self._apply_spec()
        self._emit_if_changed()

    def snapshot(self) -> ServerSnapshot:
        """The server as it is now."""
        proc = self._process
        running_states = (ProcessState.STARTING, ProcessState.RUNNING, ProcessState.BACKOFF)
        alive = proc.state in running_states or proc.state == ProcessState.STOPPING
        return ServerSnapshot(
            status=self.status(),
            pid=proc.pid if alive else None,
            port=self._config.port,
            uptime=proc.uptime if alive and proc.pid else None,
            restarts=proc.restarts + self._health_restarts,
            last_error=self._last_error,
            health_url=server_health_url(self._config, self._workspace_dir),
            conflict=self.port_conflict if self.status() == ServerStatus.ERROR else None,
            command=tuple(proc.spec.argv),
            last_exit=self._last_exit,
        )

    def status(self) -> ServerStatus:
        """One word for the server's state, derived from the process and its health."""
        state = self._process.state
        if state == ProcessState.STOPPING:
            return ServerStatus.STOPPING
        if state in (ProcessState.STARTING, ProcessState.RUNNING, ProcessState.BACKOFF):
            return ServerStatus.RUNNING if self._ready else ServerStatus.STARTING
        if state == ProcessState.FATAL or self._failed:
            return ServerStatus.ERROR
        return ServerStatus.STOPPED

    def is_active(self) -> bool:
        """True while the server is starting, running or stopping."""
        return self.status() in (ServerStatus.STARTING, ServerStatus.RUNNING, ServerStatus.STOPPING)

    def start(self) -> PortConflict | None:
        """Start the server unless it is already up; returns the port conflict if there is one."""
        if self.is_active():
            return None
        self.port_conflict = check_port(self._config.port)
        if self.port_conflict is not None:
            self._fail(self.port_conflict.message())
            self.sig_port_conflict.emit(self.port_conflict)
            return self.port_conflict
        self._failed = False
        self._last_error = None
        self._stopping_on_purpose = False
        self._apply_spec()
        log.info("starting server: %s", " ".join(self._process.spec.argv))
        self._process.start()
        self._emit_if_changed()
        return None

    def stop(self) -> None:
        """Stop the server and its whole process tree (TERM, then KILL after the timeout)."""
        self._stop_probing()
        self._stopping_on_purpose = True
        if not self._process.state.is_idle:
            log.info("stopping server")
            self._process.stop()
        self._emit_if_changed()

    def restart(self) -> PortConflict | None:
        """Stop the server if it runs, then start it again once its port is free."""
        if self._process.state.is_idle:
            return self.start()
        self._stop_probing()
        self._stopping_on_purpose = True
        log.info("restarting server")
        self._apply_spec()
        self._process.restart()
        self._emit_if_changed()
        return None

    # ------------------------------------------------------------- internals

    def _apply_spec(self) -> None:
        self._process.set_spec(server_spec(self._config, self._workspace_dir))

    def _fail(self, message: str) -> None:
        self._failed = True
        self._last_error = message
        log.error("server: %s", message)
        self._emit_if_changed()

    def _stop_probing(self) -> None:
        self._ready_timer.stop()
        self._ready_deadline.stop()
        self._liveness_timer.stop()
        self._probe.cancel()

    def _on_started(self, pid: int) -> None:
        self._ready = False
        self._liveness_failures = 0
        self._stopping_on_purpose = False
        self._ready_deadline.start(self._config.ready_timeout_ms)
        self._ready_timer.start()
        self._probe_readiness()
        self._emit_if_changed()

    def _on_exited(self, exit_code: int, signal: int) -> None:
        self._last_exit = ExitStatus(exit_code, signal)
        was_ready = self._ready
        self._ready = False
        self._stop_probing()
        if self._stopping_on_purpose:
            self._emit_if_changed()
            return
        how = f"signal {signal}" if signal else f"code {exit_code}"
        if not was_ready:
            self._last_error = f"exited with {how} before it was ready"
            self._failed = True
        elif signal or exit_code != 0:
            self._last_error = f"exited with {how}"
        log.warning("server %s", self._last_error or f"exited with {how}")
        self._emit_if_changed()

    def _on_process_state(self, new: ProcessState, old: ProcessState) -> None:
        if new == ProcessState.FATAL:
            self._failed = True
            self._last_error = (self._last_error or "failed to start") + " (gave up retrying)"
        elif new == ProcessState.STOPPED and self._stopping_on_purpose:
            self._stopping_on_purpose = False
        self._emit_if_changed()

    def _on_process_error(self, message: str) -> None:
        self._last_error = message
        self._emit_if_changed()

    def _probe_readiness(self) -> None:
        self._probe.probe(server_health_url(self._config, self._workspace_dir), 1000)

    def _probe_liveness(self) -> None:
        interval = self._config.liveness_interval_ms
        if self._probe.busy:  # the previous probe got no answer within a whole interval
            self._probe.cancel()
            self._on_probe_result(False, f"no answer within {interval} ms")
            if not self._liveness_timer.isActive():
                return  # that failure restarted the server
        self._probe.probe(server_health_url(self._config, self._workspace_dir), interval)

    def _on_probe_result(self, healthy: bool, detail: str) -> None:
        if not self._ready:
            if healthy and self._ready_timer.isActive():
                self._ready = True
                self._ready_timer.stop()
                self._ready_deadline.stop()
                self._liveness_timer.start(self._config.liveness_interval_ms)
                log.info("server ready (pid %s, %s)", self._process.pid, detail)
                self._emit_if_changed()
            self._last_probe_detail = detail
            return
        if healthy:
            self._liveness_failures = 0
            return
        self._liveness_failures += 1
        log.warning(
            "server health check failed (%d of %d): %s",
            self._liveness_failures,
            self._config.liveness_failures,
            detail,
        )
        if self._liveness_failures >= self._config.liveness_failures:
            self._last_error = (
                f"health check failed {self._liveness_failures} times in a row ({detail}); "
                "restarted"
            )
            self._stop_probing()
            self._ready = False
            self._stopping_on_purpose = True
            self._health_restarts += 1
            self._process.restart()
            self._emit_if_changed()

    def _on_ready_deadline(self) -> None:
        detail = self._last_probe_detail
        seconds = self._config.ready_timeout_ms / 1000
        self._stop_probing()
        self._stopping_on_purpose = True
        self._process.stop()
        self._fail(f"not ready within {seconds:g} s (last health check: {detail})")

    def _emit_if_changed(self) -> None:
        snap = self.snapshot()
        key = (snap.status, snap.pid, snap.port, snap.restarts, snap.last_error)
        if key != self._last_key:
            self._last_key = key
            self.sig_status_changed.emit(snap)
