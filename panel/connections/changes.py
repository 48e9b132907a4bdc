"""What changed between two versions of one connection object, as a system event says it.

`describe_change(old, new)` names the parts that differ, in a fixed order and joined
by commas: `endpoint` (driver, host, port, endpoint URL, unit id: the worker
restarts), `process` (it moves into, out of or between connection groups: its worker
changes), `enabled` (it stops or starts), `blocks` (blocks or tags: reloaded in the
same worker) and `settings` (timeouts, reconnect times, anything else: reloaded too).
"""

from __future__ import annotations

from typing import Any

ENDPOINT_KEYS = ("driver", "host", "port", "endpoint", "unitId")
"""The fields that say where the device is: a change here restarts the worker."""

PARTS = ("endpoint", "process", "enabled", "blocks", "settings")
"""Every part `describe_change` can name, in the order it names them."""


def describe_change(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """`endpoint`, `blocks`, `enabled,blocks`, ... or None when nothing differs."""
    found: set[str] = set()
    for key in set(old) | set(new):
        if old.get(key) == new.get(key):
            continue
        if key in ENDPOINT_KEYS:
            found.add("endpoint")
        elif key == "process":
            if (old.get(key) or "own") != (new.get(key) or "own"):
                found.add("process")
        elif key == "enabled" and bool(old.get(key, True)) != bool(new.get(key, True)):
            found.add("enabled")
        elif key == "blocks":
            found.add("blocks")
        else:
            found.add("settings")
    return ",".join(part for part in PARTS if part in found) or None
