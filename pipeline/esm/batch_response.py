"""How Lambda reads a stream function's answer when ReportBatchItemFailures is on.

From the Lambda developer guide (partial batch responses for DynamoDB) and AWS recordings:

* success: ``None``, ``{}``, ``[]``, ``{"batchItemFailures": []}``, ``{"batchItemFailures": null}``
  (any answer that does not report failures);
* partial failure: ``{"batchItemFailures": [{"itemIdentifier": "<SequenceNumber>"}, ...]}`` -
  Lambda checkpoints before the LOWEST failed sequence number and retries from it;
* invalid (the whole batch failed): an item that is not an object, lacks ``itemIdentifier``,
  or whose identifier is null, empty, not a string, or not a sequence number of the batch.

Without ReportBatchItemFailures the answer is ignored: a normal return is a success.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.stream.shards import seq_key


class Verdict(enum.StrEnum):
    """What the answer means for the batch."""

    SUCCESS = "success"
    PARTIAL = "partial"
    INVALID = "invalid"


@dataclass(frozen=True)
class BatchOutcome:
    """The verdict, and for PARTIAL the index in the batch of the lowest failed record."""

    verdict: Verdict
    first_failed_index: int | None = None
    reason: str = ""


def evaluate_response(
    payload: Any, sequence_numbers: Sequence[str], report_item_failures: bool
) -> BatchOutcome:
    """Classify a normal (non-error) return value for a batch with these sequence numbers."""
    if not report_item_failures:
        return BatchOutcome(Verdict.SUCCESS)
    if not isinstance(payload, dict):
        # None, [] and other non-objects report no failures.
        return BatchOutcome(Verdict.SUCCESS)
    failures = payload.get("batchItemFailures")
    if failures is None or failures == []:
        return BatchOutcome(Verdict.SUCCESS)
    if not isinstance(failures, list):
        return BatchOutcome(Verdict.INVALID, reason="batchItemFailures is not a list")
    index_of = {number: index for index, number in enumerate(sequence_numbers)}
    lowest: int | None = None
    for item in failures:
        if not isinstance(item, dict) or "itemIdentifier" not in item:
            return BatchOutcome(Verdict.INVALID, reason=f"item without itemIdentifier: {item!r}")
        identifier = item["itemIdentifier"]
        if not isinstance(identifier, str) or not identifier:
            return BatchOutcome(
                Verdict.INVALID, reason=f"itemIdentifier must be a non-empty string: {identifier!r}"
            )
        if identifier not in index_of:
            return BatchOutcome(Verdict.INVALID, reason=f"itemIdentifier {identifier!r} is not in the batch")
        position = index_of[identifier]
        if lowest is None or seq_key(sequence_numbers[position]) < seq_key(sequence_numbers[lowest]):
            lowest = position
    return BatchOutcome(Verdict.PARTIAL, first_failed_index=lowest)
