"""System events on the bus: the engine's go out; an outside config_reload comes in, once."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from panel.connections.events import SystemEvent
from panel.connections.store import load_connections, save_connections
from panel.engine import Engine
from panel.workspace.workspace import Workspace
from tests.integration.mqtt.bus import Subscriber, bus_workspace, embedded_credentials

BASE = "opspanel/ws"
CONN = "demo-modbus"
TIMEOUT_MS = 30_000
RELOADED = f"connection {CONN}: config_reload from the bus"


@pytest.fixture
def engine(tmp_path: Path, qtbot: QtBot, modbus_port: int) -> Iterator[Engine]:
    """An engine in this process on a bus workspace (embedded broker)."""
    ws = Workspace.open(bus_workspace(tmp_path / "ws", modbus_port, {"embedded": True}))
    engine = Engine(ws)
    engine.start()
    yield engine
    with qtbot.waitSignal(engine.sig_shutdown_finished, timeout=TIMEOUT_MS):
        engine.shutdown()
    ws.close()


def _subscriber(engine: Engine, qtbot: QtBot) -> Subscriber:
    qtbot.waitUntil(
        lambda: (engine.workspace.root / "mqtt-broker.json").exists(), timeout=TIMEOUT_MS
    )
    sub = Subscriber(*embedded_credentials(engine.workspace.root))
    sub.subscribe(f"{BASE}/system/#", qos=1)
    assert engine.bus.client is not None
    qtbot.waitUntil(lambda: engine.bus.client.state == "connected", timeout=TIMEOUT_MS)
    return sub


def test_the_managers_events_go_on_the_bus_and_do_not_come_back(
    engine: Engine, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    sub = _subscriber(engine, qtbot)
    caplog.set_level(logging.INFO, logger="panel.mqtt")
    try:
        events = [
            SystemEvent("conn_added", "plc9", 1, "api"),
            SystemEvent("config_reload", CONN, 2, "window", change="blocks"),
            SystemEvent("conn_removed", "plc9", 3, "api"),
        ]
        for event in events:
            engine.connections.sig_system_event.emit(event)
        topics = [f"{BASE}/{event.topic()}" for event in events]
        qtbot.waitUntil(lambda: len(sub.messages) >= 3, timeout=TIMEOUT_MS)
        assert [m.topic for m in sub.messages] == topics
        got = [m.json() for m in sub.messages]
        assert [SystemEvent.from_json(g) for g in got] == events
        assert all(not m.retain for m in sub.messages)
        # Our own config_reload came back from the broker: it must not reload anything.
        # An outside one sent after it is handled after it: then ours was handled too.
        sub.publish(f"{BASE}/system/ghost/config_reload", {})
        ghost = "config_reload for unknown connection 'ghost' ignored"
        qtbot.waitUntil(lambda: ghost in caplog.text, timeout=TIMEOUT_MS)
        assert RELOADED not in caplog.text
    finally:
        sub.close()


def test_an_outside_config_reload_reloads_that_connection_from_the_db(
    engine: Engine, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    sub = _subscriber(engine, qtbot)
    caplog.set_level(logging.INFO, logger="panel.mqtt")
    qtbot.waitUntil(
        lambda: engine.connections.snapshot(CONN).state == "connected", timeout=TIMEOUT_MS
    )
    pid = engine.connections.snapshot(CONN).pid
    try:
        items = load_connections(engine.workspace)
        items[0]["blocks"][0]["periodMs"] = 250
        save_connections(engine.workspace, items)  # an outside tool wrote the DB
        sub.publish(f"{BASE}/system/{CONN}/config_reload", {"source": "node-red"})

        def reloaded() -> bool:
            block = engine.connections.snapshot(CONN).blocks[0]
            return block.period_ms == 250

        qtbot.waitUntil(reloaded, timeout=TIMEOUT_MS)
        assert engine.connections.snapshot(CONN).pid == pid  # a block edit: same worker
        assert caplog.text.count(RELOADED) == 1
    finally:
        sub.close()
