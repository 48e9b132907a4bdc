"""`opspanel ctl conns add FILE.json | update ID FILE.json | remove ID | config ID | events`.

Each edit is one API call (`conns.add`, `conns.update`, `conns.remove`): the engine
commits it in one transaction and applies it at once (a block edit reloads the
worker, an address edit restarts it). FILE may be `-` for stdin. A refused
connection prints one line per problem, `FILE: $.blocks[0].periodMs: message`,
with paths into the file, and exits 1; a file that is not JSON exits 2.
`events` follows the system events (`conns.subscribeEvents`), one line each.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from panel.api import ctl
from panel.api.client import ApiError

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Largest connection file `add` and `update` read."""


class _FileError(Exception):
    """The connection file could not be read as one JSON object (the message says why)."""


def add_parsers(conns_sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `add`, `update`, `remove` and `events` to the `ctl conns` subcommands."""
    add = conns_sub.add_parser(
        "add", parents=[common], help="add a connection from a JSON file: add FILE.json"
    )
    add.add_argument("file", metavar="FILE.json", help="one connection object (- for stdin)")
    ctl._add_json(add)
    add.set_defaults(run=_cmd_add)
    update = conns_sub.add_parser(
        "update",
        parents=[common],
        help="replace a connection's configuration: update ID FILE.json",
    )
    update.add_argument("id", metavar="ID")
    update.add_argument("file", metavar="FILE.json", help="its whole new configuration (- stdin)")
    ctl._add_json(update)
    update.set_defaults(run=_cmd_update)
    remove = conns_sub.add_parser("remove", parents=[common], help="remove a connection: remove ID")
    remove.add_argument("id", metavar="ID")
    ctl._add_json(remove)
    remove.set_defaults(run=_cmd_remove)
    config = conns_sub.add_parser(
        "config", parents=[common], help="print a connection's configuration as JSON: config ID"
    )
    config.add_argument("id", metavar="ID")
    config.set_defaults(run=_cmd_config)
    events = conns_sub.add_parser(
        "events", parents=[common], help="follow the system events (added, removed, reloaded)"
    )
    events.add_argument("id", metavar="ID", nargs="?", help="only this connection's events")
    events.add_argument("--count", type=ctl._non_negative, metavar="N", help="exit after N events")
    ctl._add_json(events, "print one JSON object per event")
    events.set_defaults(run=_cmd_events)


# -- edits ---------------------------------------------------------------------------


def _cmd_add(args: argparse.Namespace) -> int:
    return _edit(args, "conns.add", lambda data: {"config": data})


def _cmd_update(args: argparse.Namespace) -> int:
    return _edit(args, "conns.update", lambda data: {"id": args.id, "config": data})


def _edit(args: argparse.Namespace, method: str, params: Any) -> int:
    try:
        data = _read_object(args.file)
    except _FileError as exc:
        return ctl._fail(f"{args.file}: {exc}", ctl.EXIT_USAGE)
    try:
        with ctl._client(args) as client:
            result = client.call(method, params(data), timeout=ctl._timeout(args, ctl.WAIT_TIMEOUT))
    except ApiError as exc:
        return _refused(args.file, exc)
    _show(result, args.json)
    return ctl.EXIT_OK


def _cmd_config(args: argparse.Namespace) -> int:
    with ctl._client(args) as client:
        result = client.call(
            "conns.config", {"id": args.id}, timeout=ctl._timeout(args, ctl.CALL_TIMEOUT)
        )
    ctl._print_json(result.get("config"))
    return ctl.EXIT_OK


def _cmd_remove(args: argparse.Namespace) -> int:
    with ctl._client(args) as client:
        result = client.call(
            "conns.remove", {"id": args.id}, timeout=ctl._timeout(args, ctl.WAIT_TIMEOUT)
        )
    if args.json:
        ctl._print_json(result)
    else:
        print(f"removed {args.id}")
    return ctl.EXIT_OK


def _refused(file: str, exc: ApiError) -> int:
    """One line per problem with paths into the file (`$.config.x` -> `$.x`)."""
    data = exc.data if isinstance(exc.data, dict) else {}
    problems = data.get("problems") if isinstance(data.get("problems"), list) else None
    if not problems:
        return ctl._fail(exc.message, ctl.EXIT_API)
    for problem in problems:
        path = str(problem.get("path", "$"))
        if path == "$.config" or path.startswith(("$.config.", "$.config[")):
            path = "$" + path[len("$.config") :]
        print(f"opspanel ctl: {file}: {path}: {problem.get('message')}", file=sys.stderr)
    return ctl.EXIT_API


def _show(snapshot: Any, as_json: bool) -> None:
    if as_json:
        ctl._print_json(snapshot)
    else:
        print(ctl.format_connection(snapshot if isinstance(snapshot, dict) else {}))


def _read_object(file: str) -> dict[str, Any]:
    try:
        if file == "-":
            raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        else:
            with open(file, "rb") as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _FileError(f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise _FileError(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise _FileError(f"not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise _FileError(
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    if not isinstance(data, dict):
        raise _FileError("$: must be one connection object")
    return data


# -- events --------------------------------------------------------------------------


def _cmd_events(args: argparse.Namespace) -> int:
    params = {"id": args.id} if args.id else {}
    left = args.count
    with ctl._client(args) as client:
        client.call("conns.subscribeEvents", params, timeout=ctl._timeout(args, ctl.CALL_TIMEOUT))
        print("following system events (Ctrl-C to stop)", file=sys.stderr, flush=True)
        if left == 0:
            return ctl.EXIT_OK
        for note in client.notifications():
            method, event = note.get("method"), note.get("params") or {}
            if method == "rpc.dropped":
                print(f"... {event.get('dropped')} notifications dropped", file=sys.stderr)
            elif method == "conns.event":
                print(json.dumps(event) if args.json else format_event(event), flush=True)
                if left is not None:
                    left -= 1
                    if left <= 0:
                        break
    return ctl.EXIT_OK


def format_event(event: dict[str, Any]) -> str:
    """`12:00:01.250 #3 config_reload plc1 (blocks) from api`."""
    change = f" ({event['change']})" if event.get("change") else ""
    return (
        f"{ctl.format_timestamp(event.get('ts'))} #{event.get('seq')} {event.get('kind')} "
        f"{event.get('id')}{change} from {event.get('source')}"
    )
