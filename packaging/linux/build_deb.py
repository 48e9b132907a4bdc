"""Build the Debian package from the PyInstaller folder, with `dpkg-deb` (no Docker, no root).

    python packaging/linux/build_deb.py --bundle dist/opspanel --out dist [--version V]

Layout of the package:
    /opt/opspanel/                       the one-folder bundle (executable `opspanel`)
    /usr/bin/opspanel                    symlink to /opt/opspanel/opspanel
    /usr/share/applications/opspanel.desktop
    /usr/share/icons/hicolor/<N>x<N>/apps/opspanel.png, scalable/apps/opspanel.svg
    /usr/share/metainfo/io.opspanel.OpsPanel.metainfo.xml
    /usr/share/man/man1/opspanel.1.gz    generated from the argparse tree (argparse-manpage)
    /usr/share/bash-completion/completions/opspanel, zsh/vendor-completions/_opspanel,
    /usr/share/fish/vendor_completions.d/opspanel.fish   (shtab, from the same tree)
    /lib/systemd/system/opspanel-headless.service   (installed, not enabled)
    /usr/share/doc/opspanel/copyright

Depends come from packaging/linux/depends.txt; `check_depends` verifies that every system
library the bundle links is provided by one of them.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from missing_libs import check_present  # noqa: E402
from render_icons import render  # noqa: E402

PACKAGE = "opspanel"
APP_ID = "io.opspanel.OpsPanel"
MAINTAINER = "OpsPanel developers <opspanel@localhost>"
ESSENTIAL = {"libc6", "libgcc-s1", "libstdc++6"}
"""Providers that every Debian system has; listed in Depends all the same where linked."""


def read_depends() -> list[str]:
    """Package names of depends.txt (one a line, `#` comments)."""
    lines = (HERE / "depends.txt").read_text(encoding="utf-8").splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def project_version() -> str:
    """The version of the installed `opspanel` distribution (pyproject's)."""
    from importlib.metadata import version

    return version(PACKAGE)


def _elf_files(bundle: Path) -> list[Path]:
    out: list[Path] = []
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    out.append(path)
    return out


def _needed(elf: Path) -> list[str]:
    """The sonames `elf` names directly (DT_NEEDED), not those of its dependencies."""
    result = subprocess.run(["readelf", "-d", str(elf)], capture_output=True, text=True)
    return re.findall(r"\(NEEDED\).*\[(.+?)\]", result.stdout)


def direct_system_needs(bundle: Path) -> dict[Path, set[str]]:
    """{ELF file: sonames it names directly and the bundle does not hold}."""
    bundled = {p.name for p in bundle.rglob("*.so*")}
    needs: dict[Path, set[str]] = {}
    for elf in _elf_files(bundle):
        direct = {
            name
            for name in set(_needed(elf)) - bundled
            if not name.startswith(("ld-linux", "linux-vdso"))
        }
        if direct:
            needs[elf] = direct
    return needs


def system_libraries(bundle: Path) -> tuple[dict[str, str], set[str]]:
    """Libraries the bundle's ELF files name directly and load from outside it.

    Returns ({soname: path on this machine}, {sonames not found here}). Indirect
    dependencies are the business of the packages that provide the direct ones.
    """
    found: dict[str, str] = {}
    missing: set[str] = set()
    pattern = re.compile(r"^\s*(\S+) => (.*?) \(0x")
    for elf, direct in direct_system_needs(bundle).items():
        result = subprocess.run(["ldd", str(elf)], capture_output=True, text=True, check=False)
        resolved: dict[str, str] = {}
        for line in result.stdout.splitlines():
            match = pattern.match(line)
            if match:
                resolved[match.group(1)] = match.group(2)
        for name in direct:
            if name in resolved:
                found[name] = resolved[name]
            else:
                missing.add(name)
    return found, missing


def owning_packages(paths: list[str]) -> dict[str, str]:
    """{library path: Debian package} through `dpkg -S` (architecture suffix dropped)."""
    owners: dict[str, str] = {}
    for path in paths:
        for candidate in (path, os.path.realpath(path)):
            for variant in (candidate, re.sub(r"^/lib/", "/usr/lib/", candidate)):
                result = subprocess.run(
                    ["dpkg", "-S", variant], capture_output=True, text=True, check=False
                )
                if result.returncode == 0:
                    owners[path] = result.stdout.split(":", 1)[0].strip()
                    break
            if path in owners:
                break
    return owners


def check_depends(bundle: Path, depends: list[str]) -> list[str]:
    """Problems: system libraries not provided by any package in `depends` (empty = fine)."""
    found, missing = system_libraries(bundle)
    owners = owning_packages(sorted(set(found.values())))
    declared = set(depends) | ESSENTIAL
    problems = [f"{lib} not found on this machine" for lib in sorted(missing)]
    for name, path in sorted(found.items()):
        owner = owners.get(path)
        if owner is None:
            problems.append(f"{name} ({path}) belongs to no package")
        elif owner not in declared:
            problems.append(f"{name} comes from {owner}, which is not in depends.txt")
    return problems


def _control(version: str, installed_kb: int, depends: list[str]) -> str:
    return (
        f"Package: {PACKAGE}\n"
        f"Version: {version}\n"
        "Section: admin\n"
        "Priority: optional\n"
        "Architecture: amd64\n"
        f"Maintainer: {MAINTAINER}\n"
        f"Installed-Size: {installed_kb}\n"
        f"Depends: {', '.join(depends)}\n"
        "Homepage: https://opspanel.io\n"
        "Description: control panel for the Python back end on this machine\n"
        " OpsPanel starts, stops and watches a Python server, shows its logs live,\n"
        " keeps one worker per field-device connection (Modbus TCP, OPC UA) and runs\n"
        " scheduled jobs. It opens on a demo workspace with a small server running.\n"
        " A headless engine (systemd unit opspanel-headless, not enabled) and the\n"
        " `opspanel ctl` command line are included.\n"
    )


def installed_size_kb(root: Path) -> int:
    """Installed-Size of the tree: KiB on disk, each file rounded up, symlinks as themselves."""
    total = 0
    for folder, dirs, files in os.walk(root):  # does not walk into linked directories
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            total += -(-os.lstat(os.path.join(folder, name)).st_size // 1024)
    return total


def _copy(src: Path, dest: Path, mode: int = 0o644) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    dest.chmod(mode)


COMPLETIONS = {
    "bash": "bash-completion/completions/opspanel",
    "zsh": "zsh/vendor-completions/_opspanel",
    "fish": "fish/vendor_completions.d/opspanel.fish",
}
"""Where each shell looks for the completion scripts of installed packages (under share)."""


def stage_cli_docs(share: Path, version: str) -> None:
    """The man page and the shell completions, generated from the command line's parser."""
    from panel.cli import build_parser
    from panel.clidoc.completion import completion_script
    from panel.clidoc.manpage import render

    man = share / "man" / "man1" / f"{PACKAGE}.1.gz"
    man.parent.mkdir(parents=True, exist_ok=True)
    page = render(build_parser(full=True), version).encode("utf-8")
    with open(man, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as packed:
        packed.write(page)  # gzip -9n, as Debian policy asks (no name, no time stamp)
    man.chmod(0o644)
    for shell, relative in COMPLETIONS.items():
        script = share / relative
        script.parent.mkdir(parents=True, exist_ok=True)
        script.write_text(completion_script(build_parser(full=True), shell), encoding="utf-8")
        script.chmod(0o644)


def stage(bundle: Path, root: Path, version: str) -> None:
    """Lay out the package tree under `root` (removed first)."""
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(bundle, root / "opt" / PACKAGE, symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / PACKAGE).symlink_to(f"/opt/{PACKAGE}/{PACKAGE}")
    share = root / "usr" / "share"
    _copy(HERE / "opspanel.desktop", share / "applications" / f"{PACKAGE}.desktop")
    _copy(HERE / f"{APP_ID}.metainfo.xml", share / "metainfo" / f"{APP_ID}.metainfo.xml")
    render(share / "icons" / "hicolor" / "_render")
    rendered = share / "icons" / "hicolor" / "_render"
    for size_dir in (d for d in rendered.iterdir() if d.is_dir()):
        for icon in size_dir.iterdir():
            _copy(icon, share / "icons" / "hicolor" / size_dir.name / "apps" / icon.name)
    shutil.rmtree(rendered)
    _copy(HERE / "opspanel-headless.service", root / "lib/systemd/system/opspanel-headless.service")
    _copy(HERE / "copyright", share / "doc" / PACKAGE / "copyright")
    stage_cli_docs(share, version)
    debian = root / "DEBIAN"
    debian.mkdir()
    for script in ("postinst", "prerm", "postrm"):
        _copy(HERE / "maintscripts" / script, debian / script, 0o755)
    (debian / "control").write_text(
        _control(version, installed_size_kb(root), read_depends()), encoding="utf-8"
    )
    for path in root.rglob("*"):  # a build tree's umask must not leak into the package
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)


def build(bundle: Path, out_dir: Path, version: str, work: Path) -> Path:
    """Stage and build; returns the .deb path."""
    root = work / "deb-root"
    stage(bundle, root, version)
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{PACKAGE}_{version}_amd64.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(deb)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return deb


def main(argv: list[str]) -> int:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / PACKAGE)
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build")
    parser.add_argument("--version", default=None)
    parser.add_argument("--no-check", action="store_true", help="skip the library check")
    args = parser.parse_args(argv)
    if not args.no_check:
        needs = set().union(*direct_system_needs(args.bundle).values())
        problems = check_present(needs, read_depends(), install=True)
        problems = problems or check_depends(args.bundle, read_depends())
        if problems:
            print("packaging/linux/depends.txt does not cover the bundle:", file=sys.stderr)
            for problem in problems:
                print(f"  {problem}", file=sys.stderr)
            return 1
    deb = build(args.bundle, args.out, args.version or project_version(), args.work)
    print(deb)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
