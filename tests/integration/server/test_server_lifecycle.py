"""The Python server's lifecycle with a real uvicorn server on a free port."""

from __future__ import annotations

import os
import signal
import socket
import sys
from collections.abc import Callable

import psutil
from pytestqt.qtbot import QtBot

from panel.engine import Engine
from panel.server.status import ServerStatus
from panel.util.ports import port_is_free
from panel.workspace.server_config import ServerConfig
from tests.integration.server.conftest import demo_config, wait_status


def test_start_ready_restart_stop(
    qtbot: QtBot, make_engine: Callable[[ServerConfig], Engine], free_port: int
) -> None:
    engine = make_engine(demo_config(free_port))
    assert engine.server.status() == ServerStatus.STOPPED
    engine.start_server()
    assert engine.server.status() == ServerStatus.STARTING
    wait_status(qtbot, engine, ServerStatus.RUNNING)
    snap = engine.server_snapshot().to_json()
    first_pid = snap["pid"]
    assert isinstance(first_pid, int) and psutil.pid_exists(first_pid)
    assert snap["port"] == free_port and snap["lastError"] is None
    assert not port_is_free(free_port)

    engine.restart_server()
    qtbot.waitUntil(
        lambda: (
            engine.server.status() == ServerStatus.RUNNING
            and engine.server_snapshot().pid not in (None, first_pid)
        ),
        timeout=30_000,
    )
    assert not psutil.pid_exists(first_pid) or psutil.Process(first_pid).status() == "zombie"

    engine.stop_server()
    wait_status(qtbot, engine, ServerStatus.STOPPED)
    assert engine.server_snapshot().pid is None
    assert port_is_free(free_port)


def test_port_conflict_names_the_holder(
    qtbot: QtBot, make_engine: Callable[[ServerConfig], Engine], free_port: int
) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", free_port))
        holder.listen()
        engine = make_engine(demo_config(free_port))
        conflict = engine.start_server()
        assert conflict is not None
        assert conflict.holder_pid == os.getpid()
        assert conflict.suggested_port and conflict.suggested_port != free_port
        assert engine.server.status() == ServerStatus.ERROR
        error = engine.server_snapshot().last_error or ""
        assert f"Port {free_port}" in error and f"pid {os.getpid()}" in error
        assert str(conflict.suggested_port) in error


def test_stopped_server_is_restarted_by_liveness(
    qtbot: QtBot, make_engine: Callable[[ServerConfig], Engine], free_port: int
) -> None:
    config = demo_config(free_port, livenessIntervalMs=300, livenessFailures=2, stopTimeoutMs=1000)
    engine = make_engine(config)
    engine.start_server()
    wait_status(qtbot, engine, ServerStatus.RUNNING)
    frozen_pid = engine.server_snapshot().pid
    assert frozen_pid is not None
    os.kill(frozen_pid, signal.SIGSTOP)
    qtbot.waitUntil(
        lambda: (
            engine.server.status() == ServerStatus.RUNNING
            and engine.server_snapshot().pid not in (None, frozen_pid)
        ),
        timeout=30_000,
    )
    assert "health check failed" in (engine.server_snapshot().last_error or "")
    assert engine.server_snapshot().restarts >= 1
    assert not psutil.pid_exists(frozen_pid) or psutil.Process(frozen_pid).status() == "zombie"


def test_clean_exit_before_ready_is_an_error(
    qtbot: QtBot, make_engine: Callable[[ServerConfig], Engine], free_port: int
) -> None:
    config = ServerConfig(
        command=[sys.executable, "-c", "print('bye')"],
        port=free_port,
        autostart=False,
        restart="on-failure",
    )
    engine = make_engine(config)
    engine.start_server()
    wait_status(qtbot, engine, ServerStatus.ERROR)
    assert "code 0 before it was ready" in (engine.server_snapshot().last_error or "")


def test_not_ready_within_deadline_is_an_error(
    qtbot: QtBot, make_engine: Callable[[ServerConfig], Engine], free_port: int
) -> None:
    sleeper = "import time\nwhile True: time.sleep(1)"
    config = ServerConfig(
        command=[sys.executable, "-c", sleeper],
        port=free_port,
        autostart=False,
        ready_timeout_ms=1500,
        stop_timeout_ms=1000,
    )
    engine = make_engine(config)
    engine.start_server()
    wait_status(qtbot, engine, ServerStatus.ERROR)
    assert "not ready within 1.5 s" in (engine.server_snapshot().last_error or "")
    assert engine.server_snapshot().pid is None
