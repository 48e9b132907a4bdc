"""The audit log: every call of a mutating API method, stored in the workspace database.

A row says when, which client (its connection id), which method, a short redacted
summary of the params (secrets and long texts are never stored: `content`, `code`,
`token`... become their length), and the outcome (``ok`` or ``error: message``
with the JSON-RPC code). `AuditLog.observe` is plugged into the registry with
`RpcRegistry.set_observer`; `audit.list` reads the rows back, newest first.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from panel.api.rpc import RpcContext, RpcError
from panel.util.diskfull import Condition, disk_full
from panel.util.sql import where

if TYPE_CHECKING:
    from panel.api.rpc import RpcRegistry

log = logging.getLogger("panel.api.audit")

BUSY_TIMEOUT_S = 5.0
MAX_SUMMARY = 400
MAX_VALUE = 60
MAX_LIST = 1000
MAX_HELD = 10_000
"""Audit rows held in memory at most while the disk is full."""
SECRET_KEYS = frozenset(
    {"content", "code", "token", "password", "secret", "value", "values", "env", "authorization"}
)
"""Params whose values are replaced by a size note in the summary."""

LIST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIST},
        "beforeId": {"type": "integer", "minimum": 1},
        "method": {"type": "string", "minLength": 1},
    },
    "additionalProperties": False,
}


def summarize(params: dict[str, Any]) -> str:
    """A short JSON summary of `params`, secrets and long strings replaced by their size."""
    text = json.dumps(_redact(params, 0), separators=(",", ":"), default=str)
    return text if len(text) <= MAX_SUMMARY else text[: MAX_SUMMARY - 1] + "…"


def _redact(value: Any, depth: int) -> Any:
    if depth > 4:
        return "…"
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if str(key).lower() in SECRET_KEYS:
                out[key] = f"<{_size(item)}>"
            else:
                out[key] = _redact(item, depth + 1)
        return out
    if isinstance(value, list):
        items = [_redact(v, depth + 1) for v in value[:10]]
        return items + ([f"<+{len(value) - 10} more>"] if len(value) > 10 else [])
    if isinstance(value, str) and len(value) > MAX_VALUE:
        return value[:MAX_VALUE] + f"…<{len(value)} chars>"
    return value


def _size(value: Any) -> str:
    if isinstance(value, str):
        return f"{len(value)} chars"
    if isinstance(value, list | dict):
        return f"{len(value)} items"
    return "redacted"


class AuditLog:
    """Writes and reads the `audit_log` table (schema version 4); main thread only."""

    def __init__(self, db_path: Path, clock: Any = time.time) -> None:
        self._db_path = Path(db_path)
        self._held: list[tuple[Any, ...]] = []  # rows not written yet (a full disk)
        self._condition = Condition(log, "audit rows")
        self._conn = sqlite3.connect(str(db_path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
        self._conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        self._clock = clock
        self.written = 0

    def close(self) -> None:
        """Write the rows held back by a full disk (one last try), close the connection."""
        if self._held:
            self._write([])
        self._conn.close()

    def attach(self, registry: RpcRegistry) -> None:
        """Record every mutating call of `registry` and add the `audit.list` method."""
        registry.set_observer(self.observe)
        registry.register(
            "audit.list",
            self.list_method,
            LIST_SCHEMA,
            doc="Audit rows of mutating calls, newest first (limit default 100).",
        )

    def observe(
        self,
        ctx: RpcContext,
        method: str,
        params: dict[str, Any],
        error: RpcError | None,
        elapsed_ms: float,
    ) -> None:
        """Store one row (the registry calls this after each mutating call)."""
        outcome = "ok" if error is None else f"error: {error.message}"
        code = error.code if error else None
        self.record(ctx.client_id, method, params, outcome, code, elapsed_ms)

    def record(
        self,
        client: str,
        method: str,
        params: dict[str, Any],
        outcome: str,
        error_code: int | None = None,
        elapsed_ms: float = 0.0,
    ) -> None:
        """Store one row directly (window actions may record themselves too).

        While the disk is full rows are held in memory (at most `MAX_HELD`, the
        oldest dropped beyond) and written with the next row that fits.
        """
        row = (
            self._clock(),
            client,
            method,
            summarize(params),
            outcome[:MAX_SUMMARY],
            error_code,
            round(elapsed_ms, 3),
        )
        self._write([row])

    def _write(self, rows: list[tuple[Any, ...]]) -> None:
        """Insert the held rows and `rows` in one transaction, or hold them all."""
        batch = [*self._held, *rows]
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "INSERT INTO audit_log (ts, client, method, params, outcome, error_code,"
                " duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
                batch,
            )
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            full = disk_full(exc, self._db_path)
            if full is None:
                log.error("audit rows not written (%d): %s", len(batch), exc)
                self._held = []
                return
            self._held = batch[-MAX_HELD:]
            self._condition.failed(full, f" ({len(self._held)} held in memory)")
            return
        self._held = []
        self.written += len(batch)
        self._condition.recovered(f" ({len(batch)} rows)")

    def recent(
        self, limit: int = 100, before_id: int | None = None, method: str | None = None
    ) -> list[dict[str, Any]]:
        """Rows newest first, at most `limit`, optionally before an id or for one method."""
        clause, args = where((("id < ?", before_id), ("method = ?", method)))
        rows = self._conn.execute(
            "SELECT id, ts, client, method, params, outcome, error_code, duration_ms"
            f" FROM audit_log{clause} ORDER BY id DESC LIMIT ?",
            (*args, int(limit)),
        ).fetchall()
        keys = ("id", "ts", "client", "method", "params", "outcome", "errorCode", "durationMs")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def list_method(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """`audit.list`: recent rows."""
        rows = self.recent(
            int(params.get("limit", 100)), params.get("beforeId"), params.get("method")
        )
        return {"count": len(rows), "rows": rows}
