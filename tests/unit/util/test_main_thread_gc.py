"""Cyclic garbage is collected on the Qt thread, never on a helper thread.

A Qt object freed on another thread leaves its timers registered on the Qt
thread, and the next timer event dereferences freed memory (the window crashed
this way while a remote link's reader thread happened to trigger a collection).
"""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QObject, QTimer
from pytestqt.qtbot import QtBot

from panel.util.gc_settle import MainThreadCollector


class _Cycle(QObject):
    """A Qt object with a running timer, kept alive only by a reference cycle."""

    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer(self, interval=10_000)
        self.timer.start()
        self.me = self


@pytest.fixture
def collector(qapp: Any) -> Iterator[MainThreadCollector]:
    was_enabled = gc.isenabled()
    collector = MainThreadCollector()
    yield collector
    collector.stop()
    assert gc.isenabled() == was_enabled


def test_garbage_dropped_while_a_thread_allocates_is_freed_on_the_qt_thread(
    qtbot: QtBot, collector: MainThreadCollector
) -> None:
    freed_on: list[int] = []
    probe = _Cycle()
    watcher = weakref.ref(probe, lambda _ref: freed_on.append(threading.get_ident()))
    del probe

    def churn() -> None:  # enough cyclic garbage to trigger collections many times over
        for _ in range(200_000):
            junk: list[Any] = []
            junk.append(junk)

    thread = threading.Thread(target=churn)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: watcher() is None, timeout=5000)
    assert freed_on == [threading.get_ident()]


def test_stopping_gives_the_collector_back_as_it_was(qapp: Any) -> None:
    before = gc.isenabled()
    gc.enable()
    try:
        collector = MainThreadCollector()
        assert not gc.isenabled()
        collector.stop()
        assert gc.isenabled()
    finally:
        if not before:
            gc.disable()
