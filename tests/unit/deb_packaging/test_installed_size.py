"""The .deb's Installed-Size counts each file once: a symlink is its own few bytes."""

from __future__ import annotations

from pathlib import Path

from tests.unit.deb_packaging.build_deb_module import load_build_deb


def test_symlinks_are_not_counted_as_their_targets(tmp_path: Path) -> None:
    build_deb = load_build_deb()
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "libbig.so.1.2").write_bytes(b"x" * 100 * 1024)
    (tmp_path / "lib" / "libbig.so.1").symlink_to("libbig.so.1.2")
    (tmp_path / "lib" / "libbig.so").symlink_to("libbig.so.1.2")
    (tmp_path / "lib-again").symlink_to("lib")  # a directory link: not walked into
    (tmp_path / "small").write_bytes(b"y" * 10)
    # 100 KiB + 1 KiB for `small` (rounded up) + 1 KiB for each of the three links
    assert build_deb.installed_size_kb(tmp_path) == 100 + 1 + 3


def test_an_empty_tree_is_zero(tmp_path: Path) -> None:
    assert load_build_deb().installed_size_kb(tmp_path) == 0
