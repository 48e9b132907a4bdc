"""ctl refuses an engine of another major.minor version, naming both."""

from __future__ import annotations

from pathlib import Path

from panel import __version__
from panel.api.rpc import RpcRegistry
from tests.integration.api.conftest import ServerThread
from tests.integration.remote.conftest import run_ctl


def test_another_engine_version_is_one_sentence(tmp_path: Path) -> None:
    registry = RpcRegistry()
    registry.register("status", lambda params, ctx: {"engine": {"version": "9.9.0"}})
    server = ServerThread(registry, version="9.9.0").start()
    try:
        token = tmp_path / "token"
        token.touch(mode=0o600)
        token.write_text(server.token)
        done = run_ctl("status", "--url", server.url, "--token-file", str(token))
    finally:
        server.stop()
    assert done.returncode == 3
    assert done.stderr == (
        f"opspanel ctl: engine version 9.9.0, this ctl {__version__}: use a ctl of the same "
        "version (major.minor) as the engine\n"
    )
