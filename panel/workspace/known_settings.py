"""Settings the panel knows by name: their keys and defaults (exported with the config).

Any other key may be stored with `Workspace.set_setting` (window layout, last
choices...), but only these belong to the configuration that `opspanel export`
writes and `opspanel import` replaces. Their ranges live in the JSON Schema
(`$.settings`).
"""

from __future__ import annotations

LOG_RING_CAPACITY = "logRingCapacity"
"""Lines kept in memory per log source."""

LOG_FILE_MAX_BYTES = "logFileMaxBytes"
"""Size at which a per-source log file is rotated."""

LOG_FILE_BACKUPS = "logFileBackups"
"""Rotated log files kept per source."""

API_MAX_MESSAGE_BYTES = "apiMaxMessageBytes"
"""Largest JSON-RPC message the local API accepts."""

DEFAULTS: dict[str, int] = {
    LOG_RING_CAPACITY: 100_000,
    LOG_FILE_MAX_BYTES: 10 * 1024 * 1024,
    LOG_FILE_BACKUPS: 5,
    API_MAX_MESSAGE_BYTES: 1024 * 1024,
}
"""Each known setting and its value when the workspace has none stored."""
