"""The body of the worker's task: run one argv in its own session, stream it to Redis.

The command leads a session of its own (setsid), so its whole tree is one process
group. Its stdout and stderr are read line by line by two threads, each line added
to the run's stream at once. The run ends when the leader has exited AND its group
is empty: a grandchild that keeps the pipes open keeps the run going, and one that
closed them does not end it early. A timeout, a cancel (the run's cancel key) or a
SIGTERM of the task (Celery's `revoke(terminate=True)`) stops the whole group:
SIGTERM, then SIGKILL after `GRACE_S`. Should the worker die, the leader gets
SIGKILL (parent death signal) and the heartbeat key expires.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from typing import IO, Any

from panel.cluster import protocol
from panel.supervise.pdeathsig import set_parent_death_signal

log = logging.getLogger("panel.cluster")

GRACE_S = 2.0
"""From SIGTERM to SIGKILL of a run's group."""

POLL_S = 0.005
"""How often the waiting loop looks at the leader, its group and the clock."""

READ_BYTES = 65536

JOIN_S = 30.0
"""The longest the end waits for the run's output to be read out after its group is gone."""

KEEP_TRYING_S = 120.0
"""How long a worker keeps trying to write a run's entry while Redis cannot be reached."""

RETRY_S = 0.2

CANCEL_EVERY_S = 0.1
"""How often it asks Redis for the run's cancel key."""

REASON_TAKEN = "taken"
"""What the task returns for a copy of a run another worker claimed (nothing written)."""


def run_command(
    client: Any,
    ref: str,
    argv: Sequence[str],
    env: Mapping[str, str],
    cwd: str | None,
    timeout_s: float,
) -> dict[str, Any]:
    """Run `argv` as run `ref`, streaming to `client` (a redis.Redis); returns the end."""
    run = _RemoteRun(client, ref)
    return run.run(list(argv), dict(env), cwd, timeout_s)


class _RemoteRun:
    """One run on this worker: its child, its reader threads and its heartbeat."""

    def __init__(self, client: Any, ref: str) -> None:
        self.client = client
        self.ref = ref
        self.stream = protocol.log_key(ref)
        self.stop_reason: str | None = None
        self._stop_lock = threading.Lock()
        self._write_lock = threading.Lock()

    def add(self, **fields: Any) -> None:
        """Append one entry to the run's stream, in order (one writer at a time). While
        Redis cannot be reached (restarting) it is tried again, for up to `KEEP_TRYING_S`:
        the line waits, and so does the command once its pipe is full."""
        entry = {k: _field(v) for k, v in fields.items()}
        with self._write_lock:
            self._patiently(self.client.xadd, self.stream, entry)

    def _patiently(self, call: Any, *args: Any, **kwargs: Any) -> Any:
        """`call(...)`, tried again every `RETRY_S` while Redis fails, up to `KEEP_TRYING_S`."""
        deadline = time.monotonic() + KEEP_TRYING_S
        while True:
            try:
                return call(*args, **kwargs)
            except Exception as exc:  # redis-py raises several kinds
                if time.monotonic() >= deadline:
                    log.error("run %s: Redis unreachable, entry lost: %s", self.ref, exc)
                    return None
                time.sleep(RETRY_S)

    def run(
        self, argv: list[str], env: dict[str, str], cwd: str | None, timeout_s: float
    ) -> dict[str, Any]:
        if not self._claim():  # a copy of a run another worker took (redelivered)
            log.warning("run %s: taken by another worker already; not run again", self.ref)
            return {"code": None, "signal": None, "reason": REASON_TAKEN, "error": None}
        self._beat()  # from now on the engine watches the heartbeat (no `started` yet)
        if self._asked_to_cancel():  # cancelled before any worker took it: never started
            return self._end(None, None, protocol.REASON_CANCELLED, "cancelled before it started")
        _become_subreaper()
        full_env = {**os.environ, **env}
        try:
            child = subprocess.Popen(
                argv,
                cwd=cwd or None,
                env=full_env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                preexec_fn=_die_with_worker,
            )
        except OSError as exc:
            return self._end(None, None, protocol.REASON_START_FAILED, f"cannot start: {exc}")
        self.add(t="started", host=worker_name(), pid=child.pid)
        readers = [
            threading.Thread(target=self._read, args=(pipe, name), name=f"{name}-{self.ref}")
            for pipe, name in ((child.stdout, "stdout"), (child.stderr, "stderr"))
        ]
        for reader in readers:
            reader.daemon = True
            reader.start()
        previous = signal.signal(signal.SIGTERM, self._on_sigterm)
        try:
            code = self._wait(child, timeout_s)
        finally:
            signal.signal(signal.SIGTERM, previous)
        for reader in readers:
            # The group is gone, so its pipes are at EOF once read out (only a process
            # that left the group could keep one open: not waited for past JOIN_S).
            reader.join(timeout=JOIN_S)
        sig = -code if code is not None and code < 0 else None
        exit_code = None if sig is not None else code
        reason = self.stop_reason or protocol.REASON_EXIT
        return self._end(exit_code, sig, reason, None)

    def _read(self, pipe: IO[bytes] | None, name: str) -> None:
        """Add each line of `pipe` to the stream as it comes; what one read returns goes
        in one round trip (a chatty command is not slowed to one line per round trip)."""
        if pipe is None:
            return
        fd, rest = pipe.fileno(), b""
        with pipe:
            while chunk := os.read(fd, READ_BYTES):
                *lines, rest = (rest + chunk).split(b"\n")
                if len(rest) >= READ_BYTES:  # a very long line goes in pieces
                    lines, rest = [*lines, rest], b""
                    self._add_lines(name, [line + b"\n" for line in lines[:-1]] + lines[-1:])
                elif lines:
                    self._add_lines(name, [line + b"\n" for line in lines])
            if rest:
                self._add_lines(name, [rest])

    def _add_lines(self, name: str, lines: list[bytes]) -> None:
        def send() -> None:
            batch = self.client.pipeline(transaction=False)
            for line in lines:
                batch.xadd(self.stream, {"t": b"out", "s": name.encode(), "d": line})
            batch.execute()

        with self._write_lock:
            self._patiently(send)

    def _wait(self, child: subprocess.Popen[bytes], timeout_s: float) -> int | None:
        """Wait until the leader exited and its group is empty; stop it on a timeout or cancel."""
        deadline = time.monotonic() + timeout_s if timeout_s > 0 else None
        next_beat = time.monotonic() + protocol.ALIVE_EVERY_S
        next_cancel = time.monotonic() + CANCEL_EVERY_S
        killed_at: float | None = None
        code: int | None = None
        while True:
            if code is None:
                code = child.poll()
            if code is not None:
                _reap_group(child.pid)  # orphans of the run came to us (child subreaper)
                if not _group_alive(child.pid):
                    return code
            now = time.monotonic()
            if self.stop_reason is None:
                if deadline is not None and now >= deadline:
                    self._stop(protocol.REASON_TIMEOUT)
                elif now >= next_cancel:
                    next_cancel = now + CANCEL_EVERY_S
                    if self._asked_to_cancel():
                        self._stop(protocol.REASON_CANCELLED)
            if self.stop_reason is not None:
                if killed_at is None:
                    killed_at = now
                    _signal_group(child.pid, signal.SIGTERM)
                elif now - killed_at >= GRACE_S:
                    _signal_group(child.pid, signal.SIGKILL)
            if now >= next_beat:
                self._beat()
                next_beat = now + protocol.ALIVE_EVERY_S
            time.sleep(POLL_S)

    def _on_sigterm(self, _signum: int, _frame: Any) -> None:
        """Celery's revoke(terminate=True): stop the run's whole group, then end as cancelled."""
        self.stop_reason = self.stop_reason or protocol.REASON_CANCELLED

    def _stop(self, reason: str) -> None:
        with self._stop_lock:
            if self.stop_reason is None:
                self.stop_reason = reason

    def _claim(self) -> bool:
        """Claim the run for this worker; False when another one has it."""
        claimed = self._patiently(
            self.client.set,
            protocol.taken_key(self.ref),
            worker_name().encode(),
            nx=True,
            ex=protocol.KEEP_STREAM_S,
        )
        return bool(claimed)

    def _asked_to_cancel(self) -> bool:
        try:
            return bool(self.client.exists(protocol.cancel_key(self.ref)))
        except Exception:  # Redis restarting: asked again next time
            return False

    def _beat(self) -> None:
        with contextlib.suppress(Exception):  # Redis restarting: renewed next time
            self.client.set(protocol.alive_key(self.ref), b"1", px=int(protocol.ALIVE_TTL_S * 1000))

    def _end(
        self, code: int | None, sig: int | None, reason: str, error: str | None
    ) -> dict[str, Any]:
        self.add(t="ended", code=code, signal=sig, reason=reason, error=error)
        self._patiently(self.client.expire, self.stream, protocol.KEEP_STREAM_S)
        self._patiently(
            self.client.delete, protocol.alive_key(self.ref), protocol.cancel_key(self.ref)
        )
        return {"code": code, "signal": sig, "reason": reason, "error": error}


def worker_name() -> str:
    """The name a run shows as where it ran: the worker's node name, else the host name."""
    return os.environ.get(protocol.WORKER_NAME_ENV) or socket.gethostname()


def _field(value: Any) -> bytes:
    if value is None:
        return b""
    if isinstance(value, bytes):
        return value
    return str(value).encode()


def _die_with_worker() -> None:
    """In the child before exec: SIGKILL when the worker process that started it dies."""
    set_parent_death_signal(signal.SIGKILL)


PR_SET_CHILD_SUBREAPER = 36


def _become_subreaper() -> None:
    """Have the run's orphans re-parented to this process, so that it reaps them: a zombie
    is still a member of the group, and the run ends only once its group is empty."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _reap_group(pgid: int) -> None:
    """Reap the exited members of group `pgid` that are our children (after its leader)."""
    while True:
        try:
            pid, _status = os.waitpid(-pgid, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _group_alive(pgid: int) -> bool:
    """True while any process of group `pgid` lives (a zombie leader reaped: not counted)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)
