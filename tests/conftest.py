"""Shared fixtures: every test runs offscreen with real processes on 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QStandardPaths

from tests.system_packages import install_missing

# Settings written by the window (geometry, theme) go to a test location, never
# into the real user's configuration.
QStandardPaths.setTestModeEnabled(True)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Install the system packages tests need, where this run may (root with apt)."""
    install_missing()


@pytest.fixture(scope="session", autouse=True)
def main_thread_gc(qapp: Any) -> Iterator[None]:
    """Cyclic garbage collected on the Qt thread only, as the application does: a
    remote link's reader thread must never free a window's Qt objects."""
    from panel.util.gc_settle import MainThreadCollector

    collector = MainThreadCollector()
    yield
    collector.stop()


@pytest.fixture
def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    from panel.util.ports import ephemeral_port

    return ephemeral_port()


@pytest.fixture
def workspace_dir(tmp_path: Path) -> Iterator[Path]:
    """An empty folder to hold a workspace."""
    path = tmp_path / "ws"
    path.mkdir()
    yield path
