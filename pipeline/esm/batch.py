"""Records read from a shard and the batches the mapping hands to the function."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

from pipeline.esm.on_failure import OnFailureMessage

# A synchronous invocation's request payload is limited to 6 MB; Lambda caps batches to fit.
MAX_PAYLOAD_BYTES: Final = 6 * 1024 * 1024
PAYLOAD_OVERHEAD: Final = len('{"Records":[]}')


@dataclass
class StreamEntry:
    """One record read from the shard."""

    record: dict[str, Any]  # Lambda event shape
    sequence_number: str
    matched: bool
    previous: str | None  # the sequence number read just before it (a filtered-out record's, possibly)
    created: float  # ApproximateCreationDateTime, epoch seconds
    size: int  # bytes of the record in the invocation payload (0 when filtered out: never sent)
    delivered: bool = False

    @classmethod
    def read(cls, record: dict[str, Any], matched: bool, previous: str | None) -> StreamEntry:
        """An entry for a record in Lambda's shape, as the filters judged it."""
        dynamodb = record["dynamodb"]
        size = len(json.dumps(record, separators=(",", ":"))) if matched else 0
        return cls(
            record,
            str(dynamodb["SequenceNumber"]),
            matched,
            previous,
            dynamodb["ApproximateCreationDateTime"],
            size,
        )


@dataclass
class Batch:
    """Records handed to the function together (with ParallelizationFactor > 1, one lane's records)."""

    entries: list[StreamEntry]
    attempts: int = 0  # invocations of exactly this batch

    @property
    def sequence_numbers(self) -> list[str]:
        """The batch's sequence numbers, in order."""
        return [entry.sequence_number for entry in self.entries]

    def event(self) -> dict[str, Any]:
        """The invocation payload."""
        return {"Records": [entry.record for entry in self.entries]}


@dataclass(frozen=True)
class ParkedBatch:
    """A batch given up, with the on-failure record made for it (for summaries and tests).

    ``sent`` is False when the mapping has no destination: the batch was discarded, as on AWS.
    """

    message: OnFailureMessage
    sequence_numbers: list[str]
    records: list[dict[str, Any]]
    sent: bool = True
