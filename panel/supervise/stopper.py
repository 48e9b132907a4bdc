"""Stop a whole process tree: polite signal, grace period, SIGKILL, wait until all are gone."""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from panel.supervise.cgroups import ChildGroup
from panel.supervise.tree import kill_signal, signal_tree, snapshot, tree_members

POLL_MS = 20
KILL_WAIT_MS = 5000


class TreeStopper(QObject):
    """Stops every process of one tree and reports when none is left.

    The tree is the session `sid`, the descendants of `root` while it lives,
    and every pid in `known` (pid -> start token) still alive. SIGTERM (CTRL_BREAK
    on Windows, sent by the caller) goes out first; after `timeout_ms` SIGKILL goes
    to whatever is left. Processes forked meanwhile are picked up on each poll.

    With the child's cgroup (`group`), every process in it belongs to the tree
    too (a daemon that left the session and the tree): it gets the SIGTERM, the
    kill of the whole group follows the SIGKILL, and the tree is gone only once
    the group is empty.

    With `signal_root` (a forked child: `ForkedChild.send_signal`, through its pidfd)
    the root is never signalled by its bare pid: once it has ended and its parent
    reaped it, that pid may already belong to another process.
    """

    sig_done = Signal(bool)
    """Emitted once: True when no process of the tree is left, False when some
    survived SIGKILL for KILL_WAIT_MS (stuck in the kernel)."""

    sig_killed = Signal(int)
    """SIGKILL was sent to this many processes (the grace period ran out)."""

    def __init__(
        self,
        sid: int | None,
        root: int | None,
        known: dict[int, float],
        timeout_ms: int,
        parent: QObject | None = None,
        group: ChildGroup | None = None,
        signal_root: Callable[[int], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self._group = group
        self._signal_root = signal_root
        self._sid = sid
        self._root = root
        self._known = dict(known)
        self._timeout_ms = timeout_ms
        self._killed = False
        self._finished = False
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.poll)
        self._escalate = QTimer(self)
        self._escalate.setSingleShot(True)
        self._escalate.setTimerType(Qt.TimerType.PreciseTimer)
        self._escalate.timeout.connect(self._kill)
        self._give_up = QTimer(self)
        self._give_up.setSingleShot(True)
        self._give_up.timeout.connect(lambda: self._finish(False))
        self.killed_at: float | None = None

    @property
    def finished(self) -> bool:
        """True once sig_done was emitted."""
        return self._finished

    def start(self, polite: bool = True) -> None:
        """Send the polite signal (unless `polite` is False: caller did) and start watching."""
        members = self._members()
        if polite and sys.platform != "win32":
            grouped = set(self._group.pids()) if self._group is not None else set()
            self._signal(members | grouped, signal.SIGTERM)
        self._escalate.start(self._timeout_ms)
        self._poll.start()
        self.poll()

    def root_gone(self) -> None:
        """The direct child was reaped: stop following its pid, check at once."""
        self._root = None
        self.poll()

    def poll(self) -> None:
        """Check whether anything is left; finish when nothing is."""
        if self._finished:
            return
        members = self._members()
        grouped = self._group is not None and self._group.populated()
        if not members and not grouped and self._root is None:
            self._finish(True)
        elif self._killed and (members or grouped):
            self._kill_all(members, grouped)

    def _members(self) -> set[int]:
        table = snapshot()
        members = tree_members(table, self._root, self._sid, self._known)
        for pid in members:
            if pid != self._root or self._signal_root is None:  # a pidfd follows that one
                self._known.setdefault(pid, table[pid].start)
        return members

    def _kill(self) -> None:
        if self._finished:
            return
        self._killed = True
        self.killed_at = time.monotonic()
        members = self._members()
        grouped = self._group is not None and self._group.populated()
        if grouped and self._group is not None:
            members |= set(self._group.pids())
        self._kill_all(members, grouped)
        self.sig_killed.emit(len(members))
        self._give_up.start(KILL_WAIT_MS)
        self.poll()

    def _kill_all(self, members: set[int], grouped: bool) -> None:
        if grouped and self._group is not None:
            self._group.kill()
        self._signal(members, kill_signal())

    def _signal(self, pids: Iterable[int], sig: int) -> None:
        """`sig` to `pids` and the session; to the root through `signal_root` if given."""
        pids = set(pids)
        if self._signal_root is not None:
            if self._root is not None:
                pids.discard(self._root)
                self._signal_root(sig)
            elif self._sid is not None:
                pids.discard(self._sid)  # the session leader was the root: gone now
        signal_tree(pids, self._sid, sig)

    def _finish(self, ok: bool) -> None:
        if self._finished:
            return
        self._finished = True
        self._poll.stop()
        self._escalate.stop()
        self._give_up.stop()
        self.sig_done.emit(ok)
