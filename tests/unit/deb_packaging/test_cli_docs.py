"""The .deb's man page and shell completions, staged where man and each shell look."""

from __future__ import annotations

import gzip
from pathlib import Path

from tests.unit.deb_packaging.build_deb_module import load_build_deb


def test_man_page_and_completions_are_staged(tmp_path: Path) -> None:
    build_deb = load_build_deb()
    share = tmp_path / "usr" / "share"
    build_deb.stage_cli_docs(share, "9.8.7")
    man = share / "man" / "man1" / "opspanel.1.gz"
    raw = man.read_bytes()
    assert raw[4:8] == b"\0\0\0\0"  # no time stamp in the gzip header (reproducible)
    page = gzip.decompress(raw).decode("utf-8")
    assert page.startswith('.TH OPSPANEL "1"') and "opspanel 9.8.7" in page
    assert "ctl sessions exec" in page
    bash = share / "bash-completion" / "completions" / "opspanel"
    zsh = share / "zsh" / "vendor-completions" / "_opspanel"
    fish = share / "fish" / "vendor_completions.d" / "opspanel.fish"
    assert "complete -o bashdefault -F _shtab_opspanel opspanel" in bash.read_text()
    assert zsh.read_text().startswith("#compdef opspanel")
    assert "complete -c opspanel" in fish.read_text()
    for path in (man, bash, zsh, fish):
        assert path.stat().st_mode & 0o777 == 0o644
