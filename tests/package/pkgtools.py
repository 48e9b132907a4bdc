"""Helpers for tests of the built package (`make package` first; run by `make package-test`).

These tests drive the frozen bundle in dist/opspanel/ (or OPSPANEL_BUNDLE) as real
processes: headless engine, ctl, children, the GUI under Xvfb. They are slow and are
not part of `make test`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psutil

from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
STARTUP_S = 60.0


def bundle_path() -> Path:
    """The frozen executable under test."""
    return Path(os.environ.get("OPSPANEL_BUNDLE", ROOT / "dist" / "opspanel" / "opspanel"))


def run_bundle(bundle: Path, *args: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    """Run the bundle with ARGS to completion, capturing its output."""
    return subprocess.run(
        [str(bundle), *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def prepare_workspace(bundle: Path, folder: Path, port: int) -> Path:
    """A demo workspace whose server listens on `port`, written by the bundle's own import."""
    config = folder / "config.json"
    result = run_bundle(bundle, "--workspace", str(folder / "ws"), "export", str(config))
    assert result.returncode == 0, result.stderr
    data = json.loads(config.read_text(encoding="utf-8"))
    (server,) = [s for s in data["services"] if s["name"] == "server"]
    server["port"] = port
    config.write_text(json.dumps(data), encoding="utf-8")
    result = run_bundle(bundle, "--workspace", str(folder / "ws"), "import", str(config))
    assert result.returncode == 0, result.stderr
    return folder / "ws"


@dataclass
class BundledEngine:
    """A running bundle (headless or with its window) and its workspace."""

    bundle: Path
    workspace: Path
    proc: subprocess.Popen[bytes]

    def ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`opspanel --workspace WS ctl ARGS...` through the bundle."""
        return run_bundle(self.bundle, "--workspace", str(self.workspace), "ctl", *args)

    def server_status(self) -> dict[str, object]:
        """The answer of `ctl server status --json`."""
        result = self.ctl("server", "status", "--json")
        assert result.returncode == 0, result.stderr
        return dict(json.loads(result.stdout))

    def wait_server(self, status: str) -> dict[str, object]:
        """Poll until the server reports `status`; returns that answer."""

        def check() -> dict[str, object] | None:
            assert self.proc.poll() is None, f"engine exited with {self.proc.returncode}"
            now = self.server_status()
            return now if now["status"] == status else None

        return dict(wait_for(check, STARTUP_S, f"server status {status}"))  # type: ignore[arg-type]

    def descendants(self) -> list[psutil.Process]:
        """Every live process below the engine."""
        try:
            return psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def stop(self) -> int:
        """SIGTERM and wait; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=60)
