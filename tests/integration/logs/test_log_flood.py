"""A real child prints 1,000,000 numbered lines through QProcess into the log hub.

Every line must reach the (rotated) log files in order, and the ring must hold
exactly the last `capacity` of them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QProcess
from pytestqt.qtbot import QtBot

from panel.logs import LogHub, LogListModel, SeqRole

LINES = 1_000_000
CAPACITY = 100_000
CHILD = (
    "import sys\nout = sys.stdout\nfor i in range(int(sys.argv[1])):\n    out.write(f'n {i}\\n')\n"
)


@pytest.mark.slow
def test_every_line_of_a_flood_reaches_files_and_ring(tmp_path: Path, qtbot: QtBot) -> None:
    hub = LogHub(tmp_path / "logs", capacity=CAPACITY, max_file_bytes=4_000_000, backups=30)
    model = LogListModel(hub)
    proc = QProcess()
    proc.setProgram(sys.executable)
    proc.setArguments(["-c", CHILD, str(LINES)])

    def drain_out() -> None:
        hub.feed("child", "stdout", proc.readAllStandardOutput().data())

    def drain_err() -> None:
        hub.feed("child", "stderr", proc.readAllStandardError().data())

    def finished() -> None:
        drain_out()
        drain_err()
        hub.end_of_stream("child", "stdout")
        hub.end_of_stream("child", "stderr")

    proc.readyReadStandardOutput.connect(drain_out)
    proc.readyReadStandardError.connect(drain_err)  # nothing expected there
    try:
        with qtbot.waitSignal(proc.finished, timeout=60_000):
            proc.start()
        finished()
        assert proc.exitCode() == 0
        last_row = lambda: model.seq_at(model.rowCount() - 1) if model.rowCount() else -1  # noqa: E731
        qtbot.waitUntil(lambda: last_row() == LINES - 1, timeout=10_000)
    finally:
        if proc.state() != QProcess.ProcessState.NotRunning:
            proc.kill()
            proc.waitForFinished(5000)
        hub.close()

    # the ring: exactly the newest CAPACITY lines, numbered in order
    assert hub.lines_total == LINES
    held = hub.ring.texts(hub.first_seq, hub.next_seq)
    assert held == [f"n {i}" for i in range(LINES - CAPACITY, LINES)]
    assert (hub.first_seq, hub.next_seq) == (LINES - CAPACITY, LINES)
    assert model.rowCount() == CAPACITY
    assert model.data(model.index(0), SeqRole) == LINES - CAPACITY

    # the files: every line, in order, across the rotated files
    t0 = time.monotonic()
    files = hub.log_files("child")
    assert len(files) > 5  # rotation happened
    stdout_texts: list[str] = []
    for path in files:
        assert path.stat().st_size <= 4_000_000
        for line in path.read_text(encoding="utf-8").splitlines():
            _, stream, text = line.split(" ", 2)
            assert stream == "stdout"
            stdout_texts.append(text)
    assert stdout_texts == [f"n {i}" for i in range(LINES)]
    assert time.monotonic() - t0 < 20
