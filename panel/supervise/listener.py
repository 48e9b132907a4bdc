"""`ProcessListener`: an owner told of a child's events by a direct call."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from panel.supervise.process import ManagedProcess
    from panel.supervise.state import ProcessState


class ProcessListener(Protocol):
    """Told directly of a `ManagedProcess`'s start, output and state changes.

    Meant for an owner of many short-lived children (the job engine): a direct
    call costs a fraction of a signal delivered to a Python slot, and needs no
    connections per child. Each call comes right after the matching signal
    (`sig_started`, `sig_output`, `sig_state_changed`) has been emitted.
    """

    def process_started(self, process: ManagedProcess, pid: int) -> None:
        """The child runs, with this pid."""

    def process_output(self, process: ManagedProcess, stream: str, data: bytes) -> None:
        """A chunk of the child's "stdout" or "stderr"."""

    def process_state_changed(
        self, process: ManagedProcess, new: ProcessState, old: ProcessState
    ) -> None:
        """The process went from `old` to `new`."""
