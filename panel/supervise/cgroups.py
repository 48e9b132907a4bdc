"""One cgroup per child: nothing a child forks, setsid's or daemonizes leaves it.

A child runs in a group of its own; stopping the child ends with killing the
group (cgroup v2 ``cgroup.kill``; v1: freeze, SIGKILL every member, thaw), so
a daemon that left the child's session and process tree dies too.

Where: cgroup v2 below the engine's own cgroup when that is writable (root, a
service with ``Delegate=yes``, or a user's delegated systemd subtree); else the
cgroup v1 ``freezer`` hierarchy when it is writable (root). Elsewhere there are
no groups and `EngineCgroups.for_workspace` says why, once, in the log.

Layout: ``<root>/<workspace key>/<engine pid>.<n>/<kind>-<n>`` where `root` is
``opspanel`` in the chosen hierarchy and `kind` the child's kind (``server``,
``conn``, ``job``, ``session``: its process name up to the first ``:``). An
engine's start-up sweep empties and removes every other engine folder of its
workspace (only one engine runs per workspace); the reaper kills the engine's
folder when the engine dies.

How a child gets in: QProcess runs no Python between fork and exec, so every
child is started through ``/bin/sh -c 'echo 0 >"$1" ...; exec "$@"'``, a fixed
script that moves itself into the group and then execs the real argv (passed as
arguments, never as shell text). The child is in the group before the real
program runs, so nothing it forks can be outside. Joining costs the child one
kernel migration; the engine only makes (or reuses) the folder. Empty groups are
kept in a small pool per kind and reused, so a busy job graph makes no folders.

No Qt: the reaper and the start-up sweep use this module too.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import re
import signal
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

log = logging.getLogger("panel.supervise.cgroups")

ROOT_NAME = "opspanel"
SHELL = "/bin/sh"
JOIN_SCRIPT = 'echo 0 >"$1" || exit 126; shift; exec "$@"'
"""Join the group whose cgroup.procs is $1, then exec the rest (the child's argv)."""
JOIN_NAME = "opspanel-cgroup"
"""$0 of the join script: what its error messages start with."""
POOL_PER_KIND = 16
POLL_S = 0.01
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def _read(path: str) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        return os.read(fd, 65536)
    finally:
        os.close(fd)


def _write(path: str, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def _subgroups(path: str) -> list[str]:
    """Every group below `path`, deepest first (the order rmdir needs)."""
    found: list[str] = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(path):
            if entry.is_dir(follow_symlinks=False):
                found += [*_subgroups(entry.path), entry.path]
    return found


class Backend:
    """What one cgroup hierarchy can do with a group (a folder path)."""

    kind = ""

    def pids(self, path: str) -> list[int]:
        """Members of the group and of the groups below it (empty when gone)."""
        pids: list[int] = []
        for group in [*_subgroups(path), path]:
            with contextlib.suppress(OSError):
                pids += [int(word) for word in _read(group + "/cgroup.procs").split()]
        return pids

    def populated(self, path: str) -> bool:
        """True while a process lives in the group (or below it)."""
        return bool(self.pids(path))

    def kill(self, path: str) -> None:
        """SIGKILL every member, as atomically as the hierarchy allows."""
        raise NotImplementedError

    def remove(self, path: str) -> bool:
        """Remove the group and those below it; False when one is still busy."""
        ok = True
        for group in [*_subgroups(path), path]:
            try:
                os.rmdir(group)
            except FileNotFoundError:
                pass
            except OSError:
                ok = False
        return ok


class V2(Backend):
    """cgroup v2: ``cgroup.kill`` kills a whole subtree at once; ``cgroup.events`` says
    whether anything lives in it."""

    kind = "v2"

    def populated(self, path: str) -> bool:
        try:
            return b"populated 1" in _read(path + "/cgroup.events")
        except OSError:
            return False

    def kill(self, path: str) -> None:
        with contextlib.suppress(OSError):
            _write(path + "/cgroup.kill", b"1")


class V1Freezer(Backend):
    """cgroup v1 freezer: freeze (no member can fork any more), SIGKILL each, thaw."""

    kind = "v1"

    def kill(self, path: str) -> None:
        groups = [*_subgroups(path), path]
        for group in groups:
            with contextlib.suppress(OSError):
                _write(group + "/freezer.state", b"FROZEN")
        for pid in self.pids(path):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        for group in groups:
            with contextlib.suppress(OSError):
                _write(group + "/freezer.state", b"THAWED")


BACKENDS: dict[str, Backend] = {"v2": V2(), "v1": V1Freezer()}


def empty_and_remove(backend: Backend, path: str, timeout_s: float = 1.0) -> bool:
    """Kill everything in group `path`, wait (bounded) until it is empty, remove it.

    Blocking: for the start-up sweep, the reaper and the engine's last clean-up.
    True when the group is gone.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        if backend.populated(path):
            backend.kill(path)
        elif backend.remove(path):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_S)


# ---------------------------------------------------------------- detection


@dataclass(frozen=True)
class Detection:
    """Where children's groups can go: a backend and its writable root folder, or why not."""

    backend: Backend | None
    root: str | None
    reason: str


def _mounts() -> list[tuple[str, str, str]]:
    """(mount point, file system type, super options) of every cgroup mount."""
    found = []
    with contextlib.suppress(OSError):
        for line in _read("/proc/self/mountinfo").decode(errors="replace").splitlines():
            fields = line.split(" ")
            if "-" not in fields:
                continue
            tail = fields[fields.index("-") + 1 :]
            if len(tail) >= 3 and tail[0] in ("cgroup", "cgroup2"):
                point = fields[4].replace("\\040", " ")
                found.append((point, tail[0], tail[2]))
    return found


def _own_v2_group() -> str | None:
    with contextlib.suppress(OSError):
        for line in _read("/proc/self/cgroup").decode(errors="replace").splitlines():
            if line.startswith("0::"):
                return line[3:].strip()
    return None


def _make_root(parent: str, probe: str) -> tuple[str | None, str]:
    """``<parent>/opspanel``, made if needed and checked for `probe`; (path or None, why)."""
    root = os.path.join(parent, ROOT_NAME)
    if not os.access(os.path.join(parent, "cgroup.procs"), os.W_OK):
        return None, f"{parent}/cgroup.procs is not writable"
    try:
        os.makedirs(root, exist_ok=True)
    except OSError as exc:
        return None, f"cannot create {root}: {exc.strerror}"
    if not os.path.exists(os.path.join(root, probe)):
        return None, f"{root} has no {probe}"
    return root, "ok"


def _detect_v2(mounts: Sequence[tuple[str, str, str]]) -> Detection:
    points = [point for point, fstype, _ in mounts if fstype == "cgroup2"]
    own = _own_v2_group()
    if not points or own is None:
        return Detection(None, None, "no cgroup v2 mounted")
    parent = points[0].rstrip("/") + own.rstrip("/")
    root, why = _make_root(parent, "cgroup.kill")
    return Detection(BACKENDS["v2"] if root else None, root, f"cgroup v2: {why}")


def _detect_v1(mounts: Sequence[tuple[str, str, str]]) -> Detection:
    points = [
        p for p, fstype, opts in mounts if fstype == "cgroup" and "freezer" in opts.split(",")
    ]
    if not points:
        return Detection(None, None, "no cgroup v1 freezer mounted")
    root, why = _make_root(points[0], "freezer.state")
    return Detection(BACKENDS["v1"] if root else None, root, f"cgroup v1 freezer: {why}")


def detect() -> Detection:
    """The hierarchy children's groups go in: v2 if writable, else v1 freezer, else none
    (with the reason). Makes the ``opspanel`` root folder it checks."""
    if not os.path.exists(SHELL):
        return Detection(None, None, f"no {SHELL} to join a group with")
    mounts = _mounts()
    v2 = _detect_v2(mounts)
    if v2.backend is not None:
        return v2
    v1 = _detect_v1(mounts)
    if v1.backend is not None:
        return v1
    return Detection(None, None, f"{v2.reason}; {v1.reason}")


# ---------------------------------------------------------------- groups


@dataclass
class ChildGroup:
    """The cgroup of one child (reused, once empty, by a later child of the same kind)."""

    backend: Backend
    path: str
    kind: str

    def wrap(self, argv: Sequence[str]) -> list[str]:
        """`argv` started so that it joins this group before it runs (see the module)."""
        return [SHELL, "-c", JOIN_SCRIPT, JOIN_NAME, self.path + "/cgroup.procs", *argv]

    def pids(self) -> list[int]:
        """Processes in the group now."""
        return self.backend.pids(self.path)

    def populated(self) -> bool:
        """True while any process is in the group."""
        return self.backend.populated(self.path)

    def kill(self) -> None:
        """SIGKILL everything in the group."""
        self.backend.kill(self.path)


def kind_of(name: str) -> str:
    """The group name prefix of a child called `name` (``job:etl`` -> ``job``)."""
    kind = _SAFE.sub("_", name.split(":", 1)[0])[:32].strip("._")
    return kind or "child"


_ENGINES = itertools.count(1)


class EngineCgroups:
    """The groups of one engine's children, in ``<root>/<workspace>/<pid>.<n>/``.

    `acquire(name)` gives a child a group (an empty one of its kind from the pool,
    else a new folder); `release(group)` takes it back once its tree is gone.
    `sweep_leftovers()` empties and removes the folders of earlier engines of the
    workspace; `close()` empties and removes this engine's folder.
    """

    def __init__(self, backend: Backend, root: str, workspace_key: str) -> None:
        self.backend = backend
        self.workspace_dir = os.path.join(root, _SAFE.sub("_", workspace_key))
        self.base = os.path.join(self.workspace_dir, f"{os.getpid()}.{next(_ENGINES)}")
        self._numbers = itertools.count(1)
        self._pool: dict[str, list[ChildGroup]] = {}
        self._made = False
        self._failed = False

    @classmethod
    def for_workspace(cls, workspace_key: str) -> EngineCgroups | None:
        """This machine's groups for an engine of workspace `workspace_key`, or None
        (and one log line saying why: children are then tracked by session and tree)."""
        found = detect()
        if found.backend is None or found.root is None:
            log.info(
                "children run without cgroups (%s): only their sessions and process trees"
                " are tracked, so a daemon a child leaves behind may survive it",
                found.reason,
            )
            return None
        cgroups = cls(found.backend, found.root, workspace_key.removeprefix("opspanel-"))
        log.info(
            "each child runs in a cgroup %s of its own under %s", found.backend.kind, cgroups.base
        )
        return cgroups

    @property
    def kind(self) -> str:
        """``v2`` or ``v1``: the hierarchy in use."""
        return self.backend.kind

    def acquire(self, name: str) -> ChildGroup | None:
        """A group for the child called `name`, None if no folder can be made (logged once)."""
        kind = kind_of(name)
        pool = self._pool.get(kind)
        if pool:
            return pool.pop()
        path = os.path.join(self.base, f"{kind}-{next(self._numbers)}")
        try:
            if not self._made:
                os.makedirs(self.base, exist_ok=True)
                self._made = True
            os.mkdir(path)
        except OSError as exc:
            if not self._failed:
                self._failed = True
                log.warning("cannot create cgroup %s (%s): children run without one", path, exc)
            return None
        return ChildGroup(self.backend, path, kind)

    def release(self, group: ChildGroup) -> None:
        """Take back the group of a child whose tree is gone (kept for reuse if empty)."""
        pool = self._pool.setdefault(group.kind, [])
        if len(pool) < POOL_PER_KIND and not group.populated():
            pool.append(group)
        elif not empty_and_remove(self.backend, group.path, 0.0):
            log.warning("cgroup %s is still busy; the engine's clean-up will retry", group.path)

    def sweep_leftovers(self, timeout_s: float = 1.0) -> list[str]:
        """Empty and remove the folders earlier engines of this workspace left behind.

        Only one engine runs per workspace, so every folder but ours is a dead one's.
        Blocking, bounded by about `timeout_s` per folder. Returns the folders that
        still had processes in them.
        """
        swept = []
        for path in _entries(self.workspace_dir):
            if path == self.base:
                continue
            busy = self.backend.populated(path)
            if not empty_and_remove(self.backend, path, timeout_s):
                log.warning("cgroup %s left by an earlier engine would not empty", path)
            if busy:
                swept.append(path)
        return swept

    def close(self, timeout_s: float = 1.0) -> bool:
        """Kill whatever is left in this engine's groups and remove its folder."""
        self._pool.clear()
        ok = True
        if self._made:
            self._made = False
            ok = empty_and_remove(self.backend, self.base, timeout_s)
        with contextlib.suppress(OSError):
            os.rmdir(self.workspace_dir)  # fails while another folder is in it: fine
        return ok


def _entries(path: str) -> Iterable[str]:
    with contextlib.suppress(OSError):
        return [entry.path for entry in os.scandir(path) if entry.is_dir(follow_symlinks=False)]
    return []
