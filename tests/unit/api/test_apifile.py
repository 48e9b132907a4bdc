"""api.json: private from the first byte, atomic, validated on read."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from panel.api.apifile import (
    ApiFileError,
    new_token,
    read_api_file,
    remove_api_file,
    write_api_file,
)

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")


def test_written_file_is_0600_even_with_a_permissive_umask(tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    old = os.umask(0)
    try:
        write_api_file(path, 8765, "secret", 42)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {
        "port": 8765,
        "token": "secret",
        "pid": 42,
        "url": "ws://127.0.0.1:8765/rpc",
    }
    assert [p.name for p in tmp_path.iterdir()] == ["api.json"]  # no temp file left


def test_rewrite_replaces_atomically_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    write_api_file(path, 1000, "a", 1)
    write_api_file(path, 2000, "b", 2)
    info = read_api_file(path)
    assert (info.port, info.token, info.pid, info.url) == (2000, "b", 2, "ws://127.0.0.1:2000/rpc")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_loose_permissions_are_refused(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "api.json"
    write_api_file(path, 1000, "a", 1)
    path.chmod(mode)
    with pytest.raises(ApiFileError, match="expected 0600"):
        read_api_file(path)


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[]",
        '{"port": 1}',
        '{"port": "x", "token": "t", "pid": 1}',
        '{"port": 70000, "token": "t", "pid": 1}',
        '{"port": 1, "token": "", "pid": 1}',
        '{"port": 1, "token": "t", "pid": true}',
    ],
)
def test_malformed_files_are_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "api.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content)
    with pytest.raises(ApiFileError):
        read_api_file(path)


def test_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_api_file(tmp_path / "api.json")


def test_remove_only_our_own_file(tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    write_api_file(path, 1000, "theirs", 1)
    remove_api_file(path, only_if_token="mine")
    assert path.exists()
    remove_api_file(path, only_if_token="theirs")
    assert not path.exists()
    remove_api_file(path)  # absent: fine


def test_tokens_are_long_and_fresh() -> None:
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(len(token) >= 40 for token in tokens)
