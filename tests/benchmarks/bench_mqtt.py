"""The tag bus under load: Modbus workers publishing on MQTT, an external subscriber.

1. Blocks: 10 workers x 1,000 float32 tags at 100 ms with `blockMessages` (one message
   per cycle, 10 workers x 10 a second), to the embedded broker, against the same load
   without MQTT in the same run: missed cycles and lateness p99 of both; the external
   subscriber's (QoS 0, its own process) received fraction of the block messages and
   their p99 end-to-end latency (device answer -> subscriber). Goals: 0 missed, p99
   no worse than without MQTT, >= 99.9 % received, latency p99 <= 50 ms. Each pair
   runs the load without MQTT before and after the one with it: the two show how far
   one load lands from itself here, and "no worse" is "within those two".
2. Tags: 10 workers x 1,000 uint16 tags at 1 s with a tenth of the values changing
   each second (about 1,000 per-tag messages/s, report by exception), on the embedded
   broker and on mosquitto (when installed): received fraction and latency p99.
   Goals: >= 99.9 %, p99 <= 100 ms.
Each run reports the CPU of the broker, of the workers and of the subscriber; a bare
paho publisher loop sending the same block messages shows what MQTT itself costs.
`BENCH_MQTT_SECONDS` sets each measuring window (default 20 s).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

from tests.benchmarks.bench_modbus import (
    CONN_TESTS,
    Simulator,
    connection,
    last_stats,
    reloaded,
)

sys.path.insert(0, str(CONN_TESTS))
from workerproc import WorkerProc

from panel.mqtt.endpoint import PASSWORD_FILE, read_state
from panel.util.ports import ephemeral_port
from panel.workspace.transfer import export_config, import_config
from panel.workspace.workspace import Workspace
from tests.integration.mqtt.brokers import port_answers
from tests.waiting import wait_for

HERE = Path(__file__).resolve().parent
LOAD_S = float(os.environ.get("BENCH_MQTT_SECONDS", "20"))
WORKERS = 10
TAGS = 1000
DRAIN_S = 3.0
WARMUP_S = float(os.environ.get("BENCH_MQTT_WARMUP_SECONDS", "5"))
PAIRS = int(os.environ.get("BENCH_MQTT_PAIRS", "3"))
"""How many times the block load runs without and with the embedded broker, alternating."""
TRACE = os.environ.get("BENCH_MQTT_TRACE") == "1"
"""Run the workers under `worker_trace`: where their late cycles lost the time."""
WORKER_COMMAND = ("tests.benchmarks.worker_trace",) if TRACE else ("panel", "worker", "connection")
BLOCK_BYTES = 25_000
"""About the size of one 1,000-float block message."""
BARE = r"""
import sys, time, json
import paho.mqtt.client as mqtt
host, port, user, password, size, rate, seconds = sys.argv[1:8]
client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="bench-bare")
client.username_pw_set(user, password)
client.connect(host, int(port)); client.loop_start()
payload = b"x" * int(size)
period, n = 1.0 / float(rate), 0
start = time.monotonic()
while time.monotonic() - start < float(seconds):
    client.publish(f"bench/bare/{n % 10}", payload, qos=0)
    n += 1
    time.sleep(max(0.0, start + n * period - time.monotonic()))
client.loop_stop(); client.disconnect()
print(n, flush=True)
"""


def _cpu(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return times.user + times.system


class Broker:
    """The embedded broker as the panel runs it, or a mosquitto (anonymous off)."""

    def __init__(self, kind: str, folder: Path) -> None:
        self.kind = kind
        self.folder = folder
        self.user, self.password = "bench", "bench-password"
        if kind == "embedded":
            argv = [sys.executable, "-m", "panel", "worker", "mqtt-broker", "--workspace"]
            self.log = open(folder / "broker.log", "wb")  # noqa: SIM115  (closed in close())
            self.proc = subprocess.Popen(
                [*argv, str(folder / "ws")], stdout=subprocess.DEVNULL, stderr=self.log
            )
            state = wait_for(lambda: read_state(folder / "ws"), 30, "the embedded broker")
            self.port = int(state["port"])
            self.user = str(state["username"])
            self.password = (folder / "ws" / PASSWORD_FILE).read_text().strip()
            return
        program = shutil.which("mosquitto", path=os.environ["PATH"] + ":/usr/sbin:/sbin")
        assert program is not None
        self.port = ephemeral_port()
        passwd = folder / "passwd"
        subprocess.run(
            ["mosquitto_passwd", "-c", "-b", str(passwd), self.user, self.password], check=True
        )
        conf = folder / "mosquitto.conf"
        lines = [f"listener {self.port} 127.0.0.1", "allow_anonymous false"]
        lines += [f"password_file {passwd}", "persistence false", "max_queued_messages 100000"]
        if os.geteuid() == 0:
            lines.append("user root")
        conf.write_text("\n".join(lines) + "\n")
        self.proc = subprocess.Popen(
            [program, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        # mosquitto has no readiness line: ready once its port accepts
        wait_for(lambda: port_answers(self.port), 10.0, f"mosquitto on port {self.port}")

    def section(self, folder: Path) -> dict[str, Any]:
        """The workspace's mqtt section for this broker."""
        if self.kind == "embedded":
            return {"embedded": True}
        (folder / "ws" / "mqtt.password").write_text(self.password)
        url = f"mqtt://127.0.0.1:{self.port}"
        return {"url": url, "username": self.user, "passwordFile": "mqtt.password"}

    def warnings(self) -> list[str]:
        """What the broker wrote on stderr (the embedded one), a few distinct lines."""
        path = self.folder / "broker.log"
        lines = path.read_text(errors="replace").splitlines() if path.exists() else []
        return sorted({line[:200] for line in lines if line.strip()})[:5]

    def close(self) -> None:
        if getattr(self, "log", None) is not None:
            self.log.close()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class ExternalSubscriber:
    """`mqtt_subscriber.py` as a process: counts and latencies at the end."""

    def __init__(self, broker: Broker, topic: str) -> None:
        argv = [sys.executable, str(HERE / "mqtt_subscriber.py"), "127.0.0.1", str(broker.port)]
        self.proc = subprocess.Popen(
            [*argv, broker.user, broker.password, topic],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        for _ in range(20):
            line = self.proc.stdout.readline().strip()
            if line == "READY":
                return
            if self.proc.poll() is not None:
                break
        raise RuntimeError("the benchmark subscriber did not start")

    def finish(self) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        result: dict[str, Any] = json.loads(self.proc.stdout.readline())
        self.proc.wait(30)
        return result


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _bus(worker: WorkerProc) -> dict[str, Any]:
    stats = [m for m in worker.messages if m.get("t") == "stats" and m.get("bus")]
    return dict(stats[-1]["bus"]) if stats else {}


def run_load(
    name: str,
    broker_kind: str | None,
    period_ms: int,
    tag_type: str,
    bus: dict[str, Any],
    churn: list[str],
) -> dict[str, Any]:
    """One load: workers (and a broker and subscriber when `broker_kind`), one window."""
    registers = (2 if tag_type == "float32" else 1) * TAGS
    sim = Simulator(registers + 64) if not churn else _churning_simulator(registers + 64, churn)
    broker: Broker | None = None
    broker_warnings: list[str] = []
    sub: ExternalSubscriber | None = None
    workers: list[WorkerProc] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        try:
            conns = [
                connection(f"w{i}", sim.port, registers, period_ms, TAGS, tag_type)
                for i in range(WORKERS)
            ]
            with Workspace.open(folder / "ws") as ws:
                data = export_config(ws)
                data["connections"] = conns
                import_config(ws, data)
            if broker_kind is not None:
                broker = Broker(broker_kind, folder)
                with Workspace.open(folder / "ws") as ws:
                    ws.save_config_object("mqtt", broker.section(folder) | bus)
                topic = "opspanel/ws/+/$block/#" if bus.get("blockMessages") else "opspanel/ws/+/+"
                sub = ExternalSubscriber(broker, topic)
            workers = [
                WorkerProc(
                    None,
                    folder,
                    "--conn-id",
                    c["id"],
                    "--workspace",
                    str(folder / "ws"),
                    command=WORKER_COMMAND,
                )
                for c in conns
            ]
            for worker in workers:
                worker.wait_state("EXECUTE", 60)
            marks = []
            for worker in workers:  # warmed up: restart the block timers, fresh stats
                last_stats(worker, len(worker.messages))
                marks.append(len(worker.messages))
                worker.send({"cmd": "reload"})
            marks = [reloaded(w, m) for w, m in zip(workers, marks, strict=True)]
            # The first cycle published every tag (10 x 1,000 retained messages): let the
            # broker work through that burst before the steady state is measured.
            time.sleep(WARMUP_S)
            marks = [len(w.messages) for w in workers]
            before = [last_stats(w, m)[1]["blocks"][0] for w, m in zip(workers, marks, strict=True)]
            procs = [psutil.Process(w.pid) for w in workers]
            others = {"broker": broker.proc.pid if broker else None, "subscriber": None}
            others["simulator"] = sim.proc.pid  # one process serving all ten workers
            if sub is not None:
                others["subscriber"] = sub.proc.pid
            watched = {k: psutil.Process(pid) for k, pid in others.items() if pid is not None}
            cpu0 = [_cpu(p) for p in procs]
            other0 = {k: _cpu(p) for k, p in watched.items()}
            t0 = time.time()
            time.sleep(LOAD_S)  # the measuring window: the load runs by itself
            t1 = time.time()
            cpu1 = [_cpu(p) for p in procs]
            other1 = {k: _cpu(p) for k, p in watched.items()}
            marks = [len(w.messages) for w in workers]
            after = [last_stats(w, m)[1]["blocks"][0] for w, m in zip(workers, marks, strict=True)]
            for worker in workers:
                worker.stop()
            published = [_bus(w) for w in workers]
            errors = [
                line
                for w in workers
                for line in w.stderr.decode(errors="replace").splitlines()
                if "mqtt" in line and not line.startswith("LATE-TRACE")
            ]
            traces = [
                json.loads(line.removeprefix("LATE-TRACE "))
                for w in workers
                for line in w.stderr.decode(errors="replace").splitlines()
                if line.startswith("LATE-TRACE ")
            ]
            received = None
            if sub is not None:
                time.sleep(DRAIN_S)  # the messages still in flight reach the subscriber
                received = sub.finish()
                sub = None
        finally:
            for worker in workers:
                worker.close()
            if sub is not None:
                sub.proc.kill()
            if broker is not None:
                broker_warnings = broker.warnings()
                broker.close()
            sim.close()
    figures: dict[str, Any] = {
        "name": name,
        "broker": broker_kind,
        "workers": WORKERS,
        "tags_per_worker": TAGS,
        "period_ms": period_ms,
        "seconds": LOAD_S,
        "cycles": sum(a["cycles"] - b["cycles"] for a, b in zip(after, before, strict=True)),
        "missed": sum(a["missed"] - b["missed"] for a, b in zip(after, before, strict=True)),
        "lateness_p99_ms_worst_worker": max(a["latenessP99Ms"] for a in after),
        "lateness_max_ms": max(a["latenessMaxMs"] for a in after),
        "cpu_percent_workers_total": round(
            sum(b - a for a, b in zip(cpu0, cpu1, strict=True)) / LOAD_S * 100, 1
        ),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "worker_warnings": sorted(set(errors))[:5],
    }
    if traces:
        figures["late_trace"] = _merge_traces(traces)
    if broker_kind == "embedded":
        figures["broker_warnings"] = broker_warnings
    for key in other1:
        figures[f"cpu_percent_{key}"] = round((other1[key] - other0[key]) / LOAD_S * 100, 1)
    if received is not None:
        kind = "block" if bus.get("blockMessages") else "tag"
        sent = sum(int(p.get(f"{kind}Messages") or 0) for p in published)
        got = int(received["counts"][kind])
        window = [lat for ts, lat, k in received["latencies"] if k == kind and t0 <= ts <= t1]
        figures |= {
            "bus_reconnects": sum(max(0, int(p.get("connects") or 1) - 1) for p in published),
            f"{kind}_messages_published": sent,
            f"{kind}_messages_received": got,
            "received_fraction": round(got / sent, 5) if sent else None,
            "latency_p50_ms": _ms(_percentile(window, 0.50)),
            "latency_p99_ms": _ms(_percentile(window, 0.99)),
            "latency_max_ms": _ms(max(window) if window else None),
            "messages_per_s_in_window": round(len(window) / (t1 - t0), 1),
            "slowest_at_s": sorted(
                (round(ts - t0, 2), _ms(lat))
                for ts, lat, k in received["latencies"]
                if k == kind and t0 <= ts <= t1 and lat >= (_percentile(window, 0.99) or 0)
            )[:12],
        }
    return figures


def _pairs_summary(pairs: list[dict[str, Any]]) -> dict[str, Any]:
    """The ranges over the pairs: lateness p99 (worst worker) and missed, each side."""
    out: dict[str, Any] = {"pairs": len(pairs)}
    for side in ("without_mqtt", "embedded"):
        p99 = [p[side]["lateness_p99_ms_worst_worker"] for p in pairs]
        out[side] = {
            "lateness_p99_ms_range": [min(p99), max(p99)],
            "lateness_p99_ms_each": p99,
            "missed_each": [p[side]["missed"] for p in pairs],
        }
    out["pairs_with_mqtt_no_worse"] = sum(
        p["embedded"]["lateness_p99_ms_worst_worker"]
        <= p["without_mqtt"]["lateness_p99_ms_worst_worker"]
        for p in pairs
    )
    # The same load without MQTT twice around the one with it: how far two runs of one
    # load land apart here (the noise), and whether MQTT's run stays within the two.
    without = [
        (
            p["without_mqtt"]["lateness_p99_ms_worst_worker"],
            p["without_mqtt_again"]["lateness_p99_ms_worst_worker"],
        )
        for p in pairs
    ]
    out["without_mqtt_run_to_run_ms"] = [round(abs(a - b), 2) for a, b in without]
    out["with_mqtt_above_worse_without_ms"] = [
        round(p["embedded"]["lateness_p99_ms_worst_worker"] - max(w), 2)
        for p, w in zip(pairs, without, strict=True)
    ]
    out["pairs_with_mqtt_within_the_two_without"] = sum(
        p["embedded"]["lateness_p99_ms_worst_worker"] <= max(w)
        for p, w in zip(pairs, without, strict=True)
    )
    return out


def _merge_traces(traces: list[dict[str, Any]]) -> dict[str, Any]:
    """All workers' `worker_trace` figures together: late cycles and where their time went."""
    sums: dict[str, float] = {}
    for trace in traces:
        for key, value in trace["sums"].items():
            sums[key] = round(sums.get(key, 0.0) + value, 1)
    worst = sorted((c for t in traces for c in t["worst"]), key=lambda c: -c["late_ms"])
    return {
        "cycles": sum(t["cycles"] for t in traces),
        "late_cycles": sum(t["late"] for t in traces),
        "sums_ms": sums,
        "worst": worst[:5],
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000.0, 2)


def _churning_simulator(registers: int, churn: list[str]) -> Simulator:
    """A simulator whose holding registers change (`--churn-ms`, `--churn-every`)."""
    sim = Simulator.__new__(Simulator)
    sim.port = ephemeral_port()
    argv = [sys.executable, str(CONN_TESTS / "modbus_sim.py"), "--port", str(sim.port)]
    sim.proc = subprocess.Popen(
        [*argv, "--registers", str(registers), *churn],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert sim.proc.stdout is not None
    if sim.proc.stdout.readline().strip() != b"READY":
        raise RuntimeError("the Modbus simulator did not start")
    return sim


def bare_publisher(size: int) -> dict[str, Any]:
    """A bare paho loop sending 100 messages/s of `size` bytes to the embedded broker:
    the cost of MQTT itself, beside the workers' (their CPU includes polling)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        Workspace.open(folder / "ws").close()
        broker = Broker("embedded", folder)
        try:
            args = ["127.0.0.1", str(broker.port), broker.user, broker.password]
            proc = subprocess.Popen(
                [sys.executable, "-c", BARE, *args, str(size), "100", str(LOAD_S)],
                stdout=subprocess.PIPE,
                text=True,
            )
            me, bp = psutil.Process(proc.pid), psutil.Process(broker.proc.pid)
            b0, m0 = _cpu(bp), _cpu(me)
            time.sleep(LOAD_S - 1.0)  # the loop runs by itself; read its CPU before it ends
            b1, m1 = _cpu(bp), _cpu(me)
            out, _ = proc.communicate(timeout=LOAD_S + 60)
        finally:
            broker.close()
    seconds = LOAD_S - 1.0
    return {
        "messages": int(out.strip() or 0),
        "payload_bytes": size,
        "rate_per_s": 100,
        "cpu_percent_publisher": round((m1 - m0) / seconds * 100, 1),
        "cpu_percent_broker": round((b1 - b0) / seconds * 100, 1),
    }


def run() -> dict[str, Any]:
    """The block load with and without MQTT (alternating), then the per-tag load."""
    blocks = {"blockMessages": True}
    pairs = [
        {
            "without_mqtt": run_load("blocks", None, 100, "float32", blocks, []),
            "embedded": run_load("blocks", "embedded", 100, "float32", blocks, []),
            "without_mqtt_again": run_load("blocks", None, 100, "float32", blocks, []),
        }
        for _ in range(PAIRS)
    ]
    results: dict[str, Any] = {
        "blocks_pairs": pairs,
        "blocks_summary": _pairs_summary(pairs),
    }
    if os.environ.get("BENCH_MQTT_BLOCKS_ONLY") == "1":
        return results
    results["bare_paho_publisher_embedded"] = bare_publisher(BLOCK_BYTES)
    churn = ["--churn-ms", "1000", "--churn-every", "10"]
    results["tags_embedded"] = run_load("tags", "embedded", 1000, "uint16", {}, churn)
    if shutil.which("mosquitto", path=os.environ["PATH"] + ":/usr/sbin:/sbin"):
        results["tags_mosquitto"] = run_load("tags", "mosquitto", 1000, "uint16", {}, churn)
        results["blocks_mosquitto"] = run_load("blocks", "mosquitto", 100, "float32", blocks, [])
    else:
        results["mosquitto"] = "skipped: needs mosquitto (Debian package mosquitto)"
    results["goals"] = {
        "blocks": "0 missed, lateness p99 <= without MQTT, >= 99.9 % received, p99 <= 50 ms",
        "tags": ">= 99.9 % received, p99 <= 100 ms",
    }
    return results
