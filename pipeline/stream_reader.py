"""Reading a DynamoDB stream: shard discovery, lineage, iterators and GetRecords loops.

A DynamoDB stream is a tree of shards: a shard closes (gets an ending sequence number) and
children continue its key range. Records are ordered per shard only, so a child is read only
after its parent is drained - this is how the event source mapping keeps "in order per shard,
across shards as they split". Shard iterators expire after 15 minutes; a reader renews its
iterator from the last sequence number it returned, so no record is skipped or repeated.
"""

from __future__ import annotations

import base64
import enum
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from pipeline.errors import StreamNotFoundError

GET_RECORDS_LIMIT = 1000  # the DynamoDB Streams API maximum
THROTTLING_CODES = frozenset(
    {
        "LimitExceededException",
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "InternalServerError",
    }
)


class IteratorType(enum.StrEnum):
    """GetShardIterator's ShardIteratorType values."""

    TRIM_HORIZON = "TRIM_HORIZON"
    LATEST = "LATEST"
    AT_SEQUENCE_NUMBER = "AT_SEQUENCE_NUMBER"
    AFTER_SEQUENCE_NUMBER = "AFTER_SEQUENCE_NUMBER"


@dataclass(frozen=True)
class Position:
    """Where to start reading a shard."""

    kind: IteratorType
    sequence_number: str | None = None

    @classmethod
    def trim_horizon(cls) -> Position:
        """The oldest record still in the stream."""
        return cls(IteratorType.TRIM_HORIZON)

    @classmethod
    def after(cls, sequence_number: str) -> Position:
        """Resume after a checkpoint."""
        return cls(IteratorType.AFTER_SEQUENCE_NUMBER, sequence_number)

    @classmethod
    def at(cls, sequence_number: str) -> Position:
        """Start at a given record (redrive)."""
        return cls(IteratorType.AT_SEQUENCE_NUMBER, sequence_number)


@dataclass(frozen=True)
class Shard:
    """One shard as DescribeStream reports it."""

    shard_id: str
    parent_shard_id: str | None
    starting_sequence_number: str
    ending_sequence_number: str | None

    @property
    def closed(self) -> bool:
        """A closed shard receives no new records; it ends once its records are read."""
        return self.ending_sequence_number is not None


@dataclass(frozen=True)
class StreamDescription:
    """The parts of DescribeStream the pipeline uses."""

    stream_arn: str
    status: str
    view_type: str
    table_name: str
    shards: tuple[Shard, ...]


def seq_key(sequence_number: str) -> int:
    """Sequence numbers are decimal strings of varying length: compare them as integers."""
    return int(sequence_number)


def region_of(arn: str) -> str:
    """The region field of an ARN."""
    return arn.split(":")[3]


def _stream_missing(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") in ("ResourceNotFoundException", "ValidationException")


def describe_stream(client: Any, stream_arn: str) -> StreamDescription:
    """DescribeStream with pagination over the shard list (``LastEvaluatedShardId``)."""
    shards: list[Shard] = []
    kwargs: dict[str, Any] = {"StreamArn": stream_arn}
    while True:
        try:
            description = client.describe_stream(**kwargs)["StreamDescription"]
        except ClientError as exc:
            if _stream_missing(exc):
                raise StreamNotFoundError(f"stream not found: {stream_arn} ({exc})") from exc
            raise
        for shard in description.get("Shards", []):
            numbers = shard.get("SequenceNumberRange", {})
            shards.append(
                Shard(
                    shard_id=shard["ShardId"],
                    parent_shard_id=shard.get("ParentShardId"),
                    starting_sequence_number=str(numbers.get("StartingSequenceNumber", "0")),
                    ending_sequence_number=numbers.get("EndingSequenceNumber"),
                )
            )
        last = description.get("LastEvaluatedShardId")
        if not last:
            return StreamDescription(
                stream_arn=stream_arn,
                status=str(description.get("StreamStatus", "")),
                view_type=str(description.get("StreamViewType", "")),
                table_name=str(description.get("TableName", "")),
                shards=tuple(shards),
            )
        kwargs["ExclusiveStartShardId"] = last


def stream_arn_for_table(dynamodb: Any, table_name: str) -> str:
    """The table's latest stream ARN; a table without a stream is a user error."""
    try:
        table = dynamodb.describe_table(TableName=table_name)["Table"]
    except ClientError as exc:
        raise StreamNotFoundError(f"table {table_name!r} not found: {exc}") from exc
    arn = table.get("LatestStreamArn")
    if not arn or not table.get("StreamSpecification", {}).get("StreamEnabled", False):
        raise StreamNotFoundError(f"table {table_name!r} has no enabled stream")
    return str(arn)


def ready_shards(shards: Iterable[Shard], finished: set[str], started: set[str]) -> list[Shard]:
    """Shards that may be read now: not yet started or finished, and whose parent is done.

    A parent that is no longer listed was trimmed (older than 24 hours), so its children
    are ready. Returned oldest first so parents are always started before their children.
    """
    listed = list(shards)
    known = {shard.shard_id for shard in listed}
    ready = [
        shard
        for shard in listed
        if shard.shard_id not in finished
        and shard.shard_id not in started
        and (
            shard.parent_shard_id is None
            or shard.parent_shard_id not in known
            or shard.parent_shard_id in finished
        )
    ]
    return sorted(ready, key=lambda shard: seq_key(shard.starting_sequence_number))


@dataclass
class ReadResult:
    """One GetRecords page: raw records (boto3 shapes) and whether the shard has ended."""

    records: list[dict[str, Any]]
    shard_ended: bool
    trimmed: bool = (
        False  # the requested position was past the retention: reading restarted at the trim horizon
    )


@dataclass
class ShardReader:
    """A GetRecords loop over one shard that survives iterator expiry.

    ``read()`` returns the next page; ``shard_ended`` is True once a closed shard has no more
    records (GetRecords returned no NextShardIterator).
    """

    client: Any
    stream_arn: str
    shard_id: str
    start: Position
    last_sequence_number: str | None = None
    ended: bool = False
    _iterator: str | None = field(default=None, repr=False)

    def _position(self) -> Position:
        if self.last_sequence_number is not None:
            return Position.after(self.last_sequence_number)
        return self.start

    def _new_iterator(self) -> tuple[str | None, bool]:
        position = self._position()
        kwargs: dict[str, Any] = {
            "StreamArn": self.stream_arn,
            "ShardId": self.shard_id,
            "ShardIteratorType": position.kind.value,
        }
        if position.sequence_number is not None:
            kwargs["SequenceNumber"] = position.sequence_number
        try:
            return self.client.get_shard_iterator(**kwargs).get("ShardIterator"), False
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "TrimmedDataAccessException":
                raise
        # The checkpoint is older than the stream's retention: what was there is gone.
        kwargs = {"StreamArn": self.stream_arn, "ShardId": self.shard_id, "ShardIteratorType": "TRIM_HORIZON"}
        return self.client.get_shard_iterator(**kwargs).get("ShardIterator"), True

    def read(self, limit: int = GET_RECORDS_LIMIT) -> ReadResult:
        """The next page of records (possibly empty)."""
        if self.ended:
            return ReadResult([], shard_ended=True)
        trimmed = False
        for _ in range(3):
            if self._iterator is None:
                self._iterator, trimmed = self._new_iterator()
                if self._iterator is None:
                    self.ended = True
                    return ReadResult([], shard_ended=True, trimmed=trimmed)
            try:
                response = self.client.get_records(ShardIterator=self._iterator, Limit=limit)
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code")
                if code in ("ExpiredIteratorException", "TrimmedDataAccessException"):
                    self._iterator = None  # renew from the last record returned
                    continue
                if code in THROTTLING_CODES:
                    # The SDK already retried; an empty page makes the caller wait a poll interval.
                    return ReadResult([], shard_ended=False)
                raise
            records: list[dict[str, Any]] = response.get("Records", [])
            if records:
                self.last_sequence_number = str(records[-1]["dynamodb"]["SequenceNumber"])
            self._iterator = response.get("NextShardIterator")
            if self._iterator is None:
                self.ended = True
            return ReadResult(records, shard_ended=self.ended, trimmed=trimmed)
        raise RuntimeError(f"could not get a valid shard iterator for {self.shard_id}")


def _attribute_to_json(value: dict[str, Any]) -> dict[str, Any]:
    """boto3 decodes B/BS to bytes; the Lambda event carries them base64-encoded."""
    (kind, inner), *_ = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode("ascii")}
    if kind == "BS":
        return {"BS": [base64.b64encode(item).decode("ascii") for item in inner]}
    if kind == "M":
        return {"M": {name: _attribute_to_json(item) for name, item in inner.items()}}
    if kind == "L":
        return {"L": [_attribute_to_json(item) for item in inner]}
    return {kind: inner}


def _image_to_json(image: dict[str, Any]) -> dict[str, Any]:
    return {name: _attribute_to_json(value) for name, value in image.items()}


def creation_epoch_seconds(raw: dict[str, Any]) -> float:
    """ApproximateCreationDateTime as Lambda sends it: float epoch seconds, whole seconds."""
    created = raw["dynamodb"].get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        return float(int(created.timestamp()))
    if created is None:
        return float(int(time.time()))
    return float(int(float(created)))


def to_lambda_record(raw: dict[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A GetRecords record (boto3 shapes) in the exact shape of a Lambda event record.

    Lambda adds eventSource, awsRegion and eventSourceARN; ApproximateCreationDateTime is a
    float of epoch seconds; binary attributes are base64 strings. Key order follows AWS.
    """
    source = raw["dynamodb"]
    dynamodb: dict[str, Any] = {"ApproximateCreationDateTime": creation_epoch_seconds(raw)}
    for name in ("Keys", "NewImage", "OldImage"):
        if name in source:
            dynamodb[name] = _image_to_json(source[name])
    dynamodb["SequenceNumber"] = str(source["SequenceNumber"])
    dynamodb["SizeBytes"] = source.get("SizeBytes", 0)
    dynamodb["StreamViewType"] = source.get("StreamViewType", "")
    record: dict[str, Any] = {
        "eventID": raw.get("eventID", ""),
        "eventName": raw.get("eventName", ""),
        "eventVersion": raw.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }
    if "userIdentity" in raw:  # TTL deletions carry the DynamoDB service principal
        record["userIdentity"] = raw["userIdentity"]
    return record
