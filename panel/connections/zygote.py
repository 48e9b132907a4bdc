"""Zygotes of the connection workers: one per driver family (`connections.zygote`).

A zygote imports what a worker of its family runs, and nothing else (a Modbus worker
never loads asyncua, nor the engine's modules), freezes its heap and forks a worker
per connection; see `panel.supervise.zygote`.
"""

from __future__ import annotations

import contextlib
import importlib
import signal
import sys
from collections.abc import Sequence

from panel.connections.worker.sink import SinkFactory

FAMILIES: dict[str, tuple[str, ...]] = {
    "modbus": ("panel.connections.worker.drivers.modbus_tcp",),
    "opcua": ("panel.connections.worker.drivers.opcua",),
}
"""Family -> the driver modules its zygote imports (beside the worker's own)."""

COMMON = (
    "panel.connections.worker.entry",
    "panel.connections.worker.worker",
    "panel.connections.worker.source",
    "panel.connections.worker.ipc_socket",
)
OPTIONAL = ("panel.mqtt.publisher",)
"""Imported when installed: the tag bus of a workspace with an `mqtt` section."""


def family_of(driver: str) -> str:
    """The zygote family of a connection's `driver` (``modbus_tcp`` -> ``modbus``)."""
    return "opcua" if driver == "opcua" else "modbus"


def preload(family: str) -> None:
    """Import what a worker of `family` needs, and make what every worker makes alike
    (its argument parser): built once here, shared by every forked worker."""
    for name in (*COMMON, *FAMILIES[family]):
        importlib.import_module(name)
    from panel.connections.worker.entry import build_parser

    build_parser()
    for name in OPTIONAL:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def zygote_main(argv: Sequence[str], sink_factory: SinkFactory | None) -> int:
    """`opspanel worker zygote --family F --fd N`: the zygote of one family."""
    from panel.connections.worker.entry import main as worker_main
    from panel.supervise.zygote.server import main

    args = list(argv)
    family = args[args.index("--family") + 1] if "--family" in args else ""
    if family not in FAMILIES:
        print(f"opspanel worker zygote: unknown --family {family!r}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C in a terminal is the engine's

    def entry(child_argv: list[str]) -> int:
        rest = child_argv[child_argv.index("connection") + 1 :]
        return worker_main(rest, sink_factory=sink_factory, forked=True)

    return main(args, entry, lambda: preload(family))
