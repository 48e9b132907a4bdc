"""A session's process limit: a pids cgroup of its own, else RLIMIT_NPROC. No Qt.

RLIMIT_NPROC does not bind root (the kernel exempts the initial user), so where the
runner may make a pids cgroup (v1 `pids` hierarchy, or a cgroup2 group with the pids
controller) every command joins the session's group before it execs and the group's
`pids.max` caps the whole tree, forks by any of its processes included. The group's
`pids.events` tells afterwards whether a fork was refused.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import time

ROOT_NAME = "opspanel-sessions"


def _pids_mount() -> str | None:
    """The mount point of a cgroup hierarchy with the pids controller, if any."""
    try:
        with open("/proc/self/mountinfo", encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    v2 = None
    for line in lines:
        left, _, right = line.partition(" - ")
        fields, extra = left.split(), right.split()
        if len(fields) < 5 or not extra:
            continue
        point, fstype = fields[4], extra[0]
        options = extra[2].split(",") if len(extra) > 2 else []
        if fstype == "cgroup" and "pids" in options:
            return point
        if fstype == "cgroup2" and v2 is None:
            with contextlib.suppress(OSError), open(f"{point}/cgroup.controllers") as c:
                if "pids" in c.read().split():
                    v2 = point
    return v2


def _runner_alive(entry: str) -> bool:
    pid = entry.rpartition("-")[2]
    if not pid.isdigit():
        return True  # not one of ours: leave it
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_dead(root: str) -> None:
    """Empty and remove the groups of runners that are gone (a SIGKILLed runner leaves one)."""
    try:
        entries = os.listdir(root)
    except OSError:
        return
    for entry in entries:
        if not _runner_alive(entry):
            leftover = ProcessLimit.__new__(ProcessLimit)
            leftover.limit, leftover.group = 0, os.path.join(root, entry)
            leftover.close()


class ProcessLimit:
    """At most `limit` processes for every command of one session."""

    def __init__(self, limit: int, name: str) -> None:
        self.limit = limit
        self.group: str | None = None
        mount = _pids_mount()
        if mount is None:
            return
        root = os.path.join(mount, ROOT_NAME)
        group = os.path.join(root, f"{name}-{os.getpid()}")
        sweep_dead(root)
        try:
            os.makedirs(group, exist_ok=True)
            with open(os.path.join(group, "pids.max"), "w") as handle:
                handle.write(str(limit))
        except OSError:
            with contextlib.suppress(OSError):
                os.rmdir(group)
            return
        self.group = group

    @property
    def kind(self) -> str:
        """`cgroup` or `rlimit`: what enforces the limit."""
        return "cgroup" if self.group else "rlimit"

    def preexec(self) -> None:
        """In the forked child before exec: join the group, or set RLIMIT_NPROC."""
        if self.group is not None:
            fd = os.open(os.path.join(self.group, "cgroup.procs"), os.O_WRONLY)
            try:
                os.write(fd, b"0")
            finally:
                os.close(fd)
        else:
            resource.setrlimit(resource.RLIMIT_NPROC, (self.limit, self.limit))

    def refusals(self) -> int:
        """How many forks the group refused so far (0 without a group)."""
        if self.group is None:
            return 0
        try:
            with open(os.path.join(self.group, "pids.events")) as handle:
                for line in handle:
                    key, _, value = line.partition(" ")
                    if key == "max":
                        return int(value)
        except (OSError, ValueError):
            pass
        return 0

    def kill_all(self, timeout_s: float = 2.0) -> None:
        """SIGKILL whatever is still in the group, until it is empty or `timeout_s` passed."""
        if self.group is None:
            return
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                with open(os.path.join(self.group, "cgroup.procs")) as handle:
                    pids = [int(p) for p in handle.read().split()]
            except OSError:
                return
            if not pids:
                return
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.01)  # a bounded wait for the kernel to empty the group

    def close(self) -> None:
        """Empty and remove the group."""
        if self.group is not None:
            self.kill_all()
            with contextlib.suppress(OSError):
                os.rmdir(self.group)
            self.group = None
