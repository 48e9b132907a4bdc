"""A headless engine at rest: no GUI module, no driver and nothing it has no use for
yet loaded, and it sleeps."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from panel.api.client import ApiClient
from tests.integration.engine.conftest import STARTUP_S, ctl
from tests.resting_workspace import resting_workspace
from tests.waiting import terminate_tree, wait_for, wait_for_api_file

WORKERS = 3
OBSERVE_S = 3.0

# The engine as `opspanel --headless` runs it, which writes sys.modules when it exits.
RECORDING_ENGINE = """
import atexit, json, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
from panel.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def resting_engine(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """A headless engine whose connection workers all wait for a stopped device."""
    with socket.socket() as holder:  # bound and never listening: connections are refused
        holder.bind(("127.0.0.1", 0))
        folder = resting_workspace(tmp_path / "ws", holder.getsockname()[1], WORKERS)
        modules = tmp_path / "modules.json"
        argv = [sys.executable, "-c", RECORDING_ENGINE, str(modules)]
        proc = subprocess.Popen([*argv, "--headless", "--workspace", str(folder)])
        try:
            wait_for_api_file(folder, proc, STARTUP_S)
            wait_for(lambda: _all_reconnecting(folder), STARTUP_S, "every worker to wait")
            yield proc, modules
        finally:
            terminate_tree(proc)


def _all_reconnecting(folder: Path) -> bool:
    listed = ctl(folder, "conns", "list", "--json")
    rows = json.loads(listed.stdout)["connections"] if listed.returncode == 0 else []
    return len(rows) == WORKERS and all(row["state"] == "reconnecting" for row in rows)


def test_headless_engine_loads_no_gui_module_and_no_driver(
    resting_engine: tuple[subprocess.Popen[bytes], Path],
) -> None:
    proc, modules = resting_engine
    engine = psutil.Process(proc.pid)
    workers = [p for p in engine.children(recursive=True) if "connection" in p.cmdline()]
    assert len(workers) == WORKERS  # the drivers run there, in the workers
    proc.terminate()
    assert proc.wait(30) == 0
    loaded = set(json.loads(modules.read_text()))
    assert "qasync" in loaded and "panel.engine" in loaded
    unwanted = ("PySide6.QtWidgets", "PySide6.QtGui", "pymodbus", "asyncua", "panel.views")
    # Resident memory at rest: no ORM, and what only a job schedule or a refused
    # API call needs comes with the first of them (the ctl calls above were valid).
    unwanted += ("sqlalchemy", "jsonschema", "croniter")
    found = sorted(m for m in loaded if m.split(".")[0] in unwanted or m.startswith(unwanted))
    assert found == []


def test_every_api_params_schema_is_valid(
    resting_engine: tuple[subprocess.Popen[bytes], Path],
) -> None:
    # The engine checks a schema only when jsonschema is first needed for it.
    from jsonschema.validators import validator_for

    folder = Path(resting_engine[0].args[-1])  # type: ignore[index]
    with ApiClient.from_workspace(folder) as client:
        methods = client.call("rpc.discover")["methods"]
    schemas = {m["name"]: m["params"] for m in methods if m["params"] is not None}
    assert len(schemas) > 20 and "conns.write" in schemas
    for name, schema in schemas.items():
        try:
            validator_for(schema).check_schema(schema)
        except Exception as exc:
            raise AssertionError(f"{name}: {exc}") from exc


def _wakeups_per_s(engine: psutil.Process) -> float:
    before, began = engine.num_ctx_switches().voluntary, time.monotonic()
    time.sleep(OBSERVE_S)  # the observation window, not a synchronisation
    return (engine.num_ctx_switches().voluntary - before) / (time.monotonic() - began)


def test_headless_engine_at_rest_sleeps(
    resting_engine: tuple[subprocess.Popen[bytes], Path],
) -> None:
    engine = psutil.Process(resting_engine[0].pid)
    time.sleep(1.0)  # the last ctl call's connection is closed and forgotten
    # Each waiting worker used to report every second, and the engine sampled and
    # emitted stats every second for nobody: >= 5 wakeups/s with 3 workers.
    rate = _wakeups_per_s(engine)
    assert rate < 1.0, f"{rate:.1f} wakeups/s"


def test_a_stats_subscriber_gets_figures_every_second_then_the_engine_rests(
    resting_engine: tuple[subprocess.Popen[bytes], Path],
) -> None:
    proc, _ = resting_engine
    folder = Path(proc.args[-1])  # type: ignore[index]
    with ApiClient.from_workspace(folder) as client:
        assert client.call("stats.subscribe") == {"subscribed": True}
        began, figures = time.monotonic(), []
        for message in client.notifications(timeout=10):
            if message.get("method") == "stats":
                figures.append(message["params"])
            if len(figures) == 3:
                break
        assert len(figures) == 3 and time.monotonic() - began < 8, figures
        assert all(f["panelRss"] > 0 for f in figures), figures
    time.sleep(2.0)  # the engine notices at its next figure that nobody is subscribed
    rate = _wakeups_per_s(psutil.Process(proc.pid))
    assert rate < 1.0, f"{rate:.1f} wakeups/s after the subscriber left"
