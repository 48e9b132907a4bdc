"""The .deb: its files, its desktop entry and metadata, its dependencies; install and remove."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[2] / "packaging" / "linux"))

from build_deb import check_depends, read_depends
from pkgtools import ROOT, bundle_path

LINUX = ROOT / "packaging" / "linux"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


@pytest.fixture(scope="module")
def deb() -> Path:
    """The built package (the newest in dist/)."""
    found = sorted((ROOT / "dist").glob("opspanel_*_amd64.deb"), key=lambda p: p.stat().st_mtime)
    if not found:
        pytest.fail("no dist/opspanel_*.deb: run `make package` first", pytrace=False)
    return found[-1]


def _listing(deb: Path) -> dict[str, str]:
    out = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True)
    entries: dict[str, str] = {}
    for line in out.stdout.splitlines():
        parts = line.split(None, 5)
        entries[parts[5].split(" -> ")[0].removeprefix(".")] = parts[0]
    return entries


def test_file_list_has_launcher_desktop_entry_icons_and_unit(deb: Path) -> None:
    files = _listing(deb)
    assert files["/usr/bin/opspanel"].startswith("l")  # the launcher is a symlink
    assert files["/opt/opspanel/opspanel"] == "-rwxr-xr-x"
    assert "/usr/share/applications/opspanel.desktop" in files
    assert "/usr/share/metainfo/io.opspanel.OpsPanel.metainfo.xml" in files
    assert "/lib/systemd/system/opspanel-headless.service" in files
    assert "/usr/share/icons/hicolor/scalable/apps/opspanel.svg" in files
    assert "/usr/share/man/man1/opspanel.1.gz" in files
    assert "/usr/share/bash-completion/completions/opspanel" in files
    assert "/usr/share/zsh/vendor-completions/_opspanel" in files
    assert "/usr/share/fish/vendor_completions.d/opspanel.fish" in files
    for size in SIZES:
        assert f"/usr/share/icons/hicolor/{size}x{size}/apps/opspanel.png" in files


def test_control_depends_on_the_x11_libraries(deb: Path) -> None:
    field = subprocess.run(
        ["dpkg-deb", "-f", str(deb), "Depends"], capture_output=True, text=True, check=True
    ).stdout
    depends = [name.strip() for name in field.split(",")]
    assert depends == read_depends()
    for name in ("libxcb-cursor0", "libxkbcommon-x11-0", "libxcb-icccm4", "libegl1"):
        assert name in depends


def test_depends_cover_every_library_the_bundle_links() -> None:
    assert check_depends(bundle_path().parent, read_depends()) == []


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-utils")
def test_desktop_entry_validates() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(LINUX / "opspanel.desktop")], capture_output=True, text=True
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="appstream")
def test_metainfo_validates() -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(LINUX / "io.opspanel.OpsPanel.metainfo.xml")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.skipif(
    os.environ.get("OPSPANEL_TEST_INSTALL") != "1" or os.geteuid() != 0,
    reason="installs into this system: set OPSPANEL_TEST_INSTALL=1 and run as root",
)
def test_install_run_remove_keeps_the_workspace(deb: Path, tmp_path: Path) -> None:
    subprocess.run(["dpkg", "-i", str(deb)], capture_output=True, check=True)
    try:
        env = dict(os.environ, HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"))
        out = subprocess.run(
            ["/usr/bin/opspanel", "export", str(tmp_path / "cfg.json")],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        workspace = tmp_path / "data" / "OpsPanel" / "workspace"
        assert workspace.is_dir()
        wants = Path("/etc/systemd/system/multi-user.target.wants/opspanel-headless.service")
        assert not wants.exists()  # installed, not enabled
    finally:
        subprocess.run(["dpkg", "-r", "opspanel"], capture_output=True, check=True)
    assert not Path("/opt/opspanel").exists()
    assert not Path("/usr/bin/opspanel").exists()
    assert any(workspace.iterdir())  # the operator's workspace stays
