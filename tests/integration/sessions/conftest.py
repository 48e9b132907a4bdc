"""A SessionManager on a real workspace, with real runner processes."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject

from panel.jobs.datasets import DatasetManager
from panel.jobs.store import JobStore
from panel.sessions.manager import SessionManager
from panel.sessions.session import Session
from panel.supervise.process import ManagedProcess
from panel.supervise.spec import ProcessSpec
from panel.workspace.workspace import Workspace

READY_MS = 20_000


class FakeClock:
    """An injectable wall clock the test moves by hand."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Harness:
    """Owns a workspace, a dataset manager and a SessionManager; closes all at the end."""

    def __init__(self, qtbot: Any, root: Path) -> None:
        self.qtbot = qtbot
        self.ws = Workspace.open(root / "ws")
        self.store = JobStore(self.ws.db_path)
        self.datasets = DatasetManager(self.store)
        self.parent = QObject()
        self.processes: list[ManagedProcess] = []
        self.clock = FakeClock()
        self.manager = SessionManager(
            self.ws.root,
            self._new_process,
            self._forget,
            self.datasets,
            clock=self.clock,
            sweep_interval_ms=3_600_000,
            parent=self.parent,
        )

    def _new_process(self, source: str, spec: ProcessSpec) -> ManagedProcess:
        process = ManagedProcess(spec, self.parent)
        self.processes.append(process)
        return process

    def _forget(self, process: ManagedProcess) -> None:
        if process in self.processes:
            self.processes.remove(process)

    def create(self, **params: Any) -> Session:
        """A new session, waited until ready."""
        session = self.manager.create(params)
        with self.qtbot.waitSignal(session.sig_ready, timeout=READY_MS):
            pass
        return session

    def run(self, session_id: str, command: dict[str, Any], timeout_ms: int = 20_000) -> Any:
        """Execute `command` and wait for its reply."""
        replies: list[dict[str, Any]] = []
        self.manager.execute(session_id, command, replies.append)
        self.qtbot.waitUntil(lambda: bool(replies), timeout=timeout_ms)
        return replies[0]

    def wait_closed(self, session: Session, timeout_ms: int = 15_000) -> None:
        self.qtbot.waitUntil(lambda: session.ended, timeout=timeout_ms)

    def close(self) -> None:
        for session in self.manager.sessions():
            self.manager.close(session.session_id, "test over")
        self.qtbot.waitUntil(lambda: not self.manager.sessions(), timeout=15_000)
        self.qtbot.waitUntil(lambda: all(p.state.is_idle for p in self.processes), timeout=15_000)
        self.store.close()
        self.ws.close()
        self.parent.deleteLater()


@pytest.fixture
def harness(qtbot: Any, tmp_path: Path) -> Iterator[Harness]:
    h = Harness(qtbot, tmp_path)
    yield h
    h.close()
    gc.collect()
