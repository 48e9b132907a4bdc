"""Incoming webhooks: `POST /hooks/jobs/<id>` (or `/api/webhooks/<id>`) on the API port runs a job.

The API port speaks WebSocket; a request there that does not start with GET
(a handshake always does) is a plain HTTP request, which the API server hands
to a `WebhookEndpoint`: first the head alone (`precheck`: token, path,
method, size), then, if that passed, the head and the body (`answer`).

Authentication: the header ``X-OpsPanel-Token: <token>`` (or ``X-Webhook-Token``,
or ``Authorization: Bearer <token>``), compared in constant time. The token lives in
``<workspace>/hooks.json`` (mode 0600, written like api.json) with the port
and the URL; unlike the API token it is kept across restarts, because the
systems that call a webhook are configured once.

Answers (JSON): 202 ``{"run": id}``; with ``?wait=true`` (or ``"wait": true`` in
the body) 200 once the run is final: ``{"run", "job", "status", "exitCode",
"durationMs", "error"}`` (a run still going when the wait's bound passes, the
job's timeout plus a margin or an hour without one, answers 202 with its
status and ``"waitTimedOut": true``); 400 bad body or options; 401 wrong or
missing token (checked before anything else); 404 unknown path or job;
405 not a POST; 409 a dangerous command without ``"confirm": true``; 413 body
over 1 MiB. Body: ``{"options": {...}, "only": false, "confirm": false}`` or
empty.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from panel.jobs.errors import JobError

HOOKS_FILE = "hooks.json"
PATH_PREFIX = "/hooks/jobs/"
PATH_PREFIXES = (PATH_PREFIX, "/api/webhooks/")
"""Ours, and the pipeline dashboard document's path."""
TOKEN_HEADERS = ("x-opspanel-token", "x-webhook-token")
MAX_BODY = 1024 * 1024
MAX_HEAD = 64 * 1024

RunCallback = Callable[[str, dict[str, Any], bool, bool], int]
"""(job_id, options, only, confirm) -> run id; raises JobError."""

WaitCallback = Callable[[int], Awaitable[tuple[int, dict[str, Any]]]]
"""(run id) -> (HTTP status, body) once the run is final (or the wait's bound passed)."""

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


Answer = tuple[int, dict[str, Any]]
"""(HTTP status, JSON body)."""


def parse_head(head: bytes) -> tuple[str, str, dict[str, str]]:
    """(method, path, headers with lower-case names) of an HTTP/1.1 request head."""
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    return method, path, headers


class WebhookEndpoint:
    """`POST /hooks/jobs/<id>` with the webhook token: runs the job with the posted options."""

    def __init__(self, token: str, run: RunCallback, wait: WaitCallback | None = None) -> None:
        if not token:
            raise ValueError("a webhook token is required")
        self._token = token.encode("utf-8")
        self._run = run
        self._wait = wait

    def precheck(self, head: bytes) -> Answer | None:
        """The answer a request gets from its head alone, or None: read its body."""
        try:
            method, path, headers = parse_head(head)
            size = int(headers.get("content-length", "0") or 0)
        except ValueError:
            return 400, {"error": "bad request"}
        if not self._authorized(headers):
            return 401, {"error": "unauthorized"}
        if _job_of(path) is None:
            return 404, {"error": "not found"}
        if method != "POST":
            return 405, {"error": "use POST"}
        if size < 0:
            return 400, {"error": "bad request"}
        if size > MAX_BODY:
            return 413, {"error": "body too large"}
        return None

    def answer(self, head: bytes, body: bytes) -> Answer | Awaitable[Answer]:
        """Run the job the request names (after `precheck` passed); with wait, the
        answer is awaitable and comes once the run is final."""
        early = self.precheck(head)
        if early is not None:
            return early
        _, path, _ = parse_head(head)
        job_id = _job_of(path)
        assert job_id is not None  # precheck said so
        return self._dispatch(job_id, body, _wants_wait(path))

    def _authorized(self, headers: dict[str, str]) -> bool:
        given = next((headers[h] for h in TOKEN_HEADERS if headers.get(h)), "")
        scheme, _, credential = headers.get("authorization", "").partition(" ")
        if not given and scheme.lower() == "bearer":
            given = credential.strip()
        return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), self._token)

    def _dispatch(self, job_id: str, raw: bytes, wait: bool) -> Answer | Awaitable[Answer]:
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
        if (wait or body.get("wait") is True) and self._wait is not None:
            return self._wait(run_id)
        return 202, {"run": run_id}


def _job_of(path: str) -> str | None:
    """The job id a webhook path names (its query aside), None for another path."""
    bare = urlsplit(path).path
    for prefix in PATH_PREFIXES:
        rest = bare[len(prefix) :]
        if bare.startswith(prefix) and rest and "/" not in rest:
            return rest
    return None


def _wants_wait(path: str) -> bool:
    """True for `?wait=true` (or `1`, `yes`)."""
    values = parse_qs(urlsplit(path).query).get("wait", [])
    return any(v.lower() in ("true", "1", "yes") for v in values)
