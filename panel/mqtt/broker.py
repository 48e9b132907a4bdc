"""`opspanel worker mqtt-broker --workspace DIR`: the embedded MQTT broker (amqtt).

Listens on 127.0.0.1 only, at the port it had before when that port is free (so the
workers' URL stays the same), else at a free one. One account: user `opspanel` and the
password generated once into `mqtt-broker.password` (0600); anonymous clients are
refused. Once listening it writes `mqtt-broker.json` (pid, create time, port, clients,
messages) and refreshes the figures every `STATS_INTERVAL_S`; the engine finds a broker
that is still running by that file and uses it instead of starting another.

`--keep-running` leaves it running when the engine dies (no parent-death signal); it
stops on SIGTERM, removing its state file. It runs at a lower CPU priority than the
connection workers (`--nice`, see `broker_priority`): acquisition timing comes first.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import psutil

from panel.mqtt.broker_priority import BROKER_NICE, lower_priority
from panel.mqtt.endpoint import (
    EMBEDDED_USER,
    STATE_FILE,
    embedded_password,
    read_state,
    write_private,
)

HOST = "127.0.0.1"
STATS_INTERVAL_S = 2.0


def build_parser() -> argparse.ArgumentParser:
    """The broker's argument parser."""
    parser = argparse.ArgumentParser(
        prog="opspanel worker mqtt-broker", description="Run the workspace's embedded broker."
    )
    parser.add_argument("--workspace", required=True, help="the workspace folder")
    parser.add_argument("--port", type=int, default=None, help="the port (default: as before)")
    parser.add_argument(
        "--keep-running", action="store_true", help="keep running when the engine dies"
    )
    parser.add_argument(
        "--nice",
        type=int,
        choices=range(20),
        default=BROKER_NICE,
        metavar="0-19",
        help=f"run at this nice value, below the workers (default: {BROKER_NICE})",
    )
    return parser


def _config(port: int, password: str) -> dict[str, Any]:
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"{HOST}:{port}"}},
        "plugins": {
            "panel.mqtt.broker_auth.PasswordAuth": {
                "username": EMBEDDED_USER,
                "password": password,
            },
            "panel.mqtt.broker_auth.BrokerCounters": {},
        },
    }


async def _start(workspace: Path, port: int | None) -> tuple[Any, int]:
    from amqtt.broker import Broker
    from amqtt.errors import BrokerError

    password = embedded_password(workspace, create=True)
    previous = read_state(workspace) or {}
    wanted = port if port is not None else int(previous.get("port") or 0)
    for candidate in dict.fromkeys([wanted, 0]):
        broker = Broker(_config(candidate, password))
        try:
            await broker.start()
        except (OSError, BrokerError):
            if candidate == 0:
                raise
            continue
        server = broker._servers["default"].instance
        return broker, int(server.sockets[0].getsockname()[1])
    raise OSError("no port to listen on")


def _write_state(workspace: Path, port: int, started: float, rate: float) -> None:
    from panel.mqtt.broker_auth import BrokerCounters

    me = psutil.Process()
    state = {
        "pid": me.pid,
        "createTime": me.create_time(),
        "host": HOST,
        "port": port,
        "username": EMBEDDED_USER,
        "startedAt": started,
        "updatedAt": time.time(),
        "clients": sorted(BrokerCounters.clients),
        "messages": BrokerCounters.messages,
        "messagesPerS": round(rate, 1),
    }
    write_private(workspace / STATE_FILE, json.dumps(state, indent=2) + "\n")


def _remove_state(workspace: Path) -> None:
    state = read_state(workspace)
    if state is not None and state.get("pid") == os.getpid():
        with contextlib.suppress(OSError):
            (workspace / STATE_FILE).unlink()


async def _serve(workspace: Path, port: int | None) -> int:
    from panel.mqtt.broker_auth import BrokerCounters

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        broker, bound = await _start(workspace, port)
    except OSError as exc:
        print(f"mqtt broker: cannot listen on {HOST}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    started = time.time()
    _write_state(workspace, bound, started, 0.0)
    with contextlib.suppress(OSError):
        print(f"mqtt broker listening on mqtt://{HOST}:{bound}", flush=True)
    last_count, last_t = BrokerCounters.messages, time.monotonic()
    try:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), STATS_INTERVAL_S)
            now, count = time.monotonic(), BrokerCounters.messages
            rate = (count - last_count) / max(1e-6, now - last_t)
            last_count, last_t = count, now
            with contextlib.suppress(OSError):
                _write_state(workspace, bound, started, rate)
    finally:
        _remove_state(workspace)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(broker.shutdown(), 3.0)
    return 0


def main(argv: list[str]) -> int:
    """Run the embedded broker until SIGTERM; the exit code."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if not args.keep_running:
        from panel.supervise.pdeathsig import set_parent_death_signal

        set_parent_death_signal(signal.SIGTERM, None)
    logging.raiseExceptions = False  # an engine gone: its pipes are closed, carry on
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    for name in ("amqtt", "transitions"):
        logging.getLogger(name).setLevel(logging.ERROR)
    for problem in lower_priority(args.nice):
        print(f"mqtt broker: cannot lower its priority: {problem}", file=sys.stderr)
    workspace = Path(args.workspace).resolve()
    if not workspace.is_dir():
        print(f"mqtt broker: {workspace} is not a folder", file=sys.stderr)
        return 2
    return asyncio.run(_serve(workspace, args.port))
