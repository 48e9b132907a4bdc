"""Child that starts a grandchild listening on a TCP port, then sleeps.

Usage: tree_with_port.py PORT [--escape]
With --escape the grandchild leaves our session (setsid), as a daemon would.
Prints "grandchild <pid>" once the grandchild listens.
"""

import subprocess
import sys
import time

GRANDCHILD = """
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
print("listening", flush=True)
while True:
    time.sleep(3600)
"""

port = sys.argv[1]
escape = "--escape" in sys.argv
grandchild = subprocess.Popen(
    [sys.executable, "-c", GRANDCHILD, port],
    stdout=subprocess.PIPE,
    start_new_session=escape,
)
assert grandchild.stdout is not None
grandchild.stdout.readline()
print(f"grandchild {grandchild.pid}", flush=True)
while True:
    time.sleep(3600)
