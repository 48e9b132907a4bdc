"""`DemoDevices`: runs the demo workspace's simulated field devices as supervised processes.

Each device (`panel.demo.config.DemoDevice`) becomes one `ManagedProcess` made by the
engine's process factory, so its output lands in the log hub under `demo:<name>`, it
is killed with the panel and found by the start-up sweep like every other child. A
device that crashes is restarted (policy on-failure); one whose port is taken exits
with a line naming the port, is retried a couple of times and then stays FATAL while
the rest of the panel carries on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from panel.demo.config import DemoDevice
from panel.supervise.process import ManagedProcess
from panel.supervise.spec import ProcessSpec, RestartPolicy
from panel.supervise.state import ProcessState
from panel.util.paths import python_executable, resources_dir
from panel.workspace.server_config import expand_placeholders

log = logging.getLogger("panel.demo")

ProcessFactory = Callable[[str, ProcessSpec], ManagedProcess]


@dataclass(frozen=True)
class DeviceSnapshot:
    """One demo device as it is now."""

    name: str
    source: str
    port: int
    state: str
    pid: int | None
    restarts: int
    last_error: str | None

    def to_json(self) -> dict[str, object]:
        """The snapshot as a JSON object (camelCase)."""
        return {
            "name": self.name,
            "source": self.source,
            "port": self.port,
            "state": self.state,
            "pid": self.pid,
            "restarts": self.restarts,
            "lastError": self.last_error,
        }


def device_spec(device: DemoDevice, workspace_dir: Path) -> ProcessSpec:
    """How the process core runs `device` (placeholders filled in)."""
    values = {
        "port": str(device.port),
        "python": python_executable(),
        "workspace": str(workspace_dir),
        "resources": str(resources_dir()),
    }
    return ProcessSpec(
        name=device.source,
        argv=tuple(expand_placeholders(arg, values) for arg in device.command),
        cwd=expand_placeholders(device.cwd, values),
        env={k: expand_placeholders(v, values) for k, v in device.env.items()},
        restart=RestartPolicy.ON_FAILURE,
        start_secs=1.0,
        start_retries=2,
        restart_delay_ms=1000,
        stop_timeout_ms=3000,
        python_child=True,
    )


class DemoDevices(QObject):
    """The demo devices of one workspace, each a supervised process (none: nothing runs)."""

    sig_changed = Signal()
    """A device's process changed state (started, exited, failed, stopped)."""

    def __init__(
        self,
        devices: list[DemoDevice],
        new_process: ProcessFactory,
        workspace_dir: Path,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._devices = list(devices)
        self._processes: dict[str, ManagedProcess] = {}
        for device in self._devices:
            process = new_process(device.source, device_spec(device, workspace_dir))
            process.sig_state_changed.connect(self._on_state)
            self._processes[device.name] = process

    @property
    def devices(self) -> list[DemoDevice]:
        """The configured devices, in order."""
        return list(self._devices)

    def start(self) -> None:
        """Start every device (a no-op for those already running)."""
        for device in self._devices:
            log.info("starting demo device %s on port %d", device.name, device.port)
            self._processes[device.name].start()

    def stop(self) -> None:
        """Stop every device and its process tree."""
        for process in self._processes.values():
            process.stop()

    def process(self, name: str) -> ManagedProcess:
        """The process of device `name`; KeyError when there is no such device."""
        return self._processes[name]

    def snapshots(self) -> list[DeviceSnapshot]:
        """Every device as it is now, in order."""
        out = []
        for device in self._devices:
            process = self._processes[device.name]
            out.append(
                DeviceSnapshot(
                    name=device.name,
                    source=device.source,
                    port=device.port,
                    state=process.state.value,
                    pid=process.pid,
                    restarts=process.restarts,
                    last_error=process.last_error,
                )
            )
        return out

    def _on_state(self, new: ProcessState, _old: ProcessState) -> None:
        if new == ProcessState.FATAL:
            process = self.sender()
            name = process.name if isinstance(process, ManagedProcess) else "?"
            log.error("%s did not start (its log says why); the panel carries on", name)
        self.sig_changed.emit()
