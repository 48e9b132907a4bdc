"""Parsing targets, and what ssh's and TLS's failures are told as."""

from __future__ import annotations

import shlex
import ssl
from pathlib import Path

import pytest

from panel.remote.errors import EngineRefused, EngineUnreachable, RemoteError
from panel.remote.ssh import remote_api_file_word, ssh_argv, ssh_failure
from panel.remote.target import SshTarget, UrlTarget, WorkspaceTarget, parse_target
from panel.remote.tls import tls_failure
from panel.remote.version import check_version


def test_workspace_targets(tmp_path: Path) -> None:
    assert parse_target(str(tmp_path)) == WorkspaceTarget(tmp_path.resolve())
    assert isinstance(parse_target(None), WorkspaceTarget)


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("wss://panel.example:8443", "wss://panel.example:8443/rpc"),
        ("https://panel.example:8443/", "wss://panel.example:8443/rpc"),
        ("https://panel.example", "wss://panel.example/rpc"),
        ("ws://127.0.0.1:5000/rpc", "ws://127.0.0.1:5000/rpc"),
    ],
)
def test_url_targets(text: str, url: str) -> None:
    target = parse_target(text)
    assert isinstance(target, UrlTarget)
    assert target.url == url


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("ssh://box", SshTarget("box")),
        ("ssh://ops@box:2222", SshTarget("box", "ops", 2222)),
        ("ssh://ops@box/srv/panel", SshTarget("box", "ops", None, "/srv/panel")),
        ("ssh://box/~/panel", SshTarget("box", None, None, "~/panel")),
    ],
)
def test_ssh_targets(text: str, target: SshTarget) -> None:
    assert parse_target(text) == target


@pytest.mark.parametrize(
    "text", ["ssh://-oProxyCommand=x", "ssh://-x@box", "ssh://", "ftp://box", "wss://box:99999"]
)
def test_bad_targets_are_one_sentence(text: str) -> None:
    with pytest.raises(RemoteError):
        parse_target(text)


def test_the_destination_never_reads_as_an_option() -> None:
    argv = ssh_argv(SshTarget("box", "ops", 2222), config="/c")
    assert argv[:3] == ["ssh", "-F", "/c"]
    assert "BatchMode=yes" in argv and "ExitOnForwardFailure=yes" in argv
    assert argv[-2:] == ["-p", "2222"]


def test_remote_paths_are_quoted_for_the_remote_shell() -> None:
    assert shlex.split(remote_api_file_word("/srv/my panel; rm -rf ~")) == [
        "/srv/my panel; rm -rf ~/api.json"
    ]
    assert remote_api_file_word("~/ws") == '"$HOME"/ws/api.json'
    assert "XDG_DATA_HOME" in remote_api_file_word(None)


@pytest.mark.parametrize(
    ("stderr", "kind", "words"),
    [
        ("@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@", EngineRefused, "not match"),
        ("Host key verification failed.", EngineRefused, "not known yet"),
        ("ops@box: Permission denied (publickey).", EngineRefused, "refused the SSH login"),
        ("ssh: Could not resolve hostname box: Name or service", EngineUnreachable, "unknown host"),
        ("ssh: connect to host box port 22: Connection refused", EngineUnreachable, "refused"),
        ("ssh: connect to host box port 22: No route to host", EngineUnreachable, "no route"),
    ],
)  # fmt: skip
def test_ssh_failures(stderr: str, kind: type[Exception], words: str) -> None:
    error = ssh_failure(SshTarget("box", "ops"), stderr)
    assert type(error) is kind
    assert words in str(error)
    assert "\n" not in str(error)


def test_tls_failures() -> None:
    verify = ssl.SSLCertVerificationError(1, "certificate verify failed")
    verify.verify_message = "self-signed certificate"
    assert str(tls_failure(verify, "wss://h:1/rpc")).startswith(
        "TLS certificate not trusted for wss://h:1/rpc (self-signed certificate)"
    )
    assert tls_failure(OSError("x"), "wss://h:1/rpc") is None


def test_version_check() -> None:
    check_version("0.1.7", "0.1.0")
    check_version(None, "0.1.0")
    with pytest.raises(EngineRefused, match=r"engine version 0\.2\.0, this ctl 0\.1\.0"):
        check_version("0.2.0", "0.1.0")
