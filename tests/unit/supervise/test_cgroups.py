"""The cgroup module on this machine's real /sys/fs/cgroup, both hierarchies where present."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from panel.supervise.cgroups import (
    BACKENDS,
    ROOT_NAME,
    ChildGroup,
    EngineCgroups,
    _detect_v1,
    _detect_v2,
    _mounts,
    detect,
    kind_of,
)
from tests.waiting import wait_for

# A child that leaves a daemon: setsid + double fork, the daemon ignores SIGTERM.
DAEMONIZING = (
    "import os, signal, sys, time\n"
    "if os.fork() == 0:\n"
    "    os.setsid()\n"
    "    if os.fork() == 0:\n"
    "        signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "        print(os.getpid(), flush=True)\n"
    "        null = os.open(os.devnull, os.O_RDWR)\n"
    "        os.dup2(null, 1), os.dup2(null, 2)\n"
    "        time.sleep(120)\n"
    "    os._exit(0)\n"
    "os.wait()\n"
)


def _root_of(kind: str) -> str | None:
    found = {"v2": _detect_v2, "v1": _detect_v1}[kind](_mounts())
    return found.root if found.backend is not None else None


@pytest.fixture(params=["v2", "v1"])
def cgroups(request: pytest.FixtureRequest) -> Iterator[EngineCgroups]:
    """An engine's groups in one hierarchy, under a workspace key of this test alone."""
    root = _root_of(request.param)
    if root is None:
        pytest.skip(f"skipped: needs root and a writable cgroup {request.param}")
    groups = EngineCgroups(BACKENDS[request.param], root, f"test-{uuid.uuid4().hex[:12]}")
    yield groups
    groups.close()
    assert not os.path.exists(groups.workspace_dir)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in "ZX"
    except OSError:
        return False


def _daemon_in(cgroups: EngineCgroups, name: str) -> tuple[int, ChildGroup]:
    """Run the daemonizing child wrapped into a group of `name`; (daemon pid, group)."""
    group = cgroups.acquire(name)
    assert group is not None
    out = subprocess.run(
        group.wrap([sys.executable, "-c", DAEMONIZING]),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return int(out.stdout), group


def test_detect_names_a_writable_root_or_why_not() -> None:
    found = detect()
    if found.backend is None:
        assert found.reason and found.root is None
    else:
        assert found.root is not None and found.root.endswith("/" + ROOT_NAME)
        assert os.access(found.root, os.W_OK)


def test_a_daemon_joins_the_group_and_dies_with_it(cgroups: EngineCgroups) -> None:
    daemon, group = _daemon_in(cgroups, "job:etl")
    assert group.path.startswith(cgroups.base + "/job-")
    assert group.populated() and group.pids() == [daemon]
    group.kill()
    wait_for(lambda: not _alive(daemon), 5, "the daemon to die with its group")
    wait_for(lambda: not group.populated(), 5, "the group to be empty")


def test_an_empty_group_is_reused_by_the_next_child_of_its_kind(cgroups: EngineCgroups) -> None:
    first = cgroups.acquire("job:a")
    assert first is not None
    cgroups.release(first)
    assert cgroups.acquire("job:b") is first
    other = cgroups.acquire("session:x")
    assert other is not None and other is not first
    assert os.path.basename(other.path).startswith("session-")


def test_the_sweep_empties_and_removes_a_dead_engines_folder(cgroups: EngineCgroups) -> None:
    dead = EngineCgroups(cgroups.backend, os.path.dirname(cgroups.workspace_dir), "x")
    dead.workspace_dir = cgroups.workspace_dir
    dead.base = os.path.join(cgroups.workspace_dir, "1.1")  # an engine that died
    daemon, _group = _daemon_in(dead, "server")
    ours = cgroups.acquire("server")
    assert ours is not None
    assert cgroups.sweep_leftovers() == [dead.base]
    assert not _alive(daemon) and not os.path.exists(dead.base)
    assert os.path.isdir(ours.path)  # our own folder is left alone


def test_close_kills_what_is_left_and_removes_the_folder(cgroups: EngineCgroups) -> None:
    daemon, _group = _daemon_in(cgroups, "conn:plc")
    assert cgroups.close()
    assert not _alive(daemon) and not os.path.exists(cgroups.base)


def test_a_join_that_cannot_happen_fails_the_start_with_a_message(
    cgroups: EngineCgroups,
) -> None:
    group = cgroups.acquire("server")
    assert group is not None
    os.rmdir(group.path)
    out = subprocess.run(group.wrap(["/bin/true"]), capture_output=True, text=True, timeout=30)
    assert out.returncode == 126 and "opspanel-cgroup" in out.stderr


@pytest.mark.parametrize(
    ("name", "kind"), [("job:etl#4", "job"), ("server", "server"), ("../x:y", "x"), (":", "child")]
)
def test_group_names_come_from_the_childs_kind(name: str, kind: str) -> None:
    assert kind_of(name) == kind


NO_CGROUPS = (
    "import logging, sys\n"
    "logging.basicConfig(stream=sys.stderr, format='%(name)s: %(message)s', level=logging.INFO)\n"
    "from panel.supervise.cgroups import EngineCgroups\n"
    "print(EngineCgroups.for_workspace('opspanel-abc'))\n"
)


def test_without_writable_cgroups_one_log_line_says_why() -> None:
    """As an unprivileged user (nobody) nothing here is writable: no groups, one line."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        pytest.skip("skipped: needs root and setpriv to run as nobody")
    as_nobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    out = subprocess.run(
        [*as_nobody, sys.executable, "-c", NO_CGROUPS],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parents[3],
        check=True,
    )
    assert out.stdout == "None\n"
    (line,) = out.stderr.splitlines()
    assert line.startswith("panel.supervise.cgroups: children run without cgroups (")
    assert "not writable" in line and "daemon a child leaves behind may survive" in line


def test_close_removes_the_workspace_folder_a_sweep_emptied(cgroups: EngineCgroups) -> None:
    """The next engine swept a dead one's folder and started no child: nothing is left."""
    os.makedirs(os.path.join(cgroups.workspace_dir, "1.1", "server-1"))
    assert cgroups.sweep_leftovers() == []
    assert cgroups.close() and not os.path.exists(cgroups.workspace_dir)
