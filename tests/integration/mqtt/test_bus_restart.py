"""The broker goes away and comes back; the engine dies and the embedded broker stays."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import psutil

from panel.api.client import ApiClient
from panel.mqtt.embedded import running_broker
from panel.mqtt.endpoint import read_state
from panel.workspace.workspace import Workspace
from tests.integration.engine.conftest import HeadlessEngine
from tests.integration.engine.edge_parts import alive, conns, worker_pids
from tests.integration.mqtt.brokers import Bus
from tests.integration.mqtt.bus import Subscriber, bus_workspace, embedded_credentials
from tests.waiting import wait_for

CONN = "opspanel/ws/demo-modbus"
TIMEOUT_S = 30.0


def _executing(sub: Subscriber) -> None:
    sub.wait(
        f"{CONN}/$state",
        TIMEOUT_S,
        "the worker in EXECUTE",
        lambda m: m.json()["state"] == "EXECUTE",
    )


def _restart(bus: Bus, ws: Path) -> None:
    if bus.mosquitto is not None:
        bus.mosquitto.stop()
        bus.mosquitto.start()
        return
    old = read_state(ws)
    assert old is not None
    os.kill(int(old["pid"]), signal.SIGKILL)

    def restarted() -> bool:
        now = read_state(ws)
        return bool(now and now["pid"] != old["pid"] and running_broker(ws))

    wait_for(restarted, TIMEOUT_S, "the embedded broker restarted by its supervisor")
    assert read_state(ws)["port"] == old["port"]  # type: ignore[index]  # same URL for workers


def test_publishing_resumes_after_a_broker_restart_with_every_latest_value(
    tmp_path: Path, start_engine: Callable[[Path], HeadlessEngine], modbus_port: int, bus: Bus
) -> None:
    ws = bus_workspace(tmp_path / "ws", modbus_port, bus.section)
    bus.workspace_files(ws)
    start_engine(ws)
    before = Subscriber(*bus.credentials(ws))
    before.subscribe(f"{CONN}/#")
    _executing(before)
    before.wait(f"{CONN}/setpoint", TIMEOUT_S, "the setpoint")
    before.close()

    _restart(bus, ws)  # the new broker starts empty: no retained message survives it

    after = Subscriber(*bus.credentials(ws))
    try:
        after.subscribe(f"{CONN}/#")
        # setpoint never changes: only the worker's republishing puts it back
        setpoint = after.wait(f"{CONN}/setpoint", TIMEOUT_S, "the setpoint republished")
        assert setpoint.json()["value"] == 55.0 and setpoint.json()["quality"] == "good"
        _executing(after)
        after.wait(
            f"{CONN}/counter",
            TIMEOUT_S,
            "new values after the restart",
            lambda m: len(after.on(f"{CONN}/counter")) >= 3,
        )
    finally:
        after.close()


def _brokers_of(ws: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if "mqtt-broker" in cmdline and str(ws) in cmdline:
            found.append(proc)
    return found


def test_the_embedded_broker_outlives_a_killed_engine_and_is_adopted(
    tmp_path: Path, start_engine: Callable[[Path], HeadlessEngine], modbus_port: int
) -> None:
    """keepRunning: the broker and the worker go on publishing with no engine at all, and
    the next engine adopts both (no second broker, no second worker)."""
    ws = bus_workspace(tmp_path / "ws", modbus_port, {"embedded": True})
    with Workspace.open(ws) as workspace:
        workspace.set_setting("connections.keepRunning", True)
    first = start_engine(ws)
    state = wait_for(lambda: running_broker(ws), TIMEOUT_S, "the embedded broker")
    sub = Subscriber(*embedded_credentials(ws))
    try:
        sub.subscribe(f"{CONN}/#")
        _executing(sub)
        workers = worker_pids(ws, "demo-modbus")
        assert len(workers) == 1
        first.proc.kill()
        first.proc.wait()
        seen = len(sub.on(f"{CONN}/counter"))
        sub.wait(
            f"{CONN}/counter",
            TIMEOUT_S,
            "counter values published with no engine",
            lambda m: len(sub.on(f"{CONN}/counter")) >= seen + 2,
        )
        assert running_broker(ws) is not None and running_broker(ws)["pid"] == state["pid"]  # type: ignore[index]

        start_engine(ws)
        with ApiClient.from_workspace(ws) as client:
            wait_for(
                lambda: conns(client)["demo-modbus"]["adopted"],
                TIMEOUT_S,
                "the worker adopted by the new engine",
            )
        seen = len(sub.on(f"{CONN}/counter"))
        sub.wait(
            f"{CONN}/counter",
            TIMEOUT_S,
            "counter values after the adoption",
            lambda m: len(sub.on(f"{CONN}/counter")) >= seen + 2,
        )
    finally:
        sub.close()
    assert worker_pids(ws, "demo-modbus") == workers
    assert [p.pid for p in _brokers_of(ws)] == [state["pid"]]


def test_without_keep_running_the_broker_dies_with_the_engine(
    tmp_path: Path, start_engine: Callable[[Path], HeadlessEngine], modbus_port: int
) -> None:
    ws = bus_workspace(tmp_path / "ws", modbus_port, {"embedded": True})
    with Workspace.open(ws) as workspace:
        workspace.set_setting("connections.keepRunning", False)
    engine = start_engine(ws)
    state = wait_for(lambda: running_broker(ws), TIMEOUT_S, "the embedded broker")
    broker = psutil.Process(int(state["pid"]))
    engine.proc.kill()
    engine.proc.wait()
    wait_for(
        lambda: not broker.is_running() or broker.status() == psutil.STATUS_ZOMBIE,
        2.0,
        "the broker gone with the engine",
    )


def test_the_broker_follows_keep_running_changed_while_the_engine_runs(
    tmp_path: Path, start_engine: Callable[[Path], HeadlessEngine], modbus_port: int
) -> None:
    """conns.setWorkerSettings keepRunning true: the broker outlives the engine from its
    next start on (as the workers do), without an engine restart."""
    ws = bus_workspace(tmp_path / "ws", modbus_port, {"embedded": True})
    with Workspace.open(ws) as workspace:
        workspace.set_setting("connections.keepRunning", False)
    engine = start_engine(ws)
    old = wait_for(lambda: running_broker(ws), TIMEOUT_S, "the embedded broker")
    with ApiClient.from_workspace(ws) as client:
        client.call("conns.setWorkerSettings", {"keepRunning": True})
        status = client.call("mqtt.status")
        assert status["broker"]["keepRunning"] is True
        worker = wait_for(lambda: conns(client)["demo-modbus"]["pid"], TIMEOUT_S, "the worker")
    os.kill(int(old["pid"]), signal.SIGKILL)  # its next start: by the engine's supervisor
    new = wait_for(
        lambda: (s := running_broker(ws)) and s["pid"] != old["pid"] and s,
        TIMEOUT_S,
        "the broker restarted",
    )
    assert "--keep-running" in psutil.Process(int(new["pid"])).cmdline()

    engine.proc.kill()
    engine.proc.wait()
    # the worker started before the change dies with the engine; the new broker does not
    wait_for(lambda: not alive(worker), 5.0, "the old worker gone")
    sub = Subscriber(*embedded_credentials(ws))
    sub.close()
    assert running_broker(ws) is not None and running_broker(ws)["pid"] == new["pid"]  # type: ignore[index]
    [broker] = _brokers_of(ws)
    broker.terminate()
    broker.wait(10)
