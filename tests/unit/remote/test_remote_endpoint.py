"""remote_endpoint: what it says at once, before anything is dialled."""

from __future__ import annotations

from pathlib import Path

import pytest

from panel.viewmodels.remote.endpoint import EndpointError
from panel.viewmodels.remote.reach import remote_endpoint


def test_a_malformed_target_is_refused_at_once() -> None:
    with pytest.raises(EndpointError, match=r"^cannot reach ftp://x: use wss://") as caught:
        remote_endpoint("ftp://x")
    assert caught.value.refused


def test_a_url_without_a_usable_token_file_is_refused_at_once(tmp_path: Path) -> None:
    with pytest.raises(EndpointError, match=r"needs the engine's token: pass --token-file"):
        remote_endpoint("wss://panel.example:8443")
    with pytest.raises(EndpointError, match=r"^no token file .*missing"):
        remote_endpoint("wss://panel.example:8443", token_file=tmp_path / "missing")
    loose = tmp_path / "token"
    loose.write_text("secret\n")
    loose.chmod(0o644)
    with pytest.raises(EndpointError, match=r"has permissions 0644, expected 0600"):
        remote_endpoint("wss://panel.example:8443", token_file=loose)
    loose.chmod(0o600)
    with pytest.raises(EndpointError, match=r"refusing to send the token unencrypted"):
        remote_endpoint("ws://panel.example:8080", token_file=loose)


def test_a_url_with_its_token_names_the_engine_by_url(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.touch(mode=0o600)
    token.write_text("secret\n")
    endpoint = remote_endpoint("https://panel.example:8443", token_file=token)
    assert endpoint.where == "wss://panel.example:8443/rpc"
    assert endpoint.workspace is None
    address = endpoint.resolve()
    assert (address.token, address.local, address.ssl_context is not None) == (
        "secret",
        False,
        True,
    )


def test_a_folder_is_the_workspace_on_this_machine(tmp_path: Path) -> None:
    endpoint = remote_endpoint(str(tmp_path))
    assert endpoint.workspace == tmp_path
    with pytest.raises(EndpointError, match=r"is not running \(no api\.json\)"):
        endpoint.resolve()


def test_an_ssh_target_is_named_without_its_workspace() -> None:
    endpoint = remote_endpoint("ssh://alice@host.example:2222/srv/panel")
    assert endpoint.where == "ssh://alice@host.example:2222"
    assert endpoint.workspace is None
    endpoint.close()
    with pytest.raises(EndpointError, match="the window closed the connection"):
        endpoint.resolve()  # closed: nothing is dialled any more
