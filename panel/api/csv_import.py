"""`opspanel conns load-csv DIR`: connections from connections.csv, blocks.csv, tags.csv.

The same loader as the window's "Load CSV" (`panel.connections.csv_loader`): every
problem names the file, the line and the column, and nothing changes then. With an
engine running on the workspace the texts go through its API (`conns.loadCsv`), so
it stores and applies them at once (each changed worker reloaded or restarted, added
ones started, removed ones stopped, a system event each); without one they are
written straight into the workspace database, in one transaction.
"""

from __future__ import annotations

import sys
from pathlib import Path

from panel.api.client import ApiClient, ApiError, EngineNotRunning
from panel.connections.csv_loader import CSV_FILES, CsvError, load_csv_texts, read_csv_folder
from panel.connections.store import save_connections
from panel.workspace.errors import ConfigError, WorkspaceError
from panel.workspace.location import resolve_workspace_dir
from panel.workspace.workspace import Workspace

EXIT_OK, EXIT_FAILURE, EXIT_INVALID_INPUT = 0, 1, 2
CONNECT_TIMEOUT_S = 3.0
LOAD_TIMEOUT_S = 120.0


def run_load_csv(folder: str, workspace: str | None) -> int:
    """Load the CSV files of `folder` into the workspace (through its engine when one runs).

    Returns 0 on success, 2 when the files are invalid (each problem printed as
    `DIR/FILE:LINE: column C: message`), 1 for any other failure.
    """
    root = resolve_workspace_dir(workspace)
    try:
        texts = read_csv_folder(folder)
        items = load_csv_texts(texts)
    except CsvError as exc:
        for problem in exc.problems:
            _err(_in_folder(folder, problem))
        return EXIT_INVALID_INPUT
    ids = [str(item.get("id")) for item in items]
    try:
        if _through_engine(root, folder, texts):
            print(f"loaded {len(ids)} connection(s) into the running engine of {root}: ", end="")
        else:
            with Workspace.open(root) as ws:
                save_connections(ws, items)
            print(f"loaded {len(ids)} connection(s) into {root}: ", end="")
        print(", ".join(ids) or "(none)")
    except _Refused as exc:
        for line in exc.lines:
            _err(line)
        return EXIT_INVALID_INPUT
    except ConfigError as exc:
        for path, message in exc.problems:
            _err(f"{folder}: {path}: {message}")
        return EXIT_INVALID_INPUT
    except WorkspaceError as exc:
        _err(f"{root}: {exc}" if str(root) not in str(exc) else str(exc))
        return EXIT_FAILURE
    return EXIT_OK


class _Refused(Exception):
    """The running engine refused the files; `lines` are the problems to print."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def _through_engine(root: Path, folder: str, texts: dict[str, str]) -> bool:
    """Hand the texts to the engine running on `root`; False when none runs there."""
    try:
        client = ApiClient.from_workspace(root, connect_timeout=CONNECT_TIMEOUT_S)
    except EngineNotRunning:
        return False
    params = {name.removesuffix(".csv"): text for name, text in texts.items()}
    with client:
        try:
            client.call("conns.loadCsv", params, timeout=LOAD_TIMEOUT_S)
        except ApiError as exc:
            data = exc.data if isinstance(exc.data, dict) else {}
            problems = data.get("problems")
            if isinstance(problems, list) and problems:
                raise _Refused([_in_folder(folder, _text(p)) for p in problems]) from None
            raise WorkspaceError(f"the running engine refused the files: {exc.message}") from None
    return True


def _text(problem: object) -> str:
    if isinstance(problem, dict):
        return f"{problem.get('path', '$')}: {problem.get('message')}"
    return str(problem)


def _in_folder(folder: str, problem: str) -> str:
    """`blocks.csv:3: ...` -> `DIR/blocks.csv:3: ...` (other problems: `DIR: ...`)."""
    if problem.startswith(CSV_FILES):
        return str(Path(folder) / problem)
    return f"{folder}: {problem}"


def _err(line: str) -> None:
    print(line, file=sys.stderr)
