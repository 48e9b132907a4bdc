"""sd_notify over a real datagram socket: path and abstract names, nothing without one."""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from panel.service.notify import NOTIFY_SOCKET, Notifier, socket_address


@pytest.fixture
def path_socket() -> Iterator[tuple[socket.socket, str]]:
    """A bound datagram socket on a short path (sun_path holds 107 bytes)."""
    with tempfile.TemporaryDirectory(prefix="opn-") as folder:
        name = str(Path(folder) / "notify")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(name)
        sock.settimeout(5)
        yield sock, name
        sock.close()


def test_ready_and_stopping_reach_a_path_socket(path_socket: tuple[socket.socket, str]) -> None:
    sock, name = path_socket
    notifier = Notifier(name)
    assert notifier.enabled
    assert notifier.ready("API on 127.0.0.1:1234")
    assert sock.recv(4096).decode().splitlines() == ["READY=1", "STATUS=API on 127.0.0.1:1234"]
    assert notifier.stopping()
    assert "STOPPING=1" in sock.recv(4096).decode().splitlines()


def test_an_abstract_name_is_written_with_an_at_sign() -> None:
    name = f"@opspanel-test-{os.getpid()}-{id(object())}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(b"\0" + name[1:].encode())
        sock.settimeout(5)
        assert Notifier(name).ready("up")
        assert sock.recv(4096).startswith(b"READY=1\n")


def test_without_notify_socket_nothing_is_sent_and_the_variable_is_taken() -> None:
    env = {"PATH": "/bin"}
    assert not Notifier.from_environment(env).enabled
    assert not Notifier.from_environment(env).ready("up")
    env[NOTIFY_SOCKET] = "@somewhere"
    notifier = Notifier.from_environment(env)
    assert notifier.enabled and NOTIFY_SOCKET not in env  # children will not inherit it


def test_a_socket_nobody_listens_on_is_a_warning_not_an_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert not Notifier(str(tmp_path / "gone")).ready("up")
    assert "could not notify" in caplog.text
    assert socket_address("vsock:2:1") is None
