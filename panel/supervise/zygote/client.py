"""`Zygote`: the panel's end of one zygote process (start, ask for children, hear exits)."""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier, Signal

from panel.supervise.zygote.child import ForkedChild
from panel.supervise.zygote.protocol import encode, receive
from panel.util.paths import panel_argv

log = logging.getLogger("panel.supervise.zygote")

IN_FLIGHT = 16
"""Requests sent to a zygote and not answered yet, at most (the rest wait in order)."""
FAILED_STARTS_TO_GIVE_UP = 3
"""A zygote that dies this many times in a row before it is ready is not started again
(children are then spawned the ordinary way)."""

_tokens = itertools.count(1)


def fork_is_safe() -> bool:
    """True where a zygote may be used: Linux (fork, pidfds, SCM_RIGHTS)."""
    return sys.platform.startswith("linux") and hasattr(os, "pidfd_open")


class _Connection:
    """One zygote process and its socket (its notifier belongs to the `Zygote`)."""

    def __init__(self, owner: Zygote, argv: list[str]) -> None:
        self.owner = owner
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock = ours
        self.ready = False
        self.stale = False
        self.pid: int | None = None
        self.version: str | None = None
        self.sent: dict[int, ForkedChild] = {}
        self.forked: dict[int, ForkedChild] = {}
        try:
            self.proc: subprocess.Popen[bytes] | None = subprocess.Popen(
                [*argv, "--fd", str(theirs.fileno()), "--parent", str(os.getpid())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        finally:
            theirs.close()
        ours.setblocking(False)
        self.notifier = QSocketNotifier(ours.fileno(), QSocketNotifier.Type.Read, owner)
        self.notifier.activated.connect(self._on_readable)
        self.alive = True

    def send(self, token: int, child: ForkedChild) -> bool | None:
        """Send one request: True when sent, None when the socket is full (try again
        after an answer), False when it failed."""
        request, fds = child.request()
        request["spawn"] = token
        try:
            socket.send_fds(self.sock, [encode(request)], fds)
        except BlockingIOError:
            return None
        except OSError as exc:
            log.warning("zygote %s: cannot send a request: %s", self.owner.family, exc)
            return False
        self.sent[token] = child
        return True

    def _on_readable(self) -> None:
        while self.alive:
            try:
                message, fds, eof = receive(self.sock)
            except BlockingIOError:
                return
            except OSError:
                eof, message, fds = True, None, []
            for fd in fds:
                os.close(fd)
            if eof:
                self.close()
                return
            if message is not None:
                self.owner.on_message(self, message)

    def close(self) -> None:
        """Hang up (the zygote exits) and reap it; its children carry on."""
        if not self.alive:
            return
        self.alive = False
        self.notifier.setEnabled(False)
        self.notifier.deleteLater()
        self.sock.close()
        if self.proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=2)
            if self.proc.returncode is None:
                self.proc.kill()
                self.proc.wait()
        self.owner.on_gone(self)


class Zygote(QObject):
    """Runs the zygote of one child family (``opspanel worker zygote --family F``) and
    hands it `ForkedChild` requests.

    The zygote is started on the first request and again after it died (a child in
    flight then fails to start and its owner retries); after
    `FAILED_STARTS_TO_GIVE_UP` deaths before it was ready, `available` turns False and
    owners spawn their children the ordinary way. A zygote that finds the panel's code
    changed answers ``stale``: a new one is started for the request, and the old one
    still reports its children's ends until the last is gone.
    """

    sig_restarted = Signal(str)
    """(why) a new zygote process was started in place of an earlier one."""

    def __init__(
        self,
        family: str,
        parent: QObject | None = None,
        argv: Callable[[], list[str]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.family = family
        self._argv = argv or (lambda: panel_argv("worker", "zygote", "--family", family))
        self._current: _Connection | None = None
        self._retiring: list[_Connection] = []
        self._queue: list[tuple[int, ForkedChild]] = []
        self._failed_starts = 0
        self._closed = False
        self.starts = 0
        """How many zygote processes were started."""

    @property
    def available(self) -> bool:
        """False once the zygote kept dying before it was ready (or after `close`)."""
        return not self._closed and self._failed_starts < FAILED_STARTS_TO_GIVE_UP

    @property
    def pid(self) -> int | None:
        """The pid of the zygote that takes requests now, None if none runs."""
        conn = self._current
        return conn.proc.pid if conn is not None and conn.proc is not None else None

    @property
    def version(self) -> str | None:
        """The code version the running zygote reported."""
        return self._current.version if self._current is not None else None

    def child(self, parent: QObject | None = None) -> ForkedChild:
        """A new child to be forked by this zygote (started with its `start()`)."""
        return ForkedChild(self, parent)

    def start(self) -> None:
        """Start the zygote now rather than at the first request."""
        if self._current is None and self.available:
            self.starts += 1
            self._current = _Connection(self, self._argv())

    def launch(self, child: ForkedChild) -> None:
        """Ask for `child` (ForkedChild.start calls this)."""
        if not self.available:
            child.on_failed(f"the {self.family} zygote is not available")
            return
        self._queue.append((next(_tokens), child))
        self.start()
        self._send_queue()

    def knows(self, child: ForkedChild) -> bool:
        """True while a live zygote will tell `child`'s exit status."""
        return any(child in c.forked.values() and c.alive for c in self._all())

    def forget(self, child: ForkedChild) -> None:
        """`child` is finished."""
        for conn in self._all():
            for pid, known in list(conn.forked.items()):
                if known is child:
                    del conn.forked[pid]

    def close(self) -> None:
        """Stop the zygote (its children keep running) and start no other."""
        self._closed = True
        for conn in self._all():
            conn.close()
        for _token, child in self._queue:
            child.on_failed("the engine is stopping")
        self._queue.clear()

    # ------------------------------------------------------------ from the zygote

    def on_message(self, conn: _Connection, message: dict[str, object]) -> None:
        """One message of `conn`'s zygote."""
        if "ready" in message:
            conn.ready = True
            conn.pid = int(str(message["ready"]))
            conn.version = str(message.get("version"))
            self._failed_starts = 0
            self._send_queue()
        elif "spawned" in message:
            child = conn.sent.pop(_int(message.get("token")), None)
            if child is not None:
                pid = _int(message["spawned"])
                conn.forked[pid] = child
                child.on_spawned(pid)
            self._send_queue()
        elif "exited" in message:
            child = conn.forked.pop(_int(message["exited"]), None)
            if child is not None:
                child.on_exited(_int(message.get("code")), _int(message.get("signal")))
        elif "failed" in message:
            child = conn.sent.pop(_int(message.get("failed")), None)
            if child is not None:
                child.on_failed(str(message.get("error")))
            self._send_queue()
        elif "stale" in message:
            self._on_stale(conn, _int(message["stale"]))

    def _on_stale(self, conn: _Connection, token: int) -> None:
        child = conn.sent.pop(token, None)
        if conn is self._current:
            log.info("zygote %s: the panel's code changed; starting a new zygote", self.family)
            self._retire(conn)
            self.sig_restarted.emit("the panel's code or Python changed")
        if child is not None:
            self._queue.insert(0, (token, child))
        self.start()
        self._send_queue()

    def on_gone(self, conn: _Connection) -> None:
        """`conn`'s zygote hung up or died."""
        if conn is self._current:
            self._current = None
            if not conn.ready:
                self._failed_starts += 1
            if not self._closed:
                code = conn.proc.returncode if conn.proc is not None else None
                log.warning("zygote %s ended (exit code %s)", self.family, code)
        if conn in self._retiring:
            self._retiring.remove(conn)
        for child in conn.sent.values():
            child.on_failed(f"the {self.family} zygote ended")
        conn.sent.clear()
        for child in list(conn.forked.values()):
            child.on_zygote_gone()
        conn.forked.clear()
        if self._queue and not self._closed:
            if self.available:
                self.start()
            else:
                for _token, child in self._queue:
                    child.on_failed(f"the {self.family} zygote cannot start")
                self._queue.clear()

    def _retire(self, conn: _Connection) -> None:
        conn.stale = True
        self._retiring.append(conn)
        self._current = None

    def _send_queue(self) -> None:
        conn = self._current
        if conn is None or not conn.ready:
            return
        while self._queue and len(conn.sent) < IN_FLIGHT:
            token, child = self._queue[0]
            sent = conn.send(token, child)
            if sent is None:
                return  # the socket is full: the next answer sends more
            self._queue.pop(0)
            if not sent:
                child.on_failed(f"the {self.family} zygote did not take the request")

    def _all(self) -> list[_Connection]:
        return [c for c in (self._current, *self._retiring) if c is not None]


def _int(value: object) -> int:
    return value if isinstance(value, int) else int(str(value)) if value is not None else 0
