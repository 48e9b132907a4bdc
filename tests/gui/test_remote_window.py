"""A window attached over ssh:// (a real sshd) or wss:// (a self-signed certificate) to a
real headless engine: it shows and drives the engine, says in its banner why it cannot
attach, reattaches to a restarted engine, and leaves no ssh process behind."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from pytestqt.qtbot import QtBot

from panel import __version__
from panel.api.rpc import RpcRegistry
from panel.viewmodels.models import remote_models
from panel.viewmodels.remote.endpoint import Endpoint
from panel.viewmodels.remote.link import RemoteLink
from panel.viewmodels.remote.reach import remote_endpoint
from panel.views.main_window import MainWindow
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.workspace import Workspace
from tests.gui.attached import HeadlessProcess
from tests.integration.api.conftest import ServerThread
from tests.remote_parts import Certificate, Sshd, keygen, make_certificate

pytestmark = pytest.mark.slow

TIMEOUT_MS = 60_000


@pytest.fixture
def windows(qtbot: QtBot) -> Iterator[list[MainWindow]]:
    """Windows opened by a test; their links are closed afterwards."""
    opened: list[MainWindow] = []
    yield opened
    for window in opened:
        if window.models.link is not None:
            window.models.link.close()


def _open(qtbot: QtBot, windows: list[MainWindow], endpoint: Endpoint) -> MainWindow:
    """A window on `endpoint`, shown and connecting (as `opspanel --connect` opens one)."""
    link = RemoteLink(endpoint)
    window = MainWindow(remote_models(link), None)
    qtbot.addWidget(window)
    windows.append(window)
    link.open()
    window.show()
    return window


def _attached(qtbot: QtBot, window: MainWindow, pid: int) -> None:
    """Wait until the window says it is attached to engine `pid` and shows its server."""
    qtbot.waitUntil(lambda: f"(pid {pid})" in window.windowTitle(), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: window.server_view.status_label.text() == "Stopped", timeout=TIMEOUT_MS)
    assert not window.link_banner.isVisible()


def _start_server(qtbot: QtBot, window: MainWindow) -> None:
    window.server_view.start_button.click()
    qtbot.waitUntil(lambda: window.server_view.status_label.text() == "Running", timeout=TIMEOUT_MS)
    pid = window.models.server.snapshot().pid
    assert pid is not None and psutil.pid_exists(pid)


def _banner(qtbot: QtBot, window: MainWindow) -> str:
    qtbot.waitUntil(window.link_banner.isVisible, timeout=TIMEOUT_MS)
    text = window.link_banner.label.text()
    assert "Traceback" not in text and "\n" not in text
    return text


def _engine_pid(engine: HeadlessProcess) -> int:
    return int(json.loads((engine.workspace / "api.json").read_text())["pid"])


def _tunnels(sshd: Sshd) -> list[psutil.Process]:
    """This process's ssh tunnels to the test sshd (``ssh ... -p PORT ... -N -L ...``)."""
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            cmd = child.cmdline()
        except psutil.Error:
            continue
        if "-N" in cmd and str(sshd.port) in cmd and child.is_running():
            found.append(child)
    return found


def _token_file(folder: Path, token: str) -> Path:
    path = folder / "engine.token"
    path.touch(mode=0o600)
    path.write_text(token + "\n")
    return path


def test_over_ssh_the_window_shows_the_engine_and_starts_its_server(
    headless: HeadlessProcess, sshd: Sshd, qtbot: QtBot, windows: list[MainWindow]
) -> None:
    endpoint = remote_endpoint(sshd.url(headless.workspace), ssh_config=sshd.client_config)
    window = _open(qtbot, windows, endpoint)
    pid = _engine_pid(headless)
    _attached(qtbot, window, pid)
    where = f"attached to {headless.workspace} on ssh://{sshd.user}@127.0.0.1:{sshd.port}"
    assert f"{where} (pid {pid})" in window.windowTitle()
    tunnel = _tunnels(sshd)
    assert len(tunnel) == 1
    _start_server(qtbot, window)
    # The thread that opened the tunnel is gone; the tunnel is still the same one.
    assert _tunnels(sshd) == tunnel

    window.models.link.close()  # type: ignore[union-attr]  (the window closes)
    assert _tunnels(sshd) == []
    assert not tunnel[0].is_running()


def test_a_restarted_engine_behind_ssh_is_reattached_through_a_new_tunnel(
    headless: HeadlessProcess, sshd: Sshd, qtbot: QtBot, windows: list[MainWindow]
) -> None:
    endpoint = remote_endpoint(sshd.url(headless.workspace), ssh_config=sshd.client_config)
    window = _open(qtbot, windows, endpoint)
    first_pid = _engine_pid(headless)
    _attached(qtbot, window, first_pid)
    first_port = json.loads((headless.workspace / "api.json").read_text())["port"]
    [old_tunnel] = _tunnels(sshd)

    os.kill(first_pid, signal.SIGKILL)
    assert "The engine is not reachable" in _banner(qtbot, window)
    headless.stop()
    headless.start()  # a new pid, port and token in a new api.json
    second_pid = _engine_pid(headless)
    assert json.loads((headless.workspace / "api.json").read_text())["port"] != first_port

    qtbot.waitUntil(lambda: f"(pid {second_pid})" in window.windowTitle(), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.link_banner.isVisible(), timeout=TIMEOUT_MS)
    assert not old_tunnel.is_running()
    assert len(_tunnels(sshd)) == 1
    _start_server(qtbot, window)


def test_a_changed_host_key_is_one_sentence_in_the_banner(
    sshd: Sshd, tmp_path: Path, qtbot: QtBot, windows: list[MainWindow]
) -> None:
    sshd.trust(keygen(tmp_path / "impostor"))
    endpoint = remote_endpoint(sshd.url(tmp_path / "ws"), ssh_config=sshd.client_config)
    window = _open(qtbot, windows, endpoint)
    text = _banner(qtbot, window)
    assert text.startswith(
        "Cannot attach to the engine: the host key of 127.0.0.1 does not match the one in "
        "known_hosts: someone may be intercepting the connection"
    )
    assert text.endswith("Trying again every 30 s.")
    assert window.models.engine.refused()
    assert _tunnels(sshd) == []


def _tls_workspace(path: Path, port: int, cert: Certificate) -> Path:
    """A workspace whose API serves TLS with `cert`; its demo server (stopped) uses `port`."""
    with Workspace.open(path) as ws:
        config = demo_server_config().to_json() | {"port": port, "autostart": False}
        ws.save_server_config(ServerConfig.from_json(config))
        ws.set_setting("api.listen", "127.0.0.1")
        ws.set_setting("api.tlsCert", str(cert.cert))
        ws.set_setting("api.tlsKey", str(cert.key))
    return path


def test_over_wss_the_window_trusts_the_given_ca_and_refuses_a_wrong_token_or_cert(
    tmp_path: Path, free_port: int, qtbot: QtBot, windows: list[MainWindow]
) -> None:
    cert = make_certificate(tmp_path)
    engine = HeadlessProcess(_tls_workspace(tmp_path / "ws", free_port, cert))
    engine.start()
    try:
        info = json.loads((engine.workspace / "api.json").read_text())
        url = f"wss://127.0.0.1:{info['port']}"
        token = _token_file(tmp_path, info["token"])
        window = _open(qtbot, windows, remote_endpoint(url, token_file=token, tls_ca=cert.cert))
        _attached(qtbot, window, info["pid"])
        assert f"on {url}/rpc (pid {info['pid']})" in window.windowTitle()
        _start_server(qtbot, window)

        wrong = _token_file(tmp_path / "ws", "not-the-token")
        refused = _open(qtbot, windows, remote_endpoint(url, token_file=wrong, tls_ca=cert.cert))
        assert _banner(qtbot, refused) == (
            f"Cannot attach to the engine: the engine of {url}/rpc refused the token "
            "(401 unauthorized); is the token file from another engine? Trying again every 30 s."
        )
        untrusted = _open(qtbot, windows, remote_endpoint(url, token_file=token))
        text = _banner(qtbot, untrusted)
        assert text.startswith(
            f"Cannot attach to the engine: TLS certificate not trusted for {url}"
        )
        assert "--tls-ca" in text
        assert window.server_view.status_label.text() == "Running"  # the first one is unmoved
    finally:
        engine.stop()


def test_an_engine_of_another_version_is_refused_with_one_sentence(
    tmp_path: Path, qtbot: QtBot, windows: list[MainWindow]
) -> None:
    registry = RpcRegistry()
    registry.register("status", lambda params, ctx: {"engine": {"version": "9.9.0", "pid": 1}})
    server = ServerThread(registry, version="9.9.0").start()
    try:
        token = _token_file(tmp_path, server.token)
        window = _open(qtbot, windows, remote_endpoint(server.url, token_file=token))
        assert _banner(qtbot, window) == (
            f"Cannot attach to the engine: engine version 9.9.0, this window {__version__}: use "
            "a window of the same version (major.minor) as the engine. Trying again every 30 s."
        )
        assert "(pid 1)" not in window.windowTitle()  # never attached
    finally:
        windows[0].models.link.close()  # type: ignore[union-attr]
        server.stop()
