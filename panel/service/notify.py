"""sd_notify: tell systemd (`Type=notify`) that the engine is ready or stopping.

The protocol is one datagram of `KEY=VALUE` lines sent to the AF_UNIX socket named by
$NOTIFY_SOCKET (a path, or an abstract name written with a leading ``@``). Without
$NOTIFY_SOCKET, outside a `Type=notify` service, every call does nothing.

`Notifier.from_environment()` takes the variable out of the environment, so that the
engine's children (the server, connection workers, jobs) do not inherit it: a server
that speaks sd_notify itself (gunicorn does) must not report for the engine.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import MutableMapping

log = logging.getLogger("panel.service.notify")

NOTIFY_SOCKET = "NOTIFY_SOCKET"
SEND_TIMEOUT_S = 2.0


def socket_address(name: str) -> bytes | None:
    """The address to send to for a $NOTIFY_SOCKET value, or None if it is not AF_UNIX."""
    if name.startswith("@") and len(name) > 1:
        return b"\0" + os.fsencode(name[1:])
    if name.startswith("/"):
        return os.fsencode(name)
    return None


class Notifier:
    """Sends state changes to the service manager; does nothing without a notification socket."""

    def __init__(self, socket_name: str | None) -> None:
        self.socket_name = socket_name or None
        self._address = socket_address(socket_name) if socket_name else None
        if socket_name and self._address is None:
            log.warning("%s=%s is not a Unix socket: not notifying", NOTIFY_SOCKET, socket_name)

    @classmethod
    def from_environment(cls, environ: MutableMapping[str, str] | None = None) -> Notifier:
        """The notifier $NOTIFY_SOCKET asks for; the variable is removed from `environ`."""
        env = os.environ if environ is None else environ
        return cls(env.pop(NOTIFY_SOCKET, None))

    @property
    def enabled(self) -> bool:
        """True when there is a socket to notify."""
        return self._address is not None

    def send(self, *assignments: str) -> bool:
        """Send `KEY=VALUE` lines in one datagram; True if it was sent (never raises)."""
        if self._address is None:
            return False
        payload = "\n".join(assignments).encode("utf-8")
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.settimeout(SEND_TIMEOUT_S)
                sock.sendto(payload, self._address)
        except OSError as exc:
            log.warning("could not notify the service manager at %s: %s", self.socket_name, exc)
            return False
        return True

    def ready(self, status: str) -> bool:
        """The engine serves: READY=1, with a one-line status for `systemctl status`."""
        return self.send("READY=1", f"STATUS={_one_line(status)}")

    def stopping(self) -> bool:
        """The engine began its ordered shutdown: STOPPING=1."""
        return self.send("STOPPING=1", "STATUS=stopping")


def _one_line(text: str) -> str:
    return " ".join(text.split())
