"""Every write is answered once with what happened: done, failed (not applied) or unknown.

Real worker processes against real simulators, some behind a `FaultProxy` that stalls
requests, cuts the link, or closes the socket after the device applied a write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fault_proxy import FaultProxy
from modbus_sim import ModbusSim
from opcua_sim import OpcUaSim
from workerproc import Message, WorkerProc

from panel.util.ports import ephemeral_port
from tests.waiting import wait_for

StartWorker = Callable[..., WorkerProc]
StartProxy = Callable[[int, str], FaultProxy]
STARTUP_S = 40.0  # starting Python with asyncua on two busy cores is slow
NOT_SENT = "not sent"
UNKNOWN = "unknown: the connection dropped after sending"


def modbus_connection(port: int) -> dict[str, Any]:
    return {
        "id": "plc1",
        "driver": "modbus_tcp",
        "host": "127.0.0.1",
        "port": port,
        "timeoutMs": 1000,
        "reconnectMinMs": 100,
        "reconnectMaxMs": 400,
        "blocks": [
            {
                "name": "hr",
                "area": "holding",
                "start": 0,
                "count": 2,
                "periodMs": 100,
                "tags": [
                    {"name": "a", "offset": 0, "writable": True},
                    {"name": "probe", "offset": 1, "writable": True},
                ],
            }
        ],
    }


def opcua_connection(endpoint: str) -> dict[str, Any]:
    tags = [
        {"name": "a", "node": "ns=2;s=Double", "writable": True},
        {"name": "probe", "node": "ns=2;s=Int32", "writable": True},
    ]
    return {
        "id": "ua1",
        "driver": "opcua",
        "endpoint": endpoint,
        "timeoutMs": 2000,
        "reconnectMinMs": 100,
        "reconnectMaxMs": 400,
        "blocks": [{"name": "poll", "periodMs": 100, "tags": tags}],
    }


def written(worker: WorkerProc, request_id: str, timeout: float = 10.0) -> Message:
    """The answer to write `request_id`."""
    _, reply = worker.wait_for(lambda m: m.get("t") == "written" and m["id"] == request_id, timeout)
    return reply


def answers(worker: WorkerProc, request_id: str) -> list[Message]:
    return [m for m in worker.messages if m.get("t") == "written" and m["id"] == request_id]


def probe_write(worker: WorkerProc, value: int, timeout: float = 15.0) -> None:
    """A write after the link came back: writes run in order, so once it is done, any
    earlier write still queued would have been sent before it."""
    worker.send({"cmd": "write", "id": "probe", "tag": "probe", "value": value})
    reply = written(worker, "probe", timeout)
    assert reply["ok"] and reply["outcome"] == "done", str(reply)


def wait_linked_again(worker: WorkerProc, since: int, timeout: float = 15.0) -> None:
    worker.wait_state("EXECUTE", timeout, start=since)
    worker.wait_tag("a", lambda e: e["quality"] == "good", timeout, start=since)


# ---- Modbus ----------------------------------------------------------------------------


def test_modbus_write_expiring_while_the_device_is_down_is_never_sent(
    modbus_sim: ModbusSim, start_worker: StartWorker
) -> None:
    worker = start_worker(modbus_connection(modbus_sim.port))
    worker.wait_tag("a", lambda e: e["quality"] == "good" and e["value"] == 0)
    mark = len(worker.messages)
    modbus_sim.stop()
    worker.wait_state("RECONNECT", start=mark)
    worker.send({"cmd": "write", "id": "w1", "tag": "a", "value": 7, "timeoutMs": 300})
    reply = written(worker, "w1", timeout=5)
    assert not reply["ok"] and reply["outcome"] == "failed", str(reply)
    assert NOT_SENT in reply["error"], str(reply)
    mark = len(worker.messages)
    modbus_sim.start()
    wait_linked_again(worker, mark)
    probe_write(worker, 1)
    assert modbus_sim.get("holding", 0) == [0]
    assert modbus_sim.writes == 1  # the probe only
    assert answers(worker, "w1") == [reply]
    assert worker.stop() == 0


def test_modbus_write_expiring_behind_a_stalled_device_is_never_sent(
    modbus_sim: ModbusSim, fault_proxy: StartProxy, start_worker: StartWorker
) -> None:
    proxy = fault_proxy(modbus_sim.port, "modbus")
    worker = start_worker(modbus_connection(proxy.port))
    worker.wait_tag("a", lambda e: e["quality"] == "good" and e["value"] == 0)
    proxy.hold()
    wait_for(lambda: proxy.waiting, 5, "a read stuck in the proxy")  # the link is busy now
    worker.send({"cmd": "write", "id": "w1", "tag": "a", "value": 7, "timeoutMs": 300})
    reply = written(worker, "w1", timeout=5)
    assert not reply["ok"] and reply["outcome"] == "failed", str(reply)
    assert NOT_SENT in reply["error"], str(reply)
    proxy.release()
    probe_write(worker, 1)  # the link is free again
    assert modbus_sim.get("holding", 0) == [0]
    assert modbus_sim.writes == 1
    assert answers(worker, "w1") == [reply]
    assert worker.stop() == 0


def test_modbus_write_whose_answer_is_lost_is_unknown_and_applied_once(
    modbus_sim: ModbusSim, fault_proxy: StartProxy, start_worker: StartWorker
) -> None:
    proxy = fault_proxy(modbus_sim.port, "modbus")
    worker = start_worker(modbus_connection(proxy.port))
    worker.wait_tag("a", lambda e: e["quality"] == "good" and e["value"] == 0)
    proxy.drop_after_write()  # the device applies the write, then the socket closes
    mark = len(worker.messages)
    worker.send({"cmd": "write", "id": "w1", "tag": "a", "value": 7})
    reply = written(worker, "w1")
    assert not reply["ok"] and reply["outcome"] == "unknown", str(reply)
    assert reply["error"].startswith(UNKNOWN), str(reply)
    wait_linked_again(worker, mark)
    probe_write(worker, 1)
    assert modbus_sim.get("holding", 0) == [7]
    assert modbus_sim.writes == 2  # the write once (never re-sent), then the probe
    assert answers(worker, "w1") == [reply]
    assert worker.stop() == 0


def test_modbus_write_the_device_does_not_answer_is_unknown_and_not_resent(
    modbus_sim: ModbusSim, fault_proxy: StartProxy, start_worker: StartWorker
) -> None:
    proxy = fault_proxy(modbus_sim.port, "modbus")
    config = modbus_connection(proxy.port)
    config["blocks"][0]["kind"] = "write"  # no reads: the write is the only request
    worker = start_worker(config)
    worker.wait_state("EXECUTE")
    proxy.hold()  # the request waits in the proxy past the driver's timeout (1 s)
    worker.send({"cmd": "write", "id": "w1", "tag": "a", "value": 7})
    reply = written(worker, "w1")
    assert not reply["ok"] and reply["outcome"] == "unknown", str(reply)
    assert reply["error"].startswith("unknown: no answer from the device after sending")
    proxy.release()  # the held request goes on to the device now, late
    probe_write(worker, 1)
    assert modbus_sim.get("holding", 1) == [1]
    assert modbus_sim.get("holding", 0) in ([0], [7])  # applied late, or not: unknown indeed
    assert proxy.writes == 2  # the write went out once (never re-sent), then the probe
    assert answers(worker, "w1") == [reply]
    assert worker.stop() == 0


# ---- OPC UA ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def opcua_sim() -> Iterator[OpcUaSim]:
    """One server for this module; each test goes through a proxy of its own."""
    sim = OpcUaSim(ephemeral_port()).start()
    yield sim
    sim.stop()


@pytest.fixture
def double_reset(opcua_sim: OpcUaSim) -> Iterator[float]:
    """The Double node at a known value, reset afterwards."""
    opcua_sim.set("ns=2;s=Double", 1.5)
    yield 1.5
    opcua_sim.set("ns=2;s=Double", 1.5)
    opcua_sim.set("ns=2;s=Int32", -42)


def test_opcua_write_expiring_while_the_link_is_down_is_never_sent(
    opcua_sim: OpcUaSim, double_reset: float, fault_proxy: StartProxy, start_worker: StartWorker
) -> None:
    proxy = fault_proxy(opcua_sim.port, "opcua")
    worker = start_worker(opcua_connection(f"opc.tcp://127.0.0.1:{proxy.port}"))
    worker.wait_tag("a", lambda e: e["quality"] == "good", STARTUP_S)
    mark = len(worker.messages)
    proxy.cut()
    worker.wait_state("RECONNECT", 15, start=mark)
    worker.send({"cmd": "write", "id": "w1", "tag": "a", "value": 42.5, "timeoutMs": 300})
    reply = written(worker, "w1", timeout=5)
    assert not reply["ok"] and reply["outcome"] == "failed", str(reply)
    assert NOT_SENT in reply["error"], str(reply)
    mark = len(worker.messages)
    proxy.restore()
    wait_linked_again(worker, mark, STARTUP_S)
    probe_write(worker, 5)
    assert opcua_sim.get("ns=2;s=Double") == double_reset
    assert proxy.writes == 1  # the probe only
    assert answers(worker, "w1") == [reply]
    assert worker.stop() == 0


def test_opcua_write_whose_answer_is_lost_is_unknown_and_applied_once(
    opcua_sim: OpcUaSim, double_reset: float, fault_proxy: StartProxy, start_worker: StartWorker
) -> None:
    proxy = fault_proxy(opcua_sim.port, "opcua")
    worker = start_worker(opcua_connection(f"opc.tcp://127.0.0.1:{proxy.port}"))
    worker.wait_tag("a", lambda e: e["quality"] == "good", STARTUP_S)
    proxy.drop_after_write()
    mark = len(worker.messages)
    worker.send({"cmd": "write", "id": "w1", "tag": "a", "value": 42.5})
    reply = written(worker, "w1", 15)
    assert not reply["ok"] and reply["outcome"] == "unknown", str(reply)
    assert reply["error"].startswith(UNKNOWN), str(reply)
    wait_linked_again(worker, mark, STARTUP_S)
    probe_write(worker, 5)
    assert opcua_sim.get("ns=2;s=Double") == 42.5
    assert proxy.writes == 2  # the write once (never re-sent), then the probe
    assert answers(worker, "w1") == [reply]
    assert worker.stop() == 0
