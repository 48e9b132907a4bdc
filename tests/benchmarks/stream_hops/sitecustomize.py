"""Hop stamps for `bench_session_stream`, loaded into its headless engine alone (the bench
puts this folder on the engine's PYTHONPATH and names a file in STREAM_HOPS_FILE).

For each streamed line (the snippet prints its own wall-clock stamp) two latencies are
written: `in`, when the runner's JSON line reaches the session (`Session._on_output`),
and `out`, when the API's writer takes the notification to send it on the WebSocket
(`_ClientSession._next_text`). Instrumentation only: both wrap the real methods.
"""

from __future__ import annotations

import os
import re
import time
from typing import Any

_FILE = os.environ.get("STREAM_HOPS_FILE")


def _install(path: str) -> None:
    import panel.api.server as server
    import panel.sessions.session as session

    log = open(path, "a", buffering=1)  # noqa: SIM115  (lives as long as the engine)
    runner_stamp = re.compile(rb'"data":"(\d+\.\d+)')
    note_stamp = re.compile(r'"data": ?"(\d+\.\d+)')
    on_output = session.Session._on_output
    next_text = server._ClientSession._next_text

    def stamped_output(self: Any, stream: str, data: bytes) -> None:
        now = time.time()
        for match in runner_stamp.finditer(data):
            log.write(f"in {now - float(match.group(1)):.6f}\n")
        on_output(self, stream, data)

    def stamped_next(self: Any) -> str | None:
        text = next_text(self)
        if text and "session.output" in text and (match := note_stamp.search(text)):
            log.write(f"out {time.time() - float(match.group(1)):.6f}\n")
        return text

    session.Session._on_output = stamped_output  # type: ignore[method-assign]
    server._ClientSession._next_text = stamped_next  # type: ignore[method-assign]


if _FILE:
    _install(_FILE)
