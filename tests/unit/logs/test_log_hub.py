"""LogHub: splitting raw chunks, partial lines, CRLF, bad UTF-8, batching, files, reading."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from panel.logs import HubLogHandler, LogHub, LogLevel
from panel.logs.files import parse_file_line


@pytest.fixture(autouse=True)
def _app(qapp: object) -> None:
    """The hub's batching timer needs a Qt application."""


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[LogHub]:
    hub = LogHub(tmp_path / "logs", capacity=100)
    yield hub
    hub.close()


def texts(hub: LogHub) -> list[str]:
    return [line.text for line in hub.tail(10_000)]


def test_partial_lines_wait_for_their_newline(hub: LogHub) -> None:
    hub.feed("srv", "stdout", b"hel")
    assert texts(hub) == []
    hub.feed("srv", "stdout", b"lo\nwor")
    hub.feed("srv", "stderr", b"other stream\n")
    hub.feed("srv", "stdout", b"ld\n\nlast")
    assert texts(hub) == ["hello", "other stream", "world", ""]
    hub.end_of_stream("srv", "stdout")
    assert texts(hub)[-1] == "last"
    hub.end_of_stream("srv", "stdout")  # nothing more to flush
    assert len(texts(hub)) == 5


def test_crlf_and_split_crlf(hub: LogHub) -> None:
    hub.feed("w", "stdout", b"a\r\nb\r")
    hub.feed("w", "stdout", b"\nc\r\n")
    assert texts(hub) == ["a", "b", "c"]


def test_invalid_utf8_is_replaced_and_split_characters_survive(hub: LogHub) -> None:
    snowman = "☃".encode()
    hub.feed("w", "stdout", b"bad \xff\xfe byte\n" + snowman[:1])
    hub.feed("w", "stdout", snowman[1:] + b" whole\n")
    assert texts(hub) == ["bad \ufffd\ufffd byte", "☃ whole"]


def test_lines_carry_source_stream_level_and_sequence(hub: LogHub) -> None:
    hub.feed("srv", "stdout", b"INFO:     up\nplain\n")
    hub.feed("srv", "stderr", b"Traceback (most recent call last):\n")
    hub.add_line("panel", "log", "hello\nworld", LogLevel.ERROR)
    lines = hub.tail(10)
    assert [ln.seq for ln in lines] == [0, 1, 2, 3, 4]
    assert [ln.level for ln in lines] == [20, 0, 30, 40, 40]
    assert [(ln.source, ln.stream) for ln in lines][2:4] == [("srv", "stderr"), ("panel", "log")]
    assert lines[0].to_dict() == {
        "seq": 0,
        "ts": lines[0].ts,
        "source": "srv",
        "stream": "stdout",
        "level": "INFO",
        "text": "INFO:     up",
    }
    assert hub.sources() == ["srv", "panel"]


def test_tail_by_source_and_lines_since(hub: LogHub) -> None:
    for i in range(30):
        hub.feed("a" if i % 3 else "b", "stdout", f"{i}\n".encode())
    assert [ln.text for ln in hub.tail(3, "b")] == ["21", "24", "27"]
    assert [ln.text for ln in hub.tail(2)] == ["28", "29"]
    assert [ln.seq for ln in hub.lines_since(25, 10)] == [26, 27, 28, 29]
    assert [ln.seq for ln in hub.lines_since(-1, 2)] == [0, 1]
    assert hub.tail(0) == []


def test_ring_wraps_and_clear_keeps_numbering(tmp_path: Path) -> None:
    hub = LogHub(tmp_path, capacity=10)
    hub.feed("s", "stdout", b"".join(b"%d\n" % i for i in range(25)))
    assert [ln.seq for ln in hub.tail(100)] == list(range(15, 25))
    hub.clear()
    assert hub.tail(100) == []
    hub.feed("s", "stdout", b"x\n")
    assert [ln.seq for ln in hub.tail(100)] == [25]
    hub.close()
    on_disk = (tmp_path / "s.log").read_text().splitlines()
    assert [parse_file_line(x)[2] for x in on_disk] == [str(i) for i in range(25)] + ["x"]


def test_appended_is_batched(hub: LogHub, qtbot: QtBot) -> None:
    seen: list[int] = []
    hub.sig_appended.connect(seen.append)
    with qtbot.waitSignal(hub.sig_appended, timeout=2000) as blocker:
        for i in range(500):
            hub.feed("s", "stdout", f"{i}\n".encode())
    assert blocker.args == [499]
    assert seen == [499]


def test_source_added_and_cleared_signals(hub: LogHub, qtbot: QtBot) -> None:
    with qtbot.waitSignal(hub.sig_source_added, timeout=1000) as blocker:
        hub.feed("new", "stdout", b"x\n")
    assert blocker.args == ["new"]
    with qtbot.assertNotEmitted(hub.sig_source_added):
        hub.feed("new", "stderr", b"y\n")
    with qtbot.waitSignal(hub.sig_cleared, timeout=1000):
        hub.clear()


def test_files_get_every_line_after_flush(hub: LogHub) -> None:
    hub.feed("srv", "stdout", b"one\ntwo\n")
    hub.feed("srv", "stderr", b"three\n")
    hub.flush()
    rows = [parse_file_line(x) for x in hub.log_file("srv").read_text().splitlines()]
    assert [(stream, text) for _, stream, text in rows] == [
        ("stdout", "one"),
        ("stdout", "two"),
        ("stderr", "three"),
    ]


def test_close_writes_pending_partial_lines(tmp_path: Path) -> None:
    hub = LogHub(tmp_path, capacity=10)
    hub.feed("s", "stdout", b"done\nno newline")
    hub.close()
    hub.close()
    texts_on_disk = [parse_file_line(x)[2] for x in (tmp_path / "s.log").read_text().splitlines()]
    assert texts_on_disk == ["done", "no newline"]


def test_logging_handler_same_thread_and_other_thread(hub: LogHub, qtbot: QtBot) -> None:
    logger = logging.getLogger("panel.test.hub")
    logger.propagate = False
    handler = HubLogHandler(hub)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        logger.warning("careful")
        worker = threading.Thread(target=logger.error, args=("from a thread",))
        worker.start()
        worker.join(timeout=5)
        qtbot.waitUntil(lambda: len(hub.tail(10, "panel")) == 2, timeout=2000)
    finally:
        logger.removeHandler(handler)
    lines = hub.tail(10, "panel")
    assert [(ln.level, ln.text) for ln in lines] == [
        (LogLevel.WARNING, "panel.test.hub: careful"),
        (LogLevel.ERROR, "panel.test.hub: from a thread"),
    ]
    assert lines[0].stream == "log"


def test_huge_partial_line_is_cut(hub: LogHub) -> None:
    from panel.logs.hub import MAX_LINE_BYTES, MAX_PARTIAL_BYTES

    hub.feed("s", "stdout", b"z" * (MAX_PARTIAL_BYTES + 10))
    mark = f" [line cut at {MAX_LINE_BYTES} bytes]"  # and over the line limit: marked
    assert texts(hub) == ["z" * MAX_LINE_BYTES + mark]
