"""`opspanel service` as real subprocesses, with a user unit folder of the test's own.

systemd as PID 1 cannot run here: where a test needs systemctl to succeed, a stand-in
`systemctl` first on PATH records its argv (one JSON list per line) and answers
like systemd would; elsewhere the real systemctl answers (it cannot reach systemd).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

FAKE_SYSTEMCTL = textwrap.dedent(
    """\
    #!{python}
    import json, os, sys
    args = sys.argv[1:]
    with open(os.environ["FAKE_SYSTEMCTL_LOG"], "a") as log:
        log.write(json.dumps(args) + "\\n")
    words = [a for a in args if not a.startswith("--")]
    answers = {{"is-enabled": "enabled", "is-active": "active", "show": ""}}
    if words and words[0] in answers:
        print(answers[words[0]])
    """
)


@dataclass
class ServiceEnv:
    """The environment `opspanel service` runs in: its own config folder, maybe a fake systemctl."""

    env: dict[str, str]
    unit_dir: Path
    log: Path | None = None

    def run(self, *argv: str, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
        """`python -m panel ARGV...` as a real subprocess."""
        return subprocess.run(
            [sys.executable, "-m", "panel", *argv],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=self.env,
        )

    def systemctl_calls(self) -> list[list[str]]:
        """Every argv the stand-in systemctl was run with, in order."""
        assert self.log is not None
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]


@pytest.fixture
def real_systemctl(tmp_path: Path) -> ServiceEnv:
    """The machine's own systemctl (no systemd runs here), user units under tmp_path."""
    config = tmp_path / "config"
    env = dict(os.environ, XDG_CONFIG_HOME=str(config))
    return ServiceEnv(env, config / "systemd" / "user")


@pytest.fixture
def fake_systemctl(tmp_path: Path) -> ServiceEnv:
    """A stand-in systemctl first on PATH that records its argv and succeeds."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "systemctl"
    script.write_text(FAKE_SYSTEMCTL.format(python=sys.executable))
    script.chmod(0o755)
    config = tmp_path / "config"
    log = tmp_path / "systemctl.log"
    env = dict(
        os.environ,
        XDG_CONFIG_HOME=str(config),
        FAKE_SYSTEMCTL_LOG=str(log),
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    return ServiceEnv(env, config / "systemd" / "user", log)


class NotifyListener:
    """The service manager's side of sd_notify: a bound AF_UNIX datagram socket."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(b"\0" + name[1:].encode() if name.startswith("@") else name)

    def next_message(self, timeout: float) -> list[str]:
        """The next datagram's lines; fails the test after `timeout` seconds without one."""
        self.sock.settimeout(timeout)
        try:
            return self.sock.recv(65536).decode().splitlines()
        except TimeoutError:
            raise AssertionError(f"no sd_notify message within {timeout} s") from None

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def notify_socket_path() -> Iterator[str]:
    """A path for a notification socket, short enough for sun_path."""
    with tempfile.TemporaryDirectory(prefix="opn-") as folder:
        yield str(Path(folder) / "notify")
