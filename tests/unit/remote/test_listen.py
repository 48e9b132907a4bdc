"""Where the API may listen: loopback, or anything with TLS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from panel.api.hosts import host_checker
from panel.api.listen import ListenRefused, listen_plan
from tests.remote_parts import make_certificate


def _plan(settings: dict[str, Any]) -> Any:
    return listen_plan(lambda key, default: settings.get(key, default))


def test_loopback_by_default() -> None:
    plan = _plan({})
    assert (plan.host, plan.ssl_context, plan.local_host) == ("127.0.0.1", None, "127.0.0.1")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.7", "::"])
def test_non_loopback_needs_tls(host: str) -> None:
    with pytest.raises(ListenRefused, match=f"api.listen is {host}, not a loopback address"):
        _plan({"api.listen": host})


def test_listen_must_be_an_address() -> None:
    with pytest.raises(ListenRefused, match=r"must be an IP address"):
        _plan({"api.listen": "panel.example"})


def test_missing_tls_files_are_named(tmp_path: Path) -> None:
    settings = {"api.tlsCert": str(tmp_path / "no.crt"), "api.tlsKey": str(tmp_path / "no.key")}
    with pytest.raises(ListenRefused, match=r"no\.crt does not exist"):
        _plan(settings)


def test_tls_allows_the_address_and_the_certificate_names(tmp_path: Path) -> None:
    cert = make_certificate(tmp_path)
    plan = _plan(
        {"api.listen": "0.0.0.0", "api.tlsCert": str(cert.cert), "api.tlsKey": str(cert.key)}
    )
    assert plan.ssl_context is not None
    assert plan.local_host == "127.0.0.1"
    assert set(plan.host_names) == {"localhost", "127.0.0.1"}
    check = host_checker(lambda: 8443, plan.host_names)
    assert check("localhost:8443")
    assert not check("evil.example:8443")
    named = _plan(
        {"api.listen": "192.0.2.7", "api.tlsCert": str(cert.cert), "api.tlsKey": str(cert.key)}
    )
    assert host_checker(lambda: 8443, named.host_names)("192.0.2.7:8443")
