"""Shared fixtures: every test runs offscreen with real processes on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QStandardPaths

from tests.system_packages import install_missing

# Settings written by the window (geometry, theme) go to a test location, never
# into the real user's configuration, and to one of this run's own: two test runs
# at once on one machine must not read each other's window geometry.
QStandardPaths.setTestModeEnabled(True)
_SETTINGS = tempfile.mkdtemp(prefix="opspanel-test-settings-")
for _format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
    QSettings.setPath(_format, QSettings.Scope.UserScope, _SETTINGS)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Install the system packages tests need, where this run may (root with apt)."""
    install_missing()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The run's own settings folder goes with it."""
    shutil.rmtree(_SETTINGS, ignore_errors=True)


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
    """A TCP port on 127.0.0.1, free now and outside the kernel's ephemeral range."""
    from tests.ports import free_port as unclaimed_port

    return unclaimed_port()


@pytest.fixture
def workspace_dir(tmp_path: Path) -> Iterator[Path]:
    """An empty folder to hold a workspace."""
    path = tmp_path / "ws"
    path.mkdir()
    yield path
