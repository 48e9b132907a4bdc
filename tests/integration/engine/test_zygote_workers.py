"""Connection workers forked by a zygote (`connections.zygote`) behave like spawned ones.

A headless engine polls the project's Modbus and OPC UA demo devices with every worker
forked by the zygote of its driver family: the worker's parent is that zygote (which
imported no asyncua for Modbus), its tags reach the engine, a killed worker is
restarted (forked again), killing the zygote leaves every worker polling, a stop
ends them, and after an engine SIGKILL the next engine adopts the same pids.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import psutil

from panel.api.client import ApiClient
from panel.demo.config import MODBUS_CONNECTION, OPCUA_CONNECTION
from tests.integration.engine.conftest import HeadlessEngine
from tests.integration.engine.edge_parts import (
    CONNS,
    alive,
    both_live,
    conns,
    demo_devices,
    edge_workspace,
    wait_answering,
)
from tests.waiting import wait_for

LIVE_S = 30.0
StartEngine = Callable[[Path], HeadlessEngine]


def _zygote_of(pid: int) -> psutil.Process:
    parent = psutil.Process(pid).parent()
    assert parent is not None
    cmdline = parent.cmdline()
    assert cmdline[-6:-4] == ["zygote", "--family"] or "zygote" in cmdline, cmdline
    return parent


def _family(zygote: psutil.Process) -> str:
    cmdline = zygote.cmdline()
    return cmdline[cmdline.index("--family") + 1]


def _pids(now: dict[str, dict[str, object]]) -> dict[str, int]:
    return {c: int(str(now[c]["pid"])) for c in CONNS}


def test_forked_workers_poll_restart_and_outlive_their_zygote(
    tmp_path: Path, start_engine: StartEngine
) -> None:
    with demo_devices() as (modbus, opcua):
        settings = {"connections.zygote": True, "connections.keepRunning": False}
        ws = edge_workspace(tmp_path / "ws", modbus, opcua, **settings)
        engine = start_engine(ws)
        with ApiClient.from_workspace(ws) as client:
            before = wait_for(lambda: both_live(client), LIVE_S, "both connections live")
            pids = _pids(before)
            zygotes = {c: _zygote_of(pids[c]) for c in CONNS}
            assert _family(zygotes[MODBUS_CONNECTION]) == "modbus"
            assert _family(zygotes[OPCUA_CONNECTION]) == "opcua"
            assert zygotes[MODBUS_CONNECTION].parent().pid == engine.proc.pid  # type: ignore[union-attr]
            assert os.getsid(pids[MODBUS_CONNECTION]) == pids[MODBUS_CONNECTION]
            if "cgroup v2 of its own" in (ws / "logs" / "panel.log").read_text():
                cgroup = Path(f"/proc/{pids[MODBUS_CONNECTION]}/cgroup").read_text()
                assert "/conn-" in cgroup, cgroup  # its own group, as a spawned worker's
            maps = Path(f"/proc/{pids[MODBUS_CONNECTION]}/maps").read_text()
            assert "asyncua" not in maps and "PySide6" not in maps

            # a crash: the worker is forked again, the restart counted
            os.kill(pids[MODBUS_CONNECTION], signal.SIGKILL)

            def restarted() -> dict[str, dict[str, object]] | None:
                now = both_live(client)
                fresh = now is not None and now[MODBUS_CONNECTION]["pid"] != pids[MODBUS_CONNECTION]
                return now if fresh else None

            after = wait_for(restarted, LIVE_S, "the killed Modbus worker forked again")
            assert after[MODBUS_CONNECTION]["restarts"] == 1
            pids = _pids(after)
            assert _zygote_of(pids[MODBUS_CONNECTION]).pid == zygotes[MODBUS_CONNECTION].pid

            # the zygotes die: no worker goes with them, tags keep coming
            for zygote in zygotes.values():
                zygote.kill()
                zygote.wait(10)
            assert all(alive(pid) for pid in pids.values())
            cycles = _cycles(client)
            wait_for(
                lambda: _cycles(client) > cycles + 2,
                10.0,
                "cycles polled after the zygotes died",
            )
            now = wait_for(lambda: both_live(client), LIVE_S, "both still live")
            assert _pids(now) == pids and now[MODBUS_CONNECTION]["restarts"] == 1

            # a restart forks from a new zygote
            client.call("conns.restart", {"id": MODBUS_CONNECTION})

            def forked_again() -> dict[str, dict[str, object]] | None:
                now = both_live(client)
                fresh = now is not None and now[MODBUS_CONNECTION]["pid"] != pids[MODBUS_CONNECTION]
                return now if fresh else None

            again = wait_for(forked_again, LIVE_S, "the restarted worker live")
            new_pid = int(str(again[MODBUS_CONNECTION]["pid"]))
            assert _zygote_of(new_pid).pid != zygotes[MODBUS_CONNECTION].pid
            assert not alive(pids[MODBUS_CONNECTION])
            pids[MODBUS_CONNECTION] = new_pid

        engine.proc.send_signal(signal.SIGTERM)  # a stop ends every worker
        assert engine.proc.wait(timeout=30) == 0
        wait_for(lambda: not any(alive(p) for p in pids.values()), 5.0, "every worker gone")


def _cycles(client: ApiClient) -> int:
    """Read cycles of the Modbus connection's first block."""
    return int(conns(client)[MODBUS_CONNECTION]["blocks"][0]["cycles"] or 0)


def test_forked_workers_are_adopted_after_an_engine_sigkill(
    tmp_path: Path, start_engine: StartEngine
) -> None:
    with demo_devices() as (modbus, opcua):
        ws = edge_workspace(tmp_path / "ws", modbus, opcua, **{"connections.zygote": True})
        first = start_engine(ws)
        with ApiClient.from_workspace(ws) as client:
            pids = _pids(wait_for(lambda: both_live(client), LIVE_S, "both connections live"))
        zygotes = [_zygote_of(pid) for pid in pids.values()]
        first.proc.kill()
        first.proc.wait()
        wait_for(
            lambda: not any(z.is_running() and z.status() != "zombie" for z in zygotes),
            10.0,
            "the zygotes gone with the engine",
        )
        assert all(alive(pid) for pid in pids.values()), "a worker died with the engine"

        second = start_engine(ws)
        wait_answering(ws, second.proc.pid)
        with ApiClient.from_workspace(ws) as client:
            after = wait_for(lambda: both_live(client), 5.0, "adopted workers live")
            assert _pids(after) == pids
            assert all(after[c]["adopted"] for c in CONNS)
        second.proc.send_signal(signal.SIGTERM)
        assert second.proc.wait(timeout=30) == 0
        wait_for(lambda: not any(alive(p) for p in pids.values()), 5.0, "every worker gone")
