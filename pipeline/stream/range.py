"""Read exactly the stream records between two sequence numbers of one shard.

An on-failure message names a shard and the first and last sequence numbers of the batch that was
given up. To reprocess it, :func:`read_range` opens the shard AT the first sequence number and
reads through :class:`~pipeline.stream.reader.ShardReader` until it has passed the last one (or
the shard ends, or is caught up). Records outside the range are never returned.

What can no longer be read is reported as :class:`RecordsUnavailableError` with a reason, never
silently skipped:

* ``trimmed``: the records are older than the stream's 24-hour retention
  (``TrimmedDataAccessException``, or a start below the shard's first sequence number);
* ``expired-shard``: the shard is no longer part of the stream (shards are deleted once their
  records have all expired; ``ResourceNotFoundException`` on the shard);
* ``stream-not-found``: the stream itself does not exist (table deleted, stream disabled);
* ``incomplete``: the read ended before reaching the last sequence number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from pipeline.errors import StreamNotFoundError
from pipeline.stream.reader import ShardReader
from pipeline.stream.shards import Position, Shard, describe_stream, error_code, seq_key

__all__ = ["RangeRead", "RecordsUnavailableError", "find_shard", "read_range"]


class RecordsUnavailableError(Exception):
    """The records of a range can no longer be read from the stream."""

    def __init__(self, reason: str, detail: str) -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}")


@dataclass(frozen=True)
class RangeRead:
    """The raw ``GetRecords`` records of a range, in stream order, and how many pages it took."""

    records: list[dict[str, Any]]
    pages: int


def find_shard(streams: Any, stream_arn: str, shard_id: str) -> Shard | None:
    """The shard as DescribeStream lists it, or None if the stream has no such shard (any more)."""
    try:
        description = describe_stream(streams, stream_arn)
    except StreamNotFoundError as exc:
        raise RecordsUnavailableError(
            "stream-not-found",
            f"stream {stream_arn} does not exist (table deleted or stream disabled)",
        ) from exc
    return description.shard(shard_id)


def read_range(streams: Any, stream_arn: str, shard_id: str, start: str, end: str) -> RangeRead:
    """The records with ``start <= SequenceNumber <= end`` of one shard, in order.

    Sequence numbers are compared as integers: they are decimal strings of varying length, so a
    string comparison would put "9" after "10".
    """
    first, last = seq_key(start), seq_key(end)
    if last < first:
        raise ValueError(f"end sequence number {end} is before start {start}")
    shard = find_shard(streams, stream_arn, shard_id)
    if shard is None:
        raise RecordsUnavailableError(
            "expired-shard",
            f"shard {shard_id} is no longer in stream {stream_arn}: its records are past the "
            "stream's 24-hour retention",
        )
    shard_first = seq_key(shard.starting_sequence_number)
    if first < shard_first:
        raise RecordsUnavailableError(
            "trimmed",
            f"sequence number {start} is before the oldest record of shard {shard_id} ({shard_first}): "
            "trimmed after the stream's 24-hour retention",
        )
    reader = ShardReader(streams, stream_arn, shard_id, Position.at(start), restart_when_trimmed=False)
    records: list[dict[str, Any]] = []
    pages = 0
    try:
        for page in reader.pages_until_caught_up():
            pages += 1
            for record in page.records:
                sequence = seq_key(record["dynamodb"]["SequenceNumber"])
                if first <= sequence <= last:
                    records.append(record)
                if sequence >= last:
                    return _complete(records, pages, shard_id, start, end)
    except ClientError as exc:
        raise _unavailable(exc, shard_id, start) from exc
    return _complete(records, pages, shard_id, start, end)


def _complete(records: list[dict[str, Any]], pages: int, shard_id: str, start: str, end: str) -> RangeRead:
    if not records or seq_key(records[-1]["dynamodb"]["SequenceNumber"]) != seq_key(end):
        seen = records[-1]["dynamodb"]["SequenceNumber"] if records else "none"
        raise RecordsUnavailableError(
            "incomplete",
            f"read {len(records)} record(s) of shard {shard_id} from {start} but not the last one ({end}); "
            f"last read: {seen}",
        )
    return RangeRead(records, pages)


def _unavailable(exc: ClientError, shard_id: str, sequence: str) -> BaseException:
    code = error_code(exc)
    if code == "TrimmedDataAccessException":
        return RecordsUnavailableError(
            "trimmed",
            f"records of shard {shard_id} from {sequence} are past the stream's 24-hour retention ({code})",
        )
    if code == "ResourceNotFoundException":
        return RecordsUnavailableError("expired-shard", f"shard {shard_id} no longer exists ({code})")
    passthrough: BaseException = exc
    return passthrough
