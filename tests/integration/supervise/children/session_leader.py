"""A session leader (started with start_new_session) with one grandchild in its session.

Prints "grandchild <pid>" then sleeps. With --term-ignoring, both ignore SIGTERM.
"""

import signal
import subprocess
import sys
import time

if "--term-ignoring" in sys.argv:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
code = "import signal, sys, time\n"
if "--term-ignoring" in sys.argv:
    code += "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
code += "print('up', flush=True)\nwhile True: time.sleep(3600)\n"
grandchild = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
assert grandchild.stdout is not None
grandchild.stdout.readline()
print(f"grandchild {grandchild.pid}", flush=True)
while True:
    time.sleep(3600)
