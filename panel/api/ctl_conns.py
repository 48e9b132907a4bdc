"""`opspanel ctl conns list | start|stop|restart ID | tags ID | write ID TAG VALUE |
add FILE.json | update ID FILE.json | remove ID | config ID | events`.

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

from panel.api.client import ApiError
from panel.api.ctl_common import (
    CALL_TIMEOUT,
    EXIT_API,
    EXIT_OK,
    EXIT_USAGE,
    WAIT_TIMEOUT,
    WRITE_ANSWER_MARGIN,
    add_json,
    call,
    client_for,
    dash,
    fail,
    format_timestamp,
    format_uptime,
    non_negative,
    print_json,
    timeout_of,
)
from panel.api.ctl_spinner import Spinner
from panel.api.ctl_table import print_table

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Largest connection file `add` and `update` read."""


class _FileError(Exception):
    """The connection file could not be read as one JSON object (the message says why)."""


def add_conns(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `conns` command group."""
    conns = sub.add_parser("conns", parents=[common], help="field-device connections")
    conns_sub = conns.add_subparsers(metavar="ACTION")
    conns.set_defaults(group_parser=conns)
    listing = conns_sub.add_parser("list", parents=[common], help="connections and their state")
    add_json(listing)
    listing.set_defaults(run=_cmd_list)
    for action in ("start", "stop", "restart"):
        cmd = conns_sub.add_parser(action, parents=[common], help=f"{action} a connection")
        cmd.add_argument("id", metavar="ID")
        cmd.add_argument("--wait", action="store_true", help="answer when the action is done")
        add_json(cmd)
        cmd.set_defaults(run=_cmd_action, action=action)
    tags = conns_sub.add_parser("tags", parents=[common], help="live tag values of a connection")
    tags.add_argument("id", metavar="ID")
    add_json(tags, "print a JSON list of {name, value, quality, timestamp, ...}")
    tags.set_defaults(run=_cmd_tags)
    write = conns_sub.add_parser(
        "write",
        parents=[common],
        help="write a value to a tag (--timeout S: how long it may wait for the link)",
    )
    write.add_argument("id", metavar="ID")
    write.add_argument("tag", metavar="TAG")
    write.add_argument("value", metavar="VALUE", help="parsed as the tag's type wants")
    add_json(write)
    write.set_defaults(run=_cmd_write)
    _add_edits(conns_sub, common)


def _add_edits(conns_sub: Any, common: argparse.ArgumentParser) -> None:
    """`add`, `update`, `remove`, `config` and `events`."""
    add = conns_sub.add_parser(
        "add", parents=[common], help="add a connection from a JSON file: add FILE.json"
    )
    add.add_argument("file", metavar="FILE.json", help="one connection object (- for stdin)")
    add_json(add)
    add.set_defaults(run=_cmd_add)
    update = conns_sub.add_parser(
        "update",
        parents=[common],
        help="replace a connection's configuration: update ID FILE.json",
    )
    update.add_argument("id", metavar="ID")
    update.add_argument("file", metavar="FILE.json", help="its whole new configuration (- stdin)")
    add_json(update)
    update.set_defaults(run=_cmd_update)
    remove = conns_sub.add_parser("remove", parents=[common], help="remove a connection: remove ID")
    remove.add_argument("id", metavar="ID")
    add_json(remove)
    remove.set_defaults(run=_cmd_remove)
    config = conns_sub.add_parser(
        "config", parents=[common], help="print a connection's configuration as JSON: config ID"
    )
    config.add_argument("id", metavar="ID")
    add_json(config, "print the configuration as JSON (what it always prints)")
    config.set_defaults(run=_cmd_config)
    events = conns_sub.add_parser(
        "events", parents=[common], help="follow the system events (added, removed, reloaded)"
    )
    events.add_argument("id", metavar="ID", nargs="?", help="only this connection's events")
    events.add_argument("--count", type=non_negative, metavar="N", help="exit after N events")
    add_json(events, "print one JSON object per event")
    events.set_defaults(run=_cmd_events)


# -- state and values ------------------------------------------------------------------


def _cmd_list(args: argparse.Namespace) -> int:
    result = call(args, "conns.list")
    if args.json:
        print_json(result)
        return EXIT_OK
    conns = result.get("connections", [])
    if not conns:
        print("no connection yet: add one (conns add FILE.json) or load a CSV")
        return EXIT_OK
    rows = [
        (
            conn.get("id"),
            conn.get("state", "unknown"),
            dash(conn.get("address")),
            process_label(conn),
            dash(conn.get("pid")),
            format_uptime(conn.get("uptime")),
            dash(conn.get("restarts")),
            _note(conn),
        )
        for conn in conns
    ]
    headers = ("ID", "STATE", "ADDRESS", "PROCESS", "PID", "UP", "RESTARTS", "NOTE")
    print_table(headers, rows, right=(4, 5, 6))
    if any(conn.get("group") for conn in conns):
        print(GROUP_WARNING, file=sys.stderr)  # stdout stays one table
    return EXIT_OK


GROUP_WARNING = (
    "group:NAME: these connections share one worker process;"
    " one fault in a group stops all its connections"
)


def process_label(conn: dict[str, Any]) -> str:
    """`group:<name>` for a grouped connection, `own` for one with a process of its own."""
    return f"group:{conn['group']}" if conn.get("group") else "own"


def _note(conn: dict[str, Any]) -> str:
    """`adopted`, the reason it is not connected, `bus connected`: what else is worth saying."""
    notes = []
    if conn.get("adopted"):
        notes.append("adopted")
    if conn.get("reason") and conn.get("state") != "connected":
        notes.append(f"({conn['reason']})")
    if conn.get("busState"):
        notes.append(f"bus {conn['busState']}")
    return ", ".join(notes)


def format_connection(conn: dict[str, Any]) -> str:
    """`plc1  connected  127.0.0.1:502  pid 1234  up 0:03:12  restarts 0` (+ reason)."""
    text = (
        f"{conn.get('id')}  {conn.get('state', 'unknown')}  {dash(conn.get('address'))}  "
        f"pid {dash(conn.get('pid'))}  up {format_uptime(conn.get('uptime'))}  "
        f"restarts {dash(conn.get('restarts'))}"
    )
    if conn.get("group"):
        text += f"  {process_label(conn)}"
    note = _note(conn)
    return f"{text}  {note}" if note else text


def _cmd_action(args: argparse.Namespace) -> int:
    timeout = WAIT_TIMEOUT if args.wait else CALL_TIMEOUT
    params = {"id": args.id, "wait": args.wait}
    with Spinner(f"{args.action} {args.id}", enabled=args.wait):
        result = call(args, f"conns.{args.action}", params, timeout)
    if args.json:
        print_json(result)
    else:
        print(format_connection(result))
    if args.wait and result.get("state") == "error":
        return fail(f"connection {args.id} {args.action}: {result.get('reason')}", EXIT_API)
    return EXIT_OK


def _cmd_tags(args: argparse.Namespace) -> int:
    tags = call(args, "conns.tags", {"id": args.id}).get("tags", [])
    if args.json:
        print_json(tags)
        return EXIT_OK
    rows = [
        (
            tag.get("name"),
            "-" if tag.get("value") is None else json.dumps(tag.get("value")),
            tag.get("unit") or "",
            tag.get("quality"),
            format_timestamp(tag.get("timestamp")) if tag.get("timestamp") else "-",
        )
        for tag in tags
    ]
    print_table(("TAG", "VALUE", "UNIT", "QUALITY", "UPDATED"), rows, right=(1,))
    return EXIT_OK


def _cmd_write(args: argparse.Namespace) -> int:
    params: dict[str, Any] = {"id": args.id, "tag": args.tag, "value": args.value}
    timeout = CALL_TIMEOUT
    if hasattr(args, "timeout"):  # the write's own deadline: it is dropped unsent after it
        timeout = args.timeout
        params["timeoutMs"] = max(1, round(timeout * 1000))
    with client_for(args) as client:
        # The engine always answers (done, failed or unknown) shortly after the deadline.
        result = client.call("conns.write", params, timeout=timeout + WRITE_ANSWER_MARGIN)
    if args.json:
        print_json(result)
    else:
        print(f"wrote {args.tag} = {args.value} on {args.id}")
    return EXIT_OK


# -- edits ---------------------------------------------------------------------------


def _cmd_add(args: argparse.Namespace) -> int:
    return _edit(args, "conns.add", lambda data: {"config": data})


def _cmd_update(args: argparse.Namespace) -> int:
    return _edit(args, "conns.update", lambda data: {"id": args.id, "config": data})


def _edit(args: argparse.Namespace, method: str, params: Any) -> int:
    try:
        data = _read_object(args.file)
    except _FileError as exc:
        return fail(f"{args.file}: {exc}", EXIT_USAGE)
    try:
        with client_for(args) as client:
            result = client.call(method, params(data), timeout=timeout_of(args, WAIT_TIMEOUT))
    except ApiError as exc:
        return _refused(args.file, exc)
    _show(result, args.json)
    return EXIT_OK


def _cmd_config(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        result = client.call(
            "conns.config", {"id": args.id}, timeout=timeout_of(args, CALL_TIMEOUT)
        )
    print_json(result.get("config"))
    return EXIT_OK


def _cmd_remove(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        result = client.call(
            "conns.remove", {"id": args.id}, timeout=timeout_of(args, WAIT_TIMEOUT)
        )
    if args.json:
        print_json(result)
    else:
        print(f"removed {args.id}")
    return EXIT_OK


def _refused(file: str, exc: ApiError) -> int:
    """One line per problem with paths into the file (`$.config.x` -> `$.x`)."""
    data = exc.data if isinstance(exc.data, dict) else {}
    problems = data.get("problems") if isinstance(data.get("problems"), list) else None
    if not problems:
        return fail(exc.message, EXIT_API)
    for problem in problems:
        path = str(problem.get("path", "$"))
        if path == "$.config" or path.startswith(("$.config.", "$.config[")):
            path = "$" + path[len("$.config") :]
        print(f"opspanel ctl: {file}: {path}: {problem.get('message')}", file=sys.stderr)
    return EXIT_API


def _show(snapshot: Any, as_json: bool) -> None:
    if as_json:
        print_json(snapshot)
    else:
        print(format_connection(snapshot if isinstance(snapshot, dict) else {}))


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
    with client_for(args) as client:
        client.call("conns.subscribeEvents", params, timeout=timeout_of(args, CALL_TIMEOUT))
        print("following system events (Ctrl-C to stop)", file=sys.stderr, flush=True)
        if left == 0:
            return EXIT_OK
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
    return EXIT_OK


def format_event(event: dict[str, Any]) -> str:
    """`12:00:01.250 #3 config_reload plc1 (blocks) from api`."""
    change = f" ({event['change']})" if event.get("change") else ""
    return (
        f"{format_timestamp(event.get('ts'))} #{event.get('seq')} {event.get('kind')} "
        f"{event.get('id')}{change} from {event.get('source')}"
    )
