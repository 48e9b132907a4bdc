"""Settings the panel knows by name: their keys and defaults (exported with the config).

Keys are dotted, `area.name`; in the workspace JSON they appear nested
(`{"settings": {"logs": {"capacity": 200000}}}` is the key `logs.capacity`).
Any other key may be stored with `Workspace.set_setting` (window layout, last
choices...), but only these belong to the configuration that `opspanel export`
writes and `opspanel import` replaces. Their ranges live in the JSON Schema
(`$.settings`).
"""

from __future__ import annotations

LOG_RING_CAPACITY = "logs.capacity"
"""Log lines kept in memory (the ring buffer of the log hub)."""

LOG_RING_MEGABYTES = "logs.ringMegabytes"
"""Megabytes of log text kept in memory at most (the ring drops its oldest lines beyond)."""

LOG_FILE_MAX_BYTES = "logs.maxFileBytes"
"""Size at which a per-source log file is rotated."""

LOG_FILE_BACKUPS = "logs.backups"
"""Rotated log files kept per source."""

API_MAX_MESSAGE_BYTES = "api.maxMessageBytes"
"""Largest JSON-RPC message the local API accepts."""

API_PORT = "api.port"
"""TCP port of the API (on `API_LISTEN`); 0 lets the system choose one."""

API_LISTEN = "api.listen"
"""Address the API listens on (default 127.0.0.1); a non-loopback one needs TLS."""

API_TLS_CERT = "api.tlsCert"
"""PEM certificate (chain) file of the API; with `API_TLS_KEY` the API serves wss://."""

API_TLS_KEY = "api.tlsKey"
"""PEM private key file of `API_TLS_CERT` (keep it 0600)."""

SESSIONS_ALLOW_UNSANDBOXED = "sessions.allowUnsandboxed"
"""True lets sessions run their commands without bubblewrap where it cannot run
(default false: `session.create` then fails, naming what is missing)."""

CONNECTIONS_KEEP_RUNNING = "connections.keepRunning"
"""True: connection workers keep polling when the engine dies (crash, SIGKILL) and the
next engine adopts them; false: they die with it. Unset: true for a headless or
service engine, false for a window that runs its own engine (`keep_running`)."""

CONNECTIONS_ORPHAN_TIMEOUT_S = "connections.orphanTimeoutS"
"""Seconds a kept worker polls without an engine before it stops by itself (0: never)."""

CONNECTIONS_ZYGOTE = "connections.zygote"
"""True: connection workers are forked by a zygote per driver family instead of spawned,
which shares their imported code; false: spawned. Unset: true where fork is safe
(Linux), see `zygote_enabled`."""

DEFAULTS: dict[str, int | str | bool | None] = {
    LOG_RING_CAPACITY: 1_000_000,
    LOG_RING_MEGABYTES: 256,
    LOG_FILE_MAX_BYTES: 10 * 1024 * 1024,
    LOG_FILE_BACKUPS: 5,
    API_MAX_MESSAGE_BYTES: 1024 * 1024,
    API_PORT: 0,
    API_LISTEN: "127.0.0.1",
    API_TLS_CERT: "",
    API_TLS_KEY: "",
    CONNECTIONS_KEEP_RUNNING: None,
    CONNECTIONS_ORPHAN_TIMEOUT_S: 0,
    CONNECTIONS_ZYGOTE: None,
}
"""Each known setting and its value when the workspace has none stored (None: it
depends on how the engine runs, see the setting)."""


def keep_running(value: object, headless: bool) -> bool:
    """The `connections.keepRunning` in force: the stored `value`, else the mode's default."""
    return value if isinstance(value, bool) else headless


def orphan_timeout_s(value: object) -> float:
    """The `connections.orphanTimeoutS` in force (0: never), whatever was stored."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return 0.0


def nest(flat: dict[str, object]) -> dict[str, dict[str, object]]:
    """`{"logs.capacity": 5}` -> `{"logs": {"capacity": 5}}` (known keys, in their order)."""
    out: dict[str, dict[str, object]] = {}
    for key in DEFAULTS:
        if key in flat:
            area, name = key.split(".", 1)
            out.setdefault(area, {})[name] = flat[key]
    return out


def flatten(nested: dict[str, dict[str, object]]) -> dict[str, object]:
    """`{"logs": {"capacity": 5}}` -> `{"logs.capacity": 5}`."""
    return {
        f"{area}.{name}": value for area, items in nested.items() for name, value in items.items()
    }


def zygote_enabled(value: object, fork_is_safe: bool) -> bool:
    """The `connections.zygote` in force: the stored `value`, else on; never unless
    `fork_is_safe` (Linux)."""
    return (value if isinstance(value, bool) else True) and fork_is_safe
