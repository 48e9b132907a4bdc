"""Connection workers keep acquiring when the engine dies, and the next engine adopts them.

A headless engine (keepRunning defaults to true there) polls the project's Modbus and
OPC UA demo devices, run by the test so that they outlive the engine too. SIGKILL the
engine: the worker pids survive and keep polling (a peek at a worker's socket shows
values read after the kill); the restarted engine shows the same pids, adopted, with
good tags within 2 s of answering, counters carried on and one worker per connection.
With keepRunning false everything is gone within 2 s as before; a worker without an
engine for orphanTimeoutS stops by itself; an adopted worker can be written to,
reloaded, restarted and stopped.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

from panel.api.client import ApiClient
from panel.demo.config import MODBUS_CONNECTION, OPCUA_CONNECTION
from tests.integration.engine.conftest import HeadlessEngine, ctl
from tests.integration.engine.edge_parts import (
    CONNS,
    alive,
    both_live,
    conns,
    demo_devices,
    edge_workspace,
    peek_latest_ts,
    wait_answering,
    wait_no_workers,
    worker_pids,
)
from tests.waiting import wait_for

LIVE_S = 30.0
"""Time a fresh engine gets to connect both demo devices (the OPC UA one is slow)."""
ADOPT_BOUND_S = 2.0

StartEngine = Callable[[Path], HeadlessEngine]


def _live(client: ApiClient) -> dict[str, dict[str, object]] | None:
    return both_live(client)


def _kill(engine: HeadlessEngine) -> None:
    engine.proc.kill()
    engine.proc.wait()


def test_sigkilled_engine_leaves_workers_polling_and_the_next_adopts_them(
    tmp_path: Path, start_engine: StartEngine
) -> None:
    with demo_devices() as (modbus, opcua):
        ws = edge_workspace(tmp_path / "ws", modbus, opcua)
        first = start_engine(ws)
        with ApiClient.from_workspace(ws) as client:
            before = wait_for(lambda: _live(client), LIVE_S, "both connections live")
            # one crash of the Modbus worker first, so that there is a restart to carry on
            os.kill(int(before[MODBUS_CONNECTION]["pid"]), signal.SIGKILL)  # type: ignore[call-overload]

            def restarted() -> dict[str, dict[str, object]] | None:
                now = _live(client)
                old = before[MODBUS_CONNECTION]["pid"]
                return now if now and now[MODBUS_CONNECTION]["pid"] != old else None

            before = wait_for(restarted, LIVE_S, "the killed Modbus worker restarted")
        pids = {c: int(before[c]["pid"]) for c in CONNS}  # type: ignore[call-overload]
        assert before[MODBUS_CONNECTION]["restarts"] == 1
        assert not any(before[c]["adopted"] for c in CONNS)

        _kill(first)
        killed_at = time.time()
        assert all(alive(pid) for pid in pids.values()), "a worker died with the engine"
        # still polling without an engine: values read after the kill
        for conn_id, pid in pids.items():
            wait_for(
                lambda pid=pid: peek_latest_ts(ws, pid) > killed_at + 0.5,
                10.0,
                f"{conn_id} reading values without an engine",
            )
        assert all(alive(pid) for pid in pids.values())

        second = start_engine(ws)
        wait_answering(ws, second.proc.pid)
        answered = time.monotonic()
        with ApiClient.from_workspace(ws) as client:
            after = wait_for(lambda: _live(client), ADOPT_BOUND_S, "adopted workers live")
            took = time.monotonic() - answered
            assert {c: after[c]["pid"] for c in CONNS} == pids
            assert all(after[c]["adopted"] for c in CONNS)
            assert after[MODBUS_CONNECTION]["restarts"] == 1  # carried on
            outage = time.time() - killed_at
            assert float(after[OPCUA_CONNECTION]["uptime"]) >= outage  # type: ignore[arg-type]
            modbus_block = after[MODBUS_CONNECTION]["blocks"][0]  # type: ignore[index]
            assert modbus_block["cycles"] >= outage / 0.5 * 0.8  # its 500 ms block went on
            for conn_id in CONNS:
                assert worker_pids(ws, conn_id) == [pids[conn_id]]
            listed = ctl(ws, "conns", "list")
            assert listed.returncode == 0 and "adopted" in listed.stdout
        print(f"adopted and live {took:.3f} s after the engine answered")

        second.proc.send_signal(signal.SIGTERM)  # a clean stop still stops everything
        assert second.proc.wait(timeout=30) == 0
        wait_no_workers(ws, 2.0)
        assert not list((ws / "run").glob("*.sock"))


def test_without_keep_running_every_worker_dies_with_the_engine(
    tmp_path: Path, start_engine: StartEngine
) -> None:
    with demo_devices() as (modbus, opcua):
        ws = edge_workspace(tmp_path / "ws", modbus, opcua, **{"connections.keepRunning": False})
        engine = start_engine(ws)
        with ApiClient.from_workspace(ws) as client:
            now = wait_for(lambda: _live(client), LIVE_S, "both connections live")
        pids = [int(now[c]["pid"]) for c in CONNS]  # type: ignore[call-overload]
        _kill(engine)
        wait_for(lambda: not any(alive(p) for p in pids), 2.0, "every worker gone with it")
        wait_no_workers(ws, 0.5)


def test_a_worker_without_an_engine_stops_after_the_orphan_timeout(
    tmp_path: Path, start_engine: StartEngine
) -> None:
    with demo_devices() as (modbus, opcua):
        ws = edge_workspace(tmp_path / "ws", modbus, opcua, **{"connections.orphanTimeoutS": 1.5})
        engine = start_engine(ws)
        with ApiClient.from_workspace(ws) as client:
            now = wait_for(lambda: _live(client), LIVE_S, "both connections live")
        pids = [int(now[c]["pid"]) for c in CONNS]  # type: ignore[call-overload]
        _kill(engine)
        killed = time.monotonic()
        wait_for(lambda: not any(alive(p) for p in pids), 10.0, "the orphans stopped themselves")
        assert time.monotonic() - killed >= 1.0  # they did wait for an engine first
        log = (ws / "logs" / f"worker-{MODBUS_CONNECTION}.log").read_text()
        assert "engine gone: polling goes on" in log
        assert "no engine for 1.5 s (orphanTimeoutS): stopping" in log


def test_an_adopted_worker_writes_reloads_restarts_and_stops(
    tmp_path: Path, start_engine: StartEngine
) -> None:
    with demo_devices() as (modbus, opcua):
        ws = edge_workspace(tmp_path / "ws", modbus, opcua)
        first = start_engine(ws)
        with ApiClient.from_workspace(ws) as client:
            before = wait_for(lambda: _live(client), LIVE_S, "both connections live")
        _kill(first)
        wait_answering(ws, start_engine(ws).proc.pid)
        with ApiClient.from_workspace(ws) as client:
            wait_for(lambda: _live(client), 10.0, "adopted workers live")
            pid = before[MODBUS_CONNECTION]["pid"]
            assert conns(client)[MODBUS_CONNECTION]["adopted"]

            answer = client.call(
                "conns.write",
                {"id": MODBUS_CONNECTION, "values": {"setpoint": 61.5}},
                timeout=30,
            )
            assert answer["outcome"] == "done", answer

            config = client.call("conns.config", {"id": MODBUS_CONNECTION})["config"]
            config["blocks"][0]["periodMs"] = 200
            client.call("conns.save", {"config": config})

            def period_applied() -> bool:
                block = conns(client)[MODBUS_CONNECTION]["blocks"][0]
                return block["periodMs"] == 200 and (block["cycles"] or 0) >= 5

            wait_for(period_applied, 10.0, "the block reloaded in place at 200 ms")
            assert conns(client)[MODBUS_CONNECTION]["pid"] == pid  # a hot reload

            client.call("conns.restart", {"id": MODBUS_CONNECTION, "wait": True}, timeout=30)
            after = wait_for(lambda: _live(client), LIVE_S, "restarted worker live")
            assert after[MODBUS_CONNECTION]["pid"] != pid and not alive(int(pid))  # type: ignore[call-overload]
            assert not after[MODBUS_CONNECTION]["adopted"]

            opcua_pid = int(after[OPCUA_CONNECTION]["pid"])  # type: ignore[call-overload]
            client.call("conns.stop", {"id": OPCUA_CONNECTION, "wait": True}, timeout=30)
            wait_for(lambda: not alive(opcua_pid), 5.0, "the adopted OPC UA worker stopped")
            assert conns(client)[OPCUA_CONNECTION]["state"] == "disabled"
            assert worker_pids(ws, OPCUA_CONNECTION) == []
