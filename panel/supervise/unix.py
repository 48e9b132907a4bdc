"""How a child is started on Unix: its own session, clean signals, no inherited fds."""

from __future__ import annotations

from PySide6.QtCore import QProcess


def new_session_parameters() -> QProcess.UnixProcessParameters:
    """Parameters for QProcess.setUnixProcessParameters used for every child.

    - CreateNewSession: the child leads a new session and process group
      (sid == pgid == pid), which holds its whole tree for stop and the reaper.
    - ResetSignalHandlers: the panel's Python ignores SIGPIPE, and ignored
      signals survive exec; the child gets default dispositions back.
    - CloseFileDescriptors (from 3 up): no listening socket or pipe of the panel
      leaks into a child (a leaked socket would keep a port busy after a stop).
    - UseVFork: spawns stay cheap however large the panel grows; safe because no
      code runs in the child between fork and exec.
    IgnoreSigPipe is *not* set: foreign commands expect the default SIGPIPE.
    """
    flag = QProcess.UnixProcessFlag
    params = QProcess.UnixProcessParameters()
    params.flags = (
        flag.CreateNewSession | flag.ResetSignalHandlers | flag.CloseFileDescriptors | flag.UseVFork
    )
    params.lowestFileDescriptorToClose = 3
    return params
