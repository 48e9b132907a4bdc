"""Where the bus is: an external broker's URL, or the embedded broker's state file.

The embedded broker writes `mqtt-broker.json` (pid, create time, host, port, user) in
the workspace once it listens, and keeps its generated password in
`mqtt-broker.password` (0600). Workers read both each time they (re)connect, so a
broker started again on another port is found without restarting them.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from panel.mqtt.settings import MqttSettings

STATE_FILE = "mqtt-broker.json"
PASSWORD_FILE = "mqtt-broker.password"
EMBEDDED_USER = "opspanel"


@dataclass(frozen=True)
class Endpoint:
    """One broker to connect to, with its credentials."""

    host: str
    port: int
    tls: bool = False
    username: str = ""
    password: str = ""
    embedded: bool = False
    ca_file: str = ""
    """With TLS: the PEM file of the authority to trust ("": the system's)."""

    @property
    def url(self) -> str:
        """mqtt://host:port or mqtts://host:port (no credentials)."""
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` (0600) atomically: readers see the old or the new file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def embedded_password(workspace: Path, *, create: bool = False) -> str:
    """The embedded broker's password (generated once, 0600); "" when none and not `create`."""
    path = workspace / PASSWORD_FILE
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        if not create:
            return ""
    password = secrets.token_urlsafe(24)
    write_private(path, password + "\n")
    return password


def read_state(workspace: Path) -> dict[str, Any] | None:
    """The embedded broker's state file, None when missing or unreadable."""
    try:
        data = json.loads((workspace / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def resolve(settings: MqttSettings, workspace: Path) -> Endpoint | str:
    """The endpoint to use now, or one sentence saying why there is none yet."""
    if settings.url:
        return _external(settings, workspace)
    if not settings.embedded:
        return "no broker: mqtt.url is not set and mqtt.embedded is false"
    state = read_state(workspace)
    if state is None or not isinstance(state.get("port"), int):
        return "waiting for the embedded broker (no mqtt-broker.json yet)"
    password = embedded_password(workspace)
    if not password:
        return f"the embedded broker's password file {PASSWORD_FILE} is missing"
    return Endpoint(
        host=str(state.get("host", "127.0.0.1")),
        port=int(state["port"]),
        username=str(state.get("username", EMBEDDED_USER)),
        password=password,
        embedded=True,
    )


def _external(settings: MqttSettings, workspace: Path) -> Endpoint | str:
    parts = urlsplit(settings.url)
    tls = parts.scheme == "mqtts"
    try:
        port = parts.port or (8883 if tls else 1883)
    except ValueError:
        return f"mqtt.url {settings.url!r} has a bad port"
    password = ""
    if settings.password_file:
        path = _in_workspace(settings.password_file, workspace)
        try:
            password = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            return f"cannot read mqtt.passwordFile {path}: {exc.strerror or exc}"
    ca_file = ""
    if settings.ca_file:
        ca = _in_workspace(settings.ca_file, workspace)
        try:
            ca.read_bytes()
        except OSError as exc:
            return f"cannot read mqtt.caFile {ca}: {exc.strerror or exc}"
        ca_file = str(ca)
    return Endpoint(
        host=parts.hostname or "127.0.0.1",
        port=port,
        tls=tls,
        username=settings.username,
        password=password,
        ca_file=ca_file,
    )


def _in_workspace(name: str, workspace: Path) -> Path:
    """`name` as a path: absolute as given, else relative to the workspace folder."""
    path = Path(name)
    return path if path.is_absolute() else workspace / path
