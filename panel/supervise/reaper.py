"""The reaper: a tiny child that kills the panel's process trees when the panel dies.

Started once per engine (`panel_argv("reaper")`, in a session of its own) by
`panel.supervise.reaper_client.Reaper`. It asks Linux for SIGTERM when the
panel dies (PR_SET_PDEATHSIG) and reads commands on stdin, one per line:

- ``add <sid>``: a child's session to kill if the panel dies;
- ``del <sid>``: that session ended normally, forget it;
- ``quit``: the panel is shutting down cleanly; exit without killing anything.

On EOF of stdin or SIGTERM/SIGHUP (the panel is gone) it sends SIGTERM to every
process of every registered session (and their descendants) and of the engine's
cgroup folder (``--cgroup KIND PATH``), waits up to `GRACE_S`, SIGKILLs whatever
is left (the whole folder at once), removes the folder and exits. No Qt: it must start fast and
stay small.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import selectors
import signal
import sys
import time
from collections.abc import Iterable

from panel.supervise.cgroups import BACKENDS, Backend, empty_and_remove
from panel.supervise.pdeathsig import set_parent_death_signal
from panel.supervise.tree import kill_signal, signal_tree, snapshot, tree_members

GRACE_S = 0.8
POLL_S = 0.02


def _ignore(_signum: int, _frame: object) -> None:
    """A do-nothing handler: the wakeup fd tells the loop that a signal came."""


def _members(sessions: Iterable[int]) -> dict[int, set[int]]:
    table = snapshot()
    return {sid: tree_members(table, None, sid) for sid in sessions}


def reap(
    sessions: Iterable[int],
    grace_s: float = GRACE_S,
    group: tuple[Backend, str] | None = None,
) -> None:
    """TERM every process of `sessions` and of `group` (backend, folder), wait up to
    `grace_s`, KILL the rest, then empty and remove the group folder."""
    sessions = [sid for sid in sessions if sid > 1 and sid != os.getsid(0)]
    grouped = (lambda: set(group[0].pids(group[1]))) if group is not None else set
    for sid, pids in _members(sessions).items():
        signal_tree(pids, sid, signal.SIGTERM)
    signal_tree(grouped(), None, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    left = _members(sessions)
    while (any(left.values()) or grouped()) and time.monotonic() < deadline:
        time.sleep(POLL_S)
        left = _members(sessions)
    if group is not None and empty_and_remove(group[0], group[1]):
        with contextlib.suppress(OSError):
            os.rmdir(os.path.dirname(group[1]))  # the workspace's folder, if now empty
    for sid, pids in left.items():
        if pids:
            signal_tree(pids, sid, kill_signal())


def _apply(line: bytes, sessions: set[int]) -> bool:
    """Apply one command line; True for quit."""
    words = line.decode("ascii", "replace").split()
    if words == ["quit"]:
        return True
    if len(words) == 2 and words[0] in ("add", "del") and words[1].isdigit():
        if words[0] == "add":
            sessions.add(int(words[1]))
        else:
            sessions.discard(int(words[1]))
    return False


def _serve(sessions: set[int], wakeup: int) -> bool:
    """Read commands until EOF or a signal; True when the panel said quit.

    Signals only write a byte to `wakeup` (signal.set_wakeup_fd), so there is
    no window in which a signal handler could interrupt the clean-up.
    """
    stdin = sys.stdin.fileno()
    pending = b""
    with selectors.DefaultSelector() as selector:
        selector.register(stdin, selectors.EVENT_READ)
        selector.register(wakeup, selectors.EVENT_READ)
        while True:
            for key, _events in selector.select():
                if key.fd == wakeup:
                    return False
                chunk = os.read(stdin, 4096)
                if not chunk:
                    return False
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    if _apply(line, sessions):
                        return True


def main(argv: list[str]) -> int:
    """Entry point of `opspanel reaper [--parent PID]`."""
    parser = argparse.ArgumentParser(prog="opspanel reaper")
    parser.add_argument("--parent", type=int, default=None, help="pid of the panel")
    parser.add_argument(
        "--cgroup", nargs=2, metavar=("KIND", "PATH"), help="the engine's cgroup folder"
    )
    args = parser.parse_args(argv)
    group = (BACKENDS[args.cgroup[0]], args.cgroup[1]) if args.cgroup else None
    sessions: set[int] = set()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _ignore)
    signal.signal(signal.SIGHUP, _ignore)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    set_parent_death_signal(signal.SIGTERM, args.parent)
    try:
        sys.stdout.write("ready\n")
        sys.stdout.flush()
    except OSError:
        pass  # the panel is already gone: reap what we may know (nothing yet)
    if _serve(sessions, wake_r):
        return 0
    reap(sessions, group=group)
    return 0
