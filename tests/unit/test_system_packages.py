"""What a test that needs a missing program says when it skips."""

from __future__ import annotations

import pytest

from tests import system_packages


def _skip_text(program: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(system_packages, "SEARCH_PATH", "/nonexistent")
    with pytest.raises(pytest.skip.Exception) as skipped:
        system_packages.need(program)
    return str(skipped.value)


def test_a_debian_program_names_its_package(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _skip_text("go", monkeypatch) == "skipped: needs go (Debian package golang-go)"


def test_dotnet_says_debian_has_none_and_where_it_comes_from(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = _skip_text("dotnet", monkeypatch)
    assert text.startswith("skipped: needs dotnet (the .NET SDK; Debian has no package of it")
    assert "dotnet-sdk-8.0" in text and "Debian package dotnet" not in text
