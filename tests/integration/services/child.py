"""A small service for the tests: stamps its start/ready/stop times in a file.

    child.py STAMPS NAME MODE [ARG]
MODE: `tcp PORT` (listens after 0.3 s), `log` (prints "ready" after 0.3 s),
`plain` (just runs), `exit CODE` (exits at once), `mem MB` (holds MB of memory).
"""

from __future__ import annotations

import signal
import socket
import sys
import threading
import time


def stamp(path: str, name: str, what: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"{time.time():.6f} {name} {what}\n")


def main() -> None:
    path, name, mode, *rest = sys.argv[1:]
    stamp(path, name, "start")
    stop = threading.Event()

    def on_term(_signo: int, _frame: object) -> None:
        stamp(path, name, "stop")
        sys.exit(0)

    signal.signal(signal.SIGTERM, on_term)
    if mode == "exit":
        sys.exit(int(rest[0]))
    held = b""
    if mode == "mem":
        held = b"\x01" * (int(rest[0]) * 1024 * 1024)
    stop.wait(0.3)  # not ready at once: the ones after it must wait
    if mode == "tcp":
        server = socket.create_server(("127.0.0.1", int(rest[0])))
        stamp(path, name, "ready")
        while True:
            conn, _ = server.accept()
            conn.close()
    if mode == "log":
        stamp(path, name, "ready")
        print("service is ready", flush=True)
    print(f"{name} holds {len(held)} bytes", flush=True)
    while True:
        stop.wait(3600)


if __name__ == "__main__":
    main()
