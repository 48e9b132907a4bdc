"""The worker: runs one connection through its states, its block timers and its writes.

One asyncio loop, one driver (one socket) at a time. Each enabled polled block has its
own drift-free timer task; writes go through one queue that survives reconnects; a
reload with the same endpoint is applied in place.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any

from panel.connections.worker.backoff import Backoff
from panel.connections.worker.config import (
    BlockConfig,
    ConnectionConfig,
    TagConfig,
    parse_connection,
)
from panel.connections.worker.drivers import make_driver
from panel.connections.worker.drivers.base import (
    BAD,
    ConnectionLost,
    Driver,
    TagValue,
    WriteItem,
)
from panel.connections.worker.fsm import State, StateMachine
from panel.connections.worker.protocol import (
    EXIT_OK,
    EXIT_RESTART,
    FULL_REFRESH_S,
    MAX_QUEUED_WRITES,
    Sink,
)
from panel.connections.worker.sink import Answer, ValueSink
from panel.connections.worker.tagcache import TagCache
from panel.connections.worker.timing import BlockStats, PeriodicTimer
from panel.connections.worker.writes import FAILED, PendingWrite, WriteQueue


class Worker:
    """Runs one connection until `stop` (or end of stdin); `run()` returns the exit code."""

    def __init__(
        self,
        config: ConnectionConfig | None,
        problems: list[str],
        output: Sink,
        *,
        full_refresh_s: float = FULL_REFRESH_S,
        stats_interval_s: float = 1.0,
        reload_source: Callable[[], tuple[ConnectionConfig | None, list[str]]] | None = None,
        sink: ValueSink | None = None,
        phase: float = 0.0,
    ) -> None:
        self.config = config
        self.phase = phase
        """Where in each period the block cycles fall after the first (see `PeriodicTimer`)."""
        self.sink = sink
        self.reload_source = reload_source
        self.problems = problems
        self.output = output
        self.full_refresh_s = full_refresh_s
        self.stats_interval_s = stats_interval_s
        self.fsm = StateMachine(self._send_state)
        self.cache = TagCache(config or ConnectionConfig(id=""))
        self.stats: dict[str, BlockStats] = {}
        self._last_stats: dict[str, Any] | None = None
        self.exit_code = EXIT_OK
        self._stopping = False
        self._wake = asyncio.Event()
        self._pending: tuple[ConnectionConfig | None, list[str]] | None = None
        self._writes = WriteQueue(self._send_written, MAX_QUEUED_WRITES)
        self._sink_answers: dict[str, Answer] = {}
        self._sink_writes = 0
        self._driver: Driver | None = None
        self._runners: list[asyncio.Task[None]] = []
        self._generation = 0
        self._side_tasks: set[asyncio.Task[Any]] = set()
        self._backoff = Backoff(0.5, 30.0)

    # ---- commands -------------------------------------------------------------------

    def handle_command(self, command: dict[str, Any]) -> None:
        """Act on one command from the panel (see `protocol`)."""
        name = command.get("cmd")
        if name == "stop":
            self.request_stop(EXIT_OK)
        elif name == "reload":
            self._reload(command)
        elif name == "write":
            self._queue_write(command)
        elif name == "read":
            self._read_now(command)
        elif name == "refresh":
            self.send_full_refresh()
        else:
            self.log("warning", f"unknown command {name!r}")

    def _reload(self, command: dict[str, Any]) -> None:
        """Adopt `config` from the command, else read the configuration source again."""
        if "config" in command:
            pending = parse_connection(command.get("config"))
        elif self.reload_source is not None:
            pending = self.reload_source()
        else:
            self.log("warning", "reload without config, and no configuration source to read")
            return
        if self._pending is None and pending == (self.config, self.problems):
            return  # nothing changed (an adopting engine's check): blocks and counters go on
        self._pending = pending
        self._wake.set()

    def request_stop(self, exit_code: int = EXIT_OK) -> None:
        """Leave the run loop soon with `exit_code`."""
        if not self._stopping:
            self.exit_code = exit_code
        self._stopping = True
        self._wake.set()

    def log(self, level: str, msg: str) -> None:
        """Send a `log` message to the panel."""
        self.output.send({"t": "log", "level": level, "msg": msg})

    def on_engine_attached(self) -> None:
        """An engine (re)attached: the figures as of now, then every tag's last state."""
        self._last_stats = None
        self._send_stats()
        self.send_full_refresh()

    def send_full_refresh(self) -> None:
        """Send every tag's last state in one `tags` message marked full."""
        self.output.needs_refresh = False
        self.output.send({"t": "tags", "values": self.cache.snapshot(), "full": True})

    # ---- the outer loop: configuration, error, idle --------------------------------------

    async def run(self) -> int:
        """Run until stopped; returns the process exit code."""
        if self.sink is not None:
            if self.config is not None:
                self.sink.configure(self.config)
            self.sink.bind(self)
        stats_task = asyncio.create_task(self._stats_loop(), name="stats")
        try:
            while not self._stopping:
                self._adopt_pending()
                self.fsm.enter(State.CONFIGURE)
                if self.problems or self.config is None:
                    problems = self.problems or ["$: no configuration"]
                    reason = f"invalid configuration: {problems[0]}"
                    self.fsm.enter(State.ERROR, reason, problems=problems)
                    await self._sleep_until_woken()
                elif not self.config.enabled:
                    self.fsm.enter(State.IDLE, "connection disabled")
                    await self._sleep_until_woken()
                else:
                    await self._session(self.config)
        finally:
            stats_task.cancel()
            await self._shutdown()
        return self.exit_code

    def _adopt_pending(self) -> None:
        if self._pending is not None:
            config, problems = self._pending
            self._pending = None
            self.config, self.problems = config, problems
            if config is not None:
                self._configure(config)
            self.stats.clear()
        self._backoff = Backoff(
            (self.config.reconnect_min_ms if self.config else 500) / 1000.0,
            (self.config.reconnect_max_ms if self.config else 30000) / 1000.0,
        )

    async def _sleep_until_woken(self, timeout: float | None = None) -> None:
        """Wait for a stop or a reload (or `timeout` seconds)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)
        if not self._stopping:
            self._wake.clear()

    async def _shutdown(self) -> None:
        await self._stop_runners()
        for task in list(self._side_tasks):
            task.cancel()
        if self._driver is not None:
            with contextlib.suppress(Exception):
                await self._driver.close()
            self._driver = None
        self._writes.stop_all("the worker stopped first")
        self.fsm.enter(State.STOPPED, None, exitCode=self.exit_code)
        self._send_stats()
        if self.sink is not None:
            self.sink.close()

    # ---- the linked session: CONNECT / EXECUTE / RECONNECT ------------------------------

    def _pending_needs_restart(self) -> bool:
        if self._pending is None or self.config is None:
            return False
        new_config = self._pending[0]
        return new_config is not None and new_config.endpoint_key() != self.config.endpoint_key()

    def _take_pending_in_place(self) -> bool:
        """Apply a pending reload without a new link; False when the session must end."""
        if self._pending is None:
            return True
        if self._pending_needs_restart():
            self.log("info", "endpoint changed: restarting the worker")
            self.request_stop(EXIT_RESTART)
            return False
        config, problems = self._pending
        self._pending = None
        self.config, self.problems = config, problems
        if problems or config is None or not config.enabled:
            return False
        self._configure(config)
        self.stats.clear()
        return True

    async def _session(self, config: ConnectionConfig) -> None:
        self.fsm.enter(State.CONNECT, f"{self._where(config)}")
        while not self._stopping:
            self._wake.clear()
            if not self._take_pending_in_place():
                return
            assert self.config is not None
            try:
                driver = make_driver(self.config, self.log)
            except NotImplementedError as exc:
                self.problems = [str(exc)]
                return
            self._driver = driver
            try:
                await driver.connect()
            except (ConnectionLost, OSError) as exc:
                reason = str(exc) or type(exc).__name__
            else:
                self.fsm.enter(State.EXECUTE, None)
                reason_or_none = await self._execute(driver)
                if reason_or_none is None:
                    await self._close_driver()
                    return
                reason = reason_or_none
            await self._close_driver()
            self._publish(self.cache.all_bad(reason))
            if self.sink is not None:
                self.sink.link_lost(reason)
            delay = self._backoff.next_delay()
            self.fsm.enter(
                State.RECONNECT,
                reason,
                attempt=self._backoff.attempt,
                retryInMs=round(delay * 1000),
            )
            await self._sleep_until_woken(delay)

    async def _close_driver(self) -> None:
        driver, self._driver = self._driver, None
        if driver is not None:
            await driver.close()

    @staticmethod
    def _where(config: ConnectionConfig) -> str:
        if config.driver == "opcua":
            return str(config.endpoint)
        return f"{config.host}:{config.port} unit {config.unit_id}"

    async def _execute(self, driver: Driver) -> str | None:
        """Serve the link until it is lost (returns why) or the session ends (None)."""
        writer = asyncio.create_task(self._writes.run(driver, self._write_item), name="writes")
        try:
            if not await self._start_blocks(driver):
                return driver.lost_reason
            self.send_full_refresh()
            while True:
                await self._wait_lost_or_woken(driver)
                if driver.lost.is_set():
                    return driver.lost_reason or "connection lost"
                self._wake.clear()
                if self._stopping:
                    return None
                if self._pending is not None:
                    await self._stop_runners()
                    await driver.stop_subscriptions()
                    if not self._take_pending_in_place():
                        return None
                    assert self.config is not None
                    driver.configure(self.config)
                    if not await self._start_blocks(driver):
                        return driver.lost_reason
                    self.log("info", "configuration reloaded in place")
                    self.send_full_refresh()
        finally:
            writer.cancel()
            await self._stop_runners()
            await asyncio.wait([writer], timeout=2.0)

    async def _wait_lost_or_woken(self, driver: Driver) -> None:
        lost = asyncio.create_task(driver.lost.wait())
        woken = asyncio.create_task(self._wake.wait())
        try:
            await asyncio.wait({lost, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            lost.cancel()
            woken.cancel()

    async def _start_blocks(self, driver: Driver) -> bool:
        assert self.config is not None
        blocks = [b for b in self.config.blocks if b.enabled]
        subscribed = [b for b in blocks if b.kind == "subscribe"]
        try:
            if subscribed:
                await driver.start_subscriptions(subscribed, self._on_values)
        except ConnectionLost as exc:
            driver.mark_lost(str(exc))
            return False
        for block in blocks:
            self.stats.setdefault(block.name, BlockStats(block.name))
            if block.kind != "subscribe" and block.period_ms is not None:
                task = asyncio.create_task(self._run_block(driver, block), name=block.name)
                self._runners.append(task)
        return True

    async def _stop_runners(self) -> None:
        """Cancel the block tasks; bounded, since a cancellation can be swallowed.

        (Python 3.11's asyncio.wait_for may drop a cancellation that races with a
        completing request; the runners also stop on their own `_generation` check.)
        """
        runners, self._runners = self._runners, []
        self._generation += 1
        for _ in range(10):
            pending = [task for task in runners if not task.done()]
            if not pending:
                break
            for task in pending:
                task.cancel()
            await asyncio.wait(pending, timeout=0.2)
        for task in runners:
            if task.done() and not task.cancelled():
                task.exception()  # retrieved: a crashed runner must not warn at exit

    async def _run_block(self, driver: Driver, block: BlockConfig) -> None:
        stats = self.stats[block.name]
        timer = PeriodicTimer((block.period_ms or 0) / 1000.0, stats, self.phase)
        generation = self._generation
        while generation == self._generation:
            await timer.wait()
            if generation != self._generation or not await self._cycle(driver, block, stats):
                return

    async def _cycle(self, driver: Driver, block: BlockConfig, stats: BlockStats) -> bool:
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            values = await driver.read_block(block, stats)
        except ConnectionLost as exc:
            driver.mark_lost(str(exc))
            return False
        except Exception as exc:  # a driver bug must not kill the block timer
            stats.errors += 1
            reason = f"read failed: {type(exc).__name__}: {exc}"
            values = [TagValue(t.name, None, BAD, time.time(), reason) for t in block.tags]
        stats.cycles += 1
        stats.last_cycle_ms = (loop.time() - started) * 1000.0
        self._backoff.reset()
        self._publish(self.cache.changes(values))
        if self.sink is not None:
            self.sink.samples(block.name, values)
        return True

    def _on_values(self, values: list[TagValue]) -> None:
        self._publish(self.cache.changes(values))
        if self.sink is not None:
            self.sink.samples(None, values)

    def _publish(self, entries: list[dict[str, Any]]) -> None:
        if entries:
            self.output.send({"t": "tags", "values": entries})

    # ---- on-demand reads ------------------------------------------------------------

    def _read_now(self, command: dict[str, Any]) -> None:
        request_id = str(command.get("id", ""))
        block = self._block(str(command.get("block", "")))
        driver = self._driver
        if block is None:
            self._reply("read", request_id, f"unknown block {command.get('block')!r}")
        elif driver is None or self.fsm.state is not State.EXECUTE:
            self._reply("read", request_id, f"not connected ({self.fsm.state})")
        else:
            stats = self.stats.setdefault(block.name, BlockStats(block.name))
            task = asyncio.create_task(self._read_once(driver, block, stats, request_id))
            self._side_tasks.add(task)
            task.add_done_callback(self._side_tasks.discard)

    async def _read_once(
        self, driver: Driver, block: BlockConfig, stats: BlockStats, request_id: str
    ) -> None:
        ok = await self._cycle(driver, block, stats)
        self._reply("read", request_id, None if ok else "connection lost")

    def _block(self, name: str) -> BlockConfig | None:
        if self.config is None:
            return None
        return next((b for b in self.config.blocks if b.name == name), None)

    # ---- writes ------------------------------------------------------------------------

    def _queue_write(self, command: dict[str, Any]) -> None:
        pending = PendingWrite(str(command.get("id", "")), [], _timeout_s(command))
        if "values" in command and isinstance(command["values"], dict):
            pending.values = list(command["values"].items())
        elif isinstance(command.get("tag"), str):
            pending.values = [(command["tag"], command.get("value"))]
        else:
            self._writes.answer(pending, FAILED, 'a write needs "tag" and "value", or "values"')
            return
        for name, _ in pending.values:
            found = self._tag(name)
            if found is None:
                self._writes.answer(pending, FAILED, f"unknown tag {name!r}")
                return
            if not found[1].writable:
                self._writes.answer(pending, FAILED, f"tag {name!r} is not writable")
                return
        self._writes.put(pending)

    def submit_write(self, tag: str, value: Any, timeout_s: float | None, answer: Answer) -> None:
        """A write from the sink (the bus): queued like the panel's, answered to `answer`."""
        self._sink_writes += 1
        request_id = f"sink-{self._sink_writes}"
        self._sink_answers[request_id] = answer
        command: dict[str, Any] = {"id": request_id, "tag": tag, "value": value}
        if timeout_s is not None:
            command["timeoutMs"] = timeout_s * 1000.0
        self._queue_write(command)

    def _send_written(self, message: dict[str, Any]) -> None:
        """A write's one answer: to the sink that asked for it, else to the panel."""
        answer = self._sink_answers.pop(str(message.get("id")), None)
        if answer is not None:
            answer(message)
        else:
            self.output.send(message)

    def _send_state(self, message: dict[str, Any]) -> None:
        self.output.send(message)
        if self.sink is not None:
            self.sink.state(str(message["state"]), message.get("reason"))

    def _configure(self, config: ConnectionConfig) -> None:
        self.cache.configure(config)
        if self.sink is not None:
            self.sink.configure(config)

    def _tag(self, name: str) -> tuple[BlockConfig, TagConfig] | None:
        if self.config is None:
            return None
        return next(((b, t) for b, t in self.config.all_tags() if t.name == name), None)

    def _write_item(self, name: str, value: Any) -> WriteItem:
        found = self._tag(name)
        if found is None:
            raise ValueError(f"tag {name!r} is no longer configured")
        return found[0], found[1], value

    def _reply(self, kind: str, request_id: str, error: str | None) -> None:
        message: dict[str, Any] = {"t": kind, "id": request_id, "ok": error is None}
        if error is not None:
            message["error"] = error
        self.output.send(message)

    # ---- stats and refreshes -------------------------------------------------------

    async def _stats_loop(self) -> None:
        loop = asyncio.get_running_loop()
        next_refresh = loop.time() + self.full_refresh_s
        while True:
            await asyncio.sleep(self.stats_interval_s)
            self._send_stats()
            now = loop.time()
            drained = self.output.needs_refresh and self.output.backlog() == 0
            if now >= next_refresh or drained:
                next_refresh = now + self.full_refresh_s
                if self.fsm.state is State.EXECUTE:
                    self.send_full_refresh()

    def _send_stats(self) -> None:
        """The stats message, when it says something the last one did not."""
        message = {
            "t": "stats",
            "state": str(self.fsm.state),
            "queuedWrites": len(self._writes),
            "droppedTags": self.output.dropped_tags,
            "blocks": [s.as_json() for s in self.stats.values()],
        }
        bus = self.sink.stats() if self.sink is not None else None
        if bus is not None:
            message["bus"] = bus
        if message != self._last_stats:  # a worker waiting for its device has nothing new
            self._last_stats = message
            self.output.send(message)


def _timeout_s(command: dict[str, Any]) -> float | None:
    """The write's deadline in seconds (`timeoutMs`), None for none."""
    timeout_ms = command.get("timeoutMs")
    if isinstance(timeout_ms, int | float) and not isinstance(timeout_ms, bool):
        return max(0.0, float(timeout_ms) / 1000.0)
    return None
