"""Give a forked child the command line it would have had if spawned (Linux, no Qt).

A forked process keeps its zygote's argv memory, so `ps`, psutil and /proc/PID/cmdline
would show the zygote. The child overwrites that memory (the argv strings and the
original environment strings after them, which nothing uses once the child set its
own environment) with its argv joined by spaces: the kernel then reads the title up
to its first NUL (its `setproctitle` rule), and psutil splits it on the spaces.
"""

from __future__ import annotations

import ctypes
import resource

_ARG_START = 48
"""Field numbers of /proc/PID/stat (arg_start, arg_end, env_start, env_end)."""


def _areas() -> tuple[int, int, int] | None:
    try:
        with open("/proc/self/stat", "rb") as stat:
            rest = stat.read().rsplit(b")", 1)[1].split()
        arg_start, arg_end, _env_start, env_end = (int(x) for x in rest[_ARG_START - 3 : 52 - 3])
    except (OSError, ValueError, IndexError):
        return None
    if not arg_start or arg_end <= arg_start or env_end < arg_end:
        return None
    return arg_start, arg_end, env_end


def set_command_line(argv: list[str]) -> bool:
    """Show `argv` as this process's command line; False where that is not possible.

    Only call it after the environment was replaced (`os.environ`): the original
    environment strings are overwritten.
    """
    areas = _areas()
    if areas is None:
        return False
    arg_start, arg_end, env_end = areas
    room = min(env_end - arg_start, resource.getpagesize()) - 1
    title = " ".join(argv).encode("utf-8", "replace").replace(b"\0", b" ")[:room]
    arg_room = arg_end - arg_start
    if len(title) < arg_room:
        title = title.ljust(arg_room, b" ")  # the last byte of argv must not be a NUL
    ctypes.memmove(arg_start, title + b"\0", len(title) + 1)
    return True
