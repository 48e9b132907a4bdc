"""A headless engine as a real subprocess (`python -m panel --headless`), driven by `ctl`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.workspace import Workspace
from tests.waiting import terminate_tree, wait_for, wait_for_api_file

STARTUP_S = 30.0


def ctl(ws: Path, *args: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    """Run `opspanel --workspace WS ctl ARGS...` as a real subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "panel", "--workspace", str(ws), "ctl", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@dataclass
class HeadlessEngine:
    """A running `opspanel --headless` process and its workspace."""

    workspace: Path
    proc: subprocess.Popen[str]

    def server_status(self) -> dict[str, object]:
        result = ctl(self.workspace, "server", "status", "--json")
        assert result.returncode == 0, result.stderr
        return dict(json.loads(result.stdout))

    def wait_server(self, status: str) -> dict[str, object]:
        def check() -> dict[str, object] | None:
            now = self.server_status()
            return now if now["status"] == status else None

        return dict(wait_for(check, STARTUP_S, f"server status {status}"))  # type: ignore[arg-type]

    def descendants(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []


def prepare_workspace(path: Path, config: ServerConfig) -> Path:
    """A workspace folder whose server is `config`."""
    with Workspace.open(path) as ws:
        ws.save_server_config(config)
    return path


def demo_config(port: int, **changes: object) -> ServerConfig:
    """The demo FastAPI server on `port`."""
    return ServerConfig.from_json(demo_server_config().to_json() | {"port": port} | changes)


@pytest.fixture
def start_engine(tmp_path: Path) -> Iterator[Callable[..., HeadlessEngine]]:
    """Launch headless engines; whatever is left at the end is killed with its whole tree."""
    started: list[HeadlessEngine] = []

    def start(workspace: Path, *options: str) -> HeadlessEngine:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        proc = subprocess.Popen(
            [sys.executable, "-m", "panel", "--headless", "--workspace", str(workspace), *options],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        engine = HeadlessEngine(workspace, proc)
        started.append(engine)
        wait_for_api_file(workspace, proc, STARTUP_S)
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        return engine

    yield start
    for engine in started:
        terminate_tree(engine.proc)
        if engine.proc.stdout:
            engine.proc.stdout.close()
