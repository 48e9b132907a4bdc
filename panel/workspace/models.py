"""ORM models of the CURRENT database schema (version `migrations.LATEST_VERSION`).

The tables are created and changed only by `migrations.py` (frozen SQL per
version); these classes mirror the latest result, and a test checks that they
agree. JSON-valued columns hold text written with `json.dumps`.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the workspace models."""


class ServiceRow(Base):
    """One service: its name, its place in the list and its JSON body (`ServiceConfig`)."""

    __tablename__ = "services"

    name: Mapped[str] = mapped_column(Text, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)  # JSON object, camelCase keys


class SettingRow(Base):
    """One setting: a key and its JSON-encoded value."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ProcessRecordRow(Base):
    """A child the panel started and has not yet seen finish (for the start-up sweep)."""

    __tablename__ = "process_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pid: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(Text)
    create_time: Mapped[float] = mapped_column(Float)
    sid: Mapped[int] = mapped_column(Integer)


class ConfigSectionRow(Base):
    """A configuration section kept as opaque JSON until it gets tables of its own.

    Holds `connections` and `jobs` (JSON arrays) so that an export returns exactly
    what was imported; later schema versions move them into real tables.
    """

    __tablename__ = "config_sections"

    name: Mapped[str] = mapped_column(Text, primary_key=True)
    body: Mapped[str] = mapped_column(Text)  # JSON array


class JobRunRow(Base):
    """One attempt of a job: appended when queued, its status updated in its own transaction."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[str] = mapped_column(Text)
    graph_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    trigger: Mapped[str] = mapped_column(Text)
    options: Mapped[str] = mapped_column(Text)  # JSON object
    attempt: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(Text)
    queued_at: Mapped[float] = mapped_column(Float)
    started_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    ended_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    exit_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    log_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    create_time: Mapped[float | None] = mapped_column(Float, nullable=True)
    waiting_on: Mapped[str | None] = mapped_column(Text, nullable=True)


class DatasetAllocationRow(Base):
    """A dataset path held by an owner (a job run or a session), exclusive or shared."""

    __tablename__ = "dataset_allocations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    path: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(Text)
    owner_kind: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[str] = mapped_column(Text)
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    create_time: Mapped[float | None] = mapped_column(Float, nullable=True)
    acquired_at: Mapped[float] = mapped_column(Float)


class JobScheduleStateRow(Base):
    """When each scheduled job last fired (for the missed-run policy after downtime)."""

    __tablename__ = "job_schedule_state"

    job_id: Mapped[str] = mapped_column(Text, primary_key=True)
    last_fire: Mapped[float] = mapped_column(Float)


class AuditRow(Base):
    """One mutating API call: when, which client, method, a params summary and the outcome."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ts: Mapped[float] = mapped_column(Float)
    client: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(Text)
    params: Mapped[str] = mapped_column(Text)  # a short, redacted JSON summary
    outcome: Mapped[str] = mapped_column(Text)  # "ok" or "error: <message>"
    error_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    duration_ms: Mapped[float] = mapped_column(Float)
