"""`opspanel ctl services ...`: list, start, stop, restart and show the workspace's services.

`start|stop NAME` or `--all` (in `after` order; stops in reverse), `restart NAME`,
`status NAME [--json]`, `list [--json]`; `start NAME --next-free-port` moves a
service off a taken port (the new port is stored). With `--wait`, an action
that ends in state "error" exits 1.
"""

from __future__ import annotations

import argparse
from typing import Any

from panel.api import ctl


def add_services(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `services` command group."""
    group = sub.add_parser("services", parents=[common], help="the supervised services")
    actions = group.add_subparsers(metavar="ACTION")
    group.set_defaults(group_parser=group)

    listing = actions.add_parser("list", parents=[common], help="every service, a line each")
    ctl._add_json(listing)
    listing.set_defaults(run=_cmd_list)

    status = actions.add_parser("status", parents=[common], help="one service's status")
    status.add_argument("name", metavar="NAME")
    ctl._add_json(status)
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
        ctl._add_json(cmd)
        cmd.set_defaults(run=_cmd_action, action=action)


def format_service(snap: dict[str, Any]) -> str:
    """`api  running  pid 1234  port 8121  up 0:03:12  restarts 0` (+ exit and error)."""
    return f"{snap.get('name', '?'):<12} {ctl.format_server_status(snap)}"


def _cmd_list(args: argparse.Namespace) -> int:
    with ctl._client(args) as client:
        result = client.call("services.list", timeout=ctl._timeout(args, ctl.CALL_TIMEOUT))
    if args.json:
        ctl._print_json(result)
    else:
        for snap in result.get("services", []):
            print(format_service(snap))
    return ctl.EXIT_OK


def _cmd_status(args: argparse.Namespace) -> int:
    with ctl._client(args) as client:
        result = client.call(
            "services.status", {"name": args.name}, timeout=ctl._timeout(args, ctl.CALL_TIMEOUT)
        )
    if args.json:
        ctl._print_json(result)
    else:
        print(format_service(result))
        print(f"{'':<12} readiness {result.get('readiness')}  after {result.get('after') or '-'}")
    return ctl.EXIT_OK


def _cmd_action(args: argparse.Namespace) -> int:
    everything = getattr(args, "all", False)
    if (args.name is None) == (not everything):
        raise ctl._UsageError(f"services {args.action}: give a NAME or --all, not both")
    params: dict[str, Any] = {"all": True} if everything else {"name": args.name}
    params["wait"] = args.wait
    if getattr(args, "next_free_port", False):
        if everything:
            raise ctl._UsageError("--next-free-port goes with one NAME, not --all")
        params["nextFreePort"] = True
    timeout = ctl._timeout(args, ctl.WAIT_TIMEOUT if args.wait else ctl.CALL_TIMEOUT)
    with ctl._client(args) as client:
        result = client.call(f"services.{args.action}", params, timeout=timeout)
    snaps = result.get("services", []) if everything else [result]
    if args.json:
        ctl._print_json(result)
    else:
        for snap in snaps:
            print(format_service(snap))
    failed = [s for s in snaps if s.get("status") == "error"]
    if args.wait and failed:
        first = failed[0]
        message = f"services {args.action}: {first.get('name')} failed: {first.get('lastError')}"
        return ctl._fail(message, ctl.EXIT_API)
    return ctl.EXIT_OK
