"""Turn a configured service command into the argv, cwd and env that are really used."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from panel.util.paths import python_executable, resources_dir
from panel.workspace.server_config import ServerConfig, expand_placeholders


class Runnable(Protocol):
    """What a `ServerConfig` and a `ServiceConfig` share: the fields that start a program."""

    @property
    def command(self) -> list[str]: ...
    @property
    def cwd(self) -> str | None: ...
    @property
    def env(self) -> dict[str, str]: ...
    @property
    def port(self) -> int | None: ...


def placeholder_values(config: Runnable, workspace_dir: Path) -> dict[str, str]:
    """What each placeholder of a command stands for (`{port}` only with a port)."""
    values = {
        "python": python_executable(),
        "workspace": str(workspace_dir),
        "resources": str(resources_dir()),
    }
    if config.port is not None:
        values["port"] = str(config.port)
    return values


def expand(text: str, config: Runnable, workspace_dir: Path) -> str:
    """`text` with the placeholders of `config` filled in."""
    return expand_placeholders(text, placeholder_values(config, workspace_dir))


def server_argv(config: Runnable, workspace_dir: Path) -> list[str]:
    """The argv list: one item per configured item, placeholders filled in."""
    values = placeholder_values(config, workspace_dir)
    return [expand_placeholders(item, values) for item in config.command]


def server_health_url(config: ServerConfig, workspace_dir: Path) -> str:
    """The health URL with its placeholders filled in."""
    return expand_placeholders(config.health_url, placeholder_values(config, workspace_dir))


def server_cwd(config: Runnable, workspace_dir: Path) -> str:
    """The working folder: the configured one (placeholders filled in) or the workspace."""
    if config.cwd:
        return expand_placeholders(config.cwd, placeholder_values(config, workspace_dir))
    return str(workspace_dir)


def server_env(config: Runnable, workspace_dir: Path) -> dict[str, str]:
    """Extra environment, placeholders filled in; PORT is set when there is a port."""
    values = placeholder_values(config, workspace_dir)
    env = {key: expand_placeholders(value, values) for key, value in config.env.items()}
    if config.port is not None:
        env.setdefault("PORT", str(config.port))
    return env
