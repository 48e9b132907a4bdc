"""Turn the configured server command into the argv, cwd and env that are really used."""

from __future__ import annotations

from pathlib import Path

from panel.util.paths import python_executable, resources_dir
from panel.workspace.server_config import ServerConfig, expand_placeholders


def placeholder_values(config: ServerConfig, workspace_dir: Path) -> dict[str, str]:
    """What each placeholder of a server command stands for."""
    return {
        "port": str(config.port),
        "python": python_executable(),
        "workspace": str(workspace_dir),
        "resources": str(resources_dir()),
    }


def server_argv(config: ServerConfig, workspace_dir: Path) -> list[str]:
    """The argv list for the server: one item per configured item, placeholders filled in."""
    values = placeholder_values(config, workspace_dir)
    return [expand_placeholders(item, values) for item in config.command]


def server_health_url(config: ServerConfig, workspace_dir: Path) -> str:
    """The health URL with its placeholders filled in."""
    return expand_placeholders(config.health_url, placeholder_values(config, workspace_dir))


def server_cwd(config: ServerConfig, workspace_dir: Path) -> str:
    """The working folder: the configured one (placeholders filled in) or the workspace."""
    if config.cwd:
        return expand_placeholders(config.cwd, placeholder_values(config, workspace_dir))
    return str(workspace_dir)


def server_env(config: ServerConfig, workspace_dir: Path) -> dict[str, str]:
    """Extra environment for the server, placeholders filled in; PORT is always set."""
    values = placeholder_values(config, workspace_dir)
    env = {key: expand_placeholders(value, values) for key, value in config.env.items()}
    env.setdefault("PORT", str(config.port))
    return env
