"""The Windows path: process groups, CTRL_BREAK, and one Job Object per engine.

Windows has no sessions, signals or PDEATHSIG. The equivalents:

- every child is created with CREATE_NEW_PROCESS_GROUP (through
  QProcess.setCreateProcessArgumentsModifier), so CTRL_BREAK_EVENT reaches the
  child's group and not the panel (the polite stop, like SIGTERM);
- the hard stop is TerminateProcess on every member of the tree (psutil
  descendants, since there is no session to scan);
- every child is assigned to one Job Object per engine created with
  JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: when the panel dies, even killed, Windows
  closes the handle and kills every process of the job (the reaper's role).

This module cannot be exercised on the Linux machines the tests run on; it is
written from the Win32 documentation and kept behind ``sys.platform == "win32"``
checks by its callers.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from typing import Any

from PySide6.QtCore import QProcess

CREATE_NEW_PROCESS_GROUP = 0x00000200
JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x00002000
JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS = 9
PROCESS_SET_QUOTA = 0x0100
PROCESS_TERMINATE = 0x0001


def prepare_process(proc: QProcess) -> None:
    """Start `proc` in a new process group (so CTRL_BREAK can be aimed at it)."""

    def modifier(args: Any) -> None:
        args.flags |= CREATE_NEW_PROCESS_GROUP

    getattr(proc, "setCreateProcessArgumentsModifier")(modifier)  # noqa: B009 (Windows only)


def send_ctrl_break(pid: int) -> None:
    """The polite stop on Windows: CTRL_BREAK_EVENT to the child's process group."""
    os.kill(pid, getattr(signal, "CTRL_BREAK_EVENT"))  # noqa: B009 (Windows only)


class JobObject:
    """A Job Object that kills every assigned process when the panel's handle closes."""

    def __init__(self) -> None:
        self._kernel32: Any = None
        self._handle: Any = None
        windll = getattr(ctypes, "windll", None)
        if windll is None:
            raise OSError("Job Objects exist only on Windows")
        kernel32: Any = windll.kernel32
        self._kernel32 = kernel32
        self._handle = kernel32.CreateJobObjectW(None, None)
        if not self._handle:
            raise getattr(ctypes, "WinError")()  # noqa: B009
        info = _extended_limit_information()
        info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
        ok = kernel32.SetInformationJobObject(
            self._handle,
            JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS,
            ctypes.byref(info),
            ctypes.sizeof(info),
        )
        if not ok:
            raise getattr(ctypes, "WinError")()  # noqa: B009

    def assign(self, pid: int) -> bool:
        """Put process `pid` (and its future children) into the job."""
        proc = self._kernel32.OpenProcess(PROCESS_SET_QUOTA | PROCESS_TERMINATE, False, pid)
        if not proc:
            return False
        try:
            return bool(self._kernel32.AssignProcessToJobObject(self._handle, proc))
        finally:
            self._kernel32.CloseHandle(proc)


def _extended_limit_information() -> Any:
    from ctypes import wintypes

    class IoCounters(ctypes.Structure):
        _fields_ = [
            (name, ctypes.c_ulonglong)
            for name in (
                "ReadOperationCount",
                "WriteOperationCount",
                "OtherOperationCount",
                "ReadTransferCount",
                "WriteTransferCount",
                "OtherTransferCount",
            )
        ]

    class BasicLimit(ctypes.Structure):
        _fields_ = [
            ("PerProcessUserTimeLimit", wintypes.LARGE_INTEGER),
            ("PerJobUserTimeLimit", wintypes.LARGE_INTEGER),
            ("LimitFlags", wintypes.DWORD),
            ("MinimumWorkingSetSize", ctypes.c_size_t),
            ("MaximumWorkingSetSize", ctypes.c_size_t),
            ("ActiveProcessLimit", wintypes.DWORD),
            ("Affinity", ctypes.c_size_t),
            ("PriorityClass", wintypes.DWORD),
            ("SchedulingClass", wintypes.DWORD),
        ]

    class ExtendedLimit(ctypes.Structure):
        _fields_ = [
            ("BasicLimitInformation", BasicLimit),
            ("IoInfo", IoCounters),
            ("ProcessMemoryLimit", ctypes.c_size_t),
            ("JobMemoryLimit", ctypes.c_size_t),
            ("PeakProcessMemoryUsed", ctypes.c_size_t),
            ("PeakJobMemoryUsed", ctypes.c_size_t),
        ]

    return ExtendedLimit()


_ENGINE_JOB: JobObject | None = None


def engine_job() -> JobObject | None:
    """The engine's one Job Object (created on first use), None if unavailable."""
    global _ENGINE_JOB
    if _ENGINE_JOB is None and sys.platform == "win32":
        try:
            _ENGINE_JOB = JobObject()
        except OSError:
            return None
    return _ENGINE_JOB
