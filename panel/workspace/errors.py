"""What can go wrong with a workspace, as exceptions the caller can show to a person."""

from __future__ import annotations

from collections.abc import Iterable

Problem = tuple[str, str]
"""One problem in a configuration: (JSON path such as `$.server.port`, message)."""


class WorkspaceError(Exception):
    """The workspace cannot be opened, read or written (the message says why)."""


class WorkspaceVersionError(WorkspaceError):
    """The database was written by a newer panel than this one: refused, never downgraded."""

    def __init__(self, path: str, found: int, known: int) -> None:
        super().__init__(
            f"{path}: the workspace database has schema version {found}, but this OpsPanel "
            f"only knows versions up to {known}; use a newer OpsPanel to open it"
        )
        self.found = found
        self.known = known


class ConfigError(WorkspaceError):
    """A configuration was refused; `problems` lists every (json_path, message) found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(f"{path}: {message}" for path, message in self.problems))
