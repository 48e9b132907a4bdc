"""A job definition (`JobDef`) built from the merged JSON of the workspace's `jobs` section.

The JSON is validated first (`panel.workspace.schema.validate_jobs_json`):
these classes trust their input and only fill in defaults. Times are seconds.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Any

from panel.workspace.schema import resolve_jobs

BACKOFFS = ("fixed", "linear", "exponential")
TRIGGER_RULES = ("all_success", "all_done", "one_failed")
MISSED_POLICIES = ("skip", "coalesce", "all")


@dataclass(frozen=True)
class JobOption:
    """One option a run may be given: a `flag` (`--dry-run`) or a positional `arg`."""

    key: str
    flag: str | None
    type: str = "string"
    default: Any = None
    label: str = ""
    choices: tuple[str, ...] = ()
    system: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobOption:
        """Build from one `options[]` item."""
        flag = data.get("flag")
        return cls(
            key=str(flag or data["arg"]),
            flag=flag,
            type=str(data.get("type", "string")),
            default=data.get("default"),
            label=str(data.get("label", "")),
            choices=tuple(data.get("choices", ())),
            system=bool(data.get("system", False)),
        )


@dataclass(frozen=True)
class Execution:
    """Timeout, retries and their backoff, the auto-fix command and the instance limit."""

    timeout: float = 0.0
    max_retries: int = 0
    retry_delay: float = 1.0
    backoff: str = "fixed"
    max_retry_delay: float = 3600.0
    jitter: float = 0.1
    auto_fix: tuple[str, ...] | str | None = None
    max_instances: int = 1
    retry_interrupted: bool = True

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Execution:
        """Build from an `execution` object."""
        fix = data.get("autoFix")
        return cls(
            timeout=float(data.get("timeout", 0) or 0),
            max_retries=int(data.get("maxRetries", 0)),
            retry_delay=float(data.get("retryDelay", 1)),
            backoff=str(data.get("backoff", "fixed")),
            max_retry_delay=float(data.get("maxRetryDelay", 3600)),
            jitter=float(data.get("jitter", 0.1)),
            auto_fix=tuple(fix) if isinstance(fix, list) else fix,
            max_instances=int(data.get("maxInstances", 1)),
            retry_interrupted=bool(data.get("retryInterrupted", True)),
        )


@dataclass(frozen=True)
class Dataset:
    """A dataset a job uses: logical `name` -> physical `path`, `exclusive` or `shared`."""

    name: str
    path: str
    mode: str = "exclusive"


@dataclass(frozen=True)
class Limits:
    """Resource limits of a run's process (POSIX setrlimit through `prlimit`)."""

    memory_mb: int | None = None
    cpu_seconds: int | None = None
    open_files: int | None = None

    @property
    def any(self) -> bool:
        """True when at least one limit is set."""
        return any(v is not None for v in (self.memory_mb, self.cpu_seconds, self.open_files))


@dataclass(frozen=True)
class Notify:
    """Outgoing webhook: a Slack-compatible JSON POST to `url` on the listed outcomes."""

    url: str
    on: tuple[str, ...] = ("failure",)
    timeout: float = 5.0


@dataclass(frozen=True)
class JobDef:
    """One job, every field with its default filled in."""

    id: str
    command: tuple[str, ...] | str
    name: str = ""
    shell: bool = False
    schedule: str | None = None
    timezone: str | None = None
    missed_runs: str = "coalesce"
    enabled: bool = True
    category: str = ""
    executor: str = "local"
    """Where it runs: `local` or a name of the workspace's `executors` section."""
    parallel: bool = True
    """False: the job never runs while another job runs."""
    tags: tuple[str, ...] = ()
    cwd: str | None = None
    env: dict[str, str] = field(default_factory=dict, hash=False)
    options: tuple[JobOption, ...] = ()
    execution: Execution = field(default_factory=Execution)
    depends_on: tuple[str, ...] = ()
    trigger_rule: str = "all_success"
    upstream_window: float | None = None
    on_success: tuple[str, ...] = ()
    on_failure: tuple[str, ...] = ()
    datasets: tuple[Dataset, ...] = ()
    limits: Limits = field(default_factory=Limits)
    notify: Notify | None = None
    raw: dict[str, Any] = field(default_factory=dict, hash=False, compare=False, repr=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobDef:
        """Build from a merged (templates applied), validated job object."""
        command = data["command"]
        notify = data.get("notify")
        limits = data.get("limits", {})
        return cls(
            id=str(data["id"]),
            command=tuple(command) if isinstance(command, list) else str(command),
            name=str(data.get("name") or data["id"]),
            shell=bool(data.get("shell", False)),
            schedule=data.get("schedule") or None,
            timezone=data.get("timezone") or None,
            missed_runs=str(data.get("missedRuns", "coalesce")),
            enabled=bool(data.get("enabled", True)),
            category=str(data.get("category", "")),
            executor=str(data.get("executor") or "local"),
            parallel=bool(data.get("parallel", True)),
            tags=tuple(data.get("tags", ())),
            cwd=data.get("cwd"),
            env=dict(data.get("env", {})),
            options=tuple(JobOption.from_json(o) for o in data.get("options", ())),
            execution=Execution.from_json(data.get("execution", {})),
            depends_on=tuple(data.get("dependsOn", ())),
            trigger_rule=str(data.get("triggerRule", "all_success")),
            upstream_window=data.get("upstreamWindow"),
            on_success=tuple(data.get("onSuccess", ())),
            on_failure=tuple(data.get("onFailure", ())),
            datasets=tuple(
                Dataset(name, str(d["path"]), str(d.get("mode", "exclusive")))
                for name, d in data.get("datasets", {}).items()
            ),
            limits=Limits(
                limits.get("memoryMb"), limits.get("cpuSeconds"), limits.get("openFiles")
            ),
            notify=None
            if not notify
            else Notify(
                str(notify["url"]),
                tuple(notify.get("on", ("failure",))),
                float(notify.get("timeout", 5)),
            ),
            raw=dict(data),
        )

    def command_text(self) -> str:
        """The command as one line, for display and the safety check."""
        if isinstance(self.command, str):
            return self.command
        return shlex.join(self.command)

    def to_json(self) -> dict[str, Any]:
        """The merged JSON this job was built from (for the API and the UI)."""
        return dict(self.raw)


def load_jobs(items: list[dict[str, Any]]) -> dict[str, JobDef]:
    """The runnable jobs of a validated `jobs` section, by id (templates merged in, left out)."""
    merged, _problems = resolve_jobs(items)
    return {job["id"]: JobDef.from_json(job) for job in merged}
