"""`opspanel worker connection ...`: the command line of a connection worker.

    opspanel worker connection --conn-id ID --workspace DIR
    opspanel worker connection --conn-id ID --config-json FILE

The configuration is one connection object in the workspace JSON shape. With
`--workspace DIR` the worker opens the workspace database in DIR and takes the
connection whose `id` is ID from its `connections` section; a `{"cmd":"reload"}`
without `config` reads it again (the panel sends that after committing an edit).
`--config-json FILE` reads FILE instead (a connection object, a list of them, or a
whole export with `connections: [...]`), at start and on such a reload. A missing or
invalid configuration puts the worker in ERROR: the process stays up, says why, and
waits for `reload` or `stop`.

Exit codes: 0 after `stop`, end of stdin or SIGTERM; 2 for bad command-line usage; 75
(`EXIT_RESTART`) when a reload changed the endpoint (driver, host, port, endpoint URL
or unit id): start the worker again, it reads the new configuration.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from typing import Any

from panel.connections.worker.lifeline import die_with_parent, on_termination
from panel.connections.worker.protocol import FULL_REFRESH_S, CommandReader, Output
from panel.connections.worker.sink import SinkFactory
from panel.connections.worker.source import ConfigSource
from panel.connections.worker.worker import Worker


def build_parser() -> argparse.ArgumentParser:
    """The worker's argument parser."""
    parser = argparse.ArgumentParser(
        prog="opspanel worker connection",
        description="Run one field-device connection (JSON lines on stdout, commands on stdin).",
    )
    parser.add_argument("--conn-id", required=True, help="the connection's id")
    parser.add_argument("--workspace", default=None, help="the workspace folder (its database)")
    parser.add_argument(
        "--config-json", default=None, help="read the connection from this JSON file instead"
    )
    parser.add_argument("--full-refresh-s", type=float, default=FULL_REFRESH_S)
    parser.add_argument("--stats-interval-s", type=float, default=1.0)
    return parser


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


def main(argv: list[str], sink_factory: SinkFactory | None = None) -> int:
    """Run a connection worker; returns the exit code (see the module docstring).

    `sink_factory` makes the worker's second consumer (the tag bus), if any.
    """
    die_with_parent()
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    source = ConfigSource(args.conn_id, args.workspace, args.config_json)
    config, problems = source.load()
    output = Output(_protocol_stream())

    async def start() -> int:
        worker = Worker(
            config,
            problems,
            output,
            full_refresh_s=args.full_refresh_s,
            stats_interval_s=args.stats_interval_s,
            reload_source=source.load,
            sink=sink_factory(args.conn_id, args.workspace) if sink_factory else None,
        )
        return await _serve(worker, output)

    try:
        return asyncio.run(start())
    finally:
        source.close()
