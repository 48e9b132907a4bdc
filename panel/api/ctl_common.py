"""What every `opspanel ctl` command group shares: exit codes, reaching the engine, output."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime, timedelta
from typing import Any

from panel import __version__
from panel.api.client import ApiClient
from panel.remote.connect import open_endpoint
from panel.remote.version import check_version

EXIT_OK, EXIT_API, EXIT_USAGE, EXIT_NOT_RUNNING = 0, 1, 2, 3
CALL_TIMEOUT = 10.0
WRITE_ANSWER_MARGIN = 60.0
WAIT_TIMEOUT = 60.0
DEFAULT_TAIL = 20


class UsageError(Exception):
    """Options that contradict each other (exit 2)."""


def fail(message: str, code: int) -> int:
    """Print `opspanel ctl: MESSAGE` on stderr; returns `code`."""
    print(f"opspanel ctl: {message}", file=sys.stderr)
    return code


def add_json(parser: argparse.ArgumentParser, text: str = "print the JSON answer") -> None:
    """The `--json` flag every command has."""
    parser.add_argument("--json", action="store_true", help=text)


def non_negative(text: str) -> int:
    """An argparse type: an integer >= 0."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return value


def _option(args: argparse.Namespace, name: str, env: str) -> str | None:
    value = getattr(args, name, None)
    return value if value is not None else (os.environ.get(env) or None)


def target(args: argparse.Namespace) -> str | None:
    """The engine to reach: --workspace or --url, else OPSPANEL_WORKSPACE or OPSPANEL_URL."""
    workspace, url = getattr(args, "workspace", None), getattr(args, "url", None)
    if workspace is not None and url is not None:
        raise UsageError("give --workspace or --url, not both")
    if workspace is None and url is None:
        workspace, url = os.environ.get("OPSPANEL_WORKSPACE"), os.environ.get("OPSPANEL_URL")
        if workspace and url:
            raise UsageError("set OPSPANEL_WORKSPACE or OPSPANEL_URL, not both")
    if url:
        return url
    from panel.workspace.location import resolve_workspace_dir

    return str(resolve_workspace_dir(workspace or None))


def client_for(args: argparse.Namespace) -> ApiClient:
    """A connected client of the engine `args` name (version checked)."""
    endpoint = open_endpoint(
        target(args),
        token_file=_option(args, "token_file", "OPSPANEL_TOKEN_FILE"),
        tls_ca=_option(args, "tls_ca", "OPSPANEL_TLS_CA"),
        ssh_config=_option(args, "ssh_config", "OPSPANEL_SSH_CONFIG"),
    )
    client = ApiClient.from_endpoint(endpoint, owns=True)
    try:
        check_version(client.engine_version, __version__)
    except BaseException:
        client.close()
        raise
    return client


def timeout_of(args: argparse.Namespace, default: float) -> float:
    """--timeout when given, else `default` seconds."""
    return float(getattr(args, "timeout", default))


def call(
    args: argparse.Namespace, method: str, params: Any = None, timeout: float = CALL_TIMEOUT
) -> Any:
    """One call on a fresh client (closed after): the result (--timeout overrides `timeout`)."""
    with client_for(args) as client:
        return client.call(method, params, timeout=timeout_of(args, timeout))


def print_json(obj: Any) -> None:
    """`obj` as indented JSON on stdout."""
    print(json.dumps(obj, indent=2))


def dash(value: Any) -> str:
    """`value` as text, `-` for None."""
    return "-" if value is None else str(value)


def format_timestamp(ts: Any) -> str:
    """Local `HH:MM:SS.mmm` from epoch seconds or an ISO 8601 string."""
    try:
        if isinstance(ts, str):
            moment = datetime.fromisoformat(ts)
            if moment.tzinfo is not None:
                moment = moment.astimezone()
        else:
            moment = datetime.fromtimestamp(float(ts))
    except (TypeError, ValueError, OverflowError, OSError):
        return "??:??:??.???"
    return f"{moment:%H:%M:%S}.{moment.microsecond // 1000:03d}"


def format_uptime(seconds: Any) -> str:
    """`0:03:12`, `2 days, 1:00:00`, or `-` when unknown."""
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        return "-"
    return str(timedelta(seconds=int(seconds)))


def last_exit(status: dict[str, Any]) -> str:
    """`signal 9`, `code 1`, or `` when the process has not exited."""
    gone = status.get("lastExit")
    if not isinstance(gone, dict):
        return ""
    how = gone.get("signal") or 0
    return f"signal {how}" if how else f"code {gone.get('code')}"


def format_server_status(status: dict[str, Any]) -> str:
    """`running  pid 1234  port 8121  up 0:03:12  restarts 0` (+ `  error: ...`)."""
    text = (
        f"{status.get('status', 'unknown')}  pid {dash(status.get('pid'))}  "
        f"port {dash(status.get('port'))}  up {format_uptime(status.get('uptime'))}  "
        f"restarts {dash(status.get('restarts'))}"
    )
    if last_exit(status):
        text += f"  last exit: {last_exit(status)}"
    if status.get("lastError"):
        text += f"  error: {status['lastError']}"
    return text
