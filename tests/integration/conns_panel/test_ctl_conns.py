"""`opspanel ctl conns ...` against a real headless engine with a real connection worker."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import struct

from fault_proxy import FaultProxy
from modbus_sim import ModbusSim
from opcua_sim import OpcUaSim

from panel.connections.store import save_connections
from panel.util.ports import ephemeral_port
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.workspace import Workspace
from tests.ctl_output import column, table
from tests.integration.conns_panel.conftest import modbus_connection

engine_conftest = __import__("importlib").import_module("tests.integration.engine.conftest")
ctl = engine_conftest.ctl
wait_for = engine_conftest.wait_for
HeadlessEngine = engine_conftest.HeadlessEngine
start_engine = engine_conftest.start_engine


def prepare(path: Path, port: int, *more: dict[str, object], **plc1: Any) -> Path:
    """A workspace with `plc1` (its fields overridden by `plc1`) and the `more` connections."""
    with Workspace.open(path) as ws:
        cfg = demo_server_config().to_json() | {"autostart": False}
        ws.save_server_config(ServerConfig.from_json(cfg))
        ws.set_setting("connections.restartDelayMs", 300)
        ws.set_setting("demo.devices", [])
        save_connections(ws, [modbus_connection("plc1", port, **plc1), *more])
    return path


def opcua_connection(endpoint: str) -> dict[str, object]:
    """Writable tags of every scalar type, typed by their nodes ("auto")."""
    nodes = {"setpoint": "Double", "count": "Int32", "flag": "Boolean", "label": "String"}
    tags = [{"name": n, "node": f"ns=2;s={v}", "writable": True} for n, v in nodes.items()]
    return {
        "id": "ua1",
        "driver": "opcua",
        "endpoint": endpoint,
        "reconnectMinMs": 100,
        "reconnectMaxMs": 500,
        "blocks": [{"name": "poll", "periodMs": 200, "tags": tags}],
    }


def states(ws: Path) -> dict[str, str]:
    """{connection id: state} as the `ctl conns list` table shows them."""
    listing = ctl(ws, "conns", "list")
    assert listing.returncode == 0, listing.stderr
    return {row["ID"]: row["STATE"] for row in table(listing.stdout)}


def tags_json(ws: Path) -> list[dict[str, object]]:
    result = ctl(ws, "conns", "tags", "plc1", "--json")
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout))


def test_ctl_conns_tags_list_and_write(
    tmp_path: Path, modbus_sim: ModbusSim, start_engine: Callable[[Path], HeadlessEngine]
) -> None:
    modbus_sim.set("holding", 0, [42])
    ws = prepare(tmp_path / "ws", modbus_sim.port)
    start_engine(ws)

    def all_good() -> list[dict[str, object]] | None:
        tags = tags_json(ws)
        return tags if all(t["quality"] == "good" for t in tags) else None

    tags = wait_for(all_good, 30, "good tags")
    assert isinstance(tags, list)
    speed = next(t for t in tags if t["name"] == "speed")
    assert speed["value"] == 42 and isinstance(speed["timestamp"], float)
    assert {"name", "value", "quality", "timestamp"} <= set(speed)

    listing = ctl(ws, "conns", "list")
    assert listing.returncode == 0 and states(ws) == {"plc1": "connected"}
    assert column(listing.stdout, "ADDRESS") == [f"127.0.0.1:{modbus_sim.port}"]

    wrote = ctl(ws, "conns", "write", "plc1", "setpoint", "-7")
    assert wrote.returncode == 0, wrote.stderr
    assert modbus_sim.get("holding", 1, 1) == [65529]

    refused = ctl(ws, "conns", "write", "plc1", "speed", "3")
    assert refused.returncode == 1 and "not writable" in refused.stderr
    unknown = ctl(ws, "conns", "tags", "nope")
    assert unknown.returncode == 1 and "no connection" in unknown.stderr

    stopped = ctl(ws, "conns", "stop", "plc1", "--wait", "--json")
    assert stopped.returncode == 0, stopped.stderr
    assert json.loads(stopped.stdout)["state"] == "disabled"
    started = ctl(ws, "conns", "start", "plc1", "--wait")
    assert started.returncode == 0 and "connected" in started.stdout


def test_ctl_write_that_times_out_while_the_device_is_down_is_never_applied(
    tmp_path: Path, modbus_sim: ModbusSim, start_engine: Callable[[Path], HeadlessEngine]
) -> None:
    ws = prepare(tmp_path / "ws", modbus_sim.port)
    start_engine(ws)
    wait_for(lambda: states(ws).get("plc1") == "connected", 30, "connected")
    modbus_sim.stop()
    wait_for(lambda: states(ws).get("plc1") == "reconnecting", 30, "link down")

    wrote = ctl(ws, "conns", "write", "plc1", "setpoint", "5", "--timeout", "1")
    assert wrote.returncode == 1, wrote.stdout

    modbus_sim.start()
    wait_for(lambda: states(ws).get("plc1") == "connected", 30, "linked again")
    # Writes run in order: once this one is done, the first would have been sent before it.
    probe = ctl(ws, "conns", "write", "plc1", "temp", "1.5")
    assert probe.returncode == 0, probe.stderr
    assert modbus_sim.get("holding", 1) == [0]  # the timed-out write never landed
    assert modbus_sim.writes == 1
    assert "write timed out: not sent" in wrote.stderr and "will not be sent" in wrote.stderr


def test_ctl_write_parses_the_text_by_the_tag_type(
    tmp_path: Path,
    modbus_sim: ModbusSim,
    start_engine: Callable[[Path], HeadlessEngine],
) -> None:
    sim = OpcUaSim(ephemeral_port()).start()
    try:
        ws = prepare(tmp_path / "ws", modbus_sim.port, opcua_connection(sim.endpoint))
        start_engine(ws)
        both = {"plc1": "connected", "ua1": "connected"}
        wait_for(lambda: states(ws) == both, 60, "links")

        def write(conn: str, tag: str, text: str) -> None:
            wrote = ctl(ws, "conns", "write", conn, tag, text)
            assert wrote.returncode == 0, wrote.stderr

        write("ua1", "setpoint", "42.5")
        write("ua1", "count", "17")
        write("ua1", "flag", "false")
        write("ua1", "label", "42")
        assert sim.get("ns=2;s=Double") == 42.5
        assert sim.get("ns=2;s=Int32") == 17
        assert sim.get("ns=2;s=Boolean") is False
        assert sim.get("ns=2;s=String") == "42"  # a string node keeps the text
        write("plc1", "temp", "42.5")
        assert modbus_sim.get("holding", 2, 2) == list(
            struct.unpack(">HH", struct.pack(">f", 42.5))
        )

        for conn, tag, text, kind in (
            ("ua1", "setpoint", "fast", "Double"),
            ("ua1", "count", "1.5", "Int32"),
            ("ua1", "flag", "maybe", "Boolean"),
            ("plc1", "setpoint", "42.5", "int16"),
        ):
            refused = ctl(ws, "conns", "write", conn, tag, text)
            assert refused.returncode == 1, refused.stdout
            assert tag in refused.stderr and kind in refused.stderr, refused.stderr
            assert repr(text) in refused.stderr, refused.stderr
        assert sim.get("ns=2;s=Double") == 42.5
    finally:
        sim.stop()


def test_ctl_write_whose_answer_is_lost_says_unknown_and_is_applied_once(
    tmp_path: Path, modbus_sim: ModbusSim, start_engine: Callable[[Path], HeadlessEngine]
) -> None:
    proxy = FaultProxy(modbus_sim.port, "modbus").start()
    try:
        # A long answer timeout: the drop, not a slow answer on a loaded machine, ends it.
        ws = prepare(tmp_path / "ws", proxy.port, timeoutMs=15000)
        start_engine(ws)
        wait_for(lambda: states(ws).get("plc1") == "connected", 30, "connected")
        proxy.drop_after_write()  # the device applies it, then the socket closes
        wrote = ctl(ws, "conns", "write", "plc1", "setpoint", "5")
        assert wrote.returncode == 1, wrote.stdout
        assert "unknown: the connection dropped after sending" in wrote.stderr, wrote.stderr
        wait_for(lambda: states(ws).get("plc1") == "connected", 30, "linked again")
        probe = ctl(ws, "conns", "write", "plc1", "temp", "1.5")
        assert probe.returncode == 0, probe.stderr
        assert modbus_sim.get("holding", 1) == [5]
        assert modbus_sim.writes == 2  # once, never re-sent on the reconnect; then the probe
    finally:
        proxy.close()
