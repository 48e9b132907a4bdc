"""Rotating per-source files: format, size rotation, number of backups, safe names."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from panel.logs.files import MAX_HELD_BYTES, RotatingLogFile, iso_time, parse_file_line, safe_name


def _lines(n: int, start: int = 0) -> str:
    return "".join(f"line {i:04d}\n" for i in range(start, start + n))  # 10 bytes each


def test_rotation_by_size_keeps_n_backups(tmp_path: Path) -> None:
    log = RotatingLogFile(tmp_path / "src.log", max_bytes=100, backups=2)
    log.add(_lines(35))  # 350 bytes: files of 10 lines, 4 files, the oldest dropped
    log.close()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["src.log", "src.log.1", "src.log.2"]
    assert (tmp_path / "src.log").read_text() == _lines(5, 30)
    assert (tmp_path / "src.log.1").read_text() == _lines(10, 20)
    assert (tmp_path / "src.log.2").read_text() == _lines(10, 10)
    for path in tmp_path.iterdir():
        assert path.stat().st_size <= 100


def test_files_are_cut_between_lines_and_read_back_in_order(tmp_path: Path) -> None:
    text = "".join(f"{'x' * (i % 17)} {i}\n" for i in range(200))
    log2 = RotatingLogFile(tmp_path / "t.log", max_bytes=64, backups=500)
    lines = text.splitlines(keepends=True)
    for i in range(0, len(lines), 7):  # several adds and flushes
        log2.add("".join(lines[i : i + 7]))
        if i % 3 == 0:
            log2.flush()
    log2.flush()
    back = "".join(p.read_text() for p in log2.files_oldest_first())
    log2.close()
    assert back == text
    for path in log2.files_oldest_first():
        content = path.read_text()
        assert content.endswith("\n")
        assert len(content.encode()) <= 64


def test_an_over_long_line_gets_a_file_of_its_own(tmp_path: Path) -> None:
    log = RotatingLogFile(tmp_path / "s.log", max_bytes=20, backups=5)
    log.add("short\n" + "y" * 50 + "\n" + "after\n")
    log.close()
    contents = [p.read_text() for p in log.files_oldest_first()]
    assert contents == ["short\n", "y" * 50 + "\n", "after\n"]


def test_no_backups_truncates(tmp_path: Path) -> None:
    log = RotatingLogFile(tmp_path / "s.log", max_bytes=30, backups=0)
    log.add(_lines(7))
    log.close()
    assert [p.name for p in tmp_path.iterdir()] == ["s.log"]
    assert (tmp_path / "s.log").read_text() == _lines(1, 6)


def test_appends_to_an_existing_file(tmp_path: Path) -> None:
    (tmp_path / "s.log").write_text(_lines(3))
    log = RotatingLogFile(tmp_path / "s.log", max_bytes=45, backups=1)
    log.add(_lines(2, 3))
    log.close()
    assert (tmp_path / "s.log.1").read_text() == _lines(4)
    assert (tmp_path / "s.log").read_text() == _lines(1, 4)


def test_safe_names() -> None:
    assert safe_name("server") == "server"
    assert safe_name("worker-1.a_b") == "worker-1.a_b"
    odd = safe_name("../etc/passwd")
    assert "/" not in odd and not odd.startswith(".")
    assert safe_name("a/b") != safe_name("a_b")
    assert safe_name("").startswith("_")


def test_line_format_round_trips() -> None:
    stamp = iso_time(1_700_000_000.25)
    when, stream, text = parse_file_line(f"{stamp} stderr some  text with spaces")
    assert when.timestamp() == 1_700_000_000.25
    assert (stream, text) == ("stderr", "some  text with spaces")


def test_a_full_disk_neither_raises_nor_spins(caplog: pytest.LogCaptureFixture) -> None:
    """/dev/full fails every write with ENOSPC: one error line, the lines held, no retry storm."""
    if not os.access("/dev/full", os.W_OK):
        pytest.skip("skipped: needs /dev/full")
    caplog.set_level(logging.INFO, logger="panel.logs")
    log = RotatingLogFile(Path("/dev/full"), max_bytes=10**9, backups=0)
    for _ in range(50):
        log.add(_lines(10))
        log.flush()
    assert log.failing
    assert [r.getMessage() for r in caplog.records] == [
        "log file full not written: no space left on device: full"
        " (held in memory, tried again every 1 s)"
    ]
    log.add(("x" * 99 + "\n") * (MAX_HELD_BYTES // 100 + 1000))  # more than is held
    log.flush(force=True)
    assert log.dropped_bytes > 0 and len(log._held) <= MAX_HELD_BYTES
    assert log._held.startswith(b"x")  # cut between lines
    log.close()  # one last try, no exception
