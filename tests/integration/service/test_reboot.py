"""A simulated boot: the unit's exact ExecStart, run with a notification socket as systemd would."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import psutil

from panel.connections.store import save_connections
from panel.service.syntax import split_command_line
from panel.service.unit import exec_start_of, unit_name
from panel.workspace.workspace import DB_NAME, Workspace
from tests.integration.service.conftest import NotifyListener, ServiceEnv
from tests.waiting import terminate_tree, wait_for

engine_conftest = __import__("importlib").import_module("tests.integration.engine.conftest")
ctl = engine_conftest.ctl
prepare_workspace = engine_conftest.prepare_workspace
demo_config = engine_conftest.demo_config

STARTUP_S = 60.0
STOP_S = 60.0


def boot(argv: list[str], listener: NotifyListener) -> subprocess.Popen[str]:
    """Start `argv` in an environment like systemd's, with $NOTIFY_SOCKET set."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/"),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "NOTIFY_SOCKET": listener.name,
    }
    return subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd="/"
    )


def wait_ready(proc: subprocess.Popen[str], listener: NotifyListener, ws: Path) -> list[str]:
    """The first message must be READY=1, and by then the API must answer."""
    message = listener.next_message(STARTUP_S)
    assert (ws / "api.json").exists(), f"READY=1 before api.json: {message}"
    assert "READY=1" in message, message
    status = ctl(ws, "status")
    assert status.returncode == 0, status.stderr
    assert proc.poll() is None
    return message


def stop(proc: subprocess.Popen[str], listener: NotifyListener) -> None:
    """SIGTERM as systemd sends it (KillMode=process: the main process only)."""
    proc.send_signal(signal.SIGTERM)
    assert "STOPPING=1" in listener.next_message(STOP_S)
    assert proc.wait(timeout=STOP_S) == 0
    if proc.stdout:
        proc.stdout.close()


def exported(ws: Path, into: Path) -> object:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "panel",
            "--workspace",
            str(ws),
            "export",
            str(into),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(into.read_text())


def test_the_unit_command_is_ready_stops_cleanly_and_comes_back_the_same(
    tmp_path: Path, fake_systemctl: ServiceEnv, notify_socket_path: str, free_port: int
) -> None:
    ws = prepare_workspace(tmp_path / "ws", demo_config(free_port))
    installed = fake_systemctl.run("service", "install", "--workspace", str(ws))
    assert installed.returncode == 0, installed.stderr
    line = exec_start_of((fake_systemctl.unit_dir / unit_name(ws)).read_text())
    assert line is not None
    argv = split_command_line(line)
    assert argv[-3:] == ["--headless", "--workspace", str(ws)]

    listener = NotifyListener(notify_socket_path)
    proc = boot(argv, listener)
    try:
        ready = wait_ready(proc, listener, ws)
        assert any(part.startswith("STATUS=API on 127.0.0.1:") for part in ready)
        server = ctl(ws, "server", "status", "--json")
        assert json.loads(server.stdout)["status"] in ("starting", "running")  # autostarted
        running = engine_conftest.HeadlessEngine(ws, proc).wait_server("running")
        server_env = psutil.Process(int(running["pid"])).environ()
        assert "NOTIFY_SOCKET" not in server_env, "a child could report for the engine"
        status = fake_systemctl.run("service", "status", "--workspace", str(ws))
        assert status.returncode == 0, status.stderr
        assert f"engine   pid {proc.pid}" in status.stdout and "running" in status.stdout
        before = exported(ws, tmp_path / "before.json")
        stop(proc, listener)
    finally:
        terminate_tree(proc)
        listener.close()
    assert not (ws / "api.json").exists()

    # The next boot: the same command on the same workspace (an abstract socket name this time).
    listener = NotifyListener(f"@opspanel-test-{uuid.uuid4().hex}")
    proc = boot(argv, listener)
    try:
        wait_ready(proc, listener, ws)
        again = engine_conftest.HeadlessEngine(ws, proc).wait_server("running")
        assert again["port"] == free_port
        assert exported(ws, tmp_path / "after.json") == before
        conns = ctl(ws, "conns", "list", "--json")
        assert json.loads(conns.stdout)["connections"] == []  # no demo in a service's workspace
        stop(proc, listener)
    finally:
        terminate_tree(proc)
        listener.close()


def test_a_new_headless_workspace_has_no_demo_unless_asked(
    tmp_path: Path, notify_socket_path: str
) -> None:
    listener = NotifyListener(notify_socket_path)
    for ws, demo in ((tmp_path / "plain", []), (tmp_path / "demo", ["--demo"])):
        argv = [sys.executable, "-m", "panel", "--headless", "--workspace", str(ws)]
        assert not (ws / DB_NAME).exists()
        proc = boot([*argv, *demo], listener)
        try:
            wait_ready(proc, listener, ws)
            conns = ctl(ws, "conns", "list", "--json")
            assert conns.returncode == 0, conns.stderr
            ids = sorted(c["id"] for c in json.loads(conns.stdout)["connections"])
            assert ids == (["demo-modbus", "demo-opcua"] if demo else [])
            if not demo:  # (the demo's server has its fixed port 8121, maybe taken here)
                server = ctl(ws, "server", "status", "--json")
                assert server.returncode == 0, server.stderr
                # Without the demo, a new service starts no server until one is configured.
                assert json.loads(server.stdout)["status"] == "stopped"
            stop(proc, listener)
        finally:
            terminate_tree(proc)
    listener.close()


def test_install_reboot_attach_close_and_the_engine_runs_on_with_the_same_pids(
    tmp_path: Path, fake_systemctl: ServiceEnv, notify_socket_path: str, free_port: int
) -> None:
    """The issue's whole path: install the service, boot and reboot it, open a window on it,
    close the window, and find the engine with the same server and worker pids."""
    from tests.gui.test_window_launcher import WindowProcess

    ws = prepare_workspace(tmp_path / "ws", demo_config(free_port))
    with socket.socket() as off, Workspace.open(ws) as workspace:  # a device that is off
        off.bind(("127.0.0.1", 0))
        save_connections(workspace, [_connection_to(off.getsockname()[1])])
    installed = fake_systemctl.run("service", "install", "--workspace", str(ws))
    assert installed.returncode == 0, installed.stderr
    line = exec_start_of((fake_systemctl.unit_dir / unit_name(ws)).read_text())
    assert line is not None
    argv = split_command_line(line)
    listener = NotifyListener(notify_socket_path)
    proc = boot(argv, listener)
    try:
        wait_ready(proc, listener, ws)
        stop(proc, listener)  # the reboot
        proc = boot(argv, listener)
        wait_ready(proc, listener, ws)
        server = engine_conftest.HeadlessEngine(ws, proc).wait_server("running")
        worker = _worker_pid(ws)
        window = WindowProcess(tmp_path, "--workspace", str(ws))
        try:
            said = window.wait_attached()
            assert said == f"opspanel: window attached to the engine of {ws} (pid {proc.pid})"
            window.proc.send_signal(signal.SIGTERM)  # the window goes
            assert window.proc.wait(timeout=STOP_S) in (0, -signal.SIGTERM)
        finally:
            terminate_tree(window.proc)
        assert proc.poll() is None, "closing the window stopped the engine"
        after = engine_conftest.HeadlessEngine(ws, proc).wait_server("running")
        assert after["pid"] == server["pid"]
        assert _worker_pid(ws) == worker
        stop(proc, listener)
    finally:
        terminate_tree(proc)
        listener.close()


def _connection_to(port: int) -> dict[str, object]:
    """A Modbus connection whose worker keeps running while its device is off."""
    return {
        "id": "plc",
        "driver": "modbus_tcp",
        "host": "127.0.0.1",
        "port": port,
        "blocks": [
            {
                "name": "b",
                "area": "holding",
                "start": 0,
                "count": 1,
                "periodMs": 1000,
                "tags": [{"name": "a", "offset": 0}],
            }
        ],
    }


def _worker_pid(ws: Path) -> int:
    def found() -> int | None:
        done = ctl(ws, "conns", "list", "--json")
        assert done.returncode == 0, done.stderr
        (conn,) = json.loads(done.stdout)["connections"]
        return conn.get("pid")

    return int(wait_for(found, STARTUP_S, "the connection's worker to run"))
