"""The engine's methods on the JSON-RPC API: each calls the engine method a button calls."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from panel.api.rpc import RpcContext, RpcError, RpcRegistry
from panel.logs.batch import LogBatch, read_batch
from panel.server.status import ServerSnapshot, ServerStatus

if TYPE_CHECKING:
    from panel.api.server import ApiServer
    from panel.engine import Engine, ProcessStats

INVALID_STATE = -32011
TIMEOUT = -32012
NOT_FOUND = -32010

LOGS_TOPIC = "logs"
BATCH_TOPIC = "logs.batch"
SERVER_TOPIC = "server"
STATS_TOPIC = "stats"
MAX_TAIL = 100_000
MAX_PUSH = 5_000
"""At most this many log lines in one `logs.lines` or `logs.batch` notification."""

WAIT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "wait": {"type": "boolean", "description": "answer only when the change is done"},
        "timeoutMs": {"type": "integer", "minimum": 1, "maximum": 600_000},
    },
    "additionalProperties": False,
}
EMPTY_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}
TAIL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "n": {"type": "integer", "minimum": 0, "maximum": MAX_TAIL},
        "source": {"type": "string", "minLength": 1},
    },
    "additionalProperties": False,
}
SINCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "since": {"type": "integer", "minimum": -1},
        "instance": {"type": "string"},
        "limit": {"type": "integer", "minimum": 1, "maximum": MAX_TAIL},
    },
    "required": ["since"],
    "additionalProperties": False,
}
SUBSCRIBE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"source": {"type": "string", "minLength": 1}},
    "additionalProperties": False,
}

SETTLED = {
    "start": (ServerStatus.RUNNING, ServerStatus.ERROR),
    "stop": (ServerStatus.STOPPED, ServerStatus.ERROR),
}


class EngineApi:
    """Binds an engine to an API server: methods in, notifications out."""

    def __init__(self, engine: Engine, server: ApiServer) -> None:
        self._engine = engine
        self._server = server
        self._pushed_seq = engine.hub.next_seq - 1
        self._batched = engine.hub.next_seq
        engine.hub.sig_appended.connect(self._push_log_lines)
        engine.hub.sig_appended.connect(self._push_log_batch)
        engine.sig_server_status.connect(self._push_server_status)
        engine.sig_stats.connect(self._push_stats)

    def register(self, registry: RpcRegistry) -> None:
        """Add every engine method to `registry`."""
        add = registry.register
        add("status", self.status, EMPTY_SCHEMA, doc="The engine and its server.")
        add("server.status", self.server_status, EMPTY_SCHEMA, doc="The server's status.")
        add(
            "server.start",
            self.server_start,
            WAIT_SCHEMA,
            mutating=True,
            doc="Start the server; with wait, answer when it is ready or has failed.",
        )
        add(
            "server.stop",
            self.server_stop,
            WAIT_SCHEMA,
            mutating=True,
            doc="Stop the server and its process tree; with wait, answer when it is gone.",
        )
        add(
            "server.restart",
            self.server_restart,
            WAIT_SCHEMA,
            mutating=True,
            doc="Restart the server; with wait, answer when it is ready again or has failed.",
        )
        add(
            "server.subscribe",
            self.server_subscribe,
            EMPTY_SCHEMA,
            doc="Receive `server.status` notifications on every status change.",
        )
        add(
            "stats.subscribe",
            self.stats_subscribe,
            EMPTY_SCHEMA,
            doc="Receive `stats` notifications (engine and server CPU %, RSS) once a second.",
        )
        add(
            "logs.tail",
            self.logs_tail,
            TAIL_SCHEMA,
            doc="The last n lines (default 100), of one source or of all.",
        )
        add(
            "logs.subscribe",
            self.logs_subscribe,
            SUBSCRIBE_SCHEMA,
            doc="Receive `logs.lines` notifications with new lines, of one source or of all.",
        )
        add(
            "logs.since",
            self.logs_since,
            SINCE_SCHEMA,
            doc=(
                "Up to `limit` lines (default and most 100000, at most 4 MiB of text) numbered"
                " above `since` (-1: from the oldest held), as a batch: `first`, `end` (where the"
                " lines end now), `texts`, `runs` ([count, ts, channel]), `channels` ([source,"
                " stream]), `levels` (base64, a byte a line, 255 unparsed). With an `instance`"
                " other than the log's own (the engine restarted), `since` counts as -1."
            ),
        )
        add(
            "logs.follow",
            self.logs_follow,
            EMPTY_SCHEMA,
            doc=(
                "Receive `logs.batch` notifications: the new lines as in `logs.since`, up to"
                f" {MAX_PUSH} a notification; when more arrived, one without lines says where"
                " they end (fetch them with `logs.since`)."
            ),
        )
        add(
            "logs.unsubscribe",
            self.logs_unsubscribe,
            EMPTY_SCHEMA,
            doc="Stop `logs.lines` notifications.",
        )

    # ----------------------------------------------------------------- methods

    def status(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """The engine and its server."""
        return self._engine.status_json()

    def server_status(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """The server's status, pid, port, uptime, restarts and last error."""
        return self._engine.server_snapshot().to_json()

    async def server_start(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Start the server."""
        engine = self._engine
        if engine.server.status() == ServerStatus.STOPPING:
            raise RpcError(INVALID_STATE, "the server is stopping; start it once it has stopped")
        return await self._act(params, engine.start_server, SETTLED["start"])

    async def server_stop(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Stop the server."""
        return await self._act(params, self._engine.stop_server, SETTLED["stop"])

    async def server_restart(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Restart the server."""
        return await self._act(params, self._engine.restart_server, SETTLED["start"])

    def server_subscribe(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Subscribe to server status changes."""
        ctx.subscribe(SERVER_TOPIC)
        return {"subscribed": True}

    def stats_subscribe(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Subscribe to the resource figures."""
        ctx.subscribe(STATS_TOPIC)
        self._engine.watch_stats(self)  # an attached window looks: figures every second
        return {"subscribed": True}

    def logs_tail(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """The newest lines."""
        source = params.get("source")
        if source is not None and source not in self._engine.hub.sources():
            raise RpcError(
                NOT_FOUND,
                f"no log source named {source!r}",
                {"sources": self._engine.hub.sources()},
            )
        lines = self._engine.hub.tail(int(params.get("n", 100)), source)
        return {"lines": [line.to_dict() for line in lines]}

    def logs_subscribe(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Subscribe to new log lines."""
        source = params.get("source")
        ctx.subscribe(LOGS_TOPIC, {"source": source} if source else None)
        return {"subscribed": True}

    def logs_unsubscribe(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Unsubscribe from log lines (and batches)."""
        ctx.unsubscribe(LOGS_TOPIC)
        ctx.unsubscribe(BATCH_TOPIC)
        return {"subscribed": False}

    def logs_since(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """The lines after `since`, in columns."""
        hub = self._engine.hub
        since = int(params["since"])
        if params.get("instance", hub.instance) != hub.instance:
            since = -1
        return read_batch(hub, since, int(params.get("limit", MAX_TAIL))).to_json()

    def logs_follow(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Subscribe to batches of new lines."""
        ctx.subscribe(BATCH_TOPIC)
        hub = self._engine.hub
        return {"subscribed": True, "instance": hub.instance, "end": hub.next_seq}

    # --------------------------------------------------------------- helpers

    async def _act(
        self,
        params: dict[str, Any],
        action: Callable[[], object],
        settled: tuple[ServerStatus, ...],
    ) -> dict[str, Any]:
        """Run `action`; with `wait`, answer once the server reaches a `settled` status."""
        engine = self._engine
        if not params.get("wait"):
            action()
            return engine.server_snapshot().to_json()
        loop = asyncio.get_running_loop()
        done: asyncio.Future[ServerSnapshot] = loop.create_future()

        def on_status(snap: ServerSnapshot) -> None:
            if snap.status in settled and not done.done():
                done.set_result(snap)

        engine.sig_server_status.connect(on_status)
        try:
            action()
            now = engine.server_snapshot()
            if now.status in settled:  # nothing to wait for (already there, or failed at once)
                return now.to_json()
            timeout = params.get("timeoutMs", self._wait_timeout_ms()) / 1000
            try:
                snap = await asyncio.wait_for(done, timeout)
            except TimeoutError:
                raise RpcError(
                    TIMEOUT,
                    f"the server did not settle within {timeout:g} s",
                    engine.server_snapshot().to_json(),
                ) from None
            return snap.to_json()
        finally:
            engine.sig_server_status.disconnect(on_status)

    def _wait_timeout_ms(self) -> int:
        cfg = self._engine.server.config
        return cfg.ready_timeout_ms + 2 * cfg.stop_timeout_ms + 5000

    def _push_log_lines(self, last_seq: int) -> None:
        if not self._server.has_subscribers(LOGS_TOPIC):
            self._pushed_seq = last_seq
            return
        while self._pushed_seq < last_seq:
            lines = self._engine.hub.lines_since(self._pushed_seq, MAX_PUSH)
            if not lines:
                break
            self._pushed_seq = lines[-1].seq
            payload = [line.to_dict() for line in lines]
            self._server.publish(LOGS_TOPIC, "logs.lines", {"lines": payload}, _by_source)

    def _push_log_batch(self, _last_seq: int) -> None:
        hub = self._engine.hub
        start = max(self._batched, hub.first_seq)
        self._batched = hub.next_seq
        if start >= hub.next_seq or not self._server.has_subscribers(BATCH_TOPIC):
            return
        if hub.next_seq - start <= MAX_PUSH:
            batch = read_batch(hub, start - 1, MAX_PUSH)
        else:  # too many for one push: say where they end, the client pulls them
            batch = LogBatch(hub.instance, start, hub.next_seq)
        self._server.publish(BATCH_TOPIC, "logs.batch", batch.to_json())

    def _push_stats(self, stats: ProcessStats) -> None:
        if not self._server.has_subscribers(STATS_TOPIC):
            self._engine.unwatch_stats(self)  # the last subscriber left: back to rest
            return
        self._server.publish(STATS_TOPIC, "stats", stats.to_json())

    def _push_server_status(self, snap: ServerSnapshot) -> None:
        self._server.publish(SERVER_TOPIC, "server.status", snap.to_json())


def _by_source(filter: dict[str, Any] | None, params: dict[str, Any]) -> dict[str, Any] | None:
    """Keep the lines of the subscriber's source (all lines without a filter)."""
    if not filter:
        return params
    lines = [line for line in params["lines"] if line["source"] == filter["source"]]
    return {"lines": lines} if lines else None
