"""Which records of a shard are done, and so where its checkpoint is.

With ParallelizationFactor > 1 the batches of a shard finish out of order, so the checkpoint is
the position before the OLDEST record not done yet (or the last record read when all are done):
everything up to it was processed, filtered out or given up, and a restart resumes after it.
Filtered-out records are done when read and are not kept: only matching records wait here, so
a long run of filtered-out records costs no memory.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable


class ShardProgress:
    """Outstanding records in read (= sequence-number) order; not thread-safe (the shard's lock guards it)."""

    def __init__(self, checkpoint: str | None) -> None:
        #: sequence number -> the one read just before it (the checkpoint while it is outstanding)
        self._outstanding: OrderedDict[str, str | None] = OrderedDict()
        self.last_read = checkpoint

    def read(self, sequence_number: str, matched: bool) -> str | None:
        """Note a record read from the shard; returns the sequence number read before it."""
        previous = self.last_read
        if matched:
            self._outstanding[sequence_number] = previous
        self.last_read = sequence_number
        return previous

    def done(self, sequence_numbers: Iterable[str]) -> None:
        """These records are processed or given up."""
        for sequence_number in sequence_numbers:
            self._outstanding.pop(sequence_number, None)

    def is_outstanding(self, sequence_number: str) -> bool:
        """The record was read and is not done yet."""
        return sequence_number in self._outstanding

    @property
    def outstanding(self) -> int:
        """Matching records read and not done."""
        return len(self._outstanding)

    def checkpoint(self) -> str | None:
        """The last sequence number with every record up to it done (None: none yet)."""
        if self._outstanding:
            return next(iter(self._outstanding.values()))
        return self.last_read
