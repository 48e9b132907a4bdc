"""The frozen bundle runs the panel, its children and the demo server with no Python around."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psutil
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from pkgtools import ROOT, BundledEngine, prepare_workspace, run_bundle, wait_for

sys.path.insert(0, str(ROOT / "tests" / "integration" / "connections"))

from modbus_sim import ModbusSim


def test_version_comes_from_bundled_metadata(bundle: Path) -> None:
    result = run_bundle(bundle, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"opspanel {version('opspanel')}"


def test_acts_as_interpreter_for_dash_c_and_dash_m(bundle: Path) -> None:
    code = "import sys; print(sys.argv[1:]); raise SystemExit(7)"
    result = run_bundle(bundle, "-c", code, "a", "--b")
    assert result.returncode == 7
    assert result.stdout.strip() == "['a', '--b']"
    result = run_bundle(bundle, "-m", "uvicorn", "--version")
    assert result.returncode == 0, result.stderr
    assert "uvicorn" in result.stdout


def test_the_window_icons_and_stylesheet_are_in_the_bundle(bundle: Path) -> None:
    code = (
        "from panel.views.icons import NAMES, icon_dir; from panel.views.theme import "
        "stylesheet_path; missing = [n for n in NAMES if not (icon_dir() / f'{n}.svg')"
        ".is_file()]; print(missing, stylesheet_path().is_file())"
    )
    result = run_bundle(bundle, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] True"


def test_headless_demo_server_runs_from_the_bundle(
    bundle: Path, tmp_path: Path, free_port: int, start_bundle: Any
) -> None:
    workspace = prepare_workspace(bundle, tmp_path, free_port)
    engine: BundledEngine = start_bundle(workspace, "--headless")
    status = engine.ctl("status")
    assert status.returncode == 0, status.stderr
    assert "engine" in status.stdout
    answer = engine.wait_server("running")
    assert answer["port"] == free_port
    with urllib.request.urlopen(f"http://127.0.0.1:{free_port}/health", timeout=10) as reply:
        assert json.loads(reply.read())["status"] == "ok"
    # Every child (the reaper, the uvicorn server) is the frozen executable itself.
    children = {tuple(p.cmdline()[1:3]): p.exe() for p in engine.descendants()}
    assert children[("-m", "uvicorn")] == str(bundle.resolve())
    reaper = [exe for args, exe in children.items() if args[:1] == ("reaper",)]
    assert reaper == [str(bundle.resolve())]
    pids = [p.pid for p in engine.descendants()]
    assert engine.stop() == 0
    wait_for(lambda: not any(psutil.pid_exists(pid) for pid in pids), 30, "children gone")


@pytest.fixture
def modbus_sim(free_port: int) -> Iterator[ModbusSim]:
    """A Modbus TCP simulator (the test process's own pymodbus) on a free port."""
    sim = ModbusSim(free_port, registers=16).start()
    yield sim
    sim.close()


def _read_lines(stream: Any, into: queue.Queue[dict[str, Any]]) -> None:
    for raw in stream:
        try:
            into.put(json.loads(raw))
        except ValueError:
            continue


def test_frozen_connection_worker_reads_a_modbus_device(
    bundle: Path, tmp_path: Path, modbus_sim: ModbusSim
) -> None:
    modbus_sim.set("holding", 0, [1234])
    config = {
        "id": "plc1",
        "driver": "modbus_tcp",
        "host": "127.0.0.1",
        "port": modbus_sim.port,
        "unitId": 1,
        "timeoutMs": 1000,
        "blocks": [
            {
                "name": "hr",
                "area": "holding",
                "start": 0,
                "count": 1,
                "periodMs": 100,
                "tags": [{"name": "level", "offset": 0, "type": "uint16"}],
            }
        ],
    }
    path = tmp_path / "plc1.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    proc = subprocess.Popen(
        [str(bundle), "worker", "connection", "--conn-id", "plc1", "--config-json", str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    messages: queue.Queue[dict[str, Any]] = queue.Queue()
    reader = threading.Thread(target=_read_lines, args=(proc.stdout, messages), daemon=True)
    reader.start()
    try:

        def level_read() -> bool:
            message = messages.get(timeout=30)
            return message.get("t") == "tags" and any(
                v["name"] == "level" and v["quality"] == "good" and v["value"] == 1234
                for v in message["values"]
            )

        wait_for(level_read, 60, "the tag read through the frozen worker")
        assert proc.stdin is not None
        proc.stdin.write(b'{"cmd":"stop"}\n')
        proc.stdin.flush()
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(10)
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()
