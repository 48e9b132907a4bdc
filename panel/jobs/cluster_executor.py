"""The `celery` executor: runs handed to `opspanel cluster-worker`s through a Redis broker.

Two threads of its own keep the engine's thread free of network waits. The
dispatcher publishes each run as a Celery task (retried every `RETRY_S` while the
broker cannot be reached, the run `queued` with the reason, until
`dispatchTimeoutS`). The reader follows the runs' Redis Streams (see
`panel.cluster.protocol`) with one blocking XREAD for all of them and checks the
heartbeat of every started run: one whose worker died ends as `worker lost`.
Events reach the engine's thread in batches through a queued Qt signal.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

from panel.cluster import protocol
from panel.jobs.executor import ExecutorListener

log = logging.getLogger("panel.jobs.cluster")

RETRY_S = 1.0
"""How soon a dispatch that failed (broker unreachable) is tried again."""

READ_BLOCK_MS = 5
"""The longest one XREAD waits: a run just dispatched joins the read after at most this
(a run's `started` entry is its dispatch latency), at ~200 short reads/s while runs go on."""

ALIVE_CHECK_S = 1.0
"""How often the heartbeats of the started runs are checked."""

LOST_AFTER = 2
"""Heartbeat checks in a row without a heartbeat before a run's worker counts as lost."""

REASON_DISPATCH_FAILED = "dispatch failed"


@dataclass(eq=False)
class CeleryRun:
    """One run in the executor's hands (a `RunHandle`)."""

    run_id: int
    remote_ref: str
    executor: CeleryExecutor
    listener: ExecutorListener
    cursor: str = "0"
    kwargs: dict[str, Any] = field(default_factory=dict)
    dispatched: bool = False
    started: bool = False
    ended: bool = False
    detached: bool = False
    cancel: bool = False
    missed: int = 0
    """Heartbeat checks in a row that found no heartbeat."""
    first_try: float = field(default_factory=time.monotonic)

    def stop(self) -> None:
        """Cancel: the worker stops the whole process group (the run's cancel key)."""
        self.executor._cancel(self)

    def detach(self) -> None:
        """Stop following the run; it goes on in the cluster."""
        self.detached = True
        self.executor._forget(self)


class _Bridge(QObject):
    sig_events = Signal(object)
    """(list of (CeleryRun, kind, tuple)) events from the executor's threads."""


class CeleryExecutor:
    """A named executor of kind `celery` (`executors.<name>` of the workspace)."""

    def __init__(self, name: str, config: Mapping[str, Any]) -> None:
        self.name = name
        self.broker = str(config["broker"])
        self.queue = str(config.get("queue") or protocol.DEFAULT_QUEUE)
        self.dispatch_timeout_s = float(config.get("dispatchTimeoutS", 60))
        self.max_parallel = int(config.get("maxParallel", 64))
        self._bridge = _Bridge()
        self._bridge.sig_events.connect(self._deliver)
        self._outbox: queue.Queue[tuple[str, CeleryRun | None]] = queue.Queue()
        self._watched: dict[str, CeleryRun] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._wake = threading.Event()
        """Set when a run is added to `_watched` (the reader sleeps while there is none)."""
        self._app: Any = None
        self._redis: Any = None
        self._threads: list[threading.Thread] = []

    # -- the engine's side (its thread) -------------------------------------------------

    def launch(
        self,
        run_id: int,
        argv: Sequence[str],
        env: Mapping[str, str],
        cwd: str | None,
        timeout_s: float,
        listener: ExecutorListener,
    ) -> CeleryRun:
        """Publish run `run_id` as a task (from the dispatcher thread); events follow."""
        ref = uuid.uuid4().hex
        kwargs = {
            "ref": ref,
            "argv": list(argv),
            "env": dict(env),
            "cwd": cwd,
            "timeout_s": float(timeout_s),
        }
        handle = CeleryRun(run_id, ref, self, listener, kwargs=kwargs)
        self._ensure_threads()
        self._outbox.put(("dispatch", handle))
        return handle

    def reattach(
        self, run_id: int, remote_ref: str, log_cursor: str | None, listener: ExecutorListener
    ) -> CeleryRun:
        """Follow run `remote_ref` from `log_cursor` (its whole stream when None)."""
        handle = CeleryRun(run_id, remote_ref, self, listener, cursor=log_cursor or "0")
        handle.dispatched = True
        handle.started = handle.cursor != "0"  # a saved cursor is past the `started` entry
        self._ensure_threads()
        with self._lock:
            self._watched[remote_ref] = handle
        self._wake.set()
        return handle

    def close(self) -> None:
        """Stop the threads (the runs go on in the cluster)."""
        self._closed.set()
        self._wake.set()
        self._outbox.put(("stop", None))
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()

    def _cancel(self, handle: CeleryRun) -> None:
        handle.cancel = True
        self._outbox.put(("cancel", handle))

    def _forget(self, handle: CeleryRun) -> None:
        with self._lock:
            self._watched.pop(handle.remote_ref, None)

    def _deliver(self, events: list[tuple[CeleryRun, str, tuple[Any, ...]]]) -> None:
        """On the engine's thread: hand each event to its run's listener, in order."""
        for handle, kind, args in events:
            if handle.detached or handle.ended:
                continue
            listener = handle.listener
            if kind == "output":
                listener.run_output(handle, *args)
            elif kind == "cursor":
                listener.run_cursor(handle, *args)
            elif kind == "started":
                listener.run_started(handle, *args)
            elif kind == "waiting":
                listener.run_waiting(handle, *args)
            elif kind == "ended":
                handle.ended = True
                self._forget(handle)
                listener.run_ended(handle, *args)

    # -- the threads ---------------------------------------------------------------------

    def _ensure_threads(self) -> None:
        if self._threads:
            return
        from panel.cluster.worker import make_app

        self._app = make_app(self.broker, self.queue)
        self._app.conf.update(
            broker_connection_timeout=2,
            broker_connection_retry=False,
            broker_connection_max_retries=0,
            broker_transport_options={
                "socket_connect_timeout": 2,
                "socket_timeout": 5,
                "max_retries": 0,
            },
        )
        import redis

        self._redis = redis.Redis.from_url(self.broker, socket_connect_timeout=2, socket_timeout=5)
        for target, name in ((self._dispatch_loop, "dispatch"), (self._read_loop, "read")):
            thread = threading.Thread(
                target=target, name=f"cluster-{self.name}-{name}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def _emit(self, events: list[tuple[CeleryRun, str, tuple[Any, ...]]]) -> None:
        if events and not self._closed.is_set():
            self._bridge.sig_events.emit(events)

    def _dispatch_loop(self) -> None:
        """Publish runs, send cancels; runs that could not be published are retried."""
        retry: list[CeleryRun] = []
        while not self._closed.is_set():
            try:
                kind, handle = self._outbox.get(timeout=RETRY_S if retry else None)
            except queue.Empty:
                kind, handle = "retry", None
            if kind == "stop":
                return
            if kind == "dispatch" and handle is not None:
                retry.append(handle)
            elif kind == "cancel" and handle is not None:
                self._send_cancel(handle)
            still: list[CeleryRun] = []
            for pending in retry:
                if not self._publish(pending):
                    still.append(pending)
            retry = still

    def _publish(self, handle: CeleryRun) -> bool:
        """Publish one run; False to try it again later."""
        if handle.detached or handle.ended:
            return True
        if handle.cancel:
            self._emit([(handle, "ended", (None, None, protocol.REASON_CANCELLED, "cancelled"))])
            return True
        try:
            self._app.send_task(
                protocol.TASK_NAME,
                kwargs=handle.kwargs,
                task_id=handle.remote_ref,
                queue=self.queue,
                retry=False,
            )
        except Exception as exc:
            reason = f"broker {_safe_url(self.broker)} unreachable: {exc}"
            waited = time.monotonic() - handle.first_try
            if self.dispatch_timeout_s > 0 and waited >= self.dispatch_timeout_s:
                error = f"{reason} (gave up after {self.dispatch_timeout_s:g} s)"
                self._emit([(handle, "ended", (None, None, REASON_DISPATCH_FAILED, error))])
                return True
            self._emit([(handle, "waiting", (reason,))])
            return False
        handle.dispatched = True
        with self._lock:
            self._watched[handle.remote_ref] = handle
        self._wake.set()
        self._emit([(handle, "waiting", (None,))])
        return True

    def _send_cancel(self, handle: CeleryRun) -> None:
        if not handle.dispatched:
            return  # `_publish` ends it as cancelled instead of publishing it
        try:
            self._redis.set(protocol.cancel_key(handle.remote_ref), b"1", ex=protocol.KEEP_STREAM_S)
            self._app.control.revoke(handle.remote_ref)  # a worker that has not taken it skips it
        except Exception as exc:
            log.warning("cluster %s: cancel of run %d not sent: %s", self.name, handle.run_id, exc)
            self._outbox.put(("cancel", handle))
            time.sleep(RETRY_S)
            return
        if not handle.started:
            self._emit([(handle, "ended", (None, None, protocol.REASON_CANCELLED, "cancelled"))])

    def _read_loop(self) -> None:
        """Follow every watched run's stream; check the heartbeats of the started ones."""
        next_check = time.monotonic() + ALIVE_CHECK_S
        failing = False
        while not self._closed.is_set():
            with self._lock:
                streams = {protocol.log_key(h.remote_ref): h for h in self._watched.values()}
            if not streams:
                self._wake.wait(RETRY_S)
                self._wake.clear()
                continue
            try:
                self._read_once(streams)
                if time.monotonic() >= next_check:
                    self._check_alive(list(streams.values()))
                    next_check = time.monotonic() + ALIVE_CHECK_S
            except Exception as exc:
                if not failing:
                    log.warning("cluster %s: cannot read the run logs: %s", self.name, exc)
                failing = True
                self._closed.wait(RETRY_S)
                continue
            if failing:
                log.info("cluster %s: reading the run logs again", self.name)
                failing = False

    def _read_once(self, streams: dict[str, CeleryRun]) -> None:
        answer = self._redis.xread(
            {key: h.cursor for key, h in streams.items()}, block=READ_BLOCK_MS, count=1000
        )
        events: list[tuple[CeleryRun, str, tuple[Any, ...]]] = []
        for key, entries in answer or ():
            handle = streams[key.decode() if isinstance(key, bytes) else key]
            for entry_id, fields in entries:
                events += self._entry_events(handle, protocol.decode_entry(fields))
                handle.cursor = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
            if entries and not handle.ended:
                events.append((handle, "cursor", (handle.cursor,)))
        self._emit(events)

    def _entry_events(
        self, handle: CeleryRun, entry: dict[str, Any]
    ) -> list[tuple[CeleryRun, str, tuple[Any, ...]]]:
        kind = entry["t"]
        if kind == "out":
            return [(handle, "output", (entry["s"], entry["d"]))]
        if kind == "started":
            handle.started = True
            return [(handle, "started", (entry["host"], entry["pid"]))]
        if kind == "ended":
            self._forget(handle)
            return [
                (handle, "cursor", (handle.cursor,)),
                (
                    handle,
                    "ended",
                    (entry["code"], entry["signal"], entry["reason"], entry["error"]),
                ),
            ]
        return []

    def _check_alive(self, handles: list[CeleryRun]) -> None:
        """A run a worker took (started, or claimed and not started yet) whose heartbeat
        is missing on `LOST_AFTER` checks in a row (a worker renews it every second;
        after a Redis restart it may take one to come back) and whose stream has no end
        lost its worker."""
        held = [h for h in handles if h.dispatched]
        if not held:
            return
        pipe = self._redis.pipeline(transaction=False)
        for handle in held:
            pipe.exists(protocol.alive_key(handle.remote_ref))
            if not handle.started:
                pipe.exists(protocol.taken_key(handle.remote_ref))
        answers = iter(pipe.execute())
        lost: list[CeleryRun] = []
        for handle in held:
            alive = next(answers)
            taken = handle.started or next(answers)
            handle.missed = handle.missed + 1 if taken and not alive else 0
            if handle.missed >= LOST_AFTER:
                lost.append(handle)
        if not lost:
            return
        self._read_once({protocol.log_key(h.remote_ref): h for h in lost})  # an end just written
        events: list[tuple[CeleryRun, str, tuple[Any, ...]]] = []
        for handle in lost:
            with self._lock:
                if handle.remote_ref not in self._watched:
                    continue
            self._forget(handle)
            error = "the worker running it stopped answering (killed or cut off)"
            events.append((handle, "ended", (None, None, protocol.REASON_WORKER_LOST, error)))
        self._emit(events)


def _safe_url(url: str) -> str:
    """`url` without its password (for messages and logs)."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.split("@", 1)[1]
    return scheme + sep + rest
