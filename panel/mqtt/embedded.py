"""The embedded broker as a supervised child of the engine, found again after a crash.

`EmbeddedBroker.start()` first looks for a broker of this workspace that is still
running (its `mqtt-broker.json`: pid + create time + port, the process alive with the
same create time and the port answering): then it is used as it is, watched, and no
second broker starts. Otherwise the broker runs as a `ManagedProcess` (restarted when
it fails). With `keep_running` (the `connections.keepRunning` setting) it is started
outside the engine's reaper, records and parent-death signal, so a crash or SIGKILL of
the engine leaves it serving the workers; a clean engine shutdown stops it. A change
of the setting while the engine runs applies from the broker's next start.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
from PySide6.QtCore import QObject, QTimer, Signal

from panel.mqtt.endpoint import PASSWORD_FILE, STATE_FILE, read_state
from panel.supervise.process import ManagedProcess
from panel.supervise.spec import ProcessSpec, RestartPolicy
from panel.util.paths import panel_argv

log = logging.getLogger("panel.mqtt")

SOURCE = "mqtt-broker"
WATCH_MS = 1000
CREATE_TIME_SLACK_S = 0.05

ProcessFactory = Callable[[str, ProcessSpec, bool], ManagedProcess]
"""(source, spec, survive) -> a ManagedProcess the engine looks after; `survive`: not
recorded, and reaped only while its spec does not outlive the engine."""


def broker_spec(workspace: Path, keep_running: bool) -> ProcessSpec:
    """How the broker child runs: `opspanel worker mqtt-broker --workspace DIR`."""
    args = ["worker", "mqtt-broker", "--workspace", str(workspace)]
    if keep_running:
        args.append("--keep-running")
    return ProcessSpec(
        name=SOURCE,
        argv=tuple(panel_argv(*args)),
        cwd=str(workspace),
        restart=RestartPolicy.ALWAYS,
        start_secs=1.0,
        start_retries=5,
        restart_delay_ms=500,
        stop_timeout_ms=3000,
        python_child=True,
        parent_death_signal=not keep_running,
        outlives_engine=keep_running,
    )


def running_broker(workspace: Path, probe: bool = True) -> dict[str, Any] | None:
    """The state of this workspace's broker when it is still running (and, with `probe`,
    accepting connections on its port)."""
    state = read_state(workspace)
    if state is None or not isinstance(state.get("pid"), int):
        return None
    try:
        process = psutil.Process(int(state["pid"]))
        same = abs(process.create_time() - float(state.get("createTime", 0))) < CREATE_TIME_SLACK_S
        if not same or process.status() == psutil.STATUS_ZOMBIE:
            return None
    except (psutil.Error, ValueError, TypeError):
        return None
    if not probe:
        return state
    try:
        with socket.create_connection((str(state.get("host")), int(state["port"])), timeout=1.0):
            pass
    except (OSError, ValueError):
        return None
    return state


class EmbeddedBroker(QObject):
    """Runs (or adopts) the workspace's amqtt broker; `status()` says how it is."""

    sig_changed = Signal()
    """The broker started, stopped, was adopted or was lost."""

    def __init__(
        self,
        workspace: Path,
        new_process: ProcessFactory,
        keep_running: bool,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.keep_running = keep_running
        self._new_process = new_process
        self.process: ManagedProcess | None = None
        self.adopted: dict[str, Any] | None = None
        self._watch = QTimer(self, interval=WATCH_MS)
        self._watch.timeout.connect(self._check_adopted)

    def start(self) -> None:
        """Adopt the running broker of this workspace, or start one."""
        found = running_broker(self.workspace)
        if found is not None:
            self.adopted = found
            log.info(
                "mqtt broker: using the one still running (pid %s, port %s)",
                found["pid"],
                found["port"],
            )
            self._watch.start()
            self.sig_changed.emit()
            return
        self._start_own()

    def stop(self) -> None:
        """Stop the broker (ours, or the adopted one: by its pid, checked again first)."""
        self._watch.stop()
        if self.process is not None:
            self.process.stop()
        adopted, self.adopted = self.adopted, None
        if adopted is not None and running_broker(self.workspace, probe=False) is not None:
            with contextlib.suppress(OSError):
                os.kill(int(adopted["pid"]), signal.SIGTERM)
        self.sig_changed.emit()

    def set_keep_running(self, keep_running: bool) -> None:
        """Outlive the engine (or not) from the broker's next start, as the workers do."""
        if keep_running == self.keep_running:
            return
        self.keep_running = keep_running
        if self.process is not None:
            self.process.set_spec(broker_spec(self.workspace, keep_running))
        log.info("mqtt broker: keepRunning %s from its next start", keep_running)
        self.sig_changed.emit()

    def status(self) -> dict[str, Any]:
        """The broker as `mqtt.status` shows it."""
        state = read_state(self.workspace) or {}
        if self.adopted is not None:
            run_state, pid = "running", self.adopted.get("pid")
        elif self.process is not None:
            run_state, pid = self.process.state.value, self.process.pid
        else:
            run_state, pid = "stopped", None
        clients = [str(c) for c in state.get("clients") or []]
        port = state.get("port")
        return {
            "kind": "embedded",
            "state": run_state,
            "pid": pid,
            "adopted": self.adopted is not None,
            "keepRunning": self.keep_running,
            "url": f"mqtt://{state.get('host', '127.0.0.1')}:{port}" if port else None,
            "username": state.get("username"),
            "passwordFile": str(self.workspace / PASSWORD_FILE),
            "clients": len(clients),
            "publishers": sum(1 for c in clients if c.startswith("opspanel-worker-")),
            "messages": state.get("messages"),
            "messagesPerS": state.get("messagesPerS"),
            "stateFile": str(self.workspace / STATE_FILE),
        }

    def _start_own(self) -> None:
        if self.process is None:
            spec = broker_spec(self.workspace, self.keep_running)
            self.process = self._new_process(SOURCE, spec, True)
            self.process.sig_state_changed.connect(lambda *_: self.sig_changed.emit())
        self.process.start()

    def _check_adopted(self) -> None:
        if self.adopted is None:
            self._watch.stop()
            return
        if running_broker(self.workspace, probe=False) is None:
            pid = self.adopted.get("pid")
            log.warning("mqtt broker: the adopted broker (pid %s) is gone; starting one", pid)
            self.adopted = None
            self._watch.stop()
            self._start_own()
            self.sig_changed.emit()
