"""The real first run: `opspanel --headless --demo --workspace NEW` seeds the demo, values show."""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil

from panel.demo.config import DEVICES_KEY, MODBUS_PORT, OPCUA_PORT, parse_devices
from panel.workspace.workspace import Workspace
from tests.ctl_output import table

engine_conftest = __import__("importlib").import_module("tests.integration.engine.conftest")
ctl = engine_conftest.ctl
wait_for = engine_conftest.wait_for
HeadlessEngine = engine_conftest.HeadlessEngine
start_engine = engine_conftest.start_engine

LIVE_S = 40.0


@contextlib.contextmanager
def holding(ports: list[int]) -> Iterator[None]:
    """Listen on whichever of `ports` can be had, so that a first run here picks free ones.

    Another panel (or test run) on this machine may be using the default demo ports;
    either way the first run must then choose other ports, which is what is tested.
    """
    with contextlib.ExitStack() as stack:
        for port in ports:
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            with contextlib.suppress(OSError):
                sock.bind(("127.0.0.1", port))
                sock.listen()
        yield


def conns_states(ws: Path) -> dict[str, str]:
    """Connection id -> state, as `ctl conns list` prints them."""
    result = ctl(ws, "conns", "list")
    assert result.returncode == 0, result.stderr
    return {row["ID"]: row["STATE"] for row in table(result.stdout)}


def both_connected(ws: Path) -> bool:
    states = conns_states(ws)
    return all(states.get(conn) == "connected" for conn in ("demo-modbus", "demo-opcua"))


def good_tags(ws: Path, conn_id: str) -> list[dict[str, object]] | None:
    result = ctl(ws, "conns", "tags", conn_id, "--json")
    assert result.returncode == 0, result.stderr
    tags = list(json.loads(result.stdout))
    return tags if tags and all(t["quality"] == "good" for t in tags) else None


def test_first_run_shows_live_values_from_the_demo_devices(
    tmp_path: Path, start_engine: Callable[..., HeadlessEngine]
) -> None:
    ws = tmp_path / "first-run"
    with holding([MODBUS_PORT, OPCUA_PORT]):
        engine = start_engine(ws, "--demo")
    with Workspace.open(ws) as opened:  # a second connection to the same database
        devices, problems = parse_devices(opened.get_setting(DEVICES_KEY))
    assert problems == [] and [d.name for d in devices] == ["modbus", "opcua"]
    assert MODBUS_PORT not in [d.port for d in devices], "the taken default was not used"

    wait_for(lambda: both_connected(ws), LIVE_S, "both demo connections connected")
    first = wait_for(lambda: good_tags(ws, "demo-modbus"), LIVE_S, "good Modbus tags")
    assert isinstance(first, list)
    values = {t["name"]: t["value"] for t in first}
    assert isinstance(values["temperature"], float) and values["setpoint"] == 55.0

    def counter_moved() -> bool:
        tags = good_tags(ws, "demo-modbus") or []
        return any(t["name"] == "counter" and t["value"] != values["counter"] for t in tags)

    wait_for(counter_moved, 10.0, "the demo counter to move")
    assert wait_for(lambda: good_tags(ws, "demo-opcua"), LIVE_S, "good OPC UA tags")

    children = engine.descendants()
    device_pids = [p.pid for p in children if "-m" in _cmdline(p) and _is_device(p)]
    assert len(device_pids) == 2
    engine.proc.terminate()
    assert engine.proc.wait(timeout=30) == 0
    wait_for(lambda: not any(psutil.pid_exists(pid) for pid in device_pids), 10.0, "devices gone")


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:
        return []


def _is_device(process: psutil.Process) -> bool:
    return any(arg in ("modbus_device", "opcua_device") for arg in _cmdline(process))
