"""Shutdown stops children one after another, the last started first."""

from __future__ import annotations

import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from panel.engine import Engine
from panel.supervise.spec import ProcessSpec, RestartPolicy
from panel.supervise.state import ProcessState
from panel.supervise.stats import StatsSampler
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.workspace import Workspace

SLEEPER = "import time\nwhile True: time.sleep(1)"


def test_children_stop_in_reverse_start_order(tmp_path: Path, qtbot: QtBot) -> None:
    ws = Workspace.open(tmp_path / "ws")
    ws.save_server_config(
        ServerConfig.from_json(demo_server_config().to_json() | {"autostart": False})
    )
    engine = Engine(ws)
    engine.start()
    events: list[tuple[str, ProcessState]] = []
    children = []
    for name in ("first", "second", "third"):
        spec = ProcessSpec(
            name=name,
            argv=(sys.executable, "-c", SLEEPER),
            restart=RestartPolicy.NEVER,
            stop_timeout_ms=2000,
            python_child=True,
        )
        child = engine._new_process(name, spec)
        child.sig_state_changed.connect(lambda new, _old, n=name: events.append((n, new)))
        with qtbot.waitSignal(child.sig_started, timeout=20_000):
            child.start()
        children.append(child)

    with qtbot.waitSignal(engine.sig_shutdown_finished, timeout=30_000):
        engine.shutdown()
    ws.close()

    stops = [(n, s) for n, s in events if s in (ProcessState.STOPPING, ProcessState.STOPPED)]
    assert stops == [
        ("third", ProcessState.STOPPING),
        ("third", ProcessState.STOPPED),
        ("second", ProcessState.STOPPING),
        ("second", ProcessState.STOPPED),
        ("first", ProcessState.STOPPING),
        ("first", ProcessState.STOPPED),
    ]
    assert all(child.state == ProcessState.STOPPED for child in children)


def test_an_engine_that_shuts_down_stops_the_shared_sampler_looking(
    tmp_path: Path, qtbot: QtBot
) -> None:
    """A window that never said goodbye must not keep every child sampled every second."""
    ws = Workspace.open(tmp_path / "ws")
    ws.save_server_config(
        ServerConfig.from_json(demo_server_config().to_json() | {"autostart": False})
    )
    sampler = StatsSampler.instance()
    engine = Engine(ws)
    engine.start()
    window = object()
    engine.watch_stats(window)
    assert sampler.watched
    with qtbot.waitSignal(engine.sig_shutdown_finished, timeout=30_000):
        engine.shutdown()
    ws.close()
    assert not sampler.watched
