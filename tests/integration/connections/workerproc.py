"""Run a connection worker as a real child process and read its JSON lines."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Message = dict[str, Any]


class WorkerProc:
    """`python -m panel.connections.worker` on a config file; messages collected by a thread."""

    def __init__(
        self,
        config: dict[str, Any] | None,
        folder: Path,
        *extra: str,
        command: tuple[str, ...] = ("panel.connections.worker",),
    ) -> None:
        """Run on `config` (written to a file in `folder`); None: `extra` says where from.

        `command` follows `python -m`: `("panel", "worker", "connection")` runs the worker as
        the panel starts it (with its bus publisher)."""
        source: list[str] = []
        if config is not None:
            self.path = folder / f"{config.get('id', 'conn')}.json"
            self.path.write_text(json.dumps(config))
            source = ["--conn-id", str(config.get("id", "conn")), "--config-json", str(self.path)]
        argv = [
            sys.executable,
            "-m",
            *command,
            *source,
            "--stats-interval-s",
            "0.25",
            *extra,
        ]
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self.messages: list[Message] = []
        self.arrivals: list[float] = []  # time.time() when each message was read
        self.bad_lines: list[bytes] = []
        self.stderr = b""
        self._cond = threading.Condition()
        self._out = threading.Thread(target=self._read_stdout, daemon=True)
        self._err = threading.Thread(target=self._read_stderr, daemon=True)
        self._out.start()
        self._err.start()

    @property
    def pid(self) -> int:
        """The worker's process id."""
        return self.proc.pid

    def _read_stdout(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                self.bad_lines.append(line)
                continue
            with self._cond:
                self.messages.append(message)
                self.arrivals.append(time.time())
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        self.stderr = self.proc.stderr.read()

    def send(self, command: Message) -> None:
        """Write one command line."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(command).encode() + b"\n")
        self.proc.stdin.flush()

    def wait_for(
        self, predicate: Callable[[Message], bool], timeout: float = 10.0, start: int = 0
    ) -> tuple[int, Message]:
        """The first message from index `start` on that matches; fails after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for index in range(start, len(self.messages)):
                    if predicate(self.messages[index]):
                        return index, self.messages[index]
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (self.proc.poll() is not None and not self._out.is_alive()):
                    break
                self._cond.wait(min(remaining, 0.2))
        raise AssertionError(
            f"no matching message within {timeout} s; last: {self.messages[-5:]}; "
            f"stderr: {self.stderr[-2000:]!r}"
        )

    def wait_state(self, state: str, timeout: float = 10.0, start: int = 0) -> tuple[int, Message]:
        """The first `state` message with that state."""

        def match(message: Message) -> bool:
            return message.get("t") == "state" and message["state"] == state

        return self.wait_for(match, timeout, start)

    def wait_tag(
        self,
        name: str,
        check: Callable[[Message], bool],
        timeout: float = 10.0,
        start: int = 0,
    ) -> tuple[int, Message]:
        """The first tags entry for `name` that satisfies `check`."""
        found: list[Message] = []

        def match(message: Message) -> bool:
            if message.get("t") != "tags":
                return False
            for entry in message["values"]:
                if entry["name"] == name and check(entry):
                    found.append(entry)
                    return True
            return False

        index, _ = self.wait_for(match, timeout, start)
        return index, found[-1]

    def states(self) -> list[str]:
        """Every state reported so far, in order."""
        with self._cond:
            return [m["state"] for m in self.messages if m.get("t") == "state"]

    def stop(self, timeout: float = 10.0) -> int:
        """Ask the worker to stop; returns its exit code (killing it if it hangs)."""
        if self.proc.poll() is None:
            with contextlib.suppress(BrokenPipeError, OSError):
                self.send({"cmd": "stop"})
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            raise
        finally:
            self.close()
        return code

    def close(self) -> None:
        """Kill if still running, and release every pipe."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self._out.join(5)
        self._err.join(5)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
