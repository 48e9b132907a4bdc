"""The embedded broker runs below acquisition: its nice value, as `ps -o ni` shows it."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import psutil

from panel.mqtt.broker_priority import BROKER_NICE
from panel.mqtt.endpoint import read_state
from panel.workspace.workspace import Workspace
from tests.integration.engine.conftest import HeadlessEngine
from tests.integration.mqtt.bus import bus_workspace
from tests.waiting import wait_for

TIMEOUT_S = 30.0
LINUX = sys.platform.startswith("linux")


def _autogroup_nice(pid: int) -> int | None:
    """The nice value of `pid`'s autogroup (`/autogroup-N nice K`), None without one.

    The file is there but empty for a process in the kernel's root group: one whose
    session began before autogrouping did (as under some service managers and CI runners).
    """
    try:
        text = Path(f"/proc/{pid}/autogroup").read_text()
    except OSError:
        return None
    found = re.fullmatch(r"/autogroup-\d+ nice (-?\d+)\s*", text)
    return int(found[1]) if found else None


def _worker(engine: HeadlessEngine) -> psutil.Process | None:
    for child in engine.descendants():
        try:
            if "--conn-id" in child.cmdline():
                return child
        except psutil.Error:
            continue
    return None


def test_the_engines_broker_runs_below_its_workers(
    tmp_path: Path, start_engine: Callable[[Path], HeadlessEngine], modbus_port: int
) -> None:
    base = psutil.Process().nice()  # what the engine and its workers inherit
    ws = bus_workspace(tmp_path / "ws", modbus_port, {"embedded": True})
    engine = start_engine(ws)
    state = wait_for(lambda: read_state(ws), TIMEOUT_S, "the embedded broker's state file")
    broker = psutil.Process(int(state["pid"]))
    worker = wait_for(lambda: _worker(engine), TIMEOUT_S, "the connection worker")

    assert broker.nice() == max(base, BROKER_NICE)
    assert worker.nice() == base and psutil.Process(engine.proc.pid).nice() == base
    if LINUX and _autogroup_nice(broker.pid) is not None:
        # each child leads its own session: the broker's group yields too, the worker's not
        assert _autogroup_nice(broker.pid) == BROKER_NICE
        assert _autogroup_nice(worker.pid) == 0


def test_a_broker_sharing_our_session_lowers_only_itself(tmp_path: Path) -> None:
    me = psutil.Process()
    base, group = me.nice(), _autogroup_nice(me.pid)
    Workspace.open(tmp_path / "ws").close()
    argv = [sys.executable, "-m", "panel", "worker", "mqtt-broker", "--workspace"]
    proc = subprocess.Popen([*argv, str(tmp_path / "ws"), "--nice", "15"], stderr=subprocess.PIPE)
    try:
        wait_for(lambda: read_state(tmp_path / "ws"), TIMEOUT_S, "the embedded broker")
        assert psutil.Process(proc.pid).nice() == max(base, 15)
        # our session's group (this test, its shell) keeps its weight, and so do we
        assert me.nice() == base and _autogroup_nice(me.pid) == group
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert b"cannot lower" not in err, err
