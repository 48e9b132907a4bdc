"""A real child prints lines of 1 MB: the ring is bounded by bytes, long lines are cut
in memory with a visible marker, and the log file keeps every line whole."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QProcess
from pytestqt.qtbot import QtBot

from panel.logs import LogHub

LINE = 1_000_000
CHILD = (
    "import sys\nout = sys.stdout\nfor i in range(int(sys.argv[1])):\n"
    "    out.write(f'{i:06d}' + 'x' * (int(sys.argv[2]) - 6) + '\\n')\n"
)


def _run(hub: LogHub, qtbot: QtBot, lines: int, size: int) -> None:
    proc = QProcess()
    proc.setProgram(sys.executable)
    proc.setArguments(["-c", CHILD, str(lines), str(size)])
    drain = lambda: hub.feed("child", "stdout", proc.readAllStandardOutput().data())  # noqa: E731
    proc.readyReadStandardOutput.connect(drain)
    try:
        with qtbot.waitSignal(proc.finished, timeout=60_000):
            proc.start()
        drain()
        hub.end_of_stream("child", "stdout")
        assert proc.exitCode() == 0
    finally:
        if proc.state() != QProcess.ProcessState.NotRunning:
            proc.kill()
            proc.waitForFinished(5000)


def test_lines_of_a_megabyte_fill_the_ring_only_up_to_its_bytes(
    tmp_path: Path, qtbot: QtBot
) -> None:
    hub = LogHub(tmp_path / "logs", ring_bytes=8 * LINE, max_file_bytes=1 << 30)
    try:
        _run(hub, qtbot, 40, LINE)
    finally:
        hub.close()
    assert hub.lines_total == 40
    assert hub.ring.bytes <= 8 * LINE
    held = hub.ring.texts(hub.first_seq, hub.next_seq)
    assert 6 <= len(held) <= 8
    assert held[-1].startswith("000039")  # the newest lines are the ones kept
    assert sum(map(len, held)) == hub.ring.bytes
    written = hub.log_file("child").read_text().splitlines()
    assert len(written) == 40 and all(len(line.split(" ", 2)[2]) == LINE for line in written)


def test_a_line_over_the_limit_is_cut_in_memory_with_a_marker(tmp_path: Path, qtbot: QtBot) -> None:
    hub = LogHub(tmp_path / "logs", max_line_bytes=100_000, max_file_bytes=1 << 30)
    try:
        _run(hub, qtbot, 3, 300_000)
    finally:
        hub.close()
    line = hub.line(hub.next_seq - 1)
    assert line.text.endswith("[line cut at 100000 bytes]")
    assert line.text.startswith("000002") and len(line.text) < 100_100
    written = hub.log_file("child").read_text().splitlines()
    assert [len(row.split(" ", 2)[2]) for row in written] == [300_000] * 3
