"""The headless engine as an operator runs it: started, driven by ctl, stopped, killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import psutil

from panel.util.ports import port_is_free
from panel.workspace.server_config import ServerConfig
from tests.integration.engine.conftest import (
    HeadlessEngine,
    ctl,
    demo_config,
    prepare_workspace,
    wait_for,
)


def test_ctl_drives_the_server_and_sigterm_leaves_nothing(
    tmp_path: Path, start_engine: Callable[[Path], HeadlessEngine], free_port: int
) -> None:
    ws = prepare_workspace(tmp_path / "ws", demo_config(free_port))
    engine = start_engine(ws)
    status = engine.wait_server("running")
    assert status["port"] == free_port and isinstance(status["pid"], int)
    assert status["restarts"] == 0 and status["lastError"] is None
    assert set(status) >= {"status", "pid", "port", "uptime", "restarts", "lastError"}
    assert oct((ws / "api.json").stat().st_mode & 0o777) == "0o600"

    overall = ctl(ws, "status")
    assert overall.returncode == 0 and "running" in overall.stdout

    stopped = ctl(ws, "server", "stop")
    assert stopped.returncode == 0, stopped.stderr
    engine.wait_server("stopped")
    assert port_is_free(free_port)

    started = ctl(ws, "server", "start", "--wait")
    assert started.returncode == 0, started.stderr
    assert engine.server_status()["status"] == "running"

    logs = ctl(ws, "logs", "--source", "server", "-n", "50")
    assert logs.returncode == 0 and "Uvicorn running on" in logs.stdout

    children = engine.descendants()
    assert children
    engine.proc.send_signal(signal.SIGTERM)
    assert engine.proc.wait(timeout=30) == 0
    assert not (ws / "api.json").exists()
    assert all(not c.is_running() or c.status() == psutil.STATUS_ZOMBIE for c in children)
    assert port_is_free(free_port)
    gone = ctl(ws, "server", "status")
    assert gone.returncode != 0 and gone.stderr.strip()


def test_sigkill_of_the_engine_leaves_no_child(
    tmp_path: Path, start_engine: Callable[[Path], HeadlessEngine], free_port: int
) -> None:
    ws = prepare_workspace(tmp_path / "ws", demo_config(free_port))
    engine = start_engine(ws)
    engine.wait_server("running")
    children = engine.descendants()
    assert len(children) >= 2  # the reaper and the server at least
    engine.proc.kill()
    engine.proc.wait()

    def all_gone() -> bool:
        return all(not c.is_running() or c.status() == psutil.STATUS_ZOMBIE for c in children)

    wait_for(all_gone, 2.0, "every child of the killed engine to be gone")
    wait_for(lambda: port_is_free(free_port), 2.0, "the server's port to be free")


STUBBORN_SERVER = textwrap.dedent(
    """
    import http.server, signal, subprocess, sys
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    subprocess.Popen([sys.executable, "-c", "import time\\nwhile True: time.sleep(1)"])
    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
        def log_message(self, *a): pass
    http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
    """
)


def test_restarted_engine_stops_what_a_crashed_one_left(
    tmp_path: Path, start_engine: Callable[[Path], HeadlessEngine], free_port: int
) -> None:
    script = tmp_path / "stubborn.py"
    script.write_text(STUBBORN_SERVER)
    config = ServerConfig(
        command=[sys.executable, str(script), "{port}"], port=free_port, stop_timeout_ms=1000
    )
    ws = prepare_workspace(tmp_path / "ws", config)
    engine = start_engine(ws)
    engine.wait_server("running")
    server_pid = engine.server_status()["pid"]
    assert isinstance(server_pid, int)
    server = psutil.Process(server_pid)
    leftovers = [server, *server.children(recursive=True)]
    reaper = [p for p in engine.descendants() if p.pid not in {x.pid for x in leftovers}]
    # A crash of the panel that takes its reaper along: nothing kills the stubborn tree.
    for process in reaper:
        process.kill()
    engine.proc.kill()
    engine.proc.wait()
    assert all(p.is_running() for p in leftovers)

    second = start_engine(ws)

    def swept() -> bool:
        return all(not p.is_running() or p.status() == psutil.STATUS_ZOMBIE for p in leftovers)

    wait_for(swept, 10.0, "the leftovers of the crashed engine to be stopped")
    second.wait_server("running")
    assert second.server_status()["pid"] != server_pid


def test_second_launch_on_the_same_workspace_is_refused(
    tmp_path: Path, start_engine: Callable[[Path], HeadlessEngine], free_port: int
) -> None:
    ws = prepare_workspace(tmp_path / "ws", demo_config(free_port, autostart=False))
    start_engine(ws)
    second = subprocess.run(
        [sys.executable, "-m", "panel", "--headless", "--workspace", str(ws)],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
    )
    assert second.returncode == 1
    assert "already runs on workspace" in second.stderr
    info = json.loads((ws / "api.json").read_text())
    assert info["pid"] != 0


def test_the_servers_status_says_how_it_last_exited(
    tmp_path: Path, start_engine: Callable[[Path], HeadlessEngine], free_port: int
) -> None:
    ws = prepare_workspace(tmp_path / "ws", demo_config(free_port))
    engine = start_engine(ws)
    status = engine.wait_server("running")
    assert status["lastExit"] is None  # it has not exited yet
    os.kill(int(status["pid"]), signal.SIGKILL)  # a crash: the restart policy brings it back

    def restarted() -> dict[str, object] | None:
        now = engine.server_status()
        return now if now["status"] == "running" and now["pid"] != status["pid"] else None

    after = wait_for(restarted, 30.0, "the killed server restarted")
    assert after["lastExit"] == {"code": -9, "signal": 9}
    shown = ctl(ws, "server", "status")
    assert "last exit: signal 9" in shown.stdout, shown.stdout
