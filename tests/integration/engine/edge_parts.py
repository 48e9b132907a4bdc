"""Parts for the tests of workers that outlive the engine: demo devices run by the test
(so they outlive the engine too), worker lookups by command line, a peek at a worker's
socket, and the API figures of the connections."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from panel.api.client import ApiClient
from panel.connections.store import save_connections
from panel.demo.config import MODBUS_CONNECTION, OPCUA_CONNECTION, demo_connections
from panel.util.paths import resources_dir
from panel.util.ports import ephemeral_port, port_is_free
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.workspace import Workspace
from tests.waiting import wait_for

CONNS = (MODBUS_CONNECTION, OPCUA_CONNECTION)
DEVICE_START_S = 30.0


@dataclass
class Device:
    """A demo device run by the test (python -m modbus_device | opcua_device)."""

    module: str
    port: int
    proc: subprocess.Popen[bytes]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_device(module: str) -> Device:
    """Start a demo device on a free port of 127.0.0.1; return once it listens."""
    port = ephemeral_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", module, "--host", "127.0.0.1", "--port", str(port)],
        cwd=str(resources_dir() / "demo"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    device = Device(module, port, proc)
    wait_for(
        lambda: not port_is_free(port) or proc.poll() is not None,
        DEVICE_START_S,
        f"{module} listening on {port}",
    )
    assert proc.poll() is None, f"{module} ended with {proc.returncode}"
    return device


@contextlib.contextmanager
def demo_devices() -> Iterator[tuple[Device, Device]]:
    """The project's Modbus and OPC UA demo devices, stopped at the end."""
    started: list[Device] = []
    try:
        started.append(start_device("modbus_device"))
        started.append(start_device("opcua_device"))
        yield started[0], started[1]
    finally:
        for device in started:
            device.stop()


def edge_workspace(path: Path, modbus: Device, opcua: Device, **settings: Any) -> Path:
    """A workspace with the two demo connections, no server start, no demo devices of its own."""
    with Workspace.open(path) as ws:
        cfg = demo_server_config().to_json() | {"autostart": False}
        ws.save_server_config(ServerConfig.from_json(cfg))
        ws.set_setting("connections.restartDelayMs", 200)
        ws.set_setting("demo.devices", [])
        for key, value in settings.items():
            ws.set_setting(key, value)
        save_connections(ws, demo_connections(modbus.port, opcua.port))
    return path


def _arg(cmdline: list[str], name: str) -> str | None:
    for i, arg in enumerate(cmdline[:-1]):
        if arg == name:
            return cmdline[i + 1]
    return None


def worker_pids(ws: Path, conn_id: str) -> list[int]:
    """Live (non-zombie) processes whose command line runs workspace `ws`'s worker of
    `conn_id` (`--conn-id X`)."""
    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        cmdline = proc.info["cmdline"] or []
        if proc.info["status"] == psutil.STATUS_ZOMBIE or "worker" not in cmdline:
            continue
        if _arg(cmdline, "--conn-id") == conn_id and _arg(cmdline, "--workspace") == str(ws):
            found.append(proc.pid)
    return found


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie is gone)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def conns(client: ApiClient) -> dict[str, dict[str, Any]]:
    """conn id -> its `conns.list` entry."""
    return {c["id"]: c for c in client.call("conns.list")["connections"]}


def all_good(client: ApiClient, conn_id: str) -> bool:
    """Every tag of `conn_id` has a value of good quality."""
    tags = client.call("conns.tags", {"id": conn_id})["tags"]
    return bool(tags) and all(t["quality"] == "good" for t in tags)


def both_live(client: ApiClient) -> dict[str, dict[str, Any]] | None:
    """The `conns.list` entries once both demo connections are connected with good tags."""
    now = conns(client)
    ready = all(now[c]["state"] == "connected" and all_good(client, c) for c in CONNS)
    return now if ready else None


def peek_latest_ts(ws: Path, pid: int, timeout: float = 10.0) -> float:
    """Connect to worker `pid`'s socket as an engine would and return the newest tag
    timestamp of the full refresh it sends (then disconnect: it carries on alone)."""
    path = ws / "run" / f"w-{pid}.sock"
    deadline = time.monotonic() + timeout
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(path))
        with sock.makefile("rb") as stream:
            while time.monotonic() < deadline:
                message = json.loads(stream.readline())
                if message.get("t") == "tags" and message.get("full") and message["values"]:
                    return max(float(v["ts"]) for v in message["values"] if v.get("ts"))
    raise AssertionError(f"no full refresh from worker {pid}")


def wait_answering(ws: Path, pid: int, timeout: float = 30.0) -> None:
    """Wait until the engine `pid` wrote the workspace's api.json (a killed engine's stays)."""

    def written() -> bool:
        try:
            return int(json.loads((ws / "api.json").read_text())["pid"]) == pid
        except (OSError, ValueError, KeyError):
            return False

    wait_for(written, timeout, f"engine {pid} answering")


def wait_no_workers(ws: Path, timeout: float) -> None:
    """Fail unless no worker of the demo connections runs within `timeout` s."""
    wait_for(lambda: not any(worker_pids(ws, c) for c in CONNS), timeout, "every worker of ws gone")
