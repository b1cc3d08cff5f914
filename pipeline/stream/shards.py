"""A DynamoDB stream's shards, as DescribeStream lists them, and the order to read them in.

A DynamoDB stream is a tree of shards: a shard closes (gets an ending sequence number) and
children continue its key range. Records are ordered per shard only, so a child is read only
after its parent is drained - this is how the event source mapping keeps "in order per shard,
across shards as they split".
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from pipeline.errors import StreamNotFoundError


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
    def latest(cls) -> Position:
        """Only records written from now on."""
        return cls(IteratorType.LATEST)

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

    def shard(self, shard_id: str) -> Shard | None:
        """The listed shard with this id (None: not, or no longer, part of the stream)."""
        return next((shard for shard in self.shards if shard.shard_id == shard_id), None)


def seq_key(sequence_number: str) -> int:
    """Sequence numbers are decimal strings of varying length: compare them as integers."""
    return int(sequence_number)


def is_sequence_number(text: object) -> bool:
    """A DynamoDB Streams sequence number: a non-empty string of decimal digits."""
    return isinstance(text, str) and text.isascii() and text.isdigit()


def error_code(exc: ClientError) -> str:
    """The AWS error code of a failed call."""
    return str(exc.response.get("Error", {}).get("Code", ""))


def describe_stream(client: Any, stream_arn: str) -> StreamDescription:
    """DescribeStream with pagination over the shard list (``LastEvaluatedShardId``)."""
    shards: list[Shard] = []
    kwargs: dict[str, Any] = {"StreamArn": stream_arn}
    while True:
        try:
            description = client.describe_stream(**kwargs)["StreamDescription"]
        except ClientError as exc:
            if error_code(exc) in ("ResourceNotFoundException", "ValidationException"):
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


def lineage_order(shards: Iterable[Shard]) -> list[Shard]:
    """Every shard, each after its parent: the order a reader of the whole stream follows."""
    remaining = list(shards)
    ordered: list[Shard] = []
    finished: set[str] = set()
    while ready := ready_shards(remaining, finished, started=set()):
        ordered.extend(ready)
        finished.update(shard.shard_id for shard in ready)
    return ordered
