"""A minimal panel: Reaper + ManagedProcess running tree_with_port.py --escape... then waits.

Prints "child <pid>" and the child's "grandchild <pid>" lines on stdout, then
runs its event loop until killed. Used to check that SIGKILLing the panel
takes its children's trees down with it.
"""

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from panel.supervise.process import ManagedProcess
from panel.supervise.reaper_client import Reaper
from panel.supervise.spec import ProcessSpec

HERE = Path(__file__).parent


def main() -> int:
    app = QCoreApplication([])
    port = sys.argv[1]
    reaper = Reaper()
    reaper.start()
    # The grandchild stays in the child's session: the reaper must take it down.
    spec = ProcessSpec(
        name="tree",
        argv=(sys.executable, str(HERE / "tree_with_port.py"), port),
        python_child=True,
        start_secs=0.0,
    )
    proc = ManagedProcess(spec, reaper=reaper)
    proc.sig_started.connect(lambda pid: print(f"child {pid}", flush=True))
    proc.sig_output.connect(lambda _s, data: sys.stdout.write(data.decode()) or sys.stdout.flush())
    reaper.sig_ready.connect(lambda: print(f"reaper {reaper.pid}", flush=True))
    reaper.sig_ready.connect(proc.start)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
