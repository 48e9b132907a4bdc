"""The demo workspace's server: a small FastAPI app with a /health endpoint.

It stands in for the operator's own back end so that a first launch shows a real
server running, answering and logging. Run by the panel as
`{python} -m uvicorn --app-dir {resources}/demo demo_server:app --port {port}`.
"""

from __future__ import annotations

import logging
import os
import time

from fastapi import FastAPI

log = logging.getLogger("demo")


class _QuietHealthChecks(logging.Filter):
    """Keep the panel's health probes (every few seconds) out of the access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "/health" not in record.getMessage()


logging.getLogger("uvicorn.access").addFilter(_QuietHealthChecks())
app = FastAPI(title="OpsPanel demo server")
_started = time.time()
_hits = {"count": 0}


@app.get("/health")
def health() -> dict[str, object]:
    """Readiness and liveness: answers 200 while the process serves requests."""
    return {"status": "ok", "pid": os.getpid(), "uptime": round(time.time() - _started, 3)}


@app.get("/")
def index() -> dict[str, object]:
    """A greeting, counted, so that a visit shows up in the live log."""
    _hits["count"] += 1
    log.warning("visit number %d", _hits["count"])
    return {"hello": "from the OpsPanel demo server", "visits": _hits["count"]}
