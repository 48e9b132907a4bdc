"""Many services in one engine, with real processes: order, readiness kinds, exits, memory."""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from panel.engine import Engine
from panel.server.services import ServiceError
from panel.server.status import ServerStatus, ServiceSnapshot
from panel.util.ports import ephemeral_port
from panel.workspace.errors import ConfigError
from panel.workspace.service_config import ServiceConfig
from tests.integration.services.conftest import TIMEOUT_MS, child, stamps_of

MakeEngine = Callable[[list[ServiceConfig]], Engine]


def _status(engine: Engine, name: str) -> ServerStatus:
    return engine.services.get(name).status()


def _wait(qtbot: QtBot, engine: Engine, name: str, status: ServerStatus) -> ServiceSnapshot:
    qtbot.waitUntil(lambda: _status(engine, name) == status, timeout=TIMEOUT_MS)
    return engine.services.get(name).snapshot()


def test_after_orders_starts_and_stops_in_reverse(
    make_engine: MakeEngine, qtbot: QtBot, tmp_path: Path
) -> None:
    stamps = tmp_path / "stamps.txt"
    port = ephemeral_port()
    engine = make_engine(
        [
            # Listed against their order on purpose: `after` decides, not the list.
            child(stamps, "gateway", "plain", after=["worker"], readiness="none", startSecs=0.2),
            child(stamps, "worker", "log", after=["db"], readiness={"log": "is ready$"}),
            child(stamps, "db", "tcp", port, port=port),
        ]
    )
    for name in ("db", "worker", "gateway"):
        _wait(qtbot, engine, name, ServerStatus.RUNNING)
    times = {(name, what): ts for ts, name, what in stamps_of(stamps)}
    # Each starts only once the one it is after is ready.
    assert times["db", "start"] < times["db", "ready"] < times["worker", "start"]
    assert times["worker", "ready"] < times["gateway", "start"]
    assert engine.services.get("db").snapshot().readiness == f"TCP port {port}"
    assert engine.services.get("worker").snapshot().readiness == "log /is ready$/"
    assert engine.services.get("gateway").snapshot().readiness == "none"

    engine.services.stop_all(["db", "worker", "gateway"])
    for name in ("db", "worker", "gateway"):
        _wait(qtbot, engine, name, ServerStatus.STOPPED)
    stops = [name for _ts, name, what in sorted(stamps_of(stamps)) if what == "stop"]
    assert stops == ["gateway", "worker", "db"]


def test_a_failed_service_keeps_the_ones_after_it_from_starting(
    make_engine: MakeEngine, qtbot: QtBot, tmp_path: Path
) -> None:
    stamps = tmp_path / "stamps.txt"
    engine = make_engine(
        [
            child(stamps, "db", "exit", 4, restart="never", startRetries=0),
            child(stamps, "api", "plain", after=["db"]),
        ]
    )
    _wait(qtbot, engine, "db", ServerStatus.ERROR)
    api = _wait(qtbot, engine, "api", ServerStatus.ERROR)
    assert api.last_error is not None and api.last_error.startswith("not started: 'db'")
    assert [name for _t, name, _w in stamps_of(stamps)] == ["db"]


def test_every_exit_is_notified_with_its_code_and_signal(
    make_engine: MakeEngine, qtbot: QtBot, tmp_path: Path
) -> None:
    engine = make_engine(
        [
            child(
                tmp_path / "s.txt", "job", "plain", autostart=False, startSecs=0.2, restart="always"
            )
        ]
    )
    seen: list[ServiceSnapshot] = []
    engine.sig_service_status.connect(seen.append)
    engine.services.start("job")
    first = _wait(qtbot, engine, "job", ServerStatus.RUNNING)
    assert first.pid is not None
    os.kill(first.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: any(s.exits == 1 for s in seen), timeout=TIMEOUT_MS)
    exited = next(s for s in seen if s.exits == 1)
    assert exited.last_exit is not None and exited.last_exit.signal == 9
    assert exited.to_json()["lastExit"] == {"code": -9, "signal": 9}
    again = _wait(qtbot, engine, "job", ServerStatus.RUNNING)  # restart: always
    assert again.pid != first.pid and again.restarts == 1


def test_a_memory_limit_restart_says_so(
    make_engine: MakeEngine, qtbot: QtBot, tmp_path: Path
) -> None:
    engine = make_engine(
        [child(tmp_path / "s.txt", "hog", "mem", 120, memoryLimitMb=60, startSecs=0.2)]
    )
    qtbot.waitUntil(
        lambda: (engine.services.get("hog").snapshot().last_error or "").startswith("restarted:"),
        timeout=TIMEOUT_MS,
    )
    error = engine.services.get("hog").snapshot().last_error or ""
    words = error.split()
    assert words[:3] == ["restarted:", "RSS", words[2]] and int(words[2]) > 60
    assert error.endswith("MB over the 60 MB limit")
    assert any(error in line.text for line in engine.hub.tail(200, "panel"))
    engine.services.stop("hog")
    _wait(qtbot, engine, "hog", ServerStatus.STOPPED)


def test_next_free_port_moves_a_service_off_a_taken_port(
    make_engine: MakeEngine, qtbot: QtBot, tmp_path: Path
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        engine = make_engine(
            [child(tmp_path / "s.txt", "api", "tcp", "{port}", port=port, autostart=False)]
        )
        conflict = engine.services.start("api")
        assert conflict is not None and conflict.port == port
        assert _status(engine, "api") == ServerStatus.ERROR
        assert engine.services.start("api", next_free_port=True) is None
        snap = _wait(qtbot, engine, "api", ServerStatus.RUNNING)
        assert snap.port is not None and snap.port != port
        assert snap.readiness == f"TCP port {snap.port}"
        assert engine.workspace.services()[1].port == snap.port  # stored


def test_add_configure_remove_and_refusals(make_engine: MakeEngine, tmp_path: Path) -> None:
    engine = make_engine([child(tmp_path / "s.txt", "a", "plain", autostart=False)])
    engine.services.add(child(tmp_path / "s.txt", "b", "plain", autostart=False, after=["a"]))
    assert engine.services.names() == ["server", "a", "b"]
    with pytest.raises(ConfigError) as caught:
        engine.services.configure("a", {"after": ["b"]})
    assert caught.value.problems == [("$.services[1].after", "start order cycle: a -> b -> a")]
    assert engine.services.get("a").config.after == ()  # nothing stored
    assert engine.services.configure("a", {"stopTimeoutMs": 1500}).stop_timeout_ms == 1500
    assert [s.stop_timeout_ms for s in engine.workspace.services()][1] == 1500
    with pytest.raises(ServiceError, match="cannot be removed"):
        engine.services.remove("server")
    with pytest.raises(ServiceError, match="no service named 'nope'"):
        engine.services.get("nope")
    engine.services.remove("b")
    assert [s.name for s in engine.workspace.services()] == ["server", "a"]
