"""A session runner (`opspanel worker session`) driven directly over its JSON-lines pipes.

Faster than the engine for thousands of commands: requests are sent in batches and
the answers read back in order (a batch's answers fit in the pipe, so nothing blocks).
"""

from __future__ import annotations

import itertools
import json
import subprocess
from pathlib import Path
from typing import IO, Any

from panel.util.paths import panel_argv
from tests.waiting import terminate_tree

BATCH = 100
"""Requests in flight at once: their answers (a few hundred bytes each) fit in a pipe."""


class RunnerProc:
    """One runner of session `session_id` in `workspace` (its folder: `sessions/<id>`)."""

    def __init__(self, workspace: Path, session_id: str) -> None:
        self.proc = subprocess.Popen(
            panel_argv("worker", "session", "--id", session_id, "--workspace", str(workspace)),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.ids = itertools.count(1)
        ready = self._line()
        assert ready["t"] == "ready", ready
        self.folder = Path(ready["folder"])

    @property
    def _stdin(self) -> IO[bytes]:
        assert self.proc.stdin is not None
        return self.proc.stdin

    def _line(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        raw = self.proc.stdout.readline()
        assert raw, f"the runner ended (exit code {self.proc.poll()})"
        message: dict[str, Any] = json.loads(raw)
        return message

    def send(self, command: dict[str, Any]) -> str:
        """Send one command without waiting; its request id."""
        req_id = f"r{next(self.ids)}"
        line = json.dumps({"id": req_id, "command": command}) + "\n"
        self._stdin.write(line.encode("utf-8"))
        self._stdin.flush()
        return req_id

    def answer(self, req_id: str) -> dict[str, Any]:
        """The answer to request `req_id` (the next one: commands run in order)."""
        reply = self._line()
        assert reply["id"] == req_id, reply
        return reply

    def run(self, command: dict[str, Any]) -> dict[str, Any]:
        """One command and its answer."""
        return self.answer(self.send(command))

    def run_many(self, command: dict[str, Any], count: int) -> list[dict[str, Any]]:
        """`command` `count` times, pipelined in batches; the answers in order."""
        replies: list[dict[str, Any]] = []
        while len(replies) < count:
            ids = [self.send(command) for _ in range(min(BATCH, count - len(replies)))]
            replies.extend(self.answer(req_id) for req_id in ids)
        return replies

    def close(self) -> None:
        """End of stdin, then the bounded stop of the whole tree."""
        if self.proc.poll() is None:
            self._stdin.close()
        terminate_tree(self.proc, timeout=10)
        assert self.proc.stdout is not None
        self.proc.stdout.close()
