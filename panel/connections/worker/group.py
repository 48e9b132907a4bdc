"""`GroupWorker`: the connections of one group in one process, each its own `Worker`.

A connection with `"process": "group:<name>"` runs in its group's worker process
(`opspanel worker connection --group NAME`). Each member is a whole `Worker`: its own
asyncio tasks, socket, state machine, blocks, write queue and tag state. Every message
a member sends carries `"c": <conn id>`; a command with `"c"` goes to that member:

- `{"cmd":"reload","c":ID}` reloads member ID (one that is not a member yet is added,
  reading its configuration from the source); only that member is touched. A member
  whose endpoint changed stops with `EXIT_RESTART` and starts again in place.
- `{"cmd":"stop","c":ID}` stops member ID and drops it (it left the group).

Without `"c"`: `stop` (or end of stdin, SIGTERM) stops every member and the process
exits; `reload` syncs the members with the source (adds new ones, drops the ones that
left, reloads the rest); `refresh` sends every member's full refresh. The group's own
end is a `{"t":"state","state":"STOPPED","exitCode":n}` without `"c"`.

The members' block cycles are spread over each period (`phase_of`): fifty
connections at 1 s do not all read, decode and send in the same millisecond.

One fault that ends the process (a crash, a kill, a leak) ends every member: the
supervisor restarts the group as one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from panel.connections.worker.protocol import EXIT_OK, EXIT_RESTART, FULL_REFRESH_S, Sink
from panel.connections.worker.sink import ValueSink
from panel.connections.worker.source import ConfigSource
from panel.connections.worker.timing import phase_of
from panel.connections.worker.worker import Worker

MakeSink = Callable[[str], ValueSink | None]
"""conn id -> that member's second consumer (the tag bus), or None."""


class MemberOutput:
    """One member's view of the group's output: each message tagged with its id.

    Duck-types `protocol.Output`; the refresh flag is the member's own, so one member's
    full refresh does not take another's turn.
    """

    def __init__(self, shared: Sink, conn_id: str) -> None:
        self._shared = shared
        self.conn_id = conn_id
        self.dropped_tags = 0
        self.needs_refresh = False

    def send(self, message: dict[str, Any]) -> None:
        """Send `message` tagged `"c": <conn id>` through the shared output."""
        if message.get("t") != "tags":
            self._shared.send({**message, "c": self.conn_id})
            return
        dropped, self._shared.needs_refresh = self._shared.dropped_tags, False
        self._shared.send({**message, "c": self.conn_id})
        if self._shared.needs_refresh:
            self.needs_refresh = True
        self.dropped_tags += self._shared.dropped_tags - dropped

    def backlog(self) -> int:
        """The shared output's backlog."""
        return self._shared.backlog()


class GroupWorker:
    """Runs the members of group `name` until `stop`; `run()` returns the exit code."""

    def __init__(
        self,
        name: str,
        source: ConfigSource,
        output: Sink,
        *,
        full_refresh_s: float = FULL_REFRESH_S,
        stats_interval_s: float = 1.0,
        make_sink: MakeSink | None = None,
    ) -> None:
        self.name = name
        self.source = source
        self.output = output
        self.full_refresh_s = full_refresh_s
        self.stats_interval_s = stats_interval_s
        self.make_sink = make_sink
        self.members: dict[str, Worker] = {}
        self.exit_code = EXIT_OK
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._leaving: set[str] = set()
        self._stopping = False
        self._stopped = asyncio.Event()

    # ---- commands -------------------------------------------------------------------

    def handle_command(self, command: dict[str, Any]) -> None:
        """Route one command to its member (`"c"`), or act on the whole group."""
        conn_id = command.get("c")
        if isinstance(conn_id, str):
            self._member_command(conn_id, command)
            return
        name = command.get("cmd")
        if name == "stop":
            self.request_stop(EXIT_OK)
        elif name == "reload":
            self.sync()
        elif name == "refresh":
            for worker in list(self.members.values()):
                worker.send_full_refresh()
        else:
            self.log("warning", f"unknown group command {name!r}")

    def _member_command(self, conn_id: str, command: dict[str, Any]) -> None:
        worker = self.members.get(conn_id)
        name = command.get("cmd")
        if name == "stop":
            if worker is not None:
                self._leaving.add(conn_id)
                worker.request_stop(EXIT_OK)
        elif worker is not None:
            worker.handle_command(command)
        elif name == "reload":
            self._add(conn_id)
        elif name in ("write", "read"):
            reply = "written" if name == "write" else "read"
            why = f"connection {conn_id!r} does not run in group {self.name!r}"
            message = {"t": reply, "c": conn_id, "id": str(command.get("id", "")), "ok": False}
            message.update({"outcome": "failed"} if name == "write" else {})
            self.output.send({**message, "error": why})
        else:
            self.log("warning", f"{name!r} for {conn_id!r}, not a member of this group")

    def request_stop(self, exit_code: int = EXIT_OK) -> None:
        """Stop every member, then leave `run()` with `exit_code`."""
        if not self._stopping:
            self.exit_code = exit_code
        self._stopping = True
        for worker in list(self.members.values()):
            worker.request_stop(EXIT_OK)
        self._stopped.set()

    def log(self, level: str, msg: str) -> None:
        """A `log` message of the group itself (no `"c"`)."""
        self.output.send({"t": "log", "level": level, "msg": msg})

    def on_engine_attached(self) -> None:
        """An engine (re)attached: every member's figures and tags as of now."""
        for worker in list(self.members.values()):
            worker.on_engine_attached()

    # ---- members --------------------------------------------------------------------

    def sync(self) -> None:
        """Add the members the source now names, drop the ones it no longer does, and
        reload the others (an unchanged one carries on untouched)."""
        wanted = self.source.group_members(self.name)
        if wanted is None:
            self.log("warning", f"group {self.name!r}: cannot read the configuration")
            return
        for conn_id in [c for c in self.members if c not in wanted]:
            self._member_command(conn_id, {"cmd": "stop"})
        for conn_id in wanted:
            self._member_command(conn_id, {"cmd": "reload"})

    def _add(self, conn_id: str) -> None:
        if self._stopping or conn_id in self._tasks:
            return
        self.members[conn_id] = self._new_worker(conn_id)
        self._tasks[conn_id] = asyncio.create_task(self._run_member(conn_id), name=conn_id)

    def _new_worker(self, conn_id: str) -> Worker:
        config, problems = self.source.load_id(conn_id)
        return Worker(
            config,
            problems,
            MemberOutput(self.output, conn_id),
            full_refresh_s=self.full_refresh_s,
            stats_interval_s=self.stats_interval_s,
            reload_source=lambda: self.source.load_id(conn_id),
            sink=self.make_sink(conn_id) if self.make_sink is not None else None,
            phase=phase_of(conn_id),
        )

    async def _run_member(self, conn_id: str) -> None:
        """Run one member; a new endpoint (EXIT_RESTART) starts it again, in place."""
        try:
            while True:
                code = await self.members[conn_id].run()
                if code != EXIT_RESTART or conn_id in self._leaving or self._stopping:
                    break
                self.members[conn_id] = self._new_worker(conn_id)
        except Exception as exc:  # one member's bug must not end the others
            self.log("error", f"connection {conn_id!r} failed: {type(exc).__name__}: {exc}")
        finally:
            self.members.pop(conn_id, None)
            self._tasks.pop(conn_id, None)
            self._leaving.discard(conn_id)

    # ---- the run loop ----------------------------------------------------------------

    async def run(self) -> int:
        """Run the members the source names until stopped; returns the exit code."""
        self.sync()
        await self._stopped.wait()
        while self._tasks:
            await asyncio.wait(list(self._tasks.values()))
        self.output.send({"t": "state", "state": "STOPPED", "exitCode": self.exit_code})
        return self.exit_code
