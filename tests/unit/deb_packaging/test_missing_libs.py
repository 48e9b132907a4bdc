"""`make package`'s library check names every missing library at once, with its apt-get line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.unit.deb_packaging.build_deb_module import load_packaging_module

ABSENT = ["libopspanel-test-absent-b.so.0", "libopspanel-test-absent-a.so.1"]
NO_SUCH_PACKAGE = "opspanel-test-no-such-package"


@pytest.fixture(autouse=True)
def _debian_tools() -> None:
    if shutil.which("dpkg-query") is None:
        pytest.skip("skipped: needs dpkg-query (Debian or Ubuntu)")
    if shutil.which("ldconfig") is None and not Path("/sbin/ldconfig").exists():
        pytest.skip("skipped: needs ldconfig")


def test_every_missing_library_is_named_with_the_apt_line() -> None:
    missing_libs = load_packaging_module("missing_libs")
    problems = missing_libs.check_present(
        ["libc.so.6", *ABSENT], ["libc6", NO_SUCH_PACKAGE], install=False
    )
    assert problems == [
        "libopspanel-test-absent-a.so.1 not found on this machine",
        "libopspanel-test-absent-b.so.0 not found on this machine",
        f"install them with: apt-get install -y {NO_SUCH_PACKAGE}",
    ]


def test_the_environment_switch_keeps_root_from_installing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    missing_libs = load_packaging_module("missing_libs")
    monkeypatch.setenv(missing_libs.NO_INSTALL_ENV, "1")
    assert not missing_libs.can_install()
    problems = missing_libs.check_present(ABSENT, [NO_SUCH_PACKAGE], install=True)
    assert problems[-1] == f"install them with: apt-get install -y {NO_SUCH_PACKAGE}"


def test_libraries_that_are_here_are_no_problem() -> None:
    missing_libs = load_packaging_module("missing_libs")
    assert missing_libs.check_present(["libc.so.6"], ["libc6"], install=False) == []
