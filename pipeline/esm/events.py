"""What the poller reports as it works: typed events for the CLI, the demo and the tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.esm.batch import ParkedBatch, StreamEntry
from pipeline.runtime.invoker import InvokeResult


@dataclass(frozen=True)
class Invoked:
    """The function was invoked with ``entries`` and answered ``result``."""

    shard_id: str
    entries: tuple[StreamEntry, ...]
    result: InvokeResult

    @property
    def sequence_numbers(self) -> list[str]:
        """The invocation's sequence numbers, in order."""
        return [entry.sequence_number for entry in self.entries]


@dataclass(frozen=True)
class Parked:
    """A batch was given up: sent to the on-failure destination, or discarded without one."""

    shard_id: str
    entries: tuple[StreamEntry, ...]
    batch: ParkedBatch


@dataclass(frozen=True)
class Trimmed:
    """The shard's checkpoint was past the stream's retention: reading restarted at the trim horizon."""

    shard_id: str
    checkpoint: str | None


PollerEvent = Invoked | Parked | Trimmed
Listener = Callable[[PollerEvent], None]
