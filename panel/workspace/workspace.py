"""The workspace: a folder with the SQLite database, the logs folder and the API file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from panel.demo import config as demo
from panel.util.diskfull import DiskFullError, is_disk_full
from panel.workspace import store
from panel.workspace.database import create_workspace_engine, writer
from panel.workspace.errors import ConfigError, WorkspaceError
from panel.workspace.location import workspace_key
from panel.workspace.migrations import LATEST_VERSION, migrate, schema_version
from panel.workspace.models import ProcessRecordRow
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
    context manager. Meant for the Qt main thread: one engine, one short
    session per operation. Every change is one transaction (all or nothing).
    Storage failures raise `WorkspaceError`; refused configurations `ConfigError`.
    """

    def __init__(self, root: Path, engine: Engine) -> None:
        """Use `Workspace.open`; this only wraps an engine already migrated."""
        self._root = root
        self._engine: Engine | None = engine

    # -- opening and closing ---------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, seed_demo: bool = False) -> Workspace:
        """Open the workspace at `path`: create the folder, `logs/` and the database, migrate.

        A new database gets the demo server configuration; with `seed_demo` (the
        application's first run) also the demo devices and their connections (see
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
        engine = create_workspace_engine(root / DB_NAME)
        try:
            migrate(engine, str(root / DB_NAME))
            workspace = cls(root, engine)
            workspace._seed(seed_demo)
        except WorkspaceError:
            engine.dispose()
            raise
        except (SQLAlchemyError, sqlite3.Error) as exc:
            engine.dispose()
            why = _why(exc)
            raise WorkspaceError(f"{root / DB_NAME}: cannot open the database: {why}") from exc
        return workspace

    def _seed(self, seed_demo: bool = False) -> None:
        """Give a workspace without a server row (a new one) the demo server (and devices)."""
        with self.transaction() as session:
            if not store.load_services(session):
                store.store_server(session, demo_server_config())
                if seed_demo:
                    _seed_demo_devices(session)

    def close(self) -> None:
        """Close every database connection; the object is unusable afterwards."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

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
        with self.snapshot() as session:
            return schema_version(session.connection())

    # -- transactions --------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write transaction (`BEGIN IMMEDIATE`): committed at the end, rolled back on error.

        Database failures come out as `WorkspaceError`; other exceptions pass
        through unchanged (after the rollback).
        """
        with self._guard(), Session(writer(self._live_engine())) as session, session.begin():
            yield session

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A short read transaction: one consistent view of the database."""
        with self._guard(), Session(self._live_engine()) as session, session.begin():
            yield session

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as exc:
            if is_disk_full(exc):
                raise WorkspaceError(str(DiskFullError(self.db_path))) from exc
            raise WorkspaceError(f"{self.db_path}: {_why(exc)}") from exc

    def _live_engine(self) -> Engine:
        if self._engine is None:
            raise WorkspaceError(f"{self._root}: the workspace is closed")
        return self._engine

    # -- server configuration -----------------------------------------------------------

    def server_config(self) -> ServerConfig:
        """The server block (the demo server until someone saves another)."""
        with self.snapshot() as session:
            return store.load_server(session) or demo_server_config()

    def save_server_config(self, cfg: ServerConfig) -> None:
        """Validate `cfg` and store it; `ConfigError` (nothing written) when it is invalid."""
        problems = validate_server_json(cfg.to_json())
        if problems:
            raise ConfigError(problems)
        with self.transaction() as session:
            store.store_server(session, cfg)

    # -- services -------------------------------------------------------------------

    def services(self) -> list[ServiceConfig]:
        """Every service, in their configured order (the demo server until saved otherwise)."""
        with self.snapshot() as session:
            return store.load_services(session) or [ServiceConfig.from_server(demo_server_config())]

    def save_services(self, services: list[ServiceConfig]) -> None:
        """Validate the whole list and store it in one transaction; `ConfigError` naming
        every problem (`$.services[i]...`, nothing written) when it is invalid."""
        problems = validate_services_json([s.to_json() for s in services])
        if problems:
            raise ConfigError(problems)
        with self.transaction() as session:
            store.store_services(session, services)

    # -- settings -----------------------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        """The value stored for `key`, or `default` (see `known_settings.DEFAULTS`)."""
        with self.snapshot() as session:
            found, value = store.load_setting(session, key)
        return value if found else default

    def set_setting(self, key: str, value: Any) -> None:
        """Store `value` (anything JSON can encode; TypeError/ValueError otherwise) for `key`."""
        with self.transaction() as session:
            store.store_setting(session, key, value)

    def delete_setting(self, key: str) -> None:
        """Forget `key` (reads give the default again)."""
        with self.transaction() as session:
            store.delete_settings(session, [key])

    # -- opaque sections (connections, jobs) -----------------------------------------

    def config_section(self, name: str) -> list[Any]:
        """The stored JSON array of section `name` (`connections` or `jobs`)."""
        with self.snapshot() as session:
            return store.load_section(session, name)

    # -- process records (the supervision core's start-up sweep) -------------------------

    def record(self, name: str, pid: int, create_time: float, sid: int) -> None:
        """Remember a child just started (a reused pid replaces the old record)."""
        values = {"pid": pid, "name": name, "create_time": create_time, "sid": sid}
        stmt = insert(ProcessRecordRow).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["pid"],
            set_={"name": name, "create_time": create_time, "sid": sid},
        )
        with self.transaction() as session:
            session.execute(stmt)

    def forget(self, pid: int) -> None:
        """Drop the record of `pid` (it finished, or the sweep dealt with it)."""
        with self.transaction() as session:
            session.execute(delete(ProcessRecordRow).where(ProcessRecordRow.pid == pid))

    def recorded(self) -> list[RecordedProcess]:
        """Every recorded child, oldest record first."""
        with self.snapshot() as session:
            rows = session.scalars(select(ProcessRecordRow).order_by(ProcessRecordRow.id))
            return [RecordedProcess(r.name, r.pid, r.create_time, r.sid) for r in rows]

    def __repr__(self) -> str:
        state = "closed" if self._engine is None else f"schema v{LATEST_VERSION}"
        return f"<Workspace {self._root} ({state})>"


def _seed_demo_devices(session: Session) -> None:
    """The demo devices (a non-exported setting), a connection to each, and a few jobs."""
    modbus_port, opcua_port = demo.first_run_ports()
    devices = demo.demo_devices(modbus_port, opcua_port)
    store.store_setting(session, demo.DEVICES_KEY, [d.to_json() for d in devices])
    if not store.load_section(session, "connections"):
        store.store_section(session, "connections", demo.demo_connections(modbus_port, opcua_port))
    if not store.load_section(session, "jobs"):
        store.store_section(session, "jobs", demo.demo_jobs())


def _why(exc: BaseException) -> str:
    """The driver's own words for a database failure, without SQLAlchemy's wrapping."""
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc)
