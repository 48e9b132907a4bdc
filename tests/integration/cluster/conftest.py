"""A real Redis and real `opspanel cluster-worker` processes for the cluster executor tests.

`redis-server` (the Debian package) runs on a free loopback port; where it is not
installed the test run installs it with apt-get when it runs as root (see
`tests/system_packages.py`), else the tests are skipped ("skipped: needs
redis-server (Debian package redis-server)"). Each worker is a process group of its
own (the Celery main process and its pool), stopped at the end with any run left.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from panel.jobs.engine import JobEngine
from panel.jobs.states import FINAL
from panel.logs.hub import LogHub
from panel.workspace.workspace import Workspace
from tests.system_packages import need
from tests.waiting import wait_for

START_TIMEOUT_S = 60.0


def _redis_server() -> str:
    """redis-server (installed with the other system packages where that is possible)."""
    return need("redis-server")


def free_port() -> int:
    """A TCP port on 127.0.0.1 free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5) as s:
        s.sendall(b"PING\r\n")
        return s.recv(16).startswith(b"+PONG")
    return False


class RedisServer:
    """A redis-server of its own on a free loopback port (AOF on, as the README says)."""

    def __init__(self, folder: Path) -> None:
        self.binary = _redis_server()
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--protected-mode",
                "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        proc = self.proc
        wait_for(lambda: _answers(self.port) or proc.poll() is not None, 20, "redis-server")
        assert proc.poll() is None, "redis-server did not start"

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a redis-server shared by the tests of a module."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of the test's own (to restart it)."""
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(folder)
    try:
        yield server
    finally:
        server.stop()


class Worker:
    """One `opspanel cluster-worker` process group."""

    def __init__(
        self, broker: str, name: str, queue: str, log_path: Path, concurrency: int
    ) -> None:
        self.name = name
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "panel",
                "cluster-worker",
                "--broker",
                broker,
                "--queue",
                queue,
                "--concurrency",
                str(concurrency),
                "--name",
                name,
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self) -> None:
        def ready() -> bool:
            return b" ready." in self.log_path.read_bytes() or self.proc.poll() is not None

        wait_for(ready, START_TIMEOUT_S, f"worker {self.name} ready")
        assert self.proc.poll() is None, self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool), as a machine that dies."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):  # a pool process left behind
            os.killpg(self.proc.pid, signal.SIGKILL)
        self._log.close()


@pytest.fixture(scope="module")
def start_worker(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """start_worker(name, queue="opspanel", concurrency=4) -> a ready `Worker`."""
    folder = tmp_path_factory.mktemp("workers")
    workers: list[Worker] = []

    def start(name: str, queue: str = "opspanel", concurrency: int = 4) -> Worker:
        worker = Worker(redis_url, name, queue, folder / f"{name}.log", concurrency)
        workers.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture(scope="module")
def two_workers(start_worker: Any) -> list[Worker]:
    """Two workers on the queue `opspanel`, named w1 and w2."""
    first = start_worker("w1")
    return [first, start_worker("w2")]


class Cluster:
    """Job engines on one workspace whose `executors` section names the test's Redis."""

    def __init__(self, qtbot: Any, root: Path, broker: str) -> None:
        self.qtbot = qtbot
        self.root = root
        self.broker = broker
        self.open: list[tuple[JobEngine, LogHub, Workspace]] = []

    def engine(
        self, jobs: list[dict[str, Any]] | None, executors: dict[str, Any] | None = None
    ) -> JobEngine:
        """A started engine; `jobs` None keeps the stored ones (a restart)."""
        ws = Workspace.open(self.root / "ws")
        ws.save_config_object(
            "executors",
            executors or {"cluster": {"kind": "celery", "broker": self.broker}},
        )
        hub = LogHub(ws.logs_dir)
        engine = JobEngine(ws, hub)
        if jobs is not None:
            engine.save_jobs(jobs)
        self.open.append((engine, hub, ws))
        engine.start()
        return engine

    def wait_final(self, engine: JobEngine, run_id: int, timeout_ms: int = 30_000) -> Any:
        def final() -> bool:
            row = engine.store.run(run_id)
            return row is not None and row["status"] in FINAL and run_id not in engine._runs

        self.qtbot.waitUntil(final, timeout=timeout_ms)
        return engine.store.run(run_id)

    def stop(self, engine: JobEngine) -> None:
        """Shut `engine` down (its cluster runs go on) and close it, as a panel restart."""
        for item in list(self.open):
            if item[0] is engine:
                self.open.remove(item)
                self._close(*item)

    def drop(self, engine: JobEngine) -> None:
        """Close `engine` without a shutdown: its history stays as a crash leaves it."""
        for item in list(self.open):
            if item[0] is engine:
                self.open.remove(item)
                engine.close()
                item[1].close()
                item[2].close()
                engine.deleteLater()
                item[1].deleteLater()

    def _close(self, engine: JobEngine, hub: LogHub, ws: Workspace) -> None:
        if not engine.is_idle or engine._accepting:
            with self.qtbot.waitSignal(engine.sig_shutdown_finished, timeout=20_000):
                engine.shutdown_grace_s = 0
                engine.shutdown()
                engine._stop_running()
        engine.close()
        hub.close()
        ws.close()
        engine.deleteLater()
        hub.deleteLater()

    def close(self) -> None:
        for item in list(self.open):
            self._close(*item)
        self.open.clear()


@pytest.fixture
def cluster(qtbot: Any, tmp_path: Path, redis_url: str) -> Iterator[Cluster]:
    helper = Cluster(qtbot, tmp_path, redis_url)
    yield helper
    helper.close()
