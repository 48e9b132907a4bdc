"""The workspace's `mqtt` section: parsed, checked (problems name their JSON path), loaded.

The section is one JSON object (see `$defs/mqtt` in the workspace schema). Left out,
there is no bus. The worker reads it straight from the workspace database (no ORM), as
it reads its connection.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SECTION = "mqtt"
DB_FILE = "workspace.db"
Problem = tuple[str, str]


@dataclass(frozen=True)
class MqttSettings:
    """What the bus does, from the `mqtt` section (defaults as in the schema)."""

    base_topic: str
    url: str = ""
    username: str = ""
    password_file: str = ""
    ca_file: str = ""
    qos: int = 0
    retain: bool = True
    writes: bool = False
    block_messages: bool = False
    tag_messages: bool = True
    embedded: bool = True
    deadband: dict[str, float] = field(default_factory=dict)

    @property
    def uses_embedded(self) -> bool:
        """True when the panel's own broker is the bus (no `url`, `embedded` on)."""
        return not self.url and self.embedded

    @property
    def active(self) -> bool:
        """True when there is a broker to publish to."""
        return bool(self.url) or self.embedded

    @classmethod
    def from_json(cls, data: dict[str, Any], workspace_name: str) -> MqttSettings:
        """The settings of a section already checked (`check_mqtt`)."""
        return cls(
            base_topic=str(data.get("baseTopic") or default_base_topic(workspace_name)),
            url=str(data.get("url") or "").rstrip("/"),
            username=str(data.get("username") or ""),
            password_file=str(data.get("passwordFile") or ""),
            ca_file=str(data.get("caFile") or ""),
            qos=int(data.get("qos", 0)),
            retain=bool(data.get("retain", True)),
            writes=bool(data.get("writes", False)),
            block_messages=bool(data.get("blockMessages", False)),
            tag_messages=bool(data.get("tagMessages", True)),
            embedded=bool(data.get("embedded", True)),
            deadband={str(k): float(v) for k, v in (data.get("deadband") or {}).items()},
        )


def default_base_topic(workspace_name: str) -> str:
    """`opspanel/<workspace folder name>` with the characters MQTT reserves replaced."""
    name = "".join("_" if c in "+#/" else c for c in workspace_name) or "workspace"
    return f"opspanel/{name}"


def check_mqtt(section: Any) -> list[Problem]:
    """Problems of an `mqtt` section the schema cannot see (paths start with `$.mqtt`)."""
    problems: list[Problem] = []
    if not isinstance(section, dict):
        return problems
    if section.get("url") and section.get("passwordFile") and not section.get("username"):
        problems.append(("$.mqtt.username", "a passwordFile needs a username"))
    if section.get("caFile") and not str(section.get("url") or "").startswith("mqtts://"):
        problems.append(("$.mqtt.caFile", "a caFile needs an mqtts:// url (TLS)"))
    return problems


def load_settings(workspace: Path) -> tuple[MqttSettings | None, str | None]:
    """(settings, None), (None, None) for no bus, or (None, why it cannot be read)."""
    db_file = workspace / DB_FILE
    if not db_file.is_file():
        return None, f"{workspace}: no workspace database here"
    try:
        db = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True, timeout=5.0)
        try:
            row = db.execute(
                "SELECT body FROM config_sections WHERE name = ?", (SECTION,)
            ).fetchone()
        finally:
            db.close()
        data = None if row is None else json.loads(row[0])
    except (sqlite3.Error, ValueError) as exc:
        return None, f"cannot read the mqtt section of {db_file}: {exc}"
    if not isinstance(data, dict):
        return None, None
    try:
        return MqttSettings.from_json(data, workspace.name), None
    except (TypeError, ValueError) as exc:  # stored by hand, around the import's checks
        return None, f"the mqtt section of {db_file} is not valid: {exc}"
