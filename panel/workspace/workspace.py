"""The workspace: a folder with the SQLite database, the logs folder and the API file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from panel.demo import config as demo
from panel.util.diskfull import DiskFullError, is_disk_full
from panel.workspace import store
from panel.workspace.database import ConnectionPool, begin
from panel.workspace.errors import ConfigError, WorkspaceError
from panel.workspace.location import workspace_key
from panel.workspace.migrations import LATEST_VERSION, migrate, schema_version
from panel.workspace.private import prepare_database_file, tighten
from panel.workspace.process_records import RecordedProcess
from panel.workspace.schema import validate_server_json, validate_services_json
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.service_config import ServiceConfig

DB_NAME = "workspace.db"
LOGS_DIR = "logs"
API_FILE = "api.json"


class Workspace:
    """An open workspace folder; the database in it is the source of truth for configuration.

    Open with `Workspace.open(path)`; close with `close()` or use it as a
    context manager. Meant for the Qt main thread: one sqlite3 connection, one
    short transaction per operation. Every change is one transaction (all or nothing).
    Storage failures raise `WorkspaceError`; refused configurations `ConfigError`.
    """

    def __init__(self, root: Path, pool: ConnectionPool) -> None:
        """Use `Workspace.open`; this only wraps the connections of a database already migrated."""
        self._root = root
        self._pool: ConnectionPool | None = pool

    # -- opening and closing ---------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, seed_demo: bool = False) -> Workspace:
        """Open the workspace at `path`: create the folder, `logs/` and the database, migrate.

        A new database gets the demo server configuration; with `seed_demo` (the
        application's first run) also the demo devices, their connections and the tag bus
        on the embedded MQTT broker (`mqtt: {"embedded": true}`; see
        `panel.demo.config`). Raises
        `WorkspaceVersionError` for a database from a newer panel and
        `WorkspaceError` when the folder or the file cannot be used.
        """
        root = Path(path).expanduser().resolve()
        try:
            root.mkdir(mode=0o700, parents=True, exist_ok=True)
            (root / LOGS_DIR).mkdir(mode=0o700, exist_ok=True)
            tighten(root, 0o700)
            tighten(root / LOGS_DIR, 0o700)
            prepare_database_file(root / DB_NAME)
        except OSError as exc:
            raise WorkspaceError(f"{root}: cannot create the workspace folder: {exc}") from exc
        pool = ConnectionPool(root / DB_NAME)
        try:
            with pool.connection() as conn:
                migrate(conn, str(root / DB_NAME))
            workspace = cls(root, pool)
            workspace._seed(seed_demo)
        except WorkspaceError:
            pool.close()
            raise
        except sqlite3.Error as exc:
            pool.close()
            raise WorkspaceError(f"{root / DB_NAME}: cannot open the database: {exc}") from exc
        return workspace

    def _seed(self, seed_demo: bool = False) -> None:
        """Give a workspace without a server row (a new one) the demo server (and devices)."""
        with self.transaction() as conn:
            if not store.load_services(conn):
                store.store_server(conn, demo_server_config())
                if seed_demo:
                    _seed_demo_devices(conn)

    def close(self) -> None:
        """Close every database connection; the object is unusable afterwards."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- where things are --------------------------------------------------------------

    @property
    def root(self) -> Path:
        """The workspace folder (resolved, absolute)."""
        return self._root

    @property
    def db_path(self) -> Path:
        """The SQLite database file."""
        return self._root / DB_NAME

    @property
    def logs_dir(self) -> Path:
        """Folder of the per-source rotating log files."""
        return self._root / LOGS_DIR

    @property
    def api_file(self) -> Path:
        """Where the running engine advertises its local API (written by the API code)."""
        return self._root / API_FILE

    @property
    def lock_name(self) -> str:
        """A short, stable name derived from the folder, for single-instance detection."""
        return workspace_key(self._root)

    @property
    def schema_version(self) -> int:
        """The schema version of the database (always `LATEST_VERSION` once open)."""
        with self.snapshot() as conn:
            return schema_version(conn)

    # -- transactions --------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (`BEGIN IMMEDIATE`): committed at the end, rolled back on error.

        The block gets the transaction's connection (for the `store` functions).
        Database failures come out as `WorkspaceError`; other exceptions pass
        through unchanged (after the rollback).
        """
        with self._guard(), self._live_pool().connection() as conn, begin(conn, "IMMEDIATE"):
            yield conn

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A short read transaction: one consistent view of the database."""
        with self._guard(), self._live_pool().connection() as conn, begin(conn):
            yield conn

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            if is_disk_full(exc):
                raise WorkspaceError(str(DiskFullError(self.db_path))) from exc
            raise WorkspaceError(f"{self.db_path}: {exc}") from exc

    def _live_pool(self) -> ConnectionPool:
        if self._pool is None:
            raise WorkspaceError(f"{self._root}: the workspace is closed")
        return self._pool

    # -- server configuration -----------------------------------------------------------

    def server_config(self) -> ServerConfig:
        """The server block (the demo server until someone saves another)."""
        with self.snapshot() as conn:
            return store.load_server(conn) or demo_server_config()

    def save_server_config(self, cfg: ServerConfig) -> None:
        """Validate `cfg` and store it; `ConfigError` (nothing written) when it is invalid."""
        problems = validate_server_json(cfg.to_json())
        if problems:
            raise ConfigError(problems)
        with self.transaction() as conn:
            store.store_server(conn, cfg)

    # -- services -------------------------------------------------------------------

    def services(self) -> list[ServiceConfig]:
        """Every service, in their configured order (the demo server until saved otherwise)."""
        with self.snapshot() as conn:
            return store.load_services(conn) or [ServiceConfig.from_server(demo_server_config())]

    def save_services(self, services: list[ServiceConfig]) -> None:
        """Validate the whole list and store it in one transaction; `ConfigError` naming
        every problem (`$.services[i]...`, nothing written) when it is invalid."""
        problems = validate_services_json([s.to_json() for s in services])
        if problems:
            raise ConfigError(problems)
        with self.transaction() as conn:
            store.store_services(conn, services)

    # -- settings -----------------------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        """The value stored for `key`, or `default` (see `known_settings.DEFAULTS`)."""
        with self.snapshot() as conn:
            found, value = store.load_setting(conn, key)
        return value if found else default

    def set_setting(self, key: str, value: Any) -> None:
        """Store `value` (anything JSON can encode; TypeError/ValueError otherwise) for `key`."""
        with self.transaction() as conn:
            store.store_setting(conn, key, value)

    def delete_setting(self, key: str) -> None:
        """Forget `key` (reads give the default again)."""
        with self.transaction() as conn:
            store.delete_settings(conn, [key])

    # -- opaque sections (connections, jobs) -----------------------------------------

    def config_section(self, name: str) -> list[Any]:
        """The stored JSON array of section `name` (`connections` or `jobs`)."""
        with self.snapshot() as conn:
            return store.load_section(conn, name)

    def config_object(self, name: str) -> dict[str, Any] | None:
        """The stored JSON object of section `name` (`mqtt`), None when it is not set."""
        with self.snapshot() as conn:
            return store.load_object(conn, name)

    def save_config_object(self, name: str, value: dict[str, Any] | None) -> None:
        """Replace object section `name` (`mqtt`) in one transaction; None removes it.

        The caller validates `value` first (the section's own check)."""
        with self.transaction() as conn:
            store.store_object(conn, name, value)

    # -- process records (the supervision core's start-up sweep) -------------------------

    def record(self, name: str, pid: int, create_time: float, sid: int) -> None:
        """Remember a child just started (a reused pid replaces the old record)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO process_records (pid, name, create_time, sid) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (pid) DO UPDATE SET name = excluded.name,"
                " create_time = excluded.create_time, sid = excluded.sid",
                (pid, name, create_time, sid),
            )

    def forget(self, pid: int) -> None:
        """Drop the record of `pid` (it finished, or the sweep dealt with it)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM process_records WHERE pid = ?", (pid,))

    def recorded(self) -> list[RecordedProcess]:
        """Every recorded child, oldest record first."""
        with self.snapshot() as conn:
            rows = conn.execute(
                "SELECT name, pid, create_time, sid FROM process_records ORDER BY id"
            )
            return [RecordedProcess(*row) for row in rows]

    def __repr__(self) -> str:
        state = "closed" if self._pool is None else f"schema v{LATEST_VERSION}"
        return f"<Workspace {self._root} ({state})>"


def _seed_demo_devices(conn: sqlite3.Connection) -> None:
    """The demo devices (a non-exported setting), a connection to each, and a few jobs."""
    modbus_port, opcua_port = demo.first_run_ports()
    devices = demo.demo_devices(modbus_port, opcua_port)
    store.store_setting(conn, demo.DEVICES_KEY, [d.to_json() for d in devices])
    if not store.load_section(conn, "connections"):
        store.store_section(conn, "connections", demo.demo_connections(modbus_port, opcua_port))
    if not store.load_section(conn, "jobs"):
        store.store_section(conn, "jobs", demo.demo_jobs())
    if store.load_object(conn, "mqtt") is None:
        store.store_object(conn, "mqtt", {"embedded": True})  # the tag bus, on its own broker
