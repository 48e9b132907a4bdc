"""ProcessSpec validation and environment; the process-table helpers."""

from __future__ import annotations

import os

import pytest

from panel.supervise.pdeathsig import setpriv_prefix
from panel.supervise.process import resolve_program
from panel.supervise.spec import ProcessSpec, RestartPolicy
from panel.supervise.state import ProcessState
from panel.supervise.tree import ProcInfo, snapshot, tree_members


def test_spec_normalises_and_validates() -> None:
    spec = ProcessSpec("x", ["a", "b"], restart="always", success_exit_codes=[0, 2])  # type: ignore[arg-type]
    assert spec.argv == ("a", "b")
    assert spec.restart is RestartPolicy.ALWAYS
    assert spec.success_exit_codes == (0, 2)
    with pytest.raises(ValueError):
        ProcessSpec("x", ())
    with pytest.raises(ValueError):
        ProcessSpec("x", ("a",), restart="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="memory limit needs sample_stats"):
        ProcessSpec("x", ("a",), memory_limit_mb=10, sample_stats=False)


def test_child_env_overlays_and_unbuffers() -> None:
    spec = ProcessSpec("x", ("a",), env={"B": "2"}, python_child=True)
    env = spec.child_env({"A": "1", "B": "1"})
    assert env == {"A": "1", "B": "2", "PYTHONUNBUFFERED": "1"}
    assert "PYTHONUNBUFFERED" not in ProcessSpec("x", ("a",)).child_env({})


def test_state_groups() -> None:
    assert ProcessState.RUNNING.is_alive and not ProcessState.RUNNING.is_idle
    assert ProcessState.FATAL.is_idle and not ProcessState.BACKOFF.is_idle


def test_tree_members_follows_session_descendants_and_known() -> None:
    table = {
        10: ProcInfo(ppid=1, sid=10, start=1.0, zombie=False),  # leader
        11: ProcInfo(ppid=10, sid=10, start=1.0, zombie=False),  # child in session
        12: ProcInfo(ppid=10, sid=12, start=1.0, zombie=False),  # escaped
        13: ProcInfo(ppid=12, sid=12, start=1.0, zombie=False),  # escaped's child
        14: ProcInfo(ppid=1, sid=10, start=1.0, zombie=False),  # orphan in session
        15: ProcInfo(ppid=10, sid=10, start=1.0, zombie=True),  # zombie: gone
        20: ProcInfo(ppid=1, sid=20, start=1.0, zombie=False),  # unrelated
        21: ProcInfo(ppid=1, sid=21, start=5.0, zombie=False),  # known, pid reused
    }
    assert tree_members(table, 10, 10) == {10, 11, 12, 13, 14}
    assert tree_members(table, None, 10) == {10, 11, 12, 13, 14}
    assert tree_members(table, None, None, {12: 1.0}) == {12, 13}
    assert tree_members(table, None, None, {21: 1.0}) == set()


def test_snapshot_sees_this_process() -> None:
    row = snapshot()[os.getpid()]
    assert row.ppid == os.getppid()
    assert row.sid == os.getsid(0)
    assert not row.zombie


def test_resolve_program(tmp_path: object) -> None:
    assert resolve_program("sh", os.environ.get("PATH"), None) is not None
    assert resolve_program("no-such-program-here", os.environ.get("PATH"), None) is None
    assert resolve_program("/bin/sh", None, None) == "/bin/sh"


def test_setpriv_prefix_shape() -> None:
    prefix = setpriv_prefix()
    assert prefix == () or prefix[1:] == ("--pdeathsig", "TERM", "--")
