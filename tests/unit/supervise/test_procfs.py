"""The cheap /proc readers give what a plain open().read() gives, afresh each time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from panel.supervise.procfs import KeptFile, read_file

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux /proc")


def test_read_file_reads_past_one_chunk(tmp_path: Path) -> None:
    big = tmp_path / "big"
    big.write_bytes(bytes(range(256)) * 1000)  # 256 kB: several reads
    assert read_file(str(big)) == big.read_bytes()
    with pytest.raises(FileNotFoundError):
        read_file(str(tmp_path / "missing"))


def test_a_kept_file_is_read_afresh(tmp_path: Path) -> None:
    path = tmp_path / "value"
    path.write_bytes(b"1\n")
    kept = KeptFile(str(path))
    assert kept.read() == b"1\n"
    with open(path, "r+b") as handle:  # rewritten in place: the same open file
        handle.write(b"22\n")
    assert kept.read() == b"22\n"


@linux
def test_the_last_pid_moves_on_after_a_fork() -> None:
    kept = KeptFile("/proc/sys/kernel/ns_last_pid")
    before = int(kept.read())
    subprocess.run(["true"], check=True)
    assert int(kept.read()) != before
    assert int(kept.read()) == int(Path("/proc/sys/kernel/ns_last_pid").read_text())
