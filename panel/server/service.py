"""One service's lifecycle: start, readiness, liveness, stop, restart, port preflight."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from panel.server.command import expand, server_argv, server_cwd, server_env
from panel.server.health import HealthProbe
from panel.server.preflight import PortConflict, check_port
from panel.server.status import ExitStatus, ServerStatus, ServiceSnapshot
from panel.server.tcp_probe import TcpProbe
from panel.supervise.process import ManagedProcess
from panel.supervise.spec import ProcessSpec, RestartPolicy
from panel.supervise.state import ProcessState
from panel.workspace.service_config import Probe, ServiceConfig

log = logging.getLogger("panel.server")

READY_POLL_MS = 100
"""How often readiness is probed while a service is starting."""

MAX_PARTIAL_LINE = 64 * 1024
"""Bytes of an unfinished output line kept for a `log` readiness match."""

_ALIVE = (ProcessState.STARTING, ProcessState.RUNNING, ProcessState.BACKOFF)


def service_spec(cfg: ServiceConfig, workspace_dir: Path) -> ProcessSpec:
    """How the process core runs the service configured by `cfg`."""
    argv = server_argv(cfg, workspace_dir)
    return ProcessSpec(
        name=cfg.name,
        argv=tuple(argv),
        cwd=server_cwd(cfg, workspace_dir),
        env=server_env(cfg, workspace_dir),
        restart=RestartPolicy(cfg.restart),
        start_secs=cfg.start_secs,
        start_retries=cfg.start_retries,
        stop_timeout_ms=cfg.stop_timeout_ms,
        memory_limit_mb=cfg.memory_limit_mb,
        python_child=os.path.basename(argv[0]).startswith("python"),
    )


class ServiceSupervisor(QObject):
    """Runs one service through the process core and decides when it counts as running.

    Readiness is the configured probe: an HTTP URL answering 2xx, a TCP port
    accepting a connection, an output line matching a regex, or (`none`) the
    process having lived `startSecs`. While running, the optional liveness probe
    (HTTP or TCP) runs every `livenessIntervalMs`; `livenessFailures` failures in a
    row restart the service. Before each start a configured port is checked, and
    a taken port is reported with its holder and a free alternative.
    """

    sig_status_changed = Signal(object)
    """(ServiceSnapshot) the status, pid, restarts, last error changed, or the process exited."""

    sig_port_conflict = Signal(object)
    """(PortConflict) the configured port was taken when a start was asked for."""

    def __init__(
        self,
        process: ManagedProcess,
        config: ServiceConfig,
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
        self._extra_restarts = 0
        self._exits = 0
        self._last_key: tuple[object, ...] | None = None
        self._last_probe_detail = "no answer yet"
        self._partial = b""
        self._log_re: re.Pattern[bytes] | None = None
        self.port_conflict: PortConflict | None = None
        self._last_exit: ExitStatus | None = None
        self._docs_url: str | None = None
        self.cpu: float | None = None
        self.rss: int | None = None

        self._http = HealthProbe(self)
        self._tcp = TcpProbe(self)
        self._docs_probe = HealthProbe(self)
        for probe in (self._http, self._tcp):
            probe.sig_result.connect(self._on_probe_result)
        self._docs_probe.sig_result.connect(self._on_docs_result)
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
        process.sig_memory_exceeded.connect(self._on_memory_exceeded)
        process.sig_output.connect(self._on_output)
        process.sig_stats.connect(self._on_stats)
        self._apply_spec()

    # ----------------------------------------------------------------- public

    @property
    def name(self) -> str:
        """The service's name (its log source, its key in the API)."""
        return self._config.name

    @property
    def config(self) -> ServiceConfig:
        """The configuration the next start uses."""
        return self._config

    @property
    def process(self) -> ManagedProcess:
        """The supervised process behind the service."""
        return self._process

    @property
    def workspace_dir(self) -> Path:
        """The workspace folder that `{workspace}` stands for."""
        return self._workspace_dir

    def set_config(self, config: ServiceConfig) -> None:
        """Use `config` from the next start on (the caller decides whether to restart)."""
        self._config = config
        self._apply_spec()
        self._emit_if_changed()

    def snapshot(self) -> ServiceSnapshot:
        """The service as it is now."""
        proc = self._process
        alive = proc.state in _ALIVE or proc.state == ProcessState.STOPPING
        status = self.status()
        return ServiceSnapshot(
            name=self.name,
            status=status,
            pid=proc.pid if alive else None,
            port=self._config.port,
            uptime=proc.uptime if alive and proc.pid else None,
            restarts=proc.restarts + self._extra_restarts,
            last_error=self._last_error,
            readiness=self._describe(self._config.readiness),
            conflict=self.port_conflict if status == ServerStatus.ERROR else None,
            command=tuple(proc.spec.argv),
            last_exit=self._last_exit,
            exits=self._exits,
            docs_url=self._docs_url if status == ServerStatus.RUNNING else None,
            autostart=self._config.autostart,
            after=self._config.after,
        )

    def status(self) -> ServerStatus:
        """One word for the service's state, derived from the process and its readiness."""
        state = self._process.state
        if state == ProcessState.STOPPING:
            return ServerStatus.STOPPING
        if state in _ALIVE:
            return ServerStatus.RUNNING if self._ready else ServerStatus.STARTING
        if state == ProcessState.FATAL or self._failed:
            return ServerStatus.ERROR
        return ServerStatus.STOPPED

    def is_active(self) -> bool:
        """True while the service is starting, running or stopping."""
        return self.status() in (ServerStatus.STARTING, ServerStatus.RUNNING, ServerStatus.STOPPING)

    def start(self) -> PortConflict | None:
        """Start the service unless it is already up; returns the port conflict if there is one."""
        if self.is_active():
            return None
        port = self._config.port
        self.port_conflict = check_port(port) if port is not None else None
        if self.port_conflict is not None:
            self.fail(self.port_conflict.message())
            self.sig_port_conflict.emit(self.port_conflict)
            return self.port_conflict
        self._failed = False
        self._last_error = None
        self._stopping_on_purpose = False
        self._apply_spec()
        log.info("starting %s: %s", self.name, " ".join(self._process.spec.argv))
        self._process.start()
        self._emit_if_changed()
        return None

    def stop(self) -> None:
        """Stop the service and its whole process tree (TERM, then KILL after the timeout)."""
        self._stop_probing()
        self._stopping_on_purpose = True
        if not self._process.state.is_idle:
            log.info("stopping %s", self.name)
            self._process.stop()
        self._emit_if_changed()

    def restart(self) -> PortConflict | None:
        """Stop the service if it runs, then start it again once its port is free."""
        if self._process.state.is_idle:
            return self.start()
        self._stop_probing()
        self._stopping_on_purpose = True
        log.info("restarting %s", self.name)
        self._apply_spec()
        self._process.restart()
        self._emit_if_changed()
        return None

    def fail(self, message: str) -> None:
        """Mark the service failed with `message` (a start that could not happen)."""
        self._failed = True
        self._last_error = message
        log.error("%s: %s", self.name, message)
        self._emit_if_changed()

    # ------------------------------------------------------------- internals

    def _describe(self, probe: Probe) -> str:
        if probe.kind == "http":
            return "HTTP " + expand(str(probe.target), self._config, self._workspace_dir)
        return probe.describe()

    def _apply_spec(self) -> None:
        self._process.set_spec(service_spec(self._config, self._workspace_dir))
        readiness = self._config.readiness
        self._log_re = (
            re.compile(str(readiness.target).encode()) if readiness.kind == "log" else None
        )

    def _stop_probing(self) -> None:
        self._ready_timer.stop()
        self._ready_deadline.stop()
        self._liveness_timer.stop()
        self._http.cancel()
        self._tcp.cancel()
        self._docs_probe.cancel()

    def _on_started(self, pid: int) -> None:
        self._ready = False
        self._liveness_failures = 0
        self._stopping_on_purpose = False
        self._partial = b""
        self._docs_url = None
        self._ready_deadline.start(self._config.ready_timeout_ms)
        if self._config.readiness.kind in ("http", "tcp"):
            self._ready_timer.start()
            self._probe_readiness()
        self._emit_if_changed()

    def _on_exited(self, exit_code: int, signal: int) -> None:
        self._last_exit = ExitStatus(exit_code, signal)
        self._exits += 1
        was_ready = self._ready
        self._ready = False
        self._stop_probing()
        how = self._last_exit.describe()
        if self._stopping_on_purpose:
            log.info("%s exited with %s", self.name, how)
            self._emit_if_changed()
            return
        if not was_ready:
            self._last_error = f"exited with {how} before it was ready"
            self._failed = True
        elif signal or exit_code != 0:
            self._last_error = f"exited with {how}"
        log.warning("%s %s", self.name, self._last_error or f"exited with {how}")
        self._emit_if_changed()

    def _on_process_state(self, new: ProcessState, old: ProcessState) -> None:
        if new == ProcessState.FATAL:
            self._failed = True
            self._last_error = (self._last_error or "failed to start") + " (gave up retrying)"
        elif new == ProcessState.STOPPED and self._stopping_on_purpose:
            self._stopping_on_purpose = False
        elif new == ProcessState.RUNNING and self._config.readiness.kind == "none":
            self._become_ready(f"alive for {self._config.start_secs:g} s")
        self._emit_if_changed()

    def _on_process_error(self, message: str) -> None:
        self._last_error = message
        self._emit_if_changed()

    def _on_memory_exceeded(self, rss_mb: int, limit_mb: int) -> None:
        """The process core restarts the tree; say why, instead of "exited with signal 15"."""
        self._stop_probing()
        self._ready = False
        self._stopping_on_purpose = True
        self._last_error = f"restarted: RSS {rss_mb} MB over the {limit_mb} MB limit"
        log.warning("%s %s", self.name, self._last_error)
        self._emit_if_changed()

    def _on_stats(self, cpu: float, rss: int) -> None:
        self.cpu, self.rss = cpu, rss

    def _on_output(self, _stream: str, data: bytes) -> None:
        if self._ready or self._log_re is None or not self._ready_deadline.isActive():
            return
        lines = (self._partial + data).split(b"\n")
        self._partial = lines.pop()[-MAX_PARTIAL_LINE:]
        for line in lines:
            if self._log_re.search(line.rstrip(b"\r")):
                text = line.decode("utf-8", "replace").strip()
                self._become_ready(f"log line {text[:200]!r}")
                return

    def _probe_readiness(self) -> None:
        self._send_probe(self._config.readiness, 1000)

    def _send_probe(self, probe: Probe, timeout_ms: int) -> None:
        if probe.kind == "http":
            url = expand(str(probe.target), self._config, self._workspace_dir)
            self._http.probe(url, timeout_ms)
        elif probe.kind == "tcp":
            self._tcp.probe(int(probe.target or 0), timeout_ms)

    def _liveness_probe(self) -> HealthProbe | TcpProbe | None:
        liveness = self._config.liveness
        if liveness is None:
            return None
        return self._http if liveness.kind == "http" else self._tcp

    def _probe_liveness(self) -> None:
        interval = self._config.liveness_interval_ms
        probe, liveness = self._liveness_probe(), self._config.liveness
        if probe is None or liveness is None:
            return
        if probe.busy:  # the previous probe got no answer within a whole interval
            probe.cancel()
            self._on_probe_result(False, f"no answer within {interval} ms")
            if not self._liveness_timer.isActive():
                return  # that failure restarted the service
        self._send_probe(liveness, interval)

    def _become_ready(self, detail: str) -> None:
        self._ready = True
        self._ready_timer.stop()
        self._ready_deadline.stop()
        self._http.cancel()
        self._tcp.cancel()
        if self._config.liveness is not None:
            self._liveness_timer.start(self._config.liveness_interval_ms)
        log.info("%s ready (pid %s, %s)", self.name, self._process.pid, detail)
        if self._config.port is not None:
            self._docs_probe.probe(f"http://127.0.0.1:{self._config.port}/openapi.json", 2000)
        self._emit_if_changed()

    def _on_docs_result(self, ok: bool, _detail: str) -> None:
        if ok and self._ready:
            self._docs_url = f"http://127.0.0.1:{self._config.port}/docs"
            self._emit_if_changed(force=True)

    def _on_probe_result(self, healthy: bool, detail: str) -> None:
        if not self._ready:
            if healthy and self._ready_timer.isActive():
                self._become_ready(detail)
            self._last_probe_detail = detail
            return
        if healthy:
            self._liveness_failures = 0
            return
        self._liveness_failures += 1
        log.warning(
            "%s health check failed (%d of %d): %s",
            self.name,
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
            self._extra_restarts += 1
            self._process.restart()
            self._emit_if_changed()

    def _on_ready_deadline(self) -> None:
        kind = self._config.readiness.kind
        if kind == "log":
            detail = "no output line matched"
        elif kind == "none":
            detail = "the process did not stay up"
        else:
            detail = f"last health check: {self._last_probe_detail}"
        seconds = self._config.ready_timeout_ms / 1000
        self._stop_probing()
        self._stopping_on_purpose = True
        self._process.stop()
        self.fail(f"not ready within {seconds:g} s ({detail})")

    def _emit_if_changed(self, force: bool = False) -> None:
        snap = self.snapshot()
        key = (snap.status, snap.pid, snap.port, snap.restarts, snap.last_error, snap.exits)
        if force or key != self._last_key:
            self._last_key = key
            self.sig_status_changed.emit(snap)
