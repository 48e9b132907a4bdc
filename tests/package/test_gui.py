"""Double-click launch: the bundle's window opens under a real X server (Xvfb), demo running.

Saves a screenshot of the screen to build/screenshot.png for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from pkgtools import ROOT, BundledEngine, prepare_workspace, wait_for

SCREENSHOT = ROOT / "build" / "screenshot.png"

pytestmark = pytest.mark.skipif(
    not (shutil.which("Xvfb") and shutil.which("xwininfo") and shutil.which("import")),
    reason="needs xvfb, x11-utils and imagemagick (packaging/package_test.sh installs them)",
)


@pytest.fixture
def display() -> Iterator[str]:
    """A fresh Xvfb server; its display name (`:N`, chosen by Xvfb itself)."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()  # written once the server accepts clients
    assert number, "Xvfb did not start"
    yield f":{number}"
    proc.terminate()
    proc.wait(timeout=30)


def _window_shown(display: str) -> bool:
    tree = subprocess.run(
        ["xwininfo", "-display", display, "-root", "-tree"], capture_output=True, text=True
    ).stdout
    return '"OpsPanel"' in tree


def test_window_opens_with_demo_server_running(
    bundle: Path, tmp_path: Path, free_port: int, start_bundle: Any, display: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "WAYLAND"))}
    env |= {"DISPLAY": display, "HOME": str(tmp_path), "XDG_RUNTIME_DIR": str(tmp_path)}
    os.chmod(tmp_path, 0o700)
    workspace = prepare_workspace(bundle, tmp_path, free_port)
    engine: BundledEngine = start_bundle(workspace, env=env)
    assert engine.wait_server("running")["port"] == free_port
    wait_for(lambda: _window_shown(display), 60, "the OpsPanel window on the X display")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)

    def shot_taken() -> bool:
        # The window paints its widgets right after mapping: take the shot once the
        # server state has reached the view too (the window title is set before).
        result = subprocess.run(
            ["import", "-display", display, "-window", "root", str(SCREENSHOT)],
            capture_output=True,
        )
        return result.returncode == 0 and SCREENSHOT.stat().st_size > 10_000

    wait_for(shot_taken, 30, "a screenshot")
    assert engine.stop() == 0
