"""A real worker process against a real asyncua server (its own process) on 127.0.0.1."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import psutil
import pytest
from opcua_sim import OpcUaSim
from workerproc import WorkerProc

from panel.util.ports import ephemeral_port

StartWorker = Callable[..., WorkerProc]
STARTUP_S = 40.0  # generous: starting Python with asyncua on two busy cores is slow
Entry = dict[str, Any]


@pytest.fixture(scope="module")
def opcua_sim() -> Iterator[OpcUaSim]:
    """One server for the tests that leave its values as they found them."""
    sim = OpcUaSim(ephemeral_port()).start()
    yield sim
    sim.stop()


def connection(endpoint: str, blocks: list[Entry], conn_id: str = "ua1") -> Entry:
    return {
        "id": conn_id,
        "driver": "opcua",
        "endpoint": endpoint,
        "timeoutMs": 2000,
        "reconnectMinMs": 100,
        "reconnectMaxMs": 400,
        "blocks": blocks,
    }


def node(name: str) -> str:
    return f"ns=2;s={name}"


def good(value: Any) -> Callable[[Entry], bool]:
    def check(entry: Entry) -> bool:
        if entry["quality"] != "good":
            return False
        if isinstance(value, float):
            return isinstance(entry["value"], float) and math.isclose(entry["value"], value)
        return bool(entry["value"] == value and type(entry["value"]) is type(value))

    return check


def bad_because(reason: str) -> Callable[[Entry], bool]:
    return lambda e: e["quality"] == "bad" and reason in (e.get("reason") or "")


INITIAL = {"Double": 1.5, "Int32": -42, "Boolean": True, "String": "hello"}
SCALAR_TAGS = [
    {"name": "d", "node": node("Double"), "writable": True},
    {"name": "i", "node": node("Int32"), "writable": True},
    {"name": "b", "node": node("Boolean"), "writable": True},
    {"name": "s", "node": node("String"), "writable": True},
]


def test_polled_values_decode_and_unknown_nodes_are_bad(
    opcua_sim: OpcUaSim, start_worker: StartWorker
) -> None:
    tags = [
        *SCALAR_TAGS,
        {"name": "missing", "node": node("Missing")},
        {"name": "garbage", "node": "not a node id;;"},
        {"name": "scaled", "node": node("Int32"), "scale": 0.5, "offsetValue": 1},
    ]
    worker = start_worker(
        connection(opcua_sim.endpoint, [{"name": "poll", "periodMs": 100, "tags": tags}])
    )
    worker.wait_state("EXECUTE", timeout=STARTUP_S)
    worker.wait_tag("d", good(1.5), timeout=STARTUP_S)
    worker.wait_tag("i", good(-42))
    worker.wait_tag("b", good(True))
    worker.wait_tag("s", good("hello"))
    worker.wait_tag("scaled", good(-20.0))
    worker.wait_tag("missing", bad_because("BadNodeIdUnknown"))
    worker.wait_tag("garbage", bad_because("invalid node id"))
    _, stats = worker.wait_for(
        lambda m: m.get("t") == "stats" and m["blocks"][0]["cycles"] >= 3, timeout=STARTUP_S
    )
    block = stats["blocks"][0]
    assert block["requests"] == block["cycles"], "all nodes of a block in ONE read request"
    assert worker.stop() == 0


def test_subscription_follows_changes_with_source_timestamps(
    opcua_sim: OpcUaSim, start_worker: StartWorker
) -> None:
    block = {
        "name": "sub",
        "kind": "subscribe",
        "periodMs": 50,
        "samplingMs": 20,
        "tags": [
            {"name": "counter", "node": node("Counter")},
            {"name": "i", "node": node("Int32")},
            {"name": "gone", "node": node("Missing")},
        ],
    }
    worker = start_worker(connection(opcua_sim.endpoint, [block]))
    index, _ = worker.wait_state("EXECUTE", timeout=STARTUP_S)
    worker.wait_tag("gone", bad_because("BadNodeIdUnknown"), start=index, timeout=STARTUP_S)
    first_index, first = worker.wait_tag("counter", good_number(), start=index, timeout=STARTUP_S)
    _, later = worker.wait_tag(
        "counter", lambda e: good_number()(e) and e["value"] > first["value"] + 2, start=first_index
    )
    assert later["ts"] > first["ts"]
    assert abs(time.time() - later["ts"]) < 5.0, "ts is the server's source timestamp"
    mark = len(worker.messages)
    try:
        opcua_sim.set(node("Int32"), 7)
        worker.wait_tag("i", good(7), start=mark)
    finally:
        opcua_sim.set(node("Int32"), -42)
    assert worker.stop() == 0


def good_number() -> Callable[[Entry], bool]:
    return lambda e: e["quality"] == "good" and isinstance(e["value"], int)


def test_subscription_deadband_filters_small_changes(
    opcua_sim: OpcUaSim, start_worker: StartWorker
) -> None:
    block = {
        "name": "sub",
        "kind": "subscribe",
        "periodMs": 50,
        "samplingMs": 10,
        "deadband": 1.0,
        "tags": [{"name": "d", "node": node("Double")}],
    }
    worker = start_worker(connection(opcua_sim.endpoint, [block]))
    worker.wait_tag("d", good(1.5), timeout=STARTUP_S)
    mark = len(worker.messages)
    try:
        opcua_sim.set(node("Double"), 1.75)  # within the deadband: never reported
        opcua_sim.set(node("Double"), 9.0)
        worker.wait_tag("d", good(9.0), start=mark)
    finally:
        opcua_sim.set(node("Double"), 1.5)
    seen = [
        e["value"]
        for m in worker.messages[mark:]
        if m.get("t") == "tags" and not m.get("full")
        for e in m["values"]
    ]
    assert 1.75 not in seen
    assert worker.stop() == 0


def test_writes_are_typed_by_the_node_and_land(
    opcua_sim: OpcUaSim, start_worker: StartWorker
) -> None:
    block = {"name": "poll", "periodMs": 200, "tags": SCALAR_TAGS}
    worker = start_worker(connection(opcua_sim.endpoint, [block]))
    worker.wait_state("EXECUTE", timeout=STARTUP_S)
    try:
        worker.send(
            {"cmd": "write", "id": "w1", "values": {"d": 3, "i": 123, "b": False, "s": "bye"}}
        )
        _, reply = worker.wait_for(lambda m: m.get("t") == "written" and m["id"] == "w1")
        assert reply["ok"], reply
        assert opcua_sim.get(node("Double")) == 3.0
        assert opcua_sim.get(node("Int32")) == 123
        assert opcua_sim.get(node("Boolean")) is False
        assert opcua_sim.get(node("String")) == "bye"
        worker.wait_tag("d", good(3.0))
        for request_id, tag, value, words in (
            ("w2", "i", 2**40, "outside"),
            ("w3", "d", "x", "a number is required"),
            ("w4", "b", "maybe", "true/false"),  # a text is read as the type: "yes" is true
            ("w5", "i", 1.5, "an integer is required"),
        ):
            worker.send({"cmd": "write", "id": request_id, "tag": tag, "value": value})
            _, reply = worker.wait_for(
                lambda m, r=request_id: m.get("t") == "written" and m["id"] == r
            )
            assert not reply["ok"] and words in reply["error"], reply
            assert (
                "Int32" in reply["error"]
                or "Double" in reply["error"]
                or "Boolean" in reply["error"]
            )
        assert opcua_sim.get(node("Int32")) == 123
    finally:
        for name, value in (
            ("Double", 1.5),
            ("Int32", -42),
            ("Boolean", True),
            ("String", "hello"),
        ):
            opcua_sim.set(node(name), value)
    assert worker.stop() == 0


class SocketWatch:
    """Samples the worker's open TCP sockets from a thread; `most` is the peak."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.most = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        live = {psutil.CONN_ESTABLISHED, psutil.CONN_SYN_SENT}
        while not self._stop.wait(0.02):
            try:
                found = self.process.net_connections(kind="tcp")
            except psutil.Error:
                return
            self.most = max(self.most, sum(1 for c in found if c.status in live))

    def close(self) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join(5)


def test_server_restart_reconnects_and_recreates_subscriptions(
    start_worker: StartWorker,
) -> None:
    sim = OpcUaSim(ephemeral_port()).start()
    watch: SocketWatch | None = None
    try:
        block = {
            "name": "sub",
            "kind": "subscribe",
            "periodMs": 50,
            "tags": [{"name": "counter", "node": node("Counter")}],
        }
        worker = start_worker(connection(sim.endpoint, [block]))
        watch = SocketWatch(worker.pid)
        index, _ = worker.wait_state("EXECUTE", timeout=STARTUP_S)
        worker.wait_tag("counter", good_number(), start=index)
        sim.stop()
        index, _ = worker.wait_state("RECONNECT", start=index, timeout=15)
        worker.wait_tag("counter", lambda e: e["quality"] == "bad", start=index)
        worker.wait_for(lambda m: m.get("t") == "state" and m.get("attempt", 0) >= 2, start=index)
        sim.start()  # a new server process on the same port: counts from 0 again
        index, _ = worker.wait_state("EXECUTE", start=index, timeout=STARTUP_S)
        first_index, first = worker.wait_tag("counter", good_number(), start=index)
        worker.wait_tag(
            "counter",
            lambda e: good_number()(e) and e["value"] > first["value"],
            start=first_index,
        )
        assert worker.stop() == 0
    finally:
        if watch is not None:
            watch.close()
        sim.stop()
    assert watch.most == 1
