"""`opspanel ctl services ...`: list, start, stop, restart and show the workspace's services.

`start|stop NAME` or `--all` (in `after` order; stops in reverse), `restart NAME`,
`status NAME [--json]`, `list [--json]`; `start NAME --next-free-port` moves a
service off a taken port (the new port is stored). With `--wait`, an action
that ends in state "error" exits 1.
"""

from __future__ import annotations

import argparse
from typing import Any

from panel.api.ctl_common import (
    CALL_TIMEOUT,
    EXIT_API,
    EXIT_OK,
    WAIT_TIMEOUT,
    UsageError,
    add_json,
    call,
    dash,
    fail,
    format_server_status,
    format_uptime,
    last_exit,
    print_json,
)
from panel.api.ctl_spinner import Spinner
from panel.api.ctl_table import print_table


def add_services(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `services` command group."""
    group = sub.add_parser("services", parents=[common], help="the supervised services")
    actions = group.add_subparsers(metavar="ACTION")
    group.set_defaults(group_parser=group)

    listing = actions.add_parser("list", parents=[common], help="every service, a line each")
    add_json(listing)
    listing.set_defaults(run=_cmd_list)

    status = actions.add_parser("status", parents=[common], help="one service's status")
    status.add_argument("name", metavar="NAME")
    add_json(status)
    status.set_defaults(run=_cmd_status)

    for action in ("start", "stop", "restart"):
        cmd = actions.add_parser(action, parents=[common], help=f"{action} a service")
        if action == "restart":
            cmd.add_argument("name", metavar="NAME")
        else:
            cmd.add_argument("name", metavar="NAME", nargs="?")
            cmd.add_argument(
                "--all", action="store_true", help=f"{action} every service in `after` order"
            )
        if action == "start":
            cmd.add_argument(
                "--next-free-port",
                action="store_true",
                help="when its port is taken, use the next free one (stored)",
            )
        cmd.add_argument("--wait", action="store_true", help="answer when the action is done")
        add_json(cmd)
        cmd.set_defaults(run=_cmd_action, action=action)


def format_service(snap: dict[str, Any]) -> str:
    """`api  running  pid 1234  port 8121  up 0:03:12  restarts 0` (+ exit and error)."""
    return f"{snap.get('name', '?'):<12} {format_server_status(snap)}"


def _cmd_list(args: argparse.Namespace) -> int:
    result = call(args, "services.list")
    if args.json:
        print_json(result)
        return EXIT_OK
    services = result.get("services", [])
    if services:
        print_services(services)
    else:
        print("no service yet")
    return EXIT_OK


def print_services(services: list[dict[str, Any]]) -> None:
    """Services as a table: name, state, pid, port, uptime, restarts, last exit, error."""
    rows = [
        (
            snap.get("name", "?"),
            snap.get("status", "unknown"),
            dash(snap.get("pid")),
            dash(snap.get("port")),
            format_uptime(snap.get("uptime")),
            dash(snap.get("restarts")),
            last_exit(snap) or "-",
            snap.get("lastError") or "",
        )
        for snap in services
    ]
    headers = ("NAME", "STATE", "PID", "PORT", "UP", "RESTARTS", "LAST EXIT", "ERROR")
    print_table(headers, rows, right=(2, 3, 4, 5))


def _cmd_status(args: argparse.Namespace) -> int:
    result = call(args, "services.status", {"name": args.name})
    if args.json:
        print_json(result)
    else:
        print(format_service(result))
        print(f"{'':<12} readiness {result.get('readiness')}  after {result.get('after') or '-'}")
    return EXIT_OK


def _cmd_action(args: argparse.Namespace) -> int:
    everything = getattr(args, "all", False)
    if (args.name is None) == (not everything):
        raise UsageError(f"services {args.action}: give a NAME or --all, not both")
    params: dict[str, Any] = {"all": True} if everything else {"name": args.name}
    params["wait"] = args.wait
    if getattr(args, "next_free_port", False):
        if everything:
            raise UsageError("--next-free-port goes with one NAME, not --all")
        params["nextFreePort"] = True
    what = "every service" if everything else args.name
    with Spinner(f"{args.action} {what}", enabled=args.wait):
        timeout = WAIT_TIMEOUT if args.wait else CALL_TIMEOUT
        result = call(args, f"services.{args.action}", params, timeout)
    snaps = result.get("services", []) if everything else [result]
    if args.json:
        print_json(result)
    else:
        print_services(snaps)
    failed = [s for s in snaps if s.get("status") == "error"]
    if args.wait and failed:
        first = failed[0]
        message = f"services {args.action}: {first.get('name')} failed: {first.get('lastError')}"
        return fail(message, EXIT_API)
    return EXIT_OK
