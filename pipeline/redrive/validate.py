"""Which messages a redrive may act on: each pointer is checked before anything is read or invoked.

A message is parked by the mapping, but anyone who can send to the queue (or write to the bucket)
can put a body there, and bodies get edited by hand. A message that fails these checks is
reported and kept (or moved, by flag), and the run goes on:

* ``streamArn`` is a DynamoDB stream ARN (:func:`pipeline.aws.arn.parse_stream_arn`) and the
  stream this run redrives (``--stream-arn``, or else the stream of the first valid message, so
  one run never runs another stream's records through the function);
* ``shardId`` has the shape of a shard id (``shardId-``, 28 to 65 characters, as the DynamoDB
  Streams API bounds it);
* both sequence numbers are decimal strings of 21 to 40 digits (the API's bounds) and start <= end;
* ``batchSize``, when present, is a positive integer;
* an S3 object's ``payload.Records`` are that batch: ``batchSize`` records of this stream, in
  increasing sequence-number order, from ``startSequenceNumber`` to ``endSequenceNumber``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pipeline.aws.arn import parse_stream_arn
from pipeline.errors import InputError
from pipeline.esm.on_failure import FailurePointer
from pipeline.stream.shards import seq_key

_SHARD_ID: Final = re.compile(r"shardId-[A-Za-z0-9-]{20,57}")
_SEQUENCE_NUMBER: Final = re.compile(r"[0-9]{21,40}")


class InvalidMessageError(ValueError):
    """The message is an on-failure record, but not one this run may redrive; the text says why."""


@dataclass
class StreamScope:
    """The stream a run redrives: given, or fixed by the first valid message."""

    stream_arn: str | None = None
    given: bool = False

    @classmethod
    def of(cls, stream_arn: str | None) -> StreamScope:
        if stream_arn is not None:
            try:
                parse_stream_arn(stream_arn)
            except ValueError as exc:
                raise InputError(f"--stream-arn: {exc}") from exc
        return cls(stream_arn, given=stream_arn is not None)

    def check(self, stream_arn: str) -> None:
        """Accept ``stream_arn`` if it is the run's stream (the first accepted one fixes it)."""
        if self.stream_arn is None:
            self.stream_arn = stream_arn
        elif stream_arn != self.stream_arn:
            origin = "given with --stream-arn" if self.given else "of the first message; pass --stream-arn"
            raise InvalidMessageError(
                f"for stream {stream_arn}, but this run redrives {self.stream_arn} ({origin})"
            )


def _sequence(info: Mapping[str, Any], name: str) -> int:
    value = info.get(name)
    if not isinstance(value, str) or not _SEQUENCE_NUMBER.fullmatch(value):
        raise InvalidMessageError(f"DDBStreamBatchInfo.{name} is not a sequence number: {value!r}")
    return seq_key(value)


def validate_pointer(pointer: FailurePointer, scope: StreamScope) -> None:
    """Raise :class:`InvalidMessageError` unless the message points at a batch this run may redrive."""
    info = pointer.body.get("DDBStreamBatchInfo", {})
    try:
        parse_stream_arn(pointer.stream_arn)
    except ValueError as exc:
        raise InvalidMessageError(f"DDBStreamBatchInfo.streamArn: {exc}") from exc
    if not _SHARD_ID.fullmatch(pointer.shard_id):
        raise InvalidMessageError(f"DDBStreamBatchInfo.shardId is not a shard id: {pointer.shard_id!r}")
    start, end = _sequence(info, "startSequenceNumber"), _sequence(info, "endSequenceNumber")
    if start > end:
        raise InvalidMessageError(
            f"impossible range: startSequenceNumber {pointer.start_sequence_number} is after "
            f"endSequenceNumber {pointer.end_sequence_number}"
        )
    size = info.get("batchSize")
    if "batchSize" in info and (not isinstance(size, int) or isinstance(size, bool) or size < 1):
        raise InvalidMessageError(f"DDBStreamBatchInfo.batchSize is not a positive integer: {size!r}")
    if pointer.records is not None:
        validate_payload(pointer, pointer.records, start, end)
    scope.check(pointer.stream_arn)


def validate_payload(
    pointer: FailurePointer, records: Sequence[Mapping[str, Any]], start: int, end: int
) -> None:
    """The S3 object's records are exactly the batch its DDBStreamBatchInfo describes."""
    if not records:
        raise InvalidMessageError("payload.Records is empty")
    if pointer.batch_size and len(records) != pointer.batch_size:
        raise InvalidMessageError(
            f"payload.Records holds {len(records)} record(s), "
            f"DDBStreamBatchInfo.batchSize says {pointer.batch_size}"
        )
    previous = -1
    for index, record in enumerate(records):
        dynamodb = record.get("dynamodb")
        sequence = dynamodb.get("SequenceNumber") if isinstance(dynamodb, Mapping) else None
        where = f"payload.Records[{index}]"
        if not isinstance(sequence, str) or not _SEQUENCE_NUMBER.fullmatch(sequence):
            raise InvalidMessageError(
                f"{where}.dynamodb.SequenceNumber is not a sequence number: {sequence!r}"
            )
        if record.get("eventSourceARN") != pointer.stream_arn:
            raise InvalidMessageError(
                f"{where}.eventSourceARN is not the message's stream: {record.get('eventSourceARN')!r}"
            )
        if not isinstance(record.get("eventName"), str):
            raise InvalidMessageError(f"{where}.eventName is missing")
        number = seq_key(sequence)
        if number <= previous or not start <= number <= end:
            raise InvalidMessageError(
                f"{where}: sequence number {sequence} is out of order or outside "
                f"{pointer.start_sequence_number}..{pointer.end_sequence_number}"
            )
        previous = number
    first, last = (str(record["dynamodb"]["SequenceNumber"]) for record in (records[0], records[-1]))
    if seq_key(first) != start or seq_key(last) != end:
        raise InvalidMessageError(
            f"payload.Records run {first}..{last}, the message says "
            f"{pointer.start_sequence_number}..{pointer.end_sequence_number}"
        )
