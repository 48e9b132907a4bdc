"""The engine dies, the tag bus does not: a headless engine polls the project's Modbus and
OPC UA demo devices (run by the test, so they outlive it) and publishes on its embedded
broker. SIGKILL the engine: the worker pids survive and an independent paho subscriber
keeps receiving values of both connections during the outage; the restarted engine
shows the same pids with good tags within 2 s of answering, one worker per connection
and one broker. With keepRunning false the workers and the broker are gone within 2 s.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path

import psutil

from panel.api.client import ApiClient
from panel.mqtt.embedded import running_broker
from panel.workspace.workspace import Workspace
from tests.integration.engine.conftest import HeadlessEngine
from tests.integration.engine.edge_parts import (
    CONNS,
    Device,
    alive,
    both_live,
    demo_devices,
    edge_workspace,
    wait_answering,
    wait_no_workers,
    worker_pids,
)
from tests.integration.mqtt.bus import Subscriber, embedded_credentials
from tests.waiting import wait_for

BASE = "opspanel/ws"
LIVE_S = 30.0
"""Time a fresh engine gets to connect both demo devices (the OPC UA one is slow)."""
ADOPT_BOUND_S = 2.0
GONE_BOUND_S = 2.0

StartEngine = Callable[[Path], HeadlessEngine]


def _bus_edge_workspace(path: Path, modbus: Device, opcua: Device, **settings: object) -> Path:
    ws = edge_workspace(path, modbus, opcua, **settings)
    with Workspace.open(ws) as workspace:
        workspace.save_config_object("mqtt", {"embedded": True})
    return ws


def _values_since(sub: Subscriber, conn_id: str, since: float) -> int:
    """How many tag values of `conn_id` read after `since` the subscriber received."""
    prefix = f"{BASE}/{conn_id}/"
    count = 0
    for message in list(sub.messages):
        rest = message.topic.removeprefix(prefix)
        if rest == message.topic or "/" in rest or rest.startswith("$"):
            continue  # another connection, a write topic, the state or a block message
        body = message.json()
        if body.get("quality") == "good" and float(body.get("ts") or 0) > since:
            count += 1
    return count


def _wait_values(sub: Subscriber, since: float, what: str, count: int = 2) -> None:
    for conn_id in CONNS:
        wait_for(
            lambda c=conn_id: _values_since(sub, c, since) >= count,
            15.0,
            f"values of {conn_id} {what}",
        )


def _brokers(ws: Path) -> list[int]:
    return [
        p.pid
        for p in psutil.process_iter(["cmdline", "status"])
        if "mqtt-broker" in (p.info["cmdline"] or [])
        and str(ws) in (p.info["cmdline"] or [])
        and p.info["status"] != psutil.STATUS_ZOMBIE
    ]


def _kill(engine: HeadlessEngine) -> float:
    engine.proc.kill()
    engine.proc.wait()
    return time.time()


def test_the_bus_carries_both_connections_through_an_engine_outage(
    tmp_path: Path, start_engine: StartEngine
) -> None:
    with demo_devices() as (modbus, opcua):
        ws = _bus_edge_workspace(tmp_path / "ws", modbus, opcua)  # headless: keepRunning
        first = start_engine(ws)
        with ApiClient.from_workspace(ws) as client:
            before = wait_for(lambda: both_live(client), LIVE_S, "both connections live")
        pids = {c: int(before[c]["pid"]) for c in CONNS}
        broker = wait_for(lambda: running_broker(ws), LIVE_S, "the embedded broker")
        sub = Subscriber(*embedded_credentials(ws))
        try:
            sub.subscribe(f"{BASE}/#")
            _wait_values(sub, time.time(), "with the engine running")

            killed_at = _kill(first)
            assert all(alive(pid) for pid in pids.values()), "a worker died with the engine"
            _wait_values(sub, killed_at + 0.5, "read and published with no engine")
            assert all(alive(pid) for pid in pids.values())

            second = start_engine(ws)
            wait_answering(ws, second.proc.pid)
            answered = time.monotonic()
            with ApiClient.from_workspace(ws) as client:
                after = wait_for(lambda: both_live(client), ADOPT_BOUND_S, "adopted and good")
                took = time.monotonic() - answered
                assert {c: after[c]["pid"] for c in CONNS} == pids
                assert all(after[c]["adopted"] for c in CONNS)
            for conn_id in CONNS:
                assert worker_pids(ws, conn_id) == [pids[conn_id]], f"two workers of {conn_id}"
            assert _brokers(ws) == [broker["pid"]]
            _wait_values(sub, time.time(), "after the adoption")
        finally:
            sub.close()
        print(f"adopted and good {took:.3f} s after the engine answered")

        second.proc.send_signal(signal.SIGTERM)
        assert second.proc.wait(timeout=30) == 0
        wait_no_workers(ws, GONE_BOUND_S)
        wait_for(lambda: not _brokers(ws), GONE_BOUND_S, "the broker stopped with the engine")


def test_without_keep_running_workers_and_broker_die_with_the_engine(
    tmp_path: Path, start_engine: StartEngine
) -> None:
    with demo_devices() as (modbus, opcua):
        settings = {"connections.keepRunning": False}
        ws = _bus_edge_workspace(tmp_path / "ws", modbus, opcua, **settings)
        engine = start_engine(ws)
        with ApiClient.from_workspace(ws) as client:
            now = wait_for(lambda: both_live(client), LIVE_S, "both connections live")
        broker = wait_for(lambda: running_broker(ws), LIVE_S, "the embedded broker")
        pids = [int(now[c]["pid"]) for c in CONNS] + [int(broker["pid"])]
        _kill(engine)
        wait_for(lambda: not any(alive(p) for p in pids), GONE_BOUND_S, "everything gone")
        wait_no_workers(ws, 0.5)
        assert not _brokers(ws)
