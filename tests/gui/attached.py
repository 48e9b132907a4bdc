"""A window attached to a real headless engine in a subprocess, as `opspanel` opens one."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from pytestqt.qtbot import QtBot

from panel.viewmodels.models import EngineModels, remote_models
from panel.viewmodels.remote.endpoint import workspace_endpoint
from panel.viewmodels.remote.link import RemoteLink
from tests.waiting import terminate_tree, wait_for_api_file

STARTUP_S = 60.0


@dataclass
class HeadlessProcess:
    """`python -m panel --headless --workspace W`, its output going to a file."""

    workspace: Path
    proc: subprocess.Popen[bytes] | None = None
    output: IO[bytes] | None = None
    starts: int = field(default=0)

    def start(self) -> None:
        """Start the engine and wait until its api.json says where its API listens."""
        self.starts += 1
        (self.workspace / "api.json").unlink(missing_ok=True)
        self.output = open(self.workspace.parent / f"engine-{self.starts}.out", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "panel", "--headless", "--workspace", str(self.workspace)],
            stdout=self.output,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
        )
        wait_for_api_file(self.workspace, self.proc, STARTUP_S)
        assert self.proc.poll() is None, self.log()

    def log(self) -> str:
        """What the engine printed so far."""
        path = self.workspace.parent / f"engine-{self.starts}.out"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """SIGTERM the engine (its tree if it left one), wait for it."""
        if self.proc is not None:
            terminate_tree(self.proc)
            self.proc = None
        if self.output is not None:
            self.output.close()
            self.output = None


def attach(qtbot: QtBot, workspace: Path) -> EngineModels:
    """View models attached to the engine of `workspace`, once the first state has arrived."""
    link = RemoteLink(workspace_endpoint(workspace))
    models = remote_models(link)
    with qtbot.waitSignal(link.sig_connected, timeout=STARTUP_S * 1000):
        link.open()
    qtbot.waitUntil(lambda: models.server.snapshot().health_url != "", timeout=30_000)
    return models
