"""What to run and how to look after it: `ProcessSpec` and `RestartPolicy`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class RestartPolicy(StrEnum):
    """When an exited child is started again.

    - ``never``: an exit is final (job runs, one-shot commands).
    - ``on-failure``: restart after a non-success exit code or a death by signal.
    - ``always``: restart after every exit, successful or not.
    """

    NEVER = "never"
    ON_FAILURE = "on-failure"
    ALWAYS = "always"


@dataclass(frozen=True)
class ProcessSpec:
    """Everything `ManagedProcess` needs to run one child, immutable.

    `argv` is a list of arguments (never a shell string); `env` holds extra
    variables laid over the panel's own environment. `start_secs` is how long a
    fresh child must live to count as started (supervisord's startsecs);
    `start_retries` is how many failed starts in a row are retried before the
    process becomes FATAL (so at most ``1 + start_retries`` attempts). The
    restart delay follows `panel.supervise.backoff`. `stop_timeout_ms` is the
    grace between the polite stop signal and SIGKILL. `memory_limit_mb` restarts
    the child when its whole tree uses more resident memory than that.
    `python_child` sets PYTHONUNBUFFERED=1 so output arrives line by line.
    `parent_death_signal` asks the OS to send SIGTERM to the direct child when
    the panel dies (Linux, through util-linux ``setpriv`` when it is installed).
    `sample_stats` has the tree's CPU and memory sampled (`sig_stats`: once a
    second while watched, every 10 s at rest, once a second with a
    `memory_limit_mb`, which needs it); an owner of many short children that
    shows no such figures (the job engine) turns it off.
    `outlives_engine` is for a child that must keep running when the engine dies (a
    connection worker with `connections.keepRunning`): it is not given to the reaper
    nor put in the engine's cgroups, so only a stop (or its own end) ends it; the next
    engine finds it by its record and `ManagedProcess.adopt`s it.
    """

    name: str
    argv: tuple[str, ...]
    cwd: str | None = None
    env: dict[str, str] = field(default_factory=dict, hash=False)
    restart: RestartPolicy = RestartPolicy.ON_FAILURE
    start_secs: float = 1.0
    start_retries: int = 3
    restart_delay_ms: int = 0
    backoff_factor: float = 1.5
    backoff_max_ms: int = 30_000
    backoff_reset_secs: float = 30.0
    stop_timeout_ms: int = 5000
    memory_limit_mb: int | None = None
    python_child: bool = False
    success_exit_codes: tuple[int, ...] = (0,)
    parent_death_signal: bool = True
    sample_stats: bool = True
    outlives_engine: bool = False

    def __post_init__(self) -> None:
        # Accept any sequence for argv and codes, store tuples (frozen, hashable).
        object.__setattr__(self, "argv", tuple(self.argv))
        object.__setattr__(self, "success_exit_codes", tuple(self.success_exit_codes))
        object.__setattr__(self, "restart", RestartPolicy(self.restart))
        object.__setattr__(self, "env", dict(self.env))
        if not self.argv:
            raise ValueError(f"process {self.name!r}: argv is empty")
        if self.start_secs < 0 or self.start_retries < 0 or self.stop_timeout_ms < 0:
            raise ValueError(f"process {self.name!r}: negative timing")
        if self.memory_limit_mb is not None and not self.sample_stats:
            raise ValueError(f"process {self.name!r}: a memory limit needs sample_stats")

    def child_env(self, base: Mapping[str, str]) -> dict[str, str]:
        """`env` laid over `base` (usually os.environ, or the variables of one start)."""
        merged = dict(base)
        merged.update(self.env)
        if self.python_child:
            merged["PYTHONUNBUFFERED"] = "1"
        return merged
