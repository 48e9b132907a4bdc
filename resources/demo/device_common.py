"""What the demo devices share: the port check, the stop signal and the command line.

Imported by `modbus_device.py` and `opcua_device.py`, which run with this folder
as their working directory (`{python} -m modbus_device`), so it is on the path.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import signal
import socket
import sys
from collections.abc import Awaitable, Callable


def port_problem(host: str, port: int) -> str | None:
    """Why `host:port` cannot be served on, or None when it can."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is already in use"
            return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None


def stop_requested() -> asyncio.Event:
    """An event set by SIGTERM or SIGINT (call inside the running loop)."""
    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # Windows: the default handlers stay
            loop.add_signal_handler(signum, done.set)
    return done


def run_device(
    title: str,
    default_port: int,
    serve: Callable[[str, int], Awaitable[int]],
    argv: list[str] | None = None,
    prepare: Callable[[], None] | None = None,
) -> int:
    """Parse `--host`/`--port`, refuse a taken port clearly (exit 2), then serve."""
    parser = argparse.ArgumentParser(description=f"OpsPanel demo {title}")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=default_port)
    args = parser.parse_args(argv)
    problem = port_problem(args.host, args.port)
    if problem:
        print(f"demo {title} not started: {problem}", file=sys.stderr, flush=True)
        return 2
    if prepare is not None:
        prepare()
    return asyncio.run(serve(args.host, args.port))
