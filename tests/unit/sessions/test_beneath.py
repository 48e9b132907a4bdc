"""panel.sessions.beneath: names opened from the folder's descriptor, no link followed."""

from __future__ import annotations

import errno
import os
import socket
import stat
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panel.sessions.beneath import Beneath, where
from panel.sessions.paths import PathRefused, relative_parts

INSIDE = b"inside\n"
OUTSIDE = b"OUTSIDE\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """root/{a/f, a/b/g, up -> outside, in -> a, f.lnk -> a/f}, outside/{f, a/f}."""
    outside = tmp_path / "outside"
    (outside / "a").mkdir(parents=True)
    (outside / "f").write_bytes(OUTSIDE)
    (outside / "a" / "f").write_bytes(OUTSIDE)
    root = tmp_path / "root"
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "f").write_bytes(INSIDE)
    (root / "a" / "b" / "g").write_bytes(INSIDE)
    os.symlink(outside, root / "up")
    os.symlink("a", root / "in")
    os.symlink("a/f", root / "f.lnk")
    return root


def read(beneath: Beneath, parts: Sequence[str]) -> bytes:
    fd = beneath.open_file(parts, os.O_RDONLY)
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def outside_of(root: Path) -> Path:
    return root.parent / "outside"


def test_plain_paths_open(tree: Path) -> None:
    beneath = Beneath(tree)
    assert read(beneath, ("a", "f")) == INSIDE
    assert read(beneath, ("a", "b", "g")) == INSIDE
    with beneath.folder(("a", "b")) as fd:
        assert os.listdir(fd) == ["g"]


@pytest.mark.parametrize(
    ("parts", "named"),
    [
        (("up", "f"), "up"),
        (("up", "a", "f"), "up"),
        (("in", "f"), "in"),  # a link that stays inside is not followed either
        (("f.lnk",), "f.lnk"),
        (("up",), "up"),
    ],
)
def test_a_link_anywhere_is_refused_and_named(
    tree: Path, parts: tuple[str, ...], named: str
) -> None:
    with pytest.raises(PathRefused, match=f"symbolic links are not followed: '{named}'"):
        read(Beneath(tree), parts)


def test_errors_name_the_path_under_the_root(tree: Path) -> None:
    beneath = Beneath(tree)
    with pytest.raises(FileNotFoundError) as missing:
        read(beneath, ("a", "nope", "x"))
    assert missing.value.filename == str(tree / "a" / "nope")
    with pytest.raises(NotADirectoryError) as not_dir:
        read(beneath, ("a", "f", "x"))
    assert not_dir.value.filename == str(tree / "a" / "f")
    with pytest.raises(IsADirectoryError) as is_dir:
        read(beneath, ("a",))
    assert is_dir.value.filename == str(tree / "a")
    with pytest.raises(IsADirectoryError):
        read(beneath, ())


def test_creating_parents_makes_folders_but_never_through_a_link(tree: Path) -> None:
    beneath = Beneath(tree)
    fd = beneath.open_file(("new", "deep", "x.txt"), os.O_WRONLY | os.O_CREAT, True)
    os.close(fd)
    assert (tree / "new" / "deep" / "x.txt").is_file()
    with pytest.raises(PathRefused, match="'up'"):
        beneath.open_file(("up", "made", "x.txt"), os.O_WRONLY | os.O_CREAT, True)
    with pytest.raises(PathRefused, match=r"'f\.lnk'"):
        beneath.open_file(("f.lnk",), os.O_WRONLY | os.O_CREAT)
    os.symlink(outside_of(tree) / "dangling", tree / "dangling")
    with pytest.raises(PathRefused, match="'dangling'"):
        beneath.open_file(("dangling",), os.O_WRONLY | os.O_CREAT)
    assert sorted(os.listdir(outside_of(tree))) == ["a", "f"]


def test_special_files_are_refused_without_blocking(tree: Path) -> None:
    beneath = Beneath(tree)
    os.mkfifo(tree / "pipe")
    for flags in (os.O_RDONLY, os.O_WRONLY, os.O_WRONLY | os.O_APPEND | os.O_CREAT):
        with pytest.raises(PathRefused, match="not a regular file: 'pipe' is a FIFO"):
            beneath.open_file(("pipe",), flags)
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tree / "sock"))
        with pytest.raises(PathRefused, match="'sock' is a socket"):
            beneath.open_file(("sock",), os.O_RDONLY)


def test_hard_links_are_refused_and_left_unchanged(tree: Path) -> None:
    os.link(outside_of(tree) / "f", tree / "hl")
    beneath = Beneath(tree)
    for flags in (os.O_RDONLY, os.O_WRONLY, os.O_WRONLY | os.O_APPEND):
        with pytest.raises(PathRefused, match="hard links are not followed: 'hl' has 2 names"):
            beneath.open_file(("hl",), flags)
    assert (outside_of(tree) / "f").read_bytes() == OUTSIDE


def test_entries_are_the_names_themselves(tree: Path) -> None:
    beneath = Beneath(tree)
    kinds = [(e.name, e.kind) for e in beneath.entries(())]
    assert kinds == [("a", "dir"), ("f.lnk", "link"), ("in", "link"), ("up", "link")]
    assert [e.name for e in beneath.entries(("a",))] == ["b", "f"]
    with pytest.raises(PathRefused, match="'up'"):
        beneath.entries(("up",))


def test_remove_takes_links_themselves_and_trees_through_descriptors(tree: Path) -> None:
    outside = outside_of(tree)
    os.symlink(outside, tree / "a" / "b" / "out")  # inside the tree that goes
    os.symlink(outside / "f", tree / "a" / "out.f")
    beneath = Beneath(tree)
    beneath.remove(("up",))
    assert not (tree / "up").is_symlink()
    beneath.remove(("a",))
    assert sorted(os.listdir(tree)) == ["f.lnk", "in"]
    beneath.remove(("in",))
    assert (outside / "f").read_bytes() == OUTSIDE
    assert (outside / "a" / "f").read_bytes() == OUTSIDE
    with pytest.raises(FileNotFoundError) as missing:
        beneath.remove(("a", "f"))
    assert missing.value.errno == errno.ENOENT and missing.value.filename == str(tree / "a")
    with pytest.raises(PathRefused, match="cannot be deleted"):
        beneath.remove(())


def test_remove_refuses_a_path_through_a_link(tree: Path) -> None:
    with pytest.raises(PathRefused, match="'up'"):
        Beneath(tree).remove(("up", "a"))
    assert (outside_of(tree) / "a" / "f").exists()


@given(st.text(alphabet="ab./\\\x00:C", max_size=12))
def test_relative_parts_are_plain_names_or_refused(text: str) -> None:
    try:
        parts = relative_parts(text)
    except PathRefused:
        return
    for name in parts:
        assert name not in ("", ".", "..") and "/" not in name and "\x00" not in name
    assert where(parts) == ("/".join(parts) or ".")


NAMES = st.sampled_from(["a", "b", "f", "g", "up", "in", "f.lnk", "."])


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=200)
@given(st.lists(NAMES, min_size=1, max_size=4))
def test_a_read_succeeds_exactly_on_plain_paths_and_never_leaves(
    tree: Path, names: list[str]
) -> None:
    parts = relative_parts("/".join(names))
    plain = tree.joinpath(*parts)
    expected_ok = (
        bool(parts)
        and all(not tree.joinpath(*parts[: i + 1]).is_symlink() for i in range(len(parts)))
        and stat.S_ISREG(os.lstat(plain).st_mode if os.path.lexists(plain) else 0)
    )
    try:
        content = read(Beneath(tree), parts)
    except (PathRefused, OSError):
        assert not expected_ok, parts
        return
    assert expected_ok, parts
    assert content == INSIDE
