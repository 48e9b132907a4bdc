"""What a cluster run leaves in Redis, shared by the worker and the engine.

Each run has a Redis Stream of events, `opspanel:run:<ref>:log`, entries in order:
`{"t": "started", "host", "pid"}`, any number of `{"t": "out", "s": stream, "d": bytes}`
(one line each, with its newline), then one `{"t": "ended", "code", "signal", "reason"}`.
A reader keeps the id of the last entry it handled and reads on from it: a panel that
restarts re-attaches there, missing and repeating nothing. While the run goes on, its
worker renews `opspanel:run:<ref>:alive` (a key that expires after `ALIVE_TTL_S`); a
run whose key is gone and whose stream has no `ended` lost its worker. The worker that
takes a run first claims `opspanel:run:<ref>:taken` (SET NX): a message redelivered
after a worker died holding it runs at most once, and a run claimed whose heartbeat
stopped before its `started` entry lost its worker too. Setting
`opspanel:run:<ref>:cancel` asks the worker to stop the run's whole process group.
"""

from __future__ import annotations

from typing import Any

TASK_NAME = "opspanel.run"
"""The worker's one Celery task: run an argv with env and cwd under a timeout."""

DEFAULT_QUEUE = "opspanel"

WORKER_NAME_ENV = "OPSPANEL_WORKER_NAME"
"""Set by `opspanel cluster-worker` to its node name, which a run reports as its host."""

ALIVE_TTL_S = 4.0
"""How long the worker's heartbeat key lives without being renewed."""

ALIVE_EVERY_S = 1.0
"""How often the worker renews it."""

REDELIVER_AFTER_S = 15
"""How long a message a worker took stays unacknowledged before another worker gets
it again (Redis' visibility timeout). A message is acknowledged as its run begins, so
this bounds only a message a worker held without starting it (all its slots busy)
and died with; the run's `taken` claim keeps a copy from running twice."""

RESTORE_EVERY_S = 2
"""How often a worker looks for such messages to hand out again."""

KEEP_STREAM_S = 7 * 86400
"""How long a finished run's stream stays in Redis (for a panel that was down)."""

REASON_EXIT = "exit"
REASON_TIMEOUT = "timeout"
REASON_CANCELLED = "cancelled"
REASON_WORKER_LOST = "worker lost"
REASON_START_FAILED = "start failed"


def log_key(ref: str) -> str:
    """The run's event stream."""
    return f"opspanel:run:{ref}:log"


def alive_key(ref: str) -> str:
    """The run's heartbeat key (renewed by its worker while the run goes on)."""
    return f"opspanel:run:{ref}:alive"


def taken_key(ref: str) -> str:
    """Claimed by the worker that runs the run (its name); a later copy finds it set."""
    return f"opspanel:run:{ref}:taken"


def cancel_key(ref: str) -> str:
    """Set to ask the run's worker to stop it."""
    return f"opspanel:run:{ref}:cancel"


def decode_entry(fields: dict[bytes, bytes]) -> dict[str, Any]:
    """One stream entry as the engine uses it: `t` and its own fields, typed."""
    kind = fields.get(b"t", b"").decode()
    out: dict[str, Any] = {"t": kind}
    if kind == "out":
        out["s"] = fields.get(b"s", b"stdout").decode()
        out["d"] = fields.get(b"d", b"")
    elif kind == "started":
        out["host"] = fields.get(b"host", b"").decode()
        out["pid"] = _int(fields.get(b"pid"))
    elif kind == "ended":
        out["code"] = _int(fields.get(b"code"))
        out["signal"] = _int(fields.get(b"signal"))
        out["reason"] = fields.get(b"reason", b"").decode()
        out["error"] = fields.get(b"error", b"").decode() or None
    return out


def _int(raw: bytes | None) -> int | None:
    if raw is None or raw == b"":
        return None
    return int(raw)
