"""The zygote process: import once, `gc.freeze()`, fork a child per request (no Qt).

    opspanel worker zygote --family modbus --fd N

It talks to the engine over the SOCK_SEQPACKET socket `N` (see `protocol`). A spawn
request carries the child's stdin, stdout and stderr; the zygote forks, and the
child leads a new session, takes the three descriptors as 0-2, joins its cgroup
(the request's ``cgroup.procs``, as a spawned child does through the join script),
moves to its folder and environment and runs the family's entry point, then exits
with its code. The zygote reaps each child and says how it ended.

The zygote holds nothing of a child: it closes the passed descriptors once it forked,
and a child is watched by the engine through a pidfd, so the zygote's death ends no
child. It dies with the engine (parent-death signal, and the end of its socket).
Before each fork it compares `code_version()` with the one it started with; when the
panel's code or Python changed it answers ``stale``, forks no more and exits once its
last child is gone.

Single-threaded, and no event loop runs while it forks: the child starts from a
quiet copy. Imported modules and their objects are frozen into the permanent
generation (`gc.freeze`), so a child's collections do not touch, and copy, the
pages it shares with the zygote.
"""

from __future__ import annotations

import contextlib
import gc
import os
import select
import signal
import socket
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from panel.supervise.pdeathsig import set_parent_death_signal
from panel.supervise.zygote.protocol import CHILD_FDS, encode, receive
from panel.supervise.zygote.title import set_command_line
from panel.supervise.zygote.version import code_version

Entry = Callable[[list[str]], int]
"""Runs one child: its argv (as the spawned program would get it) -> exit code."""

JOIN_FAILED = 126
"""Exit code of a child that could not join its cgroup (the join script's too)."""


class ZygoteServer:
    """One zygote: reads requests on `sock`, forks children that run `entry`."""

    def __init__(self, sock: socket.socket, entry: Entry, version: str) -> None:
        self._sock = sock
        self._entry = entry
        self._version = version
        self._children: set[int] = set()
        self._stale = False
        self._open = True
        self._wake_r, self._wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)

    def serve(self) -> int:
        """Answer requests until the engine hangs up (or, once stale, the last child
        ended); returns the zygote's exit code."""
        signal.set_wakeup_fd(self._wake_w, warn_on_full_buffer=False)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        self._send({"ready": os.getpid(), "version": self._version})
        while self._open and not (self._stale and not self._children):
            sock = self._sock.fileno()
            readable, _, _ = select.select([sock, self._wake_r], [], [])
            if self._wake_r in readable:
                with contextlib.suppress(BlockingIOError):
                    os.read(self._wake_r, 512)
            self._reap()
            if sock in readable:
                self._on_request()
        return 0

    def _on_request(self) -> None:
        try:
            message, fds, eof = receive(self._sock)
        except OSError:
            self._open = False
            return
        if eof:
            self._open = False
            return
        try:
            if message is None or "spawn" not in message or len(fds) != CHILD_FDS:
                self._send({"failed": None, "error": "bad request"})
                return
            self._spawn(message, fds)
        finally:
            for fd in fds:
                with contextlib.suppress(OSError):
                    os.close(fd)

    def _spawn(self, request: dict[str, Any], fds: list[int]) -> None:
        token = request["spawn"]
        if self._stale or code_version() != self._version:
            self._stale = True
            self._send({"stale": token})
            return
        settled_r, settled_w = os.pipe2(os.O_CLOEXEC)
        try:
            pid = os.fork()
        except OSError as exc:
            os.close(settled_r)
            os.close(settled_w)
            self._send({"failed": token, "error": f"fork: {exc}"})
            return
        if pid == 0:
            os.close(settled_r)
            self._become_child(request, fds, settled_w)  # never returns
        os.close(settled_w)
        with contextlib.suppress(OSError):
            os.read(settled_r, 1)  # EOF once the child is set up (session, group, title)
        os.close(settled_r)
        self._children.add(pid)
        self._send({"spawned": pid, "token": token})

    def _become_child(self, request: dict[str, Any], fds: list[int], settled: int) -> None:
        code = 1
        try:
            code = self._child_setup(request, fds, settled)
            if code == 0:
                code = self._entry([str(a) for a in request.get("argv", [])])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:  # the child's last word goes to its own stderr
            traceback.print_exc()
            code = 1
        finally:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)

    def _child_setup(self, request: dict[str, Any], fds: list[int], settled: int) -> int:
        signal.set_wakeup_fd(-1)
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # as in any Python program
        self._sock.close()
        os.close(self._wake_r)
        os.close(self._wake_w)
        os.setsid()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)  # dup2 makes 0-2 inheritable
        for fd in fds:
            if fd > 2:
                os.close(fd)
        cgroup = request.get("cgroup")
        if isinstance(cgroup, str) and cgroup:
            try:
                with open(cgroup, "w") as procs:
                    procs.write("0")
            except OSError as exc:
                print(f"opspanel-cgroup: cannot join {cgroup}: {exc}", file=sys.stderr)
                return JOIN_FAILED
        env = request.get("env")
        if isinstance(env, dict):
            os.environ.clear()
            os.environ.update({str(k): str(v) for k, v in env.items()})
        if isinstance(env, dict):  # the old environment strings are free now
            set_command_line([str(a) for a in request.get("argv", [])])
        cwd = request.get("cwd")
        if isinstance(cwd, str) and cwd:
            os.chdir(cwd)
        _reopen_std_streams()
        os.close(settled)  # set up as a spawned child would be: the zygote says "spawned"
        return 0

    def _reap(self) -> None:
        for pid in list(self._children):
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, status = pid, 0
            if done == 0:
                continue
            self._children.discard(pid)
            code = os.waitstatus_to_exitcode(status)
            sig = -code if code < 0 else 0
            self._send({"exited": pid, "code": code, "signal": sig})

    def _send(self, message: dict[str, Any]) -> None:
        if not self._open:
            return
        try:
            self._sock.sendall(encode(message))
        except OSError:
            self._open = False


def _reopen_std_streams() -> None:
    """sys.stdout and sys.stderr over the new 0-2 (unbuffered enough for lines)."""
    sys.stdin = open(0, closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115


def main(argv: Sequence[str], entry: Entry, preload: Callable[[], None]) -> int:
    """`opspanel worker zygote --fd N [--parent PID]`: preload, freeze, serve."""
    import argparse

    parser = argparse.ArgumentParser(prog="opspanel worker zygote")
    parser.add_argument("--family", required=True)
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--parent", type=int, default=None)
    args = parser.parse_args(list(argv))
    set_parent_death_signal(signal.SIGTERM, args.parent)
    sock = socket.socket(fileno=args.fd)
    os.set_inheritable(args.fd, False)
    preload()
    version = code_version()
    gc.collect()
    gc.freeze()
    return ZygoteServer(sock, entry, version).serve()
