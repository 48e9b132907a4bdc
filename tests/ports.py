"""Free ports for the tests' own servers, outside the range the kernel hands out itself.

A port the kernel chose for a bind to port 0 and that was then released can be handed
out again at once: to another test process's server, or as the source port of any
outgoing connection (an engine's workers, its clients). A port below the kernel's
ephemeral range is never handed out that way, so once found free here it stays free
for the server the test starts on it. Each test process starts at its own place.
"""

from __future__ import annotations

import itertools
import os
import random
import socket
from pathlib import Path

LOWEST = 10_000
RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def _ephemeral_low() -> int:
    """The first port of the kernel's ephemeral range (Linux; 32,768 elsewhere)."""
    try:
        return int(RANGE_FILE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768


_LOW = max(LOWEST + 1_000, _ephemeral_low())
_NEXT = itertools.count(random.Random(os.getpid()).randrange(LOWEST, _LOW))


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on `host`, free now, that the kernel will not give to anyone else."""
    for _ in range(_LOW - LOWEST):
        port = LOWEST + (next(_NEXT) - LOWEST) % (_LOW - LOWEST)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port between {LOWEST} and {_LOW} on {host}")
