"""File commands against a hostile session: folders swapped for links while files are read.

A session command (execute_shell running a small python loop in the session folder)
renames a real folder and a symbolic link to an outside folder into place, over and
over, while the file commands are asked thousands of times for a path through that
folder. Not one answer may show outside content, and nothing outside may change.
The loop runs in one runner and the file commands are answered by a second runner
of the same session folder (one runner does its commands one after the other).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.waiting import wait_for

from .runner_proc import RunnerProc

CALLS = 3000
"""Racing calls of each kind (the brief's floor: thousands, and a few seconds each)."""

INSIDE = "inside content\n"
OUTSIDE = "OUTSIDE SECRET\n"
MARKER = "only-outside.txt"

SWAPPER = """
import os, shutil, time

def place(name):
    try:
        os.rename(name, "d")
    except OSError:  # a folder the file commands made in a gap: out of the way
        shutil.rmtree("d", ignore_errors=True)
        return
    os.rename("d", name)

os.makedirs("d.real/sub", exist_ok=True)
open("swapping", "w").close()
end = time.monotonic() + 90
turns = 0
while not os.path.exists("stop") and time.monotonic() < end:
    try:
        os.makedirs("d.real/sub", exist_ok=True)
    except OSError:  # "sub" went (a racing delete) between makedirs' mkdir and its check
        continue
    place("d.real")
    place("d.link")
    turns += 1
print(turns)
"""
"""Swaps `d` between the real folder `d.real` and the link `d.link` until `stop` appears."""


class Race:
    """Two runners of one session folder: one swaps, one answers the file commands."""

    def __init__(self, root: Path) -> None:
        self.outside = root / "outside"
        (self.outside / "sub").mkdir(parents=True)
        (self.outside / "secret.txt").write_text(OUTSIDE)
        (self.outside / "sub" / "keep.txt").write_text("keep")
        (self.outside / MARKER).write_text("only outside")
        workspace = root / "ws"
        self.files = RunnerProc(workspace, "race")
        self.swapper = RunnerProc(workspace, "race")
        folder = self.files.folder
        (folder / "d.real" / "sub").mkdir(parents=True)
        (folder / "d.real" / "secret.txt").write_text(INSIDE)
        os.symlink(self.outside, folder / "d.link")
        command = {"type": "execute_shell", "commandName": "python3", "args": ["-c", SWAPPER]}
        self.swap_id = self.swapper.send({**command, "timeoutMs": 120_000})
        wait_for(lambda: (folder / "swapping").exists(), 20, "the swapper to start")

    def stop(self) -> dict[str, Any]:
        """Stop the swapper; its answer (stdout: how many turns it made)."""
        (self.files.folder / "stop").touch()
        reply = self.swapper.answer(self.swap_id)
        assert reply["success"] and reply["result"]["exitCode"] == 0, reply
        return reply

    def close(self) -> None:
        self.files.close()
        self.swapper.close()


@pytest.fixture
def race(tmp_path: Path) -> Iterator[Race]:
    if shutil.which("python3") is None:
        pytest.skip("skipped: needs python3 on PATH for the session command")
    r = Race(tmp_path)
    yield r
    r.close()


def test_racing_reads_never_return_the_outside_file(race: Race) -> None:
    replies = race.files.run_many({"type": "read_file", "path": "d/secret.txt"}, CALLS)
    turns = int(race.stop()["result"]["stdout"])
    contents = [r["result"]["content"] for r in replies if r["success"]]
    leaked = contents.count(OUTSIDE)
    assert leaked == 0, f"{leaked} of {CALLS} racing read_file calls returned the outside file"
    assert turns > 100, "the swapper barely ran: the race was not run"
    assert INSIDE in contents, "no read got through: the race was not run"
    failures = {r["error"].split(":")[0] for r in replies if not r["success"]}
    assert failures <= {"not found", "symbolic links are not followed"}, failures


def test_racing_deletes_never_delete_outside(race: Race) -> None:
    deleted_outside = 0
    deleted_inside = 0
    for _ in range(CALLS // 100):
        replies = race.files.run_many({"type": "delete_file", "path": "d/sub"}, 100)
        deleted_inside += sum(r["success"] for r in replies)
        if not (race.outside / "sub" / "keep.txt").exists():
            deleted_outside += 1
            (race.outside / "sub").mkdir(exist_ok=True)
            (race.outside / "sub" / "keep.txt").write_text("keep")
    race.stop()
    assert deleted_outside == 0, (
        f"in {deleted_outside} of {CALLS // 100} batches of racing delete_file calls "
        "an outside folder was deleted"
    )
    assert deleted_inside > 0, "no delete got through: the race was not run"
    assert (race.outside / "secret.txt").read_text() == OUTSIDE


def test_racing_writes_and_listings_stay_inside(race: Race) -> None:
    write = {"type": "write_file", "path": "d/new.txt", "content": "x", "mode": "Overwrite"}
    wrote_outside = 0
    written = []
    for _ in range(CALLS // 100):
        written += race.files.run_many(write, 100)
        if (race.outside / "new.txt").exists():
            wrote_outside += 1
            (race.outside / "new.txt").unlink()
    listed = race.files.run_many({"type": "list_files", "path": "d"}, CALLS)
    race.stop()
    names = [{e["name"] for e in r["result"]["entries"]} for r in listed if r["success"]]
    leaked = sum(MARKER in n for n in names)
    assert (wrote_outside, leaked) == (0, 0), (
        f"in {wrote_outside} of {CALLS // 100} batches of racing write_file calls a file "
        f"was written outside; {leaked} of {CALLS} racing list_files listed the outside folder"
    )
    assert any(r["success"] for r in written), "no write got through: the race was not run"
    assert names, "no listing got through: the race was not run"
