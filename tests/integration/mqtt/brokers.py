"""The brokers the bus tests run against: the embedded one, and a real mosquitto."""

from __future__ import annotations

import os
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from panel.util.ports import ephemeral_port
from tests.system_packages import need
from tests.waiting import wait_for

USER, PASSWORD = "edge", "s3cret-test-password"


def port_answers(port: int) -> bool:
    """True when something accepts TCP connections on 127.0.0.1:`port`."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class Mosquitto:
    """A mosquitto on 127.0.0.1 at a free port, one user, no persistence (restartable)."""

    def __init__(self, folder: Path, tls: tuple[Path, Path] | None = None) -> None:
        """`tls`: (certificate, key) files: the listener speaks TLS only (mqtts)."""
        self.program = need("mosquitto")
        folder.mkdir(parents=True, exist_ok=True)
        self.port = ephemeral_port()
        self.password_file = folder / "passwd"
        subprocess.run(
            [need("mosquitto_passwd"), "-c", "-b", str(self.password_file), USER, PASSWORD],
            check=True,
            capture_output=True,
        )
        lines = [
            f"listener {self.port} 127.0.0.1",
            "allow_anonymous false",
            f"password_file {self.password_file}",
            "persistence false",
        ]
        if tls is not None:
            lines += [f"certfile {tls[0]}", f"keyfile {tls[1]}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            lines.append("user root")  # else it drops to `mosquitto`, who cannot read our files
        self.config = folder / "mosquitto.conf"
        self.config.write_text("\n".join(lines) + "\n")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.program, "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: port_answers(self.port), 10.0, f"mosquitto on port {self.port}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None


@dataclass
class Bus:
    """How a test reaches the broker of its workspace's bus."""

    kind: str
    section: dict[str, Any]
    mosquitto: Mosquitto | None = None

    def credentials(self, ws: Path) -> tuple[str, int, str, str]:
        """(host, port, user, password) of the broker."""
        if self.mosquitto is not None:
            return "127.0.0.1", self.mosquitto.port, USER, PASSWORD
        from tests.integration.mqtt.bus import embedded_credentials

        return embedded_credentials(ws)

    def workspace_files(self, ws: Path) -> None:
        """Files the workspace needs for this broker (the external broker's password)."""
        if self.mosquitto is not None:
            ws.mkdir(parents=True, exist_ok=True)
            (ws / "mqtt.password").write_text(PASSWORD + "\n")
            os.chmod(ws / "mqtt.password", 0o600)
