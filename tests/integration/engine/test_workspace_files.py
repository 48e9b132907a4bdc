"""The workspace files a headless engine leaves: private, and an empty database refused."""

from __future__ import annotations

import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.integration.engine.conftest import HeadlessEngine, demo_config, prepare_workspace
from tests.waiting import wait_for


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_zero_byte_database_is_refused_and_nothing_starts(tmp_path: Path, free_port: int) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "workspace.db").touch()  # what a full disk or a bad copy leaves behind
    done = subprocess.run(
        [sys.executable, "-m", "panel", "--headless", "--workspace", str(ws)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "workspace.db" in done.stderr and "empty (0 bytes)" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert (ws / "workspace.db").stat().st_size == 0  # left as it was, for the operator
    assert not (ws / "api.json").exists()


def test_secrets_and_the_database_are_private(
    tmp_path: Path, free_port: int, start_engine: Callable[[Path], HeadlessEngine]
) -> None:
    ws = tmp_path / "ws"
    ws.mkdir(mode=0o755)
    ws.chmod(0o755)
    prepare_workspace(ws, demo_config(free_port, autostart=False))
    (ws / "workspace.db").chmod(0o644)  # as an older panel left it
    start_engine(ws)
    wait_for(lambda: (ws / "hooks.json").exists(), 30, "hooks.json")
    assert _mode(ws) == 0o700
    assert _mode(ws / "logs") == 0o700
    for name in ("workspace.db", "api.json", "hooks.json"):
        assert _mode(ws / name) == 0o600, name
    for name in ("workspace.db-wal", "workspace.db-shm"):
        if (ws / name).exists():
            assert _mode(ws / name) == 0o600, name


def test_a_new_workspace_is_private_from_the_start(
    tmp_path: Path, start_engine: Callable[[Path], HeadlessEngine]
) -> None:
    ws = tmp_path / "fresh"
    start_engine(ws)
    assert _mode(ws) == 0o700
    assert _mode(ws / "workspace.db") == 0o600
    wal = ws / "workspace.db-wal"
    assert not wal.exists() or _mode(wal) == 0o600
