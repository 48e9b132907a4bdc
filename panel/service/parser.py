"""The `opspanel service` parser: argparse only, since every start of `opspanel` builds it.

What the actions do is `panel.service.command`, imported only when one runs.
"""

from __future__ import annotations

import argparse
from typing import Any

DESCRIPTION = """\
Run the engine of a workspace (`opspanel --headless --workspace DIR`) as a systemd
service that starts at boot (or at login), restarts after a crash and logs to the journal.
The unit is named after the workspace (opspanel-<hash>.service), so each workspace can
have its own. A user unit (--user, the default) is written to
$XDG_CONFIG_HOME/systemd/user (~/.config/systemd/user); a system unit (--system, as
root) to /etc/systemd/system, for a machine where nobody logs in.
"""


def add_service_parser(sub: Any) -> None:
    """The `service` command and its actions, on the `opspanel` subparsers `sub`."""
    service = sub.add_parser(
        "service",
        help="run the engine as a systemd service (see `opspanel service --help`)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    service.set_defaults(service_parser=service)
    actions = service.add_subparsers(dest="service_action", metavar="ACTION")
    install = actions.add_parser(
        "install", help="write the unit, enable it and start the engine now"
    )
    uninstall = actions.add_parser("uninstall", help="stop and disable the unit, remove its file")
    status = actions.add_parser(
        "status", help="the unit file, whether it is enabled and active, and the engine's status"
    )
    status.add_argument("--json", action="store_true", help="print the status as JSON")
    for parser in (install, uninstall, status):
        parser.add_argument(
            "--workspace",
            metavar="DIR",
            default=argparse.SUPPRESS,
            help="the workspace folder (default: the per-user one)",
        )
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument(
            "--user",
            dest="system",
            action="store_false",
            default=False,
            help="a user unit (the default)",
        )
        scope.add_argument(
            "--system",
            dest="system",
            action="store_true",
            help="a system unit in /etc/systemd/system (needs root and --workspace)",
        )
