"""ApiServer over real sockets: auth, health, JSON-RPC errors, limits, batches, notifications."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosedError, ConnectionClosedOK, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from panel.api.rpc import RpcRegistry
from panel.api.server import ApiServer
from panel.util.ports import port_is_free


def ws_connect(url: str, token: str | None, **kwargs: Any) -> ClientConnection:
    """A real websockets client, sending the bearer token unless it is None."""
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    headers.update(kwargs.pop("additional_headers", {}))
    return connect(url, additional_headers=headers, proxy=None, open_timeout=5, **kwargs)


def rpc(ws: ClientConnection, payload: Any, timeout: float = 5.0) -> Any:
    """Send `payload` (an object, or raw text/bytes) and decode the next message."""
    ws.send(payload if isinstance(payload, str | bytes) else json.dumps(payload))
    return json.loads(ws.recv(timeout=timeout))


def wait_until(condition: Callable[[], object], timeout: float = 5.0, what: str = "") -> None:
    """Poll `condition` until it holds, failing after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)  # poll interval of a bounded condition wait


def _status_of(url: str, token: str | None) -> int:
    with pytest.raises(InvalidStatus) as info:
        ws_connect(url, token)
    return info.value.response.status_code


# -- handshake -------------------------------------------------------------------------


def test_missing_or_wrong_token_is_refused_with_401(api: Any) -> None:
    assert _status_of(api.url, None) == 401
    assert _status_of(api.url, "wrong") == 401
    assert _status_of(api.url, "") == 401
    assert _status_of(api.url, api.token + "x") == 401
    with ws_connect(api.url, api.token) as ws:
        assert rpc(ws, {"jsonrpc": "2.0", "id": 1, "method": "echo", "params": {"a": 1}}) == {
            "jsonrpc": "2.0",
            "id": 1,
            "result": {"a": 1},
        }


def test_scheme_must_be_bearer_and_browsers_are_refused(api: Any) -> None:
    with pytest.raises(InvalidStatus) as info:
        ws_connect(api.url, None, additional_headers={"Authorization": f"Basic {api.token}"})
    assert info.value.response.status_code == 401
    with pytest.raises(InvalidStatus) as info:
        ws_connect(api.url, api.token, origin="http://evil.example")
    assert info.value.response.status_code == 403


def test_wrong_path_is_404(api: Any) -> None:
    assert _status_of(f"ws://127.0.0.1:{api.port}/other", api.token) == 404


def test_health_answers_without_token_and_reveals_nothing_else(api: Any) -> None:
    with urllib.request.urlopen(f"http://127.0.0.1:{api.port}/health", timeout=5) as resp:
        assert resp.status == 200
        assert json.loads(resp.read()) == {"status": "ok"}
        assert "Server" not in resp.headers
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"http://127.0.0.1:{api.port}/rpc", timeout=5)
    assert info.value.code == 401
    info.value.close()


def test_non_loopback_bind_is_refused() -> None:
    registry = RpcRegistry()
    for host in ("0.0.0.0", "192.168.1.10", "::", "example.org"):
        with pytest.raises(ValueError, match="non-loopback"):
            ApiServer(registry, "t0ken", host=host)
    ApiServer(registry, "t0ken", host="0.0.0.0", allow_non_loopback=True)  # explicit opt-in
    assert ApiServer(registry, "t0ken", host="localhost").host == "127.0.0.1"
    with pytest.raises(ValueError, match="token"):
        ApiServer(registry, "")


def test_close_disconnects_clients_and_releases_the_port(
    server_factory: Callable[..., Any],
) -> None:
    st = server_factory()
    with ws_connect(st.url, st.token) as ws:
        wait_until(lambda: st.server.clients == 1, what="client registered")
        st.run(st.server.close())
        with pytest.raises(ConnectionClosedOK) as info:
            ws.recv(timeout=5)
        assert info.value.rcvd is not None and info.value.rcvd.code == 1001
    assert st.server.clients == 0
    assert port_is_free(st.port)


# -- JSON-RPC errors ---------------------------------------------------------------------


def test_malformed_json_is_a_parse_error(api: Any) -> None:
    with ws_connect(api.url, api.token) as ws:
        for raw in ('{"jsonrpc": "2.0", "method"', "NaN", b"\xff\xfe{}"):
            reply = rpc(ws, raw)
            assert reply["id"] is None
            assert reply["error"]["code"] == -32700


@pytest.mark.parametrize(
    "request_obj",
    [
        1,
        "text",
        None,
        {"id": 1, "method": "echo"},
        {"jsonrpc": "1.0", "id": 1, "method": "echo"},
        {"jsonrpc": "2.0", "id": True, "method": "echo"},
        {"jsonrpc": "2.0", "id": 1.5, "method": "echo"},
        {"jsonrpc": "2.0", "id": {}, "method": "echo"},
        {"jsonrpc": "2.0", "id": 1, "method": 5},
        {"jsonrpc": "2.0", "id": 1},
        {"jsonrpc": "2.0", "id": 1, "method": "echo", "params": "x"},
    ],
)
def test_invalid_request_shapes(api: Any, request_obj: Any) -> None:
    with ws_connect(api.url, api.token) as ws:
        reply = rpc(ws, json.dumps(request_obj))
        assert reply["error"]["code"] == -32600
        assert reply["id"] in (None, 1)


def test_unknown_method(api: Any) -> None:
    with ws_connect(api.url, api.token) as ws:
        reply = rpc(ws, {"jsonrpc": "2.0", "id": "a", "method": "nope"})
    assert reply["id"] == "a"
    assert reply["error"]["code"] == -32601
    assert "nope" in reply["error"]["message"]


def test_wrong_params_name_the_path(api: Any) -> None:
    with ws_connect(api.url, api.token) as ws:
        bad_type = rpc(ws, {"jsonrpc": "2.0", "id": 1, "method": "typed", "params": {"wait": 1}})
        nested = {"wait": True, "opts": {"n": -1}}
        bad_nested = rpc(ws, {"jsonrpc": "2.0", "id": 2, "method": "typed", "params": nested})
        missing = rpc(ws, {"jsonrpc": "2.0", "id": 3, "method": "typed", "params": {}})
        by_position = rpc(ws, {"jsonrpc": "2.0", "id": 4, "method": "typed", "params": [True]})
        good = rpc(ws, {"jsonrpc": "2.0", "id": 5, "method": "typed", "params": {"wait": False}})
    assert bad_type["error"]["code"] == -32602
    assert "params.wait" in bad_type["error"]["message"]
    assert bad_nested["error"]["code"] == -32602
    assert bad_nested["error"]["data"]["path"] == "params.opts.n"
    assert missing["error"]["code"] == -32602 and "wait" in missing["error"]["message"]
    assert by_position["error"]["code"] == -32602
    assert good["result"] == {"wait": False}


def test_handler_exception_is_internal_error_and_serving_goes_on(
    api: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="panel.api.rpc")
    with ws_connect(api.url, api.token) as ws, ws_connect(api.url, api.token) as other:
        reply = rpc(ws, {"jsonrpc": "2.0", "id": 7, "method": "boom"})
        assert reply["id"] == 7
        assert reply["error"]["code"] == -32603
        assert reply["error"]["data"] == {"type": "RuntimeError", "message": "boom"}
        assert rpc(ws, {"jsonrpc": "2.0", "id": 8, "method": "aecho"})["result"] == {"async": True}
        assert rpc(other, {"jsonrpc": "2.0", "id": 9, "method": "echo"})["result"] == {}
    assert "method boom failed" in caplog.text
    assert "RuntimeError: boom" in caplog.text  # the traceback was logged


def test_application_errors_carry_code_and_data(api: Any) -> None:
    with ws_connect(api.url, api.token) as ws:
        params = {"name": "x"}
        reply = rpc(ws, {"jsonrpc": "2.0", "id": 1, "method": "missing", "params": params})
    assert reply["error"] == {"code": -32010, "message": "no such thing", "data": {"name": "x"}}


def test_discover_lists_methods_with_schemas(api: Any) -> None:
    with ws_connect(api.url, api.token) as ws:
        reply = rpc(ws, {"jsonrpc": "2.0", "id": 1, "method": "rpc.discover"})
    methods = reply["result"]["methods"]
    by_name = {method["name"]: method for method in methods}
    assert by_name["echo"]["doc"] == "Answer the params."
    assert by_name["typed"]["mutating"] is True
    assert by_name["typed"]["params"]["required"] == ["wait"]
    assert "rpc.discover" in by_name


# -- size limits -------------------------------------------------------------------------


def test_oversized_message_gets_32001_and_the_connection_keeps_working(
    server_factory: Callable[..., Any],
) -> None:
    st = server_factory(max_message_bytes=1000)
    with ws_connect(st.url, st.token) as ws:
        big = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "echo", "params": {"x": "a" * 2000}})
        reply = rpc(ws, big)
        assert reply["id"] is None
        assert reply["error"]["code"] == -32001
        assert reply["error"]["message"].startswith("message too large")
        assert rpc(ws, {"jsonrpc": "2.0", "id": 2, "method": "echo"})["result"] == {}
        # Just under the limit still works.
        fits = {"jsonrpc": "2.0", "id": 3, "method": "echo", "params": {"x": "b" * 900}}
        assert rpc(ws, fits)["result"]["x"] == "b" * 900


def test_beyond_the_hard_cap_the_connection_closes_1009_and_others_carry_on(
    server_factory: Callable[..., Any],
) -> None:
    st = server_factory(max_message_bytes=1000)
    with ws_connect(st.url, st.token) as other, ws_connect(st.url, st.token) as ws:
        ws.send("x" * (st.server.hard_cap_bytes + 1))
        with pytest.raises(ConnectionClosedError) as info:
            ws.recv(timeout=5)
        assert info.value.rcvd is not None and info.value.rcvd.code == 1009
        assert rpc(other, {"jsonrpc": "2.0", "id": 1, "method": "echo"})["result"] == {}


# -- batches and notifications -------------------------------------------------------------


def test_mixed_batch(api: Any) -> None:
    batch = [
        {"jsonrpc": "2.0", "id": 1, "method": "echo", "params": {"n": 1}},
        {"jsonrpc": "2.0", "method": "echo", "params": {"n": 2}},  # notification: no answer
        1,
        {"jsonrpc": "2.0", "id": 3, "method": "nope"},
        {"jsonrpc": "2.0", "id": 4, "method": "aecho"},
        {"jsonrpc": "2.0", "method": "boom"},  # failing notification: still no answer
    ]
    with ws_connect(api.url, api.token) as ws:
        replies = rpc(ws, batch)
    assert isinstance(replies, list)
    assert [reply.get("id") for reply in replies] == [1, None, 3, 4]
    assert replies[0]["result"] == {"n": 1}
    assert replies[1]["error"]["code"] == -32600
    assert replies[2]["error"]["code"] == -32601
    assert replies[3]["result"] == {"async": True}


def test_empty_batch_and_notification_only_input(api: Any) -> None:
    with ws_connect(api.url, api.token) as ws:
        empty = rpc(ws, [])
        assert isinstance(empty, dict) and empty["error"]["code"] == -32600
        ws.send(json.dumps({"jsonrpc": "2.0", "method": "echo", "params": {"n": 1}}))
        notes = [{"jsonrpc": "2.0", "method": "echo"}, {"jsonrpc": "2.0", "method": "x"}]
        ws.send(json.dumps(notes))
        # Nothing was answered to those: the next message is the answer to this call.
        assert rpc(ws, {"jsonrpc": "2.0", "id": 99, "method": "echo"})["id"] == 99


def _subscribe(ws: Any, topic: str, flt: dict[str, Any] | None = None) -> None:
    params = {"topic": topic, "filter": flt} if flt else {"topic": topic}
    assert rpc(ws, {"jsonrpc": "2.0", "id": "s", "method": "sub", "params": params})["result"]


def test_subscribers_receive_published_notifications_and_others_do_not(api: Any) -> None:
    with ws_connect(api.url, api.token) as sub, ws_connect(api.url, api.token) as other:
        _subscribe(sub, "t")
        assert api.server.has_subscribers("t")
        api.call(api.server.publish, "t", "t.changed", {"n": 1})
        assert json.loads(sub.recv(timeout=5)) == {
            "jsonrpc": "2.0",
            "method": "t.changed",
            "params": {"n": 1},
        }
        # The other client got nothing: its next message is the answer to its call.
        assert rpc(other, {"jsonrpc": "2.0", "id": 1, "method": "echo"})["id"] == 1
        unsub = {"jsonrpc": "2.0", "id": 2, "method": "unsub", "params": {"topic": "t"}}
        assert rpc(sub, unsub)["result"] == {"subscribed": False}
        assert not api.server.has_subscribers("t")
        api.call(api.server.publish, "t", "t.changed", {"n": 2})
        assert rpc(sub, {"jsonrpc": "2.0", "id": 3, "method": "echo"})["id"] == 3


def test_subscription_filters(api: Any) -> None:
    with ws_connect(api.url, api.token) as only_a, ws_connect(api.url, api.token) as every:
        _subscribe(only_a, "logs", {"source": "a"})
        _subscribe(every, "logs")
        for source in ("b", "a"):
            api.call(api.server.publish, "logs", "logs.lines", {"source": source})
        assert json.loads(only_a.recv(timeout=5))["params"] == {"source": "a"}
        got = [json.loads(every.recv(timeout=5))["params"]["source"] for _ in range(2)]
        assert got == ["b", "a"]


def test_publish_from_another_thread_and_without_subscribers(api: Any) -> None:
    for _ in range(100_000):  # nobody listens: must be a cheap no-op
        api.server.publish("nobody", "x", {})
    with ws_connect(api.url, api.token) as ws:
        _subscribe(ws, "t")
        api.server.publish("t", "t.ping", {"from": "thread"})  # not the loop's thread
        assert json.loads(ws.recv(timeout=5))["params"] == {"from": "thread"}


def test_disconnected_client_is_forgotten(api: Any) -> None:
    with ws_connect(api.url, api.token) as ws:
        _subscribe(ws, "t")
        assert api.server.clients == 1
    wait_until(lambda: api.server.clients == 0, what="client gone")
    assert not api.server.has_subscribers("t")


def test_a_client_that_does_not_read_never_blocks_publish(
    server_factory: Callable[..., Any],
) -> None:
    st = server_factory(client_queue=64)
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect(("127.0.0.1", st.port))
    slow_conn = ws_connect(st.url, st.token, sock=raw, max_queue=1)
    with slow_conn as slow, ws_connect(st.url, st.token) as fast:
        _subscribe(slow, "t")
        _subscribe(fast, "t")
        received: list[dict[str, Any]] = []
        done = threading.Event()

        def read_fast() -> None:
            for text in fast:
                received.append(json.loads(text))
                if received[-1].get("params", {}).get("last"):
                    done.set()
                    return

        reader = threading.Thread(target=read_fast)
        reader.start()
        payload = "p" * 2048

        async def flood() -> None:
            for i in range(6000):  # 12 MB: far beyond what the slow socket can hold
                st.server.publish("t", "t.data", {"i": i, "pad": payload})
                if i % 32 == 0:
                    await asyncio.sleep(0)  # let the writers run
            st.server.publish("t", "t.data", {"last": True})

        st.run(flood(), timeout=30)  # finishing at all proves publish never waited
        assert done.wait(10), "the reading client did not get the last notification"
        reader.join(5)
        info = {c["id"]: c for c in st.server.client_info()}
        slow_info = max(info.values(), key=lambda c: c["dropped"])
        assert slow_info["dropped"] > 0
        assert slow_info["queued"] <= 64
        # The fast client can still call while the slow one is stuck.
        with ws_connect(st.url, st.token) as third:
            assert rpc(third, {"jsonrpc": "2.0", "id": 1, "method": "echo"})["id"] == 1
        # A client that lost notifications is told so before the next ones.
        methods = {message["method"] for message in received}
        assert "t.data" in methods
        slow.close_socket()


def test_garbage_and_half_open_connections_do_not_disturb_others(api: Any) -> None:
    with ws_connect(api.url, api.token) as good:
        for junk in (b"\x00\x01\x02garbage\r\n\r\n", b"GET /rpc HTTP/1.1\r\nHost: x\r\n\r\n", b""):
            with socket.create_connection(("127.0.0.1", api.port), timeout=5) as raw:
                if junk:
                    raw.sendall(junk)
                    raw.shutdown(socket.SHUT_WR)
                    while raw.recv(4096):  # read to the server's close (bounded by timeout)
                        pass
        # A binary frame that is not UTF-8 JSON: answered, and the connection is kept.
        assert rpc(good, b"\xff\xff")["error"]["code"] == -32700
        assert rpc(good, {"jsonrpc": "2.0", "id": 1, "method": "echo"})["id"] == 1
    with ws_connect(api.url, api.token) as fresh:
        assert rpc(fresh, {"jsonrpc": "2.0", "id": 2, "method": "echo"})["id"] == 2


@pytest.mark.parametrize("opener,closer", [("[", "]"), ('{"a":', "}")])
def test_deeply_nested_json_is_refused_and_the_connection_is_kept(
    api: Any, opener: str, closer: str
) -> None:
    deep = opener * 100_000 + "1" + closer * 100_000
    with ws_connect(api.url, api.token) as ws:
        reply = rpc(ws, deep)
        assert reply["id"] is None
        assert reply["error"]["code"] in (-32700, -32600)
        assert "nested" in reply["error"]["message"]
        assert rpc(ws, {"jsonrpc": "2.0", "id": 2, "method": "echo"})["result"] == {}


def test_nesting_inside_a_request_is_refused_with_its_id(api: Any) -> None:
    params = {"x": json.loads("[" * 500 + "]" * 500)}  # parses, but deeper than allowed
    with ws_connect(api.url, api.token) as ws:
        reply = rpc(ws, {"jsonrpc": "2.0", "id": 7, "method": "echo", "params": params})
        assert reply["id"] == 7
        assert reply["error"]["code"] == -32600
        assert "nested deeper than" in reply["error"]["message"]
        assert rpc(ws, {"jsonrpc": "2.0", "id": 8, "method": "echo"})["id"] == 8


def _raw_status(port: int, request: bytes) -> int:
    """Send a raw HTTP request; the status code of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        raw = b""
        while b"\r\n" not in raw and (chunk := sock.recv(4096)):
            raw += chunk
    return int(raw.split(b" ", 2)[1])


def _handshake(host: str, token: str) -> bytes:
    return (
        f"GET /rpc HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        f"Authorization: Bearer {token}\r\n\r\n"
    ).encode()


def test_the_host_header_must_name_this_loopback_port(api: Any) -> None:
    port = api.port
    for good in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", "127.0.0.1"):
        assert _raw_status(port, _handshake(good, api.token)) == 101, good
    for bad in (f"evil.example:{port}", f"127.0.0.1:{port + 1}", "evil.example", "[::2]"):
        assert _raw_status(port, _handshake(bad, api.token)) == 421, bad
    health = f"GET /health HTTP/1.1\r\nHost: rebound.example:{port}\r\n\r\n".encode()
    assert _raw_status(port, health) == 421


def test_refused_handshakes_are_logged_once_then_summed_up(
    server_factory: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="panel.api.server")
    st = server_factory()
    for _ in range(40):
        assert _status_of(st.url, "wrong") == 401
    st.stop()  # closing the server writes the summary of what it counted
    warnings = [r.getMessage() for r in caplog.records if r.name == "panel.api.server"]
    assert len(warnings) == 2, warnings
    assert "without the token" in warnings[0]
    assert "refused 39 more handshakes in the last" in warnings[1]


def _raw_subscriber(port: int, token: str) -> socket.socket:
    """A raw socket that does the handshake, subscribes to "t" and then never reads."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    sock.settimeout(10)
    sock.sendall(_handshake(f"127.0.0.1:{port}", token))
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)  # the handshake answer only, byte by byte: nothing more
    assert head.startswith(b"HTTP/1.1 101")
    payload = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "sub", "params": {"topic": "t"}})
    data = payload.encode()
    sock.sendall(bytes([0x81, 0x80 | len(data)]) + b"\0\0\0\0" + data)  # masked with zeros
    return sock


def test_a_client_that_never_reads_costs_bounded_memory_and_is_cut(
    server_factory: Callable[..., Any],
) -> None:
    import psutil

    st = server_factory(stuck_timeout=3.0)
    stuck = _raw_subscriber(st.port, st.token)
    try:
        wait_until(lambda: st.server.has_subscribers("t"), what="the raw client subscribed")
        me = psutil.Process()
        before = me.memory_info().rss
        latencies: list[float] = []
        flooding = threading.Event()
        flooding.set()

        def call_meanwhile() -> None:
            with ws_connect(st.url, st.token) as other:
                while flooding.is_set():
                    t0 = time.monotonic()
                    assert rpc(other, {"jsonrpc": "2.0", "id": 1, "method": "echo"})["id"] == 1
                    latencies.append(time.monotonic() - t0)

        caller = threading.Thread(target=call_meanwhile)
        caller.start()
        wait_until(lambda: latencies, timeout=10, what="the other client's first call")
        pad = "p" * 1_000_000

        async def flood() -> int:
            calls = len(latencies)
            for i in range(300):  # 300 MB of notifications for a client that takes none
                st.server.publish("t", "t.data", {"i": i, "pad": pad})
                await asyncio.sleep(0)
            while len(latencies) < calls + 3:  # the other client called during the flood too
                st.server.publish("t", "t.data", {"pad": pad})
                await asyncio.sleep(0.01)
            return psutil.Process().memory_info().rss

        after = st.run(flood(), timeout=60)
        flooding.clear()
        caller.join(10)
        assert (after - before) < 100 * 1024 * 1024, f"grew {(after - before) >> 20} MB"
        # Served beside the stuck client, not behind it: a server blocked on it would stall
        # the other client until the stuck timeout (3 s) cuts it. Half that leaves room for
        # a busy machine, where one 1 MB notification's encoding already takes tens of ms.
        assert latencies and max(latencies) < 1.5, max(latencies or [0])
        wait_until(lambda: st.server.clients == 0, timeout=10, what="the stuck client cut")
        with contextlib.suppress(ConnectionResetError):  # the end of what it had: EOF or reset
            while stuck.recv(65536):
                pass
    finally:
        stuck.close()


def _masked_frame(text: str) -> bytes:
    """One client text frame (masked with zeros, as a client must mask), up to 64 KiB."""
    data = text.encode()
    assert len(data) < 65536
    head = bytes([0x81, 0x80 | len(data)]) if len(data) < 126 else bytes([0x81, 0xFE])
    size = b"" if len(data) < 126 else len(data).to_bytes(2, "big")
    return head + size + b"\0\0\0\0" + data


def test_a_client_that_calls_but_never_reads_the_answers_is_cut(
    server_factory: Callable[..., Any],
) -> None:
    st = server_factory(stuck_timeout=2.0)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", st.port))
    sock.settimeout(10)
    try:
        sock.sendall(_handshake(f"127.0.0.1:{st.port}", st.token))
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(1)  # the handshake answer only: then it reads nothing
        # Answers of 8 KiB each: short enough to be sent at once while the socket
        # takes them, and 16 MB in all, far more than the socket holds.
        pad = "p" * 8000
        for i in range(2000):
            request = {"jsonrpc": "2.0", "id": i, "method": "echo", "params": {"pad": pad}}
            sock.sendall(_masked_frame(json.dumps(request)))
        with ws_connect(st.url, st.token) as other:
            t0 = time.monotonic()
            assert rpc(other, {"jsonrpc": "2.0", "id": 1, "method": "echo"})["id"] == 1
            assert time.monotonic() - t0 < 1.0
            wait_until(lambda: st.server.clients == 1, timeout=10, what="the non-reader cut")
            assert rpc(other, {"jsonrpc": "2.0", "id": 2, "method": "echo"})["id"] == 2
    finally:
        sock.close()
