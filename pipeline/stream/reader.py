"""The one GetRecords loop: a shard reader that survives iterator expiry, and the walks built on it.

Shard iterators expire after 15 minutes; the reader renews its iterator from the last sequence
number it returned, so no record is skipped or repeated. Every consumer of a stream in this
project - the poller, redrive's range read, ``filter test``, the demo and the tests - reads
through :class:`ShardReader`, and the ones that read "everything there is now" stop after the
same :data:`CAUGHT_UP_EMPTY_PAGES` empty pages of an open shard.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from botocore.exceptions import ClientError

from pipeline.stream.records import to_lambda_record
from pipeline.stream.shards import Position, describe_stream, error_code, lineage_order

GET_RECORDS_LIMIT: Final = 1000  # the DynamoDB Streams API maximum
#: An open shard never ends; a reader that wants "what is there now" stops after this many empty
#: pages in a row (an open shard may answer an empty page although records follow).
CAUGHT_UP_EMPTY_PAGES: Final = 3
THROTTLING_CODES: Final = frozenset(
    {
        "LimitExceededException",
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "InternalServerError",
    }
)
#: Errors that mean "get a new iterator from where you are" rather than "give up".
RENEW_CODES: Final = frozenset({"ExpiredIteratorException", "TrimmedDataAccessException"})


@dataclass
class ReadResult:
    """One GetRecords page: raw records (boto3 shapes) and whether the shard has ended."""

    records: list[dict[str, Any]]
    shard_ended: bool
    #: The requested position was past the retention: reading restarted at the trim horizon.
    trimmed: bool = False


@dataclass
class ShardReader:
    """A GetRecords loop over one shard that survives iterator expiry.

    ``read()`` returns the next page; ``ended`` is True once a closed shard has no more records
    (GetRecords returned no NextShardIterator). With ``restart_when_trimmed`` (the mapping's
    behaviour) a position older than the stream's retention restarts at the trim horizon and the
    page says ``trimmed``; without it (redrive, which must never read other records than asked
    for) the ``TrimmedDataAccessException`` is raised.
    """

    client: Any
    stream_arn: str
    shard_id: str
    start: Position
    restart_when_trimmed: bool = True
    last_sequence_number: str | None = None
    ended: bool = False
    _iterator: str | None = field(default=None, repr=False)

    def _position(self) -> Position:
        if self.last_sequence_number is not None:
            return Position.after(self.last_sequence_number)
        return self.start

    def _get_iterator(self, position: Position) -> str | None:
        kwargs: dict[str, Any] = {
            "StreamArn": self.stream_arn,
            "ShardId": self.shard_id,
            "ShardIteratorType": position.kind.value,
        }
        if position.sequence_number is not None:
            kwargs["SequenceNumber"] = position.sequence_number
        iterator = self.client.get_shard_iterator(**kwargs).get("ShardIterator")
        return str(iterator) if iterator else None

    def _new_iterator(self) -> tuple[str | None, bool]:
        try:
            return self._get_iterator(self._position()), False
        except ClientError as exc:
            if error_code(exc) != "TrimmedDataAccessException" or not self.restart_when_trimmed:
                raise
        # The checkpoint is older than the stream's retention: what was there is gone.
        return self._get_iterator(Position.trim_horizon()), True

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
                code = error_code(exc)
                if code in RENEW_CODES:
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

    def pages_until_caught_up(self, limit: int = GET_RECORDS_LIMIT) -> Iterator[ReadResult]:
        """Pages until the shard ended or :data:`CAUGHT_UP_EMPTY_PAGES` empty pages came in a row."""
        empty = 0
        while not self.ended and empty < CAUGHT_UP_EMPTY_PAGES:
            page = self.read(limit)
            empty = 0 if page.records else empty + 1
            yield page


def read_raw_stream(streams: Any, stream_arn: str) -> Iterator[dict[str, Any]]:
    """Every GetRecords record (boto3 shapes) of every shard from TRIM_HORIZON, parents first.

    Each shard is read until it ended or is caught up.
    """
    for shard in lineage_order(describe_stream(streams, stream_arn).shards):
        reader = ShardReader(streams, stream_arn, shard.shard_id, Position.trim_horizon())
        for page in reader.pages_until_caught_up():
            yield from page.records


def read_stream(streams: Any, stream_arn: str, region: str) -> Iterator[dict[str, Any]]:
    """:func:`read_raw_stream` in Lambda's record shape.

    This is what ``filter test --stream-arn``, the demo's accounting and the tests use to see the
    stream as the mapping would.
    """
    for raw in read_raw_stream(streams, stream_arn):
        yield to_lambda_record(raw, stream_arn, region)
