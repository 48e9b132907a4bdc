"""A worker waiting for its device repeats no stats message: it says only what changed."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any

from workerproc import WorkerProc

OBSERVE_S = 1.5
"""Six stats intervals (0.25 s) in which a waiting worker has nothing new to say."""


def test_waiting_worker_sends_stats_only_on_change(
    start_worker: Callable[..., WorkerProc],
) -> None:
    with socket.socket() as holder:  # bound and never listening: the device is off
        holder.bind(("127.0.0.1", 0))
        config = {
            "id": "off",
            "driver": "modbus_tcp",
            "host": "127.0.0.1",
            "port": holder.getsockname()[1],
            "reconnectMinMs": 60_000,
            "reconnectMaxMs": 60_000,
            "blocks": [
                {
                    "name": "b",
                    "area": "holding",
                    "start": 0,
                    "count": 1,
                    "periodMs": 100,
                    "tags": [{"name": "a", "offset": 0, "writable": True}],
                }
            ],
        }
        worker = start_worker(config)

        def stats(state: str, queued: int) -> Callable[[dict[str, Any]], bool]:
            return lambda m: (
                m.get("t") == "stats"
                and (m["state"], m["queuedWrites"])
                == (
                    state,
                    queued,
                )
            )

        waiting, _ = worker.wait_for(stats("RECONNECT", 0), timeout=20)
        time.sleep(OBSERVE_S)  # the observation window, not a synchronisation
        worker.send({"cmd": "write", "id": "w1", "tag": "a", "value": 3})
        queued, _ = worker.wait_for(stats("RECONNECT", 1), start=waiting)
        between = [m for m in worker.messages[waiting + 1 : queued] if m.get("t") == "stats"]
        assert between == [], between  # nothing changed: nothing repeated
        assert worker.proc.poll() is None
