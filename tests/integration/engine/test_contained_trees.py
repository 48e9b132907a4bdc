"""A daemon a child leaves behind (setsid + double fork) dies with the child, whatever ends it.

The server, a job run and a session command each leave a daemon holding a TCP
port on 127.0.0.1; the daemon ignores SIGTERM and is no longer in the child's
session nor below it in the process tree. The server's stop, the run's cancel,
a clean quit of the headless engine (SIGTERM) and a SIGKILL of the engine must
each leave neither the daemon nor its port within the child's stop timeout plus
one second. A session command's daemon must not even outlive its command (the
sandbox's pid namespace ends with it). Only a cgroup per child can promise that,
so the test needs root and writable cgroups.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from panel.api.client import ApiClient
from panel.util.ports import ephemeral_port, port_is_free
from panel.workspace.server_config import ServerConfig
from panel.workspace.transfer import export_config, import_config
from panel.workspace.workspace import Workspace
from tests.integration.engine.conftest import HeadlessEngine
from tests.waiting import wait_for

DAEMONIZE = Path(__file__).parents[1] / "supervise" / "children" / "daemonize.py"
SERVER_STOP_MS = 1000
JOB_STOP_MS = 1000
SESSION_STOP_MS = 2000
"""The session runner's stop timeout (fixed by the session manager)."""


def _skip_without_cgroups() -> None:
    from panel.supervise.cgroups import detect

    found = detect()
    if found.backend is None:
        pytest.skip(f"skipped: needs root and writable cgroups ({found.reason})")


@dataclass
class Daemon:
    """The daemon a child left: found by the token in its command line."""

    what: str
    port: int
    token: str
    stop_ms: int

    def pids(self) -> list[int]:
        found = []
        for proc in psutil.process_iter(["cmdline", "status"]):
            cmdline = proc.info["cmdline"] or []
            if self.token in cmdline and proc.info["status"] != psutil.STATUS_ZOMBIE:
                found.append(proc.pid)
        return found

    def up(self) -> bool:
        return bool(self.pids()) and not port_is_free(self.port)

    def gone(self) -> bool:
        return not self.pids() and port_is_free(self.port)

    def wait_gone(self, since: float, queued_ms: int = 0) -> None:
        """Fail unless the daemon and its port are gone within stop timeout + 1 s of `since`
        (plus `queued_ms` when the child's stop waits for another child's)."""
        left = since + (queued_ms + self.stop_ms) / 1000 + 1.0 - time.monotonic()
        wait_for(self.gone, max(left, 0.0), f"the {self.what}'s daemon and port {self.port} gone")

    def kill(self) -> None:
        for pid in self.pids():
            with contextlib.suppress(psutil.Error):
                psutil.Process(pid).kill()


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def _dead(proc: psutil.Process) -> bool:
    try:
        return proc.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _ports(count: int) -> list[int]:
    ports: set[int] = set()
    while len(ports) < count:
        ports.add(ephemeral_port())
    return sorted(ports)


def _daemon(what: str, port: int, stop_ms: int) -> Daemon:
    return Daemon(what, port, f"daemon-{what}-{uuid.uuid4().hex}", stop_ms)


@dataclass
class Children:
    """An engine with a running server, job run and session, each with its daemon."""

    engine: HeadlessEngine
    client: ApiClient
    server: Daemon
    job: Daemon
    session: Daemon
    run_id: int
    session_id: str

    @property
    def daemons(self) -> list[Daemon]:
        """The daemons still up: a session command's ended with its sandbox."""
        return [self.server, self.job]


def _prepare(ws: Path, http_port: int, server: Daemon, job: Daemon) -> None:
    command = [sys.executable, str(DAEMONIZE), str(server.port), server.token, "serve", "{port}"]
    config = {"command": command, "port": http_port, "stopTimeoutMs": SERVER_STOP_MS}
    job_command = [sys.executable, str(DAEMONIZE), str(job.port), job.token, "wait"]
    with Workspace.open(ws) as workspace:
        data = export_config(workspace)
        data["server"] = ServerConfig.from_json(
            workspace.server_config().to_json() | config
        ).to_json()
        data["jobs"] = [{"id": "daemon", "command": job_command}]
        import_config(workspace, data)
        workspace.set_setting("jobs.stopTimeoutMs", JOB_STOP_MS)
        workspace.set_setting("jobs.shutdownGraceSecs", 0)


def _session_code(daemon: Daemon) -> str:
    """The daemonizing child as session code (run_code takes no arguments)."""
    argv = ["daemonize", str(daemon.port), daemon.token, "exit"]
    return f"import sys\nsys.argv = {argv!r}\n" + DAEMONIZE.read_text()


@pytest.fixture
def children(tmp_path: Path, start_engine: Callable[[Path], HeadlessEngine]) -> Iterator[Children]:
    _skip_without_cgroups()
    http_port, *ports = _ports(4)
    server = _daemon("server", ports[0], SERVER_STOP_MS)
    job = _daemon("job", ports[1], JOB_STOP_MS)
    session = _daemon("session", ports[2], SESSION_STOP_MS)
    ws = tmp_path / "ws"
    _prepare(ws, http_port, server, job)
    engine = start_engine(ws)
    try:
        with ApiClient.from_workspace(ws) as client:
            run = client.call("jobs.run", {"id": "daemon"})
            created = client.call("session.create", {"network": True}, timeout=30)
            command = {"type": "run_code", "language": "python", "code": _session_code(session)}
            ran = client.call(
                "session.execute", {"sessionId": created["sessionId"], "command": command}, 30
            )
            assert ran["success"] and "daemon up" in ran["result"]["stdout"], ran
            # the command's pid namespace ends with it, and its daemon with it
            wait_for(session.gone, 5, "the session command's daemon gone with its sandbox")
            engine.wait_server("running")
            for daemon in (server, job):
                wait_for(daemon.up, 20, f"the {daemon.what}'s daemon to listen")
            yield Children(engine, client, server, job, session, run["id"], created["sessionId"])
    finally:
        for daemon in (server, job, session):
            daemon.kill()


def test_each_childs_own_stop_takes_its_daemon(children: Children) -> None:
    client = children.client
    since = time.monotonic()
    client.call("server.stop", {})
    children.server.wait_gone(since)
    since = time.monotonic()
    client.call("jobs.cancel", {"run": children.run_id})
    children.job.wait_gone(since)
    since = time.monotonic()
    client.call("session.close", {"sessionId": children.session_id})


def test_a_clean_quit_takes_every_daemon(children: Children) -> None:
    """Runs and sessions stop at once; the server after the session runner, which
    started after it (the engine stops children in reverse start order)."""
    since = time.monotonic()
    children.engine.proc.send_signal(signal.SIGTERM)
    children.job.wait_gone(since)
    children.server.wait_gone(since, queued_ms=SESSION_STOP_MS)
    assert children.engine.proc.wait(timeout=30) == 0


def test_a_sigkilled_engine_takes_every_daemon(children: Children) -> None:
    since = time.monotonic()
    children.engine.proc.kill()
    children.engine.proc.wait(timeout=10)
    for daemon in children.daemons:
        daemon.wait_gone(since)


def test_the_next_start_sweeps_what_a_crash_of_engine_and_reaper_left(
    children: Children, start_engine: Callable[[Path], HeadlessEngine]
) -> None:
    """Nothing took the daemons down (the reaper died first): the next engine's start does."""
    engine = psutil.Process(children.engine.proc.pid)
    (reaper,) = [c for c in engine.children() if "reaper" in " ".join(c.cmdline())]
    engine.suspend()  # so that it cannot start its reaper again
    reaper.kill()
    wait_for(lambda: _dead(reaper), 10, "the reaper to die")
    children.engine.proc.kill()
    children.engine.proc.wait(timeout=10)
    assert all(daemon.up() for daemon in children.daemons)
    left = {daemon.what: [psutil.Process(p) for p in daemon.pids()] for daemon in children.daemons}
    api_file = children.engine.workspace / "api.json"
    after = start_engine(children.engine.workspace)  # the dead engine's api.json is still there
    wait_for(lambda: f'"pid": {after.proc.pid}' in _text(api_file), 30, "the next engine up")
    for daemon in children.daemons:
        # The new engine autostarts its server, whose new daemon takes the same token and
        # port: what must be gone are the daemons the crashed engine left, by pid.
        old = left[daemon.what]
        wait_for(
            lambda old=old: all(_dead(p) for p in old),
            15,
            f"the {daemon.what}'s daemon swept at the next start",
        )
