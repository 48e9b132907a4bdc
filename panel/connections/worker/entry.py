"""`opspanel worker connection ...`: the command line of a connection worker.

    opspanel worker connection --conn-id ID --workspace DIR [--config-json FILE]

The configuration is one connection object in the workspace JSON shape. With
`--config-json FILE` it is read from FILE (a connection object, or a whole export with
`connections: [...]`, from which `--conn-id` picks one). Without it, the panel writes
the connection's JSON to `DIR/connections/ID.json` before starting the worker, and the
worker reads that file. A file that is missing or invalid puts the worker in ERROR: the
process stays up, says why, and waits for `reload` or `stop`.

Exit codes: 0 after `stop`, end of stdin or SIGTERM; 2 for bad command-line usage; 75
(`EXIT_RESTART`) when a reload changed the endpoint (driver, host, port, endpoint URL
or unit id): restart the worker on the new configuration file.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from panel.connections.worker.config import ConnectionConfig, parse_connection
from panel.connections.worker.lifeline import die_with_parent, on_termination
from panel.connections.worker.protocol import FULL_REFRESH_S, CommandReader, Output
from panel.connections.worker.worker import Worker


def build_parser() -> argparse.ArgumentParser:
    """The worker's argument parser."""
    parser = argparse.ArgumentParser(
        prog="opspanel worker connection",
        description="Run one field-device connection (JSON lines on stdout, commands on stdin).",
    )
    parser.add_argument("--conn-id", required=True, help="the connection's id")
    parser.add_argument("--workspace", default=None, help="the workspace folder")
    parser.add_argument("--config-json", default=None, help="a JSON file with the connection")
    parser.add_argument("--full-refresh-s", type=float, default=FULL_REFRESH_S)
    parser.add_argument("--stats-interval-s", type=float, default=1.0)
    return parser


def config_path(conn_id: str, workspace: str | None, config_json: str | None) -> Path | None:
    """Where the worker's configuration file is (None when nothing says)."""
    if config_json:
        return Path(config_json)
    if workspace:
        return Path(workspace) / "connections" / f"{conn_id}.json"
    return None


def load_config(conn_id: str, path: Path | None) -> tuple[ConnectionConfig | None, list[str]]:
    """Read and validate the connection `conn_id`; problems instead of exceptions."""
    if path is None:
        return None, ["$: no configuration (give --config-json or --workspace)"]
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return None, [f"$: cannot read {path}: {exc}"]
    if isinstance(data, dict) and isinstance(data.get("connections"), list):
        matches = [c for c in data["connections"] if isinstance(c, dict) and c.get("id") == conn_id]
        if not matches:
            return None, [f"$.connections: no connection with id {conn_id!r}"]
        data = matches[0]
    config, problems = parse_connection(data)
    if config is not None and config.id and config.id != conn_id:
        problems.append(f"$.id: {config.id!r} is not the requested connection {conn_id!r}")
    return config, problems


def _protocol_stream() -> Any:
    """Keep fd 1 for protocol lines only: stray prints and library output go to stderr."""
    stream = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    return stream


async def _serve(worker: Worker, output: Output) -> int:
    await output.open()
    loop = asyncio.get_running_loop()
    on_termination(loop, worker.request_stop)
    reader = CommandReader(
        worker.handle_command,
        on_eof=worker.request_stop,
        on_bad_line=lambda why: worker.log("warning", f"bad command line: {why}"),
    )
    await reader.start()
    try:
        return await worker.run()
    finally:
        reader.close()
        await output.drain()
        output.close()
        await asyncio.sleep(0)  # let the transport close the pipe


def main(argv: list[str]) -> int:
    """Run a connection worker; returns the exit code (see the module docstring)."""
    die_with_parent()
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    path = config_path(args.conn_id, args.workspace, args.config_json)
    config, problems = load_config(args.conn_id, path)
    output = Output(_protocol_stream())

    async def start() -> int:
        worker = Worker(
            config,
            problems,
            output,
            full_refresh_s=args.full_refresh_s,
            stats_interval_s=args.stats_interval_s,
        )
        return await _serve(worker, output)

    return asyncio.run(start())
