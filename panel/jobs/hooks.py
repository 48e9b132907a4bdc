"""Incoming webhooks: `POST /hooks/jobs/<id>` runs a job, on a loopback port of their own.

Why not the API port: the API is served by websockets, whose HTTP parser reads
only a body-less handshake (websockets 17 refuses any request with a non-zero
Content-Length before `process_request` sees it), so a POST body cannot arrive
there. Webhooks get a tiny asyncio HTTP/1.1 endpoint on 127.0.0.1 instead.

Authentication: the header ``X-OpsPanel-Token: <token>`` (or ``Authorization:
Bearer <token>``), compared in constant time. The token lives in
``<workspace>/hooks.json`` (mode 0600, written like api.json) together with the
port; unlike the API token it is kept across restarts, because the systems that
call a webhook are configured once. The port is the setting ``hooks.port``
(0: the system picks one, written to hooks.json).

Answers (JSON): 202 ``{"run": id}``; 400 bad body or options; 401 wrong or
missing token (checked before anything else); 404 unknown path or job;
405 not a POST; 409 a dangerous command without ``"confirm": true``; 413 body
over 1 MiB. Body: ``{"options": {...}, "only": false, "confirm": false}`` or
empty.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import os
import secrets
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any

from panel.jobs.errors import JobError

log = logging.getLogger("panel.jobs.hooks")

HOOKS_FILE = "hooks.json"
PATH_PREFIX = "/hooks/jobs/"
MAX_BODY = 1024 * 1024
MAX_HEAD = 64 * 1024
READ_TIMEOUT_S = 10.0

RunCallback = Callable[[str, dict[str, Any], bool, bool], int]
"""(job_id, options, only, confirm) -> run id; raises JobError."""

_STATUS_OF = {"not_found": 404, "invalid": 400, "dangerous": 409, "state": 503}


def load_or_create_token(path: Path) -> str:
    """The webhook token stored in `path` (hooks.json), creating the file (0600) if needed."""
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        token = json.loads(path.read_text())["token"]
        if isinstance(token, str) and token and (os.stat(path).st_mode & 0o077) == 0:
            return token
    return secrets.token_urlsafe(32)


def write_hooks_file(path: Path, port: int, token: str) -> None:
    """Write hooks.json (port and token) with mode 0600 from its first byte."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(
            {"port": port, "token": token, "url": f"http://127.0.0.1:{port}{PATH_PREFIX}"}, handle
        )
    os.replace(tmp, path)


class HookServer:
    """The webhook endpoint: plain asyncio, loopback only."""

    def __init__(self, token: str, run: RunCallback, port: int = 0) -> None:
        if not token:
            raise ValueError("a webhook token is required")
        self._token = token.encode("utf-8")
        self._run = run
        self.port = port
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        """Listen on 127.0.0.1; returns the port."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])
        log.info("webhooks listening on http://127.0.0.1:%d%s<job>", self.port, PATH_PREFIX)
        return self.port

    async def close(self) -> None:
        """Stop listening and close open connections."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
            await server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status, body = await asyncio.wait_for(self._handle(reader), READ_TIMEOUT_S)
        except (TimeoutError, asyncio.IncompleteReadError, ValueError, ConnectionError):
            status, body = 400, {"error": "bad request"}
        payload = json.dumps(body).encode("utf-8")
        phrase = HTTPStatus(status).phrase
        head = (
            f"HTTP/1.1 {status} {phrase}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
        )
        with contextlib.suppress(ConnectionError):
            writer.write(head.encode("ascii") + payload)
            await writer.drain()
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader) -> tuple[int, dict[str, Any]]:
        head = await reader.readuntil(b"\r\n\r\n")
        if len(head) > MAX_HEAD:
            return 431, {"error": "headers too large"}
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if not self._authorized(headers):
            return 401, {"error": "unauthorized"}
        if not path.startswith(PATH_PREFIX) or "/" in path[len(PATH_PREFIX) :]:
            return 404, {"error": "not found"}
        if method != "POST":
            return 405, {"error": "use POST"}
        size = int(headers.get("content-length", "0") or 0)
        if size > MAX_BODY:
            return 413, {"error": "body too large"}
        raw = await reader.readexactly(size) if size else b""
        return self._dispatch(path[len(PATH_PREFIX) :], raw)

    def _authorized(self, headers: dict[str, str]) -> bool:
        given = headers.get("x-opspanel-token", "")
        scheme, _, credential = headers.get("authorization", "").partition(" ")
        if not given and scheme.lower() == "bearer":
            given = credential.strip()
        return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), self._token)

    def _dispatch(self, job_id: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError:
            return 400, {"error": "body is not JSON"}
        if not isinstance(body, dict) or not isinstance(body.get("options", {}), dict):
            return 400, {"error": 'body must be {"options": {...}, "only": bool, "confirm": bool}'}
        try:
            run_id = self._run(
                job_id, body.get("options", {}), bool(body.get("only")), bool(body.get("confirm"))
            )
        except JobError as exc:
            return _STATUS_OF.get(exc.kind, 400), {"error": exc.message}
        return 202, {"run": run_id}
