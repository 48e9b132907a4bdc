"""Child that leaves a daemon behind, as a careless service does: setsid and a double fork.

Usage: daemonize.py PORT TOKEN (serve HTTP_PORT | wait | exit)

The daemon leaves our session (setsid), its parent exits at once (so it is
reparented away from our tree), it ignores SIGTERM, closes its stdio, listens
on 127.0.0.1:PORT and carries TOKEN in its command line (a test finds it by
that, even from outside a pid namespace). Once the daemon listens this child
prints "daemon up" and then: `serve` answers 200 on every GET on 127.0.0.1:HTTP_PORT
(a server's health URL), `wait` sleeps, `exit` exits 0 (a command that
"started a service").
"""

import http.server
import os
import socket
import sys
import time

DAEMON = """
import signal, socket, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
while True:
    time.sleep(3600)
"""


def daemonize(port: str, token: str) -> None:
    first = os.fork()
    if first == 0:
        os.setsid()
        if os.fork() == 0:
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            os.execv(sys.executable, [sys.executable, "-c", DAEMON, port, token])
        os._exit(0)
    os.waitpid(first, 0)


def wait_listening(port: int, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.02)  # the daemon is still starting
    sys.exit("the daemon never listened")


class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    port, token, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    daemonize(port, token)
    wait_listening(int(port))
    print("daemon up", flush=True)
    if mode == "serve":
        http.server.HTTPServer(("127.0.0.1", int(sys.argv[4])), Health).serve_forever()
    elif mode == "wait":
        while True:
            time.sleep(3600)


main()
