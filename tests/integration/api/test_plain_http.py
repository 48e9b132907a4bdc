"""Plain HTTP on the API port: job webhooks beside the WebSocket API, on one real server."""

from __future__ import annotations

import json
import socket
from typing import Any

from websockets.sync.client import connect

from panel.jobs.errors import JobError
from panel.jobs.hooks import WebhookEndpoint

from .conftest import TOKEN, ServerThread

HOOK_TOKEN = "hook-token-0123456789"


class Runs:
    """The engine's side of a webhook: records the runs asked for."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, dict[str, Any], bool, bool]] = []

    def __call__(self, job: str, options: dict[str, Any], only: bool, confirm: bool) -> int:
        if job == "nope":
            raise JobError("not_found", "no job named 'nope'")
        self.asked.append((job, options, only, confirm))
        return len(self.asked)


def _serve(api: ServerThread) -> Runs:
    runs = Runs()
    api.call(api.server.set_plain_http, WebhookEndpoint(HOOK_TOKEN, runs))
    return runs


def _exchange(port: int, *parts: bytes) -> tuple[int, dict[str, Any], bytes]:
    """Send the request in `parts` (each its own write); (status, JSON body, raw reply)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        for part in parts:
            sock.sendall(part)
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    final = raw.rsplit(b"HTTP/1.1 ", 1)[1]
    head, _, body = final.partition(b"\r\n\r\n")
    return int(head.split(b" ", 1)[0]), json.loads(body), raw


def _request(path: str, body: bytes, token: str | None = HOOK_TOKEN, extra: str = "") -> bytes:
    auth = f"X-OpsPanel-Token: {token}\r\n" if token is not None else ""
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}{extra}"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


def test_a_webhook_runs_its_job_on_the_api_port(api: ServerThread) -> None:
    runs = _serve(api)
    body = json.dumps({"options": {"--msg": "hi"}, "only": True}).encode()
    status, answer, raw = _exchange(api.port, _request("/hooks/jobs/echo", body))
    assert (status, answer) == (202, {"run": 1})
    assert b"Connection: close" in raw
    assert runs.asked == [("echo", {"--msg": "hi"}, True, False)]
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with connect(api.url, additional_headers=headers, proxy=None, open_timeout=5) as ws:
        ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "echo", "params": {"x": 1}}))
        assert json.loads(ws.recv(timeout=10))["id"] == 1  # the WebSocket API is untouched


def test_refusals_come_before_the_body_is_read(api: ServerThread) -> None:
    runs = _serve(api)
    assert _exchange(api.port, _request("/hooks/jobs/echo", b"{}", token="wrong"))[0] == 401
    assert _exchange(api.port, _request("/hooks/jobs/echo", b"{}", token=None))[0] == 401
    assert _exchange(api.port, _request("/hooks/jobs/nope", b"{}"))[0] == 404
    assert _exchange(api.port, _request("/elsewhere", b"{}"))[0] == 404
    big = _request("/hooks/jobs/echo", b"").replace(
        b"Content-Length: 0", b"Content-Length: 99999999"
    )
    assert _exchange(api.port, big)[:2] == (413, {"error": "body too large"})
    put = _request("/hooks/jobs/echo", b"{}").replace(b"POST", b"PUT", 1)
    assert _exchange(api.port, put)[0] == 405
    assert _exchange(api.port, _request("/hooks/jobs/echo", b"not json"))[0] == 400
    assert runs.asked == []


def test_a_request_in_pieces_and_an_expect_continue(api: ServerThread) -> None:
    runs = _serve(api)
    body = json.dumps({"options": {"--msg": "x" * 2000}}).encode()
    whole = _request("/hooks/jobs/echo", body, extra="Expect: 100-continue\r\n")
    head_end = whole.index(b"\r\n\r\n") + 4
    status, _, raw = _exchange(api.port, whole[:7], whole[7:head_end], whole[head_end:])
    assert status == 202
    assert raw.startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
    assert runs.asked[0][1] == {"--msg": "x" * 2000}


def test_without_a_handler_plain_http_gets_nothing_run(api: ServerThread) -> None:
    with socket.create_connection(("127.0.0.1", api.port), timeout=10) as sock:
        sock.sendall(_request("/hooks/jobs/echo", b"{}"))
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    assert not reply.startswith(b"HTTP/1.1 2")  # websockets refuses it as a handshake


def _chunked(path: str, body: bytes, piece: int = 1000) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-OpsPanel-Token: {HOOK_TOKEN}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    chunks = b"".join(
        f"{len(body[i : i + piece]):x}\r\n".encode() + body[i : i + piece] + b"\r\n"
        for i in range(0, len(body), piece)
    )
    return head + chunks + b"0\r\n\r\n"


def test_two_content_lengths_are_a_bad_request_before_any_body(api: ServerThread) -> None:
    runs = _serve(api)
    head = _request("/hooks/jobs/echo", b"").replace(
        b"Content-Length: 0", b"Content-Length: 209715200\r\nContent-Length: 2"
    )
    status, answer, _ = _exchange(api.port, head)  # no body sent: the answer must not wait
    assert status == 400 and "Content-Length" in answer["error"]
    assert runs.asked == []


def test_a_chunked_body_is_read_and_obeyed_and_capped(api: ServerThread) -> None:
    runs = _serve(api)
    body = json.dumps({"options": {"--msg": "chunked"}, "only": True}).encode()
    status, answer, _ = _exchange(api.port, _chunked("/hooks/jobs/echo", body, piece=7))
    assert (status, answer) == (202, {"run": 1})
    assert runs.asked == [("echo", {"--msg": "chunked"}, True, False)]
    huge = json.dumps({"options": {"--msg": "x" * (2 * 1024 * 1024)}}).encode()
    status, answer, _ = _exchange(api.port, _chunked("/hooks/jobs/echo", huge, piece=65536))
    assert (status, answer) == (413, {"error": "body too large"})
    assert len(runs.asked) == 1


def test_bare_lf_and_malformed_requests_are_answered(api: ServerThread) -> None:
    runs = _serve(api)
    body = b'{"options": {"--msg": "lf"}}'
    bare = _request("/hooks/jobs/echo", body).replace(b"\r\n", b"\n")
    assert _exchange(api.port, bare)[:2] == (202, {"run": 1})  # RFC 9112 allows a bare LF
    assert runs.asked[0][1] == {"--msg": "lf"}
    garbage = b"POST /hooks/jobs/echo\r\nX-OpsPanel-Token: t\r\n\r\n"
    assert _exchange(api.port, garbage)[0] == 400
    both = _request("/hooks/jobs/echo", body, extra="Transfer-Encoding: chunked\r\n")
    assert _exchange(api.port, both)[0] == 400  # smuggling shape: refused, not guessed
    assert len(runs.asked) == 1


def test_a_refused_request_gets_no_100_continue(api: ServerThread) -> None:
    _serve(api)
    head = _request("/hooks/jobs/echo", b"", token="wrong", extra="Expect: 100-continue\r\n")
    status, _, raw = _exchange(api.port, head.replace(b"Content-Length: 0", b"Content-Length: 5"))
    assert status == 401 and b"100 Continue" not in raw


def test_a_webhook_for_another_host_is_misdirected(api: ServerThread) -> None:
    runs = _serve(api)
    rebound = _request("/hooks/jobs/echo", b"{}").replace(
        b"Host: 127.0.0.1", f"Host: rebound.example:{api.port}".encode()
    )
    assert _exchange(api.port, rebound)[:2] == (421, {"error": "wrong host"})
    assert runs.asked == []
