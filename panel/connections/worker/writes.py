"""The worker's write queue: every write is answered exactly once with what happened.

- done: the device confirmed it;
- failed: it was not applied (refused, a bad value, or still queued when its
  `timeoutMs` ran out: then it leaves the queue and is never sent);
- unknown: the request went out and the answer never came (the link dropped or the
  device stayed silent). The device may have applied it; it is never sent again.

A write whose link is lost before its request goes out stays queued for the next link
(until its deadline). Drivers call `sending()` right before each request that writes,
which is how the queue tells "not sent" from "sent, outcome unknown".
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from panel.connections.worker.drivers.base import (
    ConnectionLost,
    Driver,
    WriteFailed,
    WriteItem,
    WriteUnknown,
)

DONE, FAILED, UNKNOWN = "done", "failed", "unknown"
DROPPED_AFTER_SENDING = "unknown: the connection dropped after sending"
NO_ANSWER_AFTER_SENDING = "unknown: no answer from the device after sending"
NOT_RESENT = "the device may have applied it; it is not sent again"

Reply = Callable[[dict[str, Any]], None]
Resolve = Callable[[str, Any], WriteItem]


@dataclass
class PendingWrite:
    """A write command waiting for (or on) the link: tag names and values, in order."""

    id: str
    values: list[tuple[str, Any]]
    timeout_s: float | None = None
    sends: int = 0
    """Requests that went out for this write (0: nothing reached the device)."""
    answered: bool = False
    expiry: asyncio.TimerHandle | None = field(default=None, repr=False)


class WriteQueue:
    """Writes in order, across reconnects; each one answered once through `reply`."""

    def __init__(self, reply: Reply, limit: int) -> None:
        self._reply = reply
        self._limit = limit
        self._queue: deque[PendingWrite] = deque()
        self._ready = asyncio.Event()
        self._current: tuple[PendingWrite, asyncio.Task[tuple[str, str | None] | None]] | None
        self._current = None

    def __len__(self) -> int:
        return len(self._queue)

    def put(self, pending: PendingWrite) -> None:
        """Queue a write (refused when `limit` wait already); its deadline starts now."""
        if len(self._queue) >= self._limit:
            self.answer(pending, FAILED, f"{self._limit} writes already queued")
            return
        if pending.timeout_s is not None:
            loop = asyncio.get_running_loop()
            pending.expiry = loop.call_later(pending.timeout_s, self._expire, pending)
        self._queue.append(pending)
        self._ready.set()

    def answer(
        self, pending: PendingWrite, outcome: str, error: str | None, *, expired: bool = False
    ) -> None:
        """Send the one answer of `pending` and forget it."""
        if pending.answered:
            return
        pending.answered = True
        if pending.expiry is not None:
            pending.expiry.cancel()
        if pending in self._queue:
            self._queue.remove(pending)
        message: dict[str, Any] = {
            "t": "written",
            "id": pending.id,
            "ok": outcome == DONE,
            "outcome": outcome,
        }
        if error is not None:
            message["error"] = error
        if expired:
            message["expired"] = True
        self._reply(message)

    def _expire(self, pending: PendingWrite) -> None:
        """The deadline passed: a write not sent yet leaves the queue for good."""
        if pending.answered or pending.sends:
            return  # on the wire: the device's answer (or its absence) decides
        current = self._current
        if current is not None and current[0] is pending:
            current[1].cancel()  # it waits for the link (a lock, a type read): not sent
        seconds = f"{pending.timeout_s:g}"
        self.answer(
            pending,
            FAILED,
            f"not sent: still queued after {seconds} s (the connection is down or busy);"
            " dropped, it will not be sent",
            expired=True,
        )

    def stop_all(self, reason: str) -> None:
        """Answer every write still queued (the worker stops)."""
        for pending in list(self._queue):
            self.answer(pending, FAILED, f"not sent: {reason}")

    async def run(self, driver: Driver, resolve: Resolve) -> None:
        """Send queued writes on `driver` until its link is lost (or this task is cancelled)."""
        while True:
            while not self._queue:
                self._ready.clear()
                await self._ready.wait()
            pending = self._queue[0]
            attempt = asyncio.create_task(self._attempt(driver, pending, resolve))
            self._current = (pending, attempt)
            try:
                await asyncio.wait([attempt])
            except asyncio.CancelledError:
                finished = attempt.done() and not attempt.cancelled()
                result = attempt.result() if finished else None
                attempt.cancel()
                if result is not None:
                    self.answer(pending, *result)  # it had just ended: say how
                elif pending.sends:
                    self.answer(pending, UNKNOWN, f"{DROPPED_AFTER_SENDING}; {NOT_RESENT}")
                raise
            finally:
                self._current = None
            if attempt.cancelled():
                continue  # expired before it was sent: already answered
            result = attempt.result()
            if result is None:
                return  # the link was lost before sending: it stays queued
            self.answer(pending, *result)

    async def _attempt(
        self, driver: Driver, pending: PendingWrite, resolve: Resolve
    ) -> tuple[str, str | None] | None:
        """(outcome, error) of one try, or None when the link broke before sending."""

        def sending() -> None:
            pending.sends += 1

        try:
            items = [resolve(name, value) for name, value in pending.values]
            await driver.write(items, sending)
        except ConnectionLost as exc:
            driver.mark_lost(str(exc))
            if not pending.sends:
                return None
            return UNKNOWN, f"{DROPPED_AFTER_SENDING} ({exc}); {NOT_RESENT}"
        except WriteUnknown as exc:
            return UNKNOWN, f"{NO_ANSWER_AFTER_SENDING} ({exc}); {NOT_RESENT}"
        except (ValueError, WriteFailed) as exc:
            return FAILED, _partly(pending, str(exc))
        except Exception as exc:  # report, never lose the queue
            reason = f"{type(exc).__name__}: {exc}"
            if pending.sends:
                return UNKNOWN, f"unknown: {reason} after sending; {NOT_RESENT}"
            return FAILED, reason
        return DONE, None


def _partly(pending: PendingWrite, error: str) -> str:
    """A refusal after earlier requests of the same write were applied says so."""
    if pending.sends > 1:
        return f"{error} (the earlier requests of this write were applied)"
    return error
