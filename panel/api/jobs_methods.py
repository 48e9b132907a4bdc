"""The job engine's methods on the JSON-RPC API: each calls the method a button calls.

Methods: `jobs.list`, `jobs.get`, `jobs.run`, `jobs.cancel`, `jobs.history`,
`jobs.active`, `jobs.dashboard`, `jobs.log` (a run's log file), `jobs.enable`,
`jobs.check` (of a run with the given options), `jobs.watch`, `jobs.subscribe`,
and `datasets.release` (with ``force`` also while the holder still runs; audited
like every mutating call, and logged).
Notifications on topic `jobs`: ``jobs.run`` (a run changed state, params = the
run), ``jobs.finished`` (a run is final and no retry follows), ``jobs.changed``
(the definitions changed) and ``jobs.watch`` (the watched jobs file's status).
A dangerous command (options in) needs ``"confirm": true`` in `jobs.run`
(error -32011 with the reasons otherwise).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from typing import TYPE_CHECKING, Any

from panel.api.rpc import INVALID_PARAMS, INVALID_STATE, NOT_FOUND, TIMEOUT, RpcContext, RpcError
from panel.jobs.datasets import DatasetHeld
from panel.jobs.errors import JobError
from panel.jobs.run_log import MAX_LOG_BYTES
from panel.jobs.snapshots import RunSnapshot
from panel.jobs.states import FINAL, Trigger

if TYPE_CHECKING:
    from panel.api.rpc import RpcRegistry
    from panel.api.server import ApiServer
    from panel.jobs.engine import JobEngine
    from panel.jobs.file_watch import JobsFileWatcher

log = logging.getLogger("panel.jobs")

JOBS_TOPIC = "jobs"
MAX_HISTORY = 10_000
_ID = {"type": "string", "minLength": 1}
_EMPTY: dict[str, Any] = {"type": "object", "additionalProperties": False}
_GET = {
    "type": "object",
    "properties": {"id": _ID, "runs": {"type": "integer", "minimum": 0, "maximum": 1000}},
    "required": ["id"],
    "additionalProperties": False,
}
_RUN = {
    "type": "object",
    "properties": {
        "id": _ID,
        "options": {"type": "object"},
        "only": {"type": "boolean"},
        "confirm": {"type": "boolean"},
        "wait": {"type": "boolean", "description": "answer when the run is final"},
        "timeoutMs": {"type": "integer", "minimum": 1, "maximum": 86_400_000},
    },
    "required": ["id"],
    "additionalProperties": False,
}
_LIST = {
    "type": "object",
    "properties": {
        "category": {"type": "string", "description": "only the jobs of this category"},
        "tag": {"type": "string", "description": "only the jobs with this tag"},
    },
    "additionalProperties": False,
}
_RELEASE = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "force": {"type": "boolean", "description": "also when its holder still runs"},
    },
    "required": ["name"],
    "additionalProperties": False,
}
_CANCEL = {
    "type": "object",
    "properties": {"run": {"type": "integer", "minimum": 1}},
    "required": ["run"],
    "additionalProperties": False,
}
_HISTORY = {
    "type": "object",
    "properties": {
        "job": _ID,
        "status": {"type": "string"},
        "trigger": {"type": "string"},
        "since": {"type": "number"},
        "until": {"type": "number"},
        "beforeId": {"type": "integer"},
        "limit": {"type": "integer", "minimum": 1, "maximum": MAX_HISTORY},
    },
    "additionalProperties": False,
}
_LOG = {
    "type": "object",
    "properties": {
        "run": {"type": "integer", "minimum": 1},
        "offset": {
            "type": "integer",
            "minimum": 0,
            "description": "read what follows this byte (default: the tail)",
        },
        "maxBytes": {"type": "integer", "minimum": 1, "maximum": MAX_LOG_BYTES},
    },
    "required": ["run"],
    "additionalProperties": False,
}
_ENABLE = {
    "type": "object",
    "properties": {"id": _ID, "enabled": {"type": "boolean"}},
    "required": ["id", "enabled"],
    "additionalProperties": False,
}
_CHECK = {
    "type": "object",
    "properties": {
        "id": _ID,
        "options": {"type": "object", "description": "the run's options (default: defaults)"},
    },
    "required": ["id"],
    "additionalProperties": False,
}

_WATCH = {
    "type": "object",
    "properties": {
        "file": {
            "type": ["string", "null"],
            "description": "absolute path of a JSON jobs file to watch; null or empty: stop",
        }
    },
    "additionalProperties": False,
}


def rpc_error(exc: JobError) -> RpcError:
    """The API error for a refused job request."""
    code = {"not_found": NOT_FOUND, "invalid": INVALID_PARAMS}.get(exc.kind, INVALID_STATE)
    data = exc.data if isinstance(exc.data, dict) else {}
    return RpcError(code, exc.message, {"kind": exc.kind, **data})


class JobsApi:
    """Binds a job engine to an API server: methods in, notifications out."""

    def __init__(
        self, jobs: JobEngine, server: ApiServer, watch: JobsFileWatcher | None = None
    ) -> None:
        self._jobs = jobs
        self._server = server
        self._watch = watch
        # Run changes are pushed only while a client is subscribed: a busy graph
        # then does not build a notification per state change for nobody.
        server.watch_topic(JOBS_TOPIC, self._listen_to_runs)
        jobs.sig_jobs_changed.connect(self._push_changed)
        if watch is not None:
            watch.sig_status_changed.connect(self._push_watch)

    def register(self, registry: RpcRegistry) -> None:
        """Add the jobs methods to `registry`."""
        add = registry.register
        add(
            "jobs.list",
            self.list,
            _LIST,
            doc="Every job (of a category, with a tag) with next fire time and last run.",
        )
        add("jobs.get", self.get, _GET, doc="One job with its recent runs (default 20).")
        add(
            "jobs.run",
            self.run,
            _RUN,
            mutating=True,
            doc="Run a job (after its upstream unless only); with wait, answer when final.",
        )
        add("jobs.cancel", self.cancel, _CANCEL, mutating=True, doc="Cancel a run.")
        add(
            "datasets.release",
            self.release_dataset,
            _RELEASE,
            mutating=True,
            doc="Free a dataset's allocations; with force also while its holder runs.",
        )
        add("jobs.history", self.history, _HISTORY, doc="Runs, newest first, filtered.")
        add(
            "jobs.active",
            self.active,
            _EMPTY,
            doc="Every run waiting, queued, running or retrying.",
        )
        add(
            "jobs.dashboard",
            self.dashboard,
            _EMPTY,
            doc="Today's counts, running runs and their elapsed time, next 5 fires, failures.",
        )
        add(
            "jobs.log",
            self.log,
            _LOG,
            doc="A run's log file: its tail (at most maxBytes, 2 MB), or what follows offset.",
        )
        add("jobs.enable", self.enable, _ENABLE, mutating=True, doc="Enable/disable a schedule.")
        add("jobs.check", self.check, _CHECK, doc="Why a job's command needs confirmation.")
        if self._watch is not None:
            add(
                "jobs.watch",
                self.watch,
                _WATCH,
                mutating=True,
                doc="The watched jobs file's status; with file, watch it (null or empty: stop).",
            )
        if self._watch is not None:
            add(
                "jobs.watchStatus",
                self.watch_status,
                _EMPTY,
                doc="The watched jobs file's status (path, state, lastImport, error, jobs).",
            )
        add(
            "jobs.subscribe",
            self.subscribe,
            _EMPTY,
            doc="Receive jobs.run, jobs.finished, jobs.changed and jobs.watch notifications.",
        )

    def list(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Every job, or those of a category and/or with a tag."""
        jobs = self._jobs.list_jobs()
        if "category" in params:
            jobs = [j for j in jobs if j.get("category") == params["category"]]
        if "tag" in params:
            jobs = [j for j in jobs if params["tag"] in (j.get("tags") or ())]
        return {"jobs": jobs}

    def release_dataset(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Free a dataset's allocations (an operator clearing a stuck one)."""
        name, force = params["name"], bool(params.get("force"))
        try:
            freed = self._jobs.datasets.release_name(name, force)
        except KeyError:
            raise RpcError(NOT_FOUND, f"no allocation of dataset {name!r}") from None
        except DatasetHeld as exc:
            holders = [h.to_json() for h in exc.holders]
            raise RpcError(INVALID_STATE, str(exc), {"kind": "held", "holders": holders}) from None
        for row in freed:
            log.warning(
                "dataset %s (%s) released by an operator%s: it was held by %s %s, pid %s",
                row.name, row.path, " with force" if force else "", row.owner_kind,
                row.owner_id, row.pid,
            )  # fmt: skip
        return {"released": [row.to_json() for row in freed], "force": force}

    def get(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """One job with its recent runs."""
        try:
            return self._jobs.get_job(params["id"], int(params.get("runs", 20)))
        except JobError as exc:
            raise rpc_error(exc) from None

    async def run(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Run a job."""
        jobs = self._jobs
        loop = asyncio.get_running_loop()
        done: asyncio.Future[dict[str, Any]] = loop.create_future()
        target: list[int] = []

        def on_change(run: RunSnapshot) -> None:
            if target and run.id == target[0] and run.status in FINAL and not done.done():
                done.set_result(run.to_json())

        if params.get("wait"):
            jobs.sig_run_finished.connect(on_change)
        try:
            try:
                run_id = jobs.run_job(
                    params["id"],
                    params.get("options", {}),
                    Trigger.API,
                    bool(params.get("only")),
                    bool(params.get("confirm")),
                )
            except JobError as exc:
                raise rpc_error(exc) from None
            target.append(run_id)
            row = jobs.store.run(run_id) or {"id": run_id}
            if not params.get("wait") or row.get("status") in FINAL:
                return row
            try:
                await asyncio.wait_for(done, params.get("timeoutMs", 3_600_000) / 1000)
            except TimeoutError:
                raise RpcError(TIMEOUT, "the run did not finish in time", row) from None
            return jobs.store.run(run_id) or done.result()
        finally:
            if params.get("wait"):
                jobs.sig_run_finished.disconnect(on_change)

    def cancel(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Cancel a run."""
        if not self._jobs.cancel_run(int(params["run"])):
            raise RpcError(NOT_FOUND, f"run {params['run']} is not active")
        return {"cancelled": True}

    def history(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Filtered history."""
        names = {"beforeId": "before_id"}
        filters = {names.get(k, k): v for k, v in params.items()}
        return {"runs": self._jobs.history(**filters)}

    def active(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """The runs in the engine's hands."""
        return {"runs": [run.to_json() for run in self._jobs.active_snapshots()]}

    def dashboard(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Today's figures."""
        return self._jobs.dashboard().to_json()

    def log(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """A run's log file, or a part of it."""
        limit = int(params.get("maxBytes", MAX_LOG_BYTES))
        try:
            return self._jobs.run_log(int(params["run"]), params.get("offset"), limit).to_json()
        except JobError as exc:
            raise rpc_error(exc) from None

    def enable(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Enable or disable a job's schedule."""
        try:
            self._jobs.set_enabled(params["id"], bool(params["enabled"]))
        except JobError as exc:
            raise rpc_error(exc) from None
        return {"enabled": bool(params["enabled"])}

    def check(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Dangerous-command reasons."""
        try:
            return {"reasons": self._jobs.check_command(params["id"], params.get("options"))}
        except JobError as exc:
            raise rpc_error(exc) from None

    def watch(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Get or set the watched jobs file (only the jobs of the file are imported)."""
        watch = self._watch
        assert watch is not None  # registered only with a watcher
        if "file" in params:
            path = params["file"] or None
            if path is not None and not os.path.isabs(path):
                raise RpcError(INVALID_PARAMS, f"the jobs file must be an absolute path: {path!r}")
            watch.set_file(path)
        return watch.status

    def watch_status(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """The watched jobs file's status (reading it is not a change: not audited)."""
        assert self._watch is not None  # registered only with a watcher
        return self._watch.status

    def subscribe(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Subscribe to run changes."""
        ctx.subscribe(JOBS_TOPIC)
        return {"subscribed": True}

    def _listen_to_runs(self, active: bool) -> None:
        if active:
            self._jobs.sig_run_changed.connect(self._push_run)
            self._jobs.sig_run_finished.connect(self._push_finished)
        else:
            with contextlib.suppress(RuntimeError):  # the engine may be gone at shutdown
                self._jobs.sig_run_changed.disconnect(self._push_run)
                self._jobs.sig_run_finished.disconnect(self._push_finished)

    def _push_run(self, run: RunSnapshot) -> None:
        self._server.publish(JOBS_TOPIC, "jobs.run", run.to_json())

    def _push_finished(self, run: RunSnapshot) -> None:
        self._server.publish(JOBS_TOPIC, "jobs.finished", run.to_json())

    def _push_changed(self) -> None:
        self._server.publish(JOBS_TOPIC, "jobs.changed", {})

    def _push_watch(self, status: dict[str, Any]) -> None:
        self._server.publish(JOBS_TOPIC, "jobs.watch", status)
