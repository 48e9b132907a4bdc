"""The Connections page of a window attached to a headless engine, under a full tag load.

A real `python -m panel --headless` engine runs 10 connection workers x 1,000 uint16
tags polled every 100 ms from a Modbus simulator process whose every register changes
every 50 ms (so every poll of every tag is a new value: 100k values/s leave the
workers). The engine publishes them on its API (`conns.tags`); this process is the
window: a `RemoteLink` with the remote view models and the real `ConnectionsView`,
shown, with the first connection selected. Measured over `BENCH_CONNS_SECONDS`
(default 15) after a warm-up: the values that reach the connections model per second,
the values the page's tag table applied, and the longest gap of the window's event
loop (a 1 ms heartbeat timer), beside the longest gap of a process with nothing but that
heartbeat, run at the same time (what the machine alone imposes). Goal: >= 50k values/s,
longest stall <= 50 ms.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

from panel.util.gc_settle import freeze_startup
from tests.benchmarks.bench_modbus import connection as modbus_connection
from tests.waiting import wait_for_api_file

HERE = Path(__file__).resolve().parent
CONN_TESTS = HERE.parent / "integration" / "connections"

WORKERS = 10
TAGS = 1000
PERIOD_MS = 100
CHURN_MS = 50
SECONDS = float(os.environ.get("BENCH_CONNS_SECONDS", "15"))
WARMUP_S = 3.0
STARTUP_S = 90.0
TRACE = os.environ.get("BENCH_STALL_TRACE", "") not in ("", "0")
"""Split every long gap by what the window's threads did (see stall_trace.py)."""
OWN_SESSIONS = os.environ.get("BENCH_CONNS_OWN_SESSIONS", "") not in ("", "0")
"""Diagnosis only: start the engine and the simulator in sessions of their own, as a
service and a device elsewhere are, so that Linux's autogroup scheduling does not put
them in the window's share of the CPUs (the figures say `own_sessions`)."""

BARE_HEARTBEAT = """
import sys, time
from PySide6.QtCore import QCoreApplication, QTimer
app = QCoreApplication([])
state = {"last": time.perf_counter(), "max": 0.0}
def beat():
    now = time.perf_counter()
    state["max"] = max(state["max"], now - state["last"])
    state["last"] = now
timer = QTimer()
timer.setInterval(1)
timer.timeout.connect(beat)
timer.start()
QTimer.singleShot(round(float(sys.argv[1]) * 1000), app.quit)
app.exec()
print(round(state["max"] * 1000, 1))
"""
"""A process with nothing but the window's 1 ms heartbeat: the longest gap this machine
imposes on a Qt thread under the same load (the baseline of the page's stall)."""


def connection(conn_id: str, port: int) -> dict[str, Any]:
    """One connection: a block of TAGS holding registers, a uint16 tag on each."""
    return modbus_connection(conn_id, port, TAGS, PERIOD_MS, TAGS, "uint16")


def _simulator(port: int) -> subprocess.Popen[bytes]:
    argv = [sys.executable, str(CONN_TESTS / "modbus_sim.py"), "--port", str(port)]
    argv += ["--registers", str(TAGS + 24), "--churn-ms", str(CHURN_MS)]
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=OWN_SESSIONS,
    )
    assert proc.stdout is not None
    if proc.stdout.readline().strip() != b"READY":
        raise RuntimeError("the Modbus simulator did not start")
    return proc


def _workspace(folder: Path, port: int) -> Path:
    from tests.resting_workspace import workspace_of

    return workspace_of(folder / "ws", [connection(f"w{i}", port) for i in range(WORKERS)])


def _engine(workspace: Path, out: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "panel", "--headless", "--workspace", str(workspace)],
        stdout=out.open("wb"),
        stderr=subprocess.STDOUT,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
        start_new_session=OWN_SESSIONS,
    )
    wait_for_api_file(workspace, proc, STARTUP_S)
    if proc.poll() is not None:
        raise RuntimeError(f"the engine did not start: {out.read_text(errors='replace')}")
    return proc


def _stop(proc: subprocess.Popen[bytes]) -> None:
    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        children = []
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.kill()


def _measure(workspace: Path, others: dict[str, list[int]] | None = None) -> dict[str, Any]:
    from PySide6.QtCore import QEventLoop, QTimer

    from panel.connections.status import ConnState
    from panel.viewmodels.models import remote_models
    from panel.viewmodels.remote.endpoint import workspace_endpoint
    from panel.viewmodels.remote.link import RemoteLink
    from panel.views.connections_view import ConnectionsView

    link = RemoteLink(workspace_endpoint(workspace))
    models = remote_models(link)
    conns = models.connections
    view = ConnectionsView(conns)
    view.resize(1100, 800)
    view.show()
    counts = {"values": 0, "dropped": 0}

    def count(_conn_id: str, values: list[dict[str, Any]]) -> None:
        counts["values"] += len(values)

    def dropped(params: Any) -> None:
        counts["dropped"] += int(params.get("dropped", 0)) if isinstance(params, dict) else 0

    conns.sig_tags.connect(count)
    link.on("rpc.dropped", dropped)
    link.open()

    def wait(condition: Any, timeout_s: float, what: str) -> None:
        loop = QEventLoop()
        deadline = time.monotonic() + timeout_s
        timer = QTimer()
        timer.setInterval(20)

        def check() -> None:
            if condition() or time.monotonic() > deadline:
                loop.quit()

        timer.timeout.connect(check)
        timer.start()
        loop.exec()
        timer.stop()
        if not condition():
            raise RuntimeError(f"timed out waiting for {what}")

    def all_connected() -> bool:
        snaps = conns.snapshots()
        return len(snaps) == WORKERS and all(s.state == ConnState.CONNECTED for s in snaps)

    wait(all_connected, STARTUP_S, "10 connected workers")
    wait(lambda: view.current_id() == "w0" and view.tag_model.rowCount() == TAGS, 30, "w0")
    freeze_startup()  # as the app does once its window is shown
    _run_for(WARMUP_S)

    state = {"last": time.perf_counter(), "stall": 0.0, "over_50ms": 0}

    def beat() -> None:
        now = time.perf_counter()
        gap = now - state["last"]
        state["stall"] = max(state["stall"], gap)
        state["over_50ms"] += gap > 0.05
        state["last"] = now

    trace = _tracer()
    heart = QTimer()
    heart.setInterval(1)
    heart.timeout.connect(beat)
    if trace is not None:
        heart.timeout.connect(trace.beat)
    values0, applied0, dropped0 = counts["values"], view.tag_model.values_applied, counts["dropped"]
    me = psutil.Process()
    cpu0 = me.cpu_times()
    shares = _CpuShares(others or {})
    bare = subprocess.Popen(
        [sys.executable, "-c", BARE_HEARTBEAT, str(SECONDS)], stdout=subprocess.PIPE, text=True
    )
    began = time.perf_counter()
    state["last"] = began
    heart.start()
    _run_for(SECONDS)
    heart.stop()
    bare_stall, _ = bare.communicate(timeout=60)
    elapsed = time.perf_counter() - began
    cpu1 = me.cpu_times()
    cpu_shares = shares.percent()
    values = counts["values"] - values0
    applied = view.tag_model.values_applied - applied0
    w0 = view.model.snapshot("w0")
    traced = {} if trace is None else {"stall_trace": _finish(trace)}
    link.close()
    view.close()
    view.deleteLater()
    return {
        "values_to_model": values,
        "values_per_s": round(values / elapsed),
        "page_table_values_applied_per_s": round(applied / elapsed),
        "max_stall_ms": round(state["stall"] * 1000, 1),
        "stalls_over_50ms": state["over_50ms"],
        "bare_heartbeat_process_max_stall_ms": float(bare_stall.strip() or "nan"),
        "notifications_dropped_by_engine": counts["dropped"] - dropped0,
        "window_cpu_percent": round(
            (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / elapsed * 100, 1
        ),
        "w0_state": str(w0.state) if w0 else None,
        "cpu_percent_during": cpu_shares,
        **traced,
    }


def _window_only() -> dict[str, Any]:
    """The window's share alone: the same notifications (10 x 1,000 values every 100 ms),
    decoded on a thread as the link's reader does and handed to the Qt thread the same
    way, with the remote model and the shown page on top; no engine, no workers."""
    import threading

    from PySide6.QtCore import QTimer

    from panel.connections.status import ConnectionSnapshot, ConnState
    from panel.connections.tag_columns import to_columns
    from panel.viewmodels.connections import tag_infos_of
    from panel.viewmodels.models import remote_models
    from panel.viewmodels.remote.endpoint import Address, Endpoint
    from panel.viewmodels.remote.link import RemoteLink
    from panel.views.connections_view import ConnectionsView

    link = RemoteLink(Endpoint("synthetic", lambda: Address("ws://127.0.0.1:9", "")))
    conns = remote_models(link).connections
    marker = object()
    link._ws = marker  # type: ignore[assignment]  # messages of this "connection" count
    snaps = [
        ConnectionSnapshot(
            f"w{i}",
            "modbus_tcp",
            "x",
            True,
            ConnState.CONNECTED,
            "EXECUTE",
            None,
            1,
            0.0,
            0,
            0,
            0.0,
            TAGS,
        )
        for i in range(WORKERS)
    ]
    conns._take_list({"connections": [s.to_json() for s in snaps]})  # type: ignore[attr-defined]
    infos = tag_infos_of(connection("w0", 1))
    for i in range(WORKERS):
        conns._configs[f"w{i}"] = connection(f"w{i}", 1)  # type: ignore[attr-defined]
        conns._tag_infos[f"w{i}"] = infos  # type: ignore[attr-defined]
    view = ConnectionsView(conns)
    conns.sig_changed.emit()
    view.resize(1100, 800)
    view.show()
    freeze_startup()  # as the app does once its window is shown
    counts = {"values": 0}

    def count(_conn_id: str, values: list[dict[str, Any]]) -> None:
        counts["values"] += len(values)

    conns.sig_tags.connect(count)
    stop = threading.Event()

    def message(tick: int, conn_id: str) -> str:
        values = [
            {"name": f"t{t}", "value": (tick + t) % 65536, "quality": "good", "ts": time.time()}
            for t in range(TAGS)
        ]
        params = {"id": conn_id, **to_columns(values)}  # as the window subscribes
        return json.dumps({"jsonrpc": "2.0", "method": "conns.tags", "params": params})

    # Encoded beforehand: the engine encodes in its own process, and an encoder here
    # would hold this process's interpreter lock as the window never has to.
    texts = [[message(tick, f"w{i}") for i in range(WORKERS)] for tick in range(20)]

    def publish() -> None:
        tick = 0
        next_at = time.monotonic()
        while not stop.is_set():
            for text in texts[tick % len(texts)]:
                link._sig_message.emit(marker, json.loads(text))  # as the reader thread does
            tick += 1
            next_at += PERIOD_MS / 1000
            stop.wait(max(0.0, next_at - time.monotonic()))

    state = {"last": time.perf_counter(), "stall": 0.0, "over_50ms": 0}

    def beat() -> None:
        now = time.perf_counter()
        gap = now - state["last"]
        state["stall"] = max(state["stall"], gap)
        state["over_50ms"] += gap > 0.05
        state["last"] = now

    thread = threading.Thread(target=publish, daemon=True)
    thread.start()
    _run_for(WARMUP_S)
    trace = _tracer()
    heart = QTimer()
    heart.setInterval(1)
    heart.timeout.connect(beat)
    if trace is not None:
        heart.timeout.connect(trace.beat)
    values0 = counts["values"]
    began = state["last"] = time.perf_counter()
    heart.start()
    _run_for(SECONDS)
    heart.stop()
    elapsed = time.perf_counter() - began
    values = counts["values"] - values0
    traced = {} if trace is None else {"stall_trace": _finish(trace)}
    stop.set()
    thread.join(5)
    link._ws = None
    view.close()
    view.deleteLater()
    return {
        "values_per_s": round(values / elapsed),
        "max_stall_ms": round(state["stall"] * 1000, 1),
        "stalls_over_50ms": state["over_50ms"],
        **traced,
    }


class _CpuShares:
    """CPU use (percent of one CPU) of the engine, its workers, the simulator and
    everything else on the machine, from now until `percent()`."""

    def __init__(self, pids: dict[str, list[int]]) -> None:
        self._procs = {
            role: [p for p in (_process(pid) for pid in group) if p is not None]
            for role, group in pids.items()
        }
        engine = self._procs.get("engine", [])
        with contextlib.suppress(psutil.Error):
            self._procs["workers"] = [c for p in engine for c in p.children(recursive=True)]
        self._began = time.monotonic()
        self._start = self._read()

    def _read(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for role, procs in self._procs.items():
            total = 0.0
            for proc in procs:
                with contextlib.suppress(psutil.Error):
                    times = proc.cpu_times()
                    total += times.user + times.system
            out[role] = total
        machine = psutil.cpu_times()
        out["machine"] = machine.user + machine.system + machine.nice + machine.irq
        out["machine"] += machine.softirq
        return out

    def percent(self) -> dict[str, float]:
        end, elapsed = self._read(), time.monotonic() - self._began
        shares = {role: (end[role] - self._start[role]) / elapsed * 100 for role in end}
        ours = sum(v for role, v in shares.items() if role != "machine")
        shares["rest_of_machine"] = shares["machine"] - ours
        return {role: round(value, 1) for role, value in shares.items()}


def _process(pid: int) -> psutil.Process | None:
    try:
        return psutil.Process(pid)
    except psutil.Error:
        return None


def _tracer() -> Any:
    """A StallTrace over the Qt thread and every other thread of this process, or None."""
    if not TRACE:
        return None
    import threading

    from tests.benchmarks.stall_trace import StallTrace

    threads = {"qt": threading.get_native_id()}
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and thread.native_id is not None:
            threads[thread.name.replace("-", "_")] = thread.native_id
    sample = os.environ.get("BENCH_STALL_SAMPLE_MS")
    return StallTrace(threads, sample_ms=float(sample) if sample else None)


def _finish(trace: Any) -> dict[str, Any]:
    trace.stop()
    return dict(trace.report(), threads=sorted(trace.threads))


def _run_for(seconds: float) -> None:
    """Run the Qt event loop for `seconds`."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()


def run() -> dict[str, Any]:
    """Figures for `python -m tests.benchmarks --only conns_attached`."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from panel.util.ports import ephemeral_port

    app = QApplication.instance() or QApplication([])
    port = ephemeral_port()
    sim = _simulator(port)
    engine = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            workspace = _workspace(Path(tmp), port)
            engine = _engine(workspace, Path(tmp) / "engine.out")
            try:
                engine_ps = psutil.Process(engine.pid)
                cpu0 = engine_ps.cpu_times()
                t0 = time.monotonic()
                pids = {"engine": [engine.pid], "simulator": [sim.pid], "window": [os.getpid()]}
                figures = _measure(workspace, pids)
                cpu1 = engine_ps.cpu_times()
                engine_cpu = (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / (
                    time.monotonic() - t0
                )
            finally:
                _stop(engine)
    finally:
        assert sim.stdin is not None and sim.stdout is not None
        sim.stdin.close()
        try:
            sim.wait(10)
        except subprocess.TimeoutExpired:
            sim.kill()
        sim.stdout.close()
    app.processEvents()
    window_only = _window_only()
    app.processEvents()
    return {
        "workers": WORKERS,
        "tags_per_worker": TAGS,
        "period_ms": PERIOD_MS,
        "offered_values_per_s": WORKERS * TAGS * 1000 // PERIOD_MS,
        "seconds": SECONDS,
        **figures,
        "engine_cpu_percent_incl_startup": round(engine_cpu * 100, 1),
        "window_only_synthetic_feed": window_only,
        "own_sessions": OWN_SESSIONS,
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "goal_met": figures["values_per_s"] >= 50_000 and figures["max_stall_ms"] <= 50,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
