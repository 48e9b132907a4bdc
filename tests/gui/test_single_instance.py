"""A second launch on a workspace hands over to its owner, in another process."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from panel.single_instance import SingleInstance

SECOND_LAUNCH = """
import sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from panel.single_instance import SingleInstance
app = QCoreApplication([])  # as a launch has before its claim
second = SingleInstance(Path(sys.argv[1]))
print("claimed" if second.claim() else "owned", second.owner_has_window, flush=True)
if sys.argv[2:] == ["crash"]:
    import os
    os._exit(0)  # gone without a word: its socket file stays
second.release()
"""


def _second_launch(ws_dir: Path, *how: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", SECOND_LAUNCH, str(ws_dir), *how], stdout=subprocess.PIPE, text=True
    )


def _answer(qtbot: QtBot, proc: subprocess.Popen[str]) -> str:
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=30_000)  # the owner answers
    assert proc.stdout is not None
    with proc.stdout:
        answer = proc.stdout.read().strip()
    assert proc.returncode == 0
    return answer


@pytest.mark.parametrize("has_window", [True, False])
def test_a_second_launch_is_refused_and_the_owner_is_told(
    qtbot: QtBot, tmp_path: Path, has_window: bool
) -> None:
    owner = SingleInstance(tmp_path / "ws")
    owner.has_window = has_window
    assert owner.claim()
    assert stat.S_IMODE(owner.path.stat().st_mode) == 0o600  # nobody else may knock
    raised: list[bool] = []
    owner.sig_raise_requested.connect(lambda: raised.append(True))
    try:
        answer = _answer(qtbot, _second_launch(tmp_path / "ws"))
        assert answer == f"owned {has_window}"  # the window was raised, or attach to it
        if has_window:
            qtbot.waitUntil(lambda: bool(raised))
        assert raised == ([True] if has_window else [])
        # another workspace is not this owner's
        assert _answer(qtbot, _second_launch(tmp_path / "other")) == "claimed True"
    finally:
        owner.release()
    assert not owner.path.exists()
    assert _answer(qtbot, _second_launch(tmp_path / "ws")) == "claimed True"  # released


def test_a_socket_left_by_a_crashed_owner_does_not_refuse_the_next(
    qtbot: QtBot, tmp_path: Path
) -> None:
    assert _answer(qtbot, _second_launch(tmp_path / "ws", "crash")) == "claimed True"
    left = SingleInstance(tmp_path / "ws").path
    assert left.exists()
    assert _answer(qtbot, _second_launch(tmp_path / "ws")) == "claimed True"
    assert not left.exists()  # taken over, then released
