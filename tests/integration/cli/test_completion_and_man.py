"""`opspanel completion bash|zsh|fish` and the man page, from the real argparse tree:
bash and fish are asked to complete a command line, zsh checks the script's syntax,
groff and man read the page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from panel.cli import build_parser
from panel.clidoc.manpage import render
from tests.system_packages import need


def completion(shell: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "panel", "completion", shell],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


BASH_COMPLETE = r"""
source "$1"
func=$(complete -p opspanel | sed -E 's/.* -F ([^ ]+) .*/\1/')
shift
COMP_WORDS=("$@")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE="${COMP_WORDS[*]}"
COMP_POINT=${#COMP_LINE}
"$func"
printf '%s\n' "${COMPREPLY[@]}"
"""


def bash_complete(script: Path, *words: str) -> list[str]:
    done = subprocess.run(
        [need("bash"), "-c", BASH_COMPLETE, "bash", str(script), *words],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_bash_completes_commands_actions_and_options(tmp_path: Path) -> None:
    script = tmp_path / "opspanel.bash"
    script.write_text(completion("bash"))
    assert bash_complete(script, "opspanel", "comp") == ["completion"]
    assert bash_complete(script, "opspanel", "ctl", "sessions", "e") == ["exec"]
    assert bash_complete(script, "opspanel", "ctl", "jobs", "cancel", "--j") == ["--json"]
    assert bash_complete(script, "opspanel", "completion", "") == ["bash", "zsh", "fish"]


def test_fish_completes_the_ctl_tree(tmp_path: Path) -> None:
    fish = need("fish")
    script = tmp_path / "opspanel.fish"
    script.write_text(completion("fish"))
    done = subprocess.run(
        [fish, "--no-config", "-c", f"source {script}; complete -C 'opspanel ctl sessions e'"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert [line.split("\t")[0] for line in done.stdout.splitlines()] == ["exec"]


def test_zsh_script_is_valid_zsh(tmp_path: Path) -> None:
    zsh = need("zsh")
    script = tmp_path / "_opspanel"
    text = completion("zsh")
    script.write_text(text)
    assert text.startswith("#compdef opspanel")
    assert "'sessions:runner sessions'" in text or "sessions:'runner sessions'" in text
    done = subprocess.run([zsh, "-n", str(script)], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")


def test_an_unknown_shell_is_a_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "panel", "completion", "csh"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "invalid choice: 'csh'" in done.stderr


def test_man_page_is_valid_roff_and_documents_every_command(tmp_path: Path) -> None:
    page = tmp_path / "opspanel.1"
    page.write_text(render(build_parser(full=True), "1.2.3"))
    groff = need("groff")
    checked = subprocess.run(
        [groff, "-man", "-ww", "-z", "-Tutf8", str(page)], capture_output=True, text=True
    )
    assert (checked.returncode, checked.stderr) == (0, "")  # no warning at all
    man = need("man")
    shown = subprocess.run(
        [man, "-l", str(page)],
        capture_output=True,
        text=True,
        env={"MANWIDTH": "100", "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout
    assert text.startswith("OPSPANEL(1)") and "opspanel 1.2.3" in text
    for heading in ("SYNOPSIS", "EXIT STATUS", "ENVIRONMENT", "FILES", "SHELL COMPLETION"):
        assert f"\n{heading}\n" in text
    for command in ("opspanel ctl sessions exec", "opspanel ctl jobs cancel", "opspanel service"):
        assert command in text
    assert "opspanel --headless --workspace DIR" in text.replace("\n", " ").replace("  ", " ")
