"""`GET /metrics`: the engine's figures in the Prometheus text format (version 0.0.4).

Families (all prefixed ``opspanel_``):

- ``server_up`` (gauge, 1 when the server runs), ``server_restarts_total`` (counter)
- ``process_cpu_percent`` and ``process_rss_bytes`` (gauges, label ``name``): the
  panel itself (``name="panel"``) and every child process the engine runs
- ``job_runs`` (gauge, label ``status``): job runs in the history by status
- ``poll_cycles_total`` (counter), ``poll_lateness_ms`` (gauge, label ``quantile``
  0.5/0.99/1), ``poll_errors_total`` (counter), labels ``connection`` and ``block``
- ``sessions_open`` (gauge), ``sessions_closed_total`` (counter)
- ``api_clients`` (gauge), ``api_rate_limited_total``, ``api_refused_clients_total``
  and ``audit_rows_total`` (counters)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import psutil

from panel.server.status import ServerStatus

if TYPE_CHECKING:
    from panel.api.audit import AuditLog
    from panel.api.server import ApiServer
    from panel.engine import Engine

PREFIX = "opspanel_"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN"
    return repr(float(value)) if isinstance(value, float) else str(int(value))


class MetricsWriter:
    """Collects families and renders them as text."""

    def __init__(self) -> None:
        self._lines: list[str] = []

    def family(
        self,
        name: str,
        kind: str,
        doc: str,
        samples: Iterable[tuple[dict[str, str], float]],
    ) -> None:
        """One metric family: HELP, TYPE, then one line per (labels, value)."""
        full = PREFIX + name
        self._lines.append(f"# HELP {full} {doc}")
        self._lines.append(f"# TYPE {full} {kind}")
        for labels, value in samples:
            text = ",".join(f'{k}="{_escape(str(v))}"' for k, v in labels.items())
            self._lines.append(
                f"{full}{{{text}}} {_number(value)}" if text else f"{full} {_number(value)}"
            )

    def text(self) -> str:
        """The exposition, ending with a newline."""
        return "\n".join(self._lines) + "\n"


class EngineMetrics:
    """Renders an engine's metrics on demand (the provider of `ApiServer.set_metrics`)."""

    def __init__(self, engine: Engine, api: ApiServer, audit: AuditLog | None = None) -> None:
        self._engine = engine
        self._api = api
        self._audit = audit
        self._procs: dict[int, psutil.Process] = {}

    def render(self) -> str:
        """The whole exposition text."""
        out = MetricsWriter()
        self._server(out)
        self._processes(out)
        self._jobs(out)
        self._polling(out)
        self._sessions(out)
        self._api_figures(out)
        return out.text()

    def _server(self, out: MetricsWriter) -> None:
        snap = self._engine.server_snapshot()
        up = 1 if snap.status == ServerStatus.RUNNING else 0
        out.family("server_up", "gauge", "1 when the Python server runs.", [({}, up)])
        out.family(
            "server_restarts_total", "counter", "Restarts of the server.", [({}, snap.restarts)]
        )

    def _processes(self, out: MetricsWriter) -> None:
        cpu: list[tuple[dict[str, str], float]] = []
        rss: list[tuple[dict[str, str], float]] = []
        seen: set[int] = set()
        entries = [("panel", psutil.Process().pid)]
        entries += [
            (p.name, p.pid)
            for p in self._engine.processes()
            if p.pid is not None and p.state.is_alive
        ]
        for name, pid in entries:
            figures = self._measure(pid)
            seen.add(pid)
            if figures is not None:
                cpu.append(({"name": name}, figures[0]))
                rss.append(({"name": name}, figures[1]))
        for pid in [p for p in self._procs if p not in seen]:
            del self._procs[pid]
        out.family("process_cpu_percent", "gauge", "CPU use since the last scrape.", cpu)
        out.family("process_rss_bytes", "gauge", "Resident memory.", rss)

    def _measure(self, pid: int) -> tuple[float, int] | None:
        try:
            proc = self._procs.get(pid)
            if proc is None:
                proc = self._procs[pid] = psutil.Process(pid)
                proc.cpu_percent(None)  # primes the counter: the first reading is 0
            with proc.oneshot():
                return proc.cpu_percent(None), proc.memory_info().rss
        except psutil.Error:
            self._procs.pop(pid, None)
            return None

    def _jobs(self, out: MetricsWriter) -> None:
        with self._engine.jobs.store.reading() as conn:
            rows = conn.execute(
                "SELECT status, COUNT(*) FROM job_runs GROUP BY status ORDER BY status"
            ).fetchall()
        samples = [({"status": str(status)}, int(count)) for status, count in rows]
        out.family("job_runs", "gauge", "Job runs in the history by status.", samples)

    def _polling(self, out: MetricsWriter) -> None:
        cycles: list[tuple[dict[str, str], float]] = []
        errors: list[tuple[dict[str, str], float]] = []
        late: list[tuple[dict[str, str], float]] = []
        manager = self._engine.connections
        for conn_id in manager.ids():
            link = manager.link(conn_id)
            blocks: Any = link.stats.get("blocks") if link is not None else None
            for block in blocks if isinstance(blocks, list) else []:
                if not isinstance(block, dict):
                    continue
                labels = {"connection": conn_id, "block": str(block.get("name", "?"))}
                cycles.append((labels, _num(block.get("cycles"))))
                errors.append((labels, _num(block.get("errors"))))
                for quantile, key in (("0.5", "latenessP50Ms"), ("0.99", "latenessP99Ms")):
                    late.append(({**labels, "quantile": quantile}, _num(block.get(key))))
                late.append(({**labels, "quantile": "1"}, _num(block.get("latenessMaxMs"))))
        out.family("poll_cycles_total", "counter", "Poll cycles per block.", cycles)
        out.family("poll_errors_total", "counter", "Failed poll requests per block.", errors)
        out.family("poll_lateness_ms", "gauge", "Cycle start lateness per block.", late)

    def _sessions(self, out: MetricsWriter) -> None:
        sessions = self._engine.sessions
        out.family("sessions_open", "gauge", "Runner sessions open.", [({}, sessions.open_count)])
        out.family(
            "sessions_closed_total",
            "counter",
            "Sessions ended since start.",
            [({}, sessions.closed_count)],
        )

    def _api_figures(self, out: MetricsWriter) -> None:
        api = self._api
        out.family("api_clients", "gauge", "Connected API clients.", [({}, api.clients)])
        out.family(
            "api_rate_limited_total",
            "counter",
            "Requests refused by the rate limit.",
            [({}, api.rate_limited)],
        )
        out.family(
            "api_refused_clients_total",
            "counter",
            "Clients refused (too many).",
            [({}, api.refused_clients)],
        )
        if self._audit is not None:
            out.family(
                "audit_rows_total",
                "counter",
                "Audit rows written since start.",
                [({}, self._audit.written)],
            )


def _num(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
