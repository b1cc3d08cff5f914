"""Reading a batch's range in situations moto cannot produce (its shards never close, it never trims):
a closed shard, TrimmedDataAccessException, an expired shard, an expired iterator, empty pages.

botocore's Stubber stands in for the DynamoDB Streams API: each test lists the exact requests the
reader must make, in order, and the answers AWS gives.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from pipeline.stream.range import RecordsUnavailableError, read_range
from pipeline.stream.reader import CAUGHT_UP_EMPTY_PAGES

ARN = "arn:aws:dynamodb:us-east-1:111111111111:table/t/stream/2026-11-22T00:00:00.000"
SHARD = "shardId-00000001700000000000-1a2b3c4d"
ITERATOR = "iterator-" + "x" * 40
BASE = 700000000000888747000  # real sequence numbers have at least 21 digits


def seq(offset: int) -> str:
    return str(BASE + offset)


def _record(offset: int) -> dict[str, Any]:
    return {
        "eventID": f"e{offset}",
        "eventName": "INSERT",
        "dynamodb": {"Keys": {"id": {"S": str(offset)}}, "SequenceNumber": seq(offset), "SizeBytes": 10},
    }


def _stubbed() -> tuple[Any, Stubber]:
    streams = boto3.client(
        "dynamodbstreams",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return streams, Stubber(streams)


def _describe(stubber: Stubber, first: int = 100, closed_at: int | None = None) -> None:
    numbers: dict[str, str] = {"StartingSequenceNumber": seq(first)}
    if closed_at is not None:
        numbers["EndingSequenceNumber"] = seq(closed_at)
    stubber.add_response(
        "describe_stream",
        {
            "StreamDescription": {
                "StreamArn": ARN,
                "StreamStatus": "ENABLED",
                "Shards": [{"ShardId": SHARD, "SequenceNumberRange": numbers}],
            }
        },
        {"StreamArn": ARN},
    )


def _iterator(stubber: Stubber, kind: str, offset: int, name: str = ITERATOR) -> None:
    stubber.add_response(
        "get_shard_iterator",
        {"ShardIterator": name},
        {"StreamArn": ARN, "ShardId": SHARD, "ShardIteratorType": kind, "SequenceNumber": seq(offset)},
    )


def _page(stubber: Stubber, records: list[int], next_iterator: str | None, iterator: str = ITERATOR) -> None:
    response: dict[str, Any] = {"Records": [_record(number) for number in records]}
    if next_iterator is not None:
        response["NextShardIterator"] = next_iterator
    stubber.add_response("get_records", response, {"ShardIterator": iterator, "Limit": 1000})


def test_reads_across_pages_and_stops_after_the_end() -> None:
    streams, stubber = _stubbed()
    _describe(stubber)
    _iterator(stubber, "AT_SEQUENCE_NUMBER", 105)
    _page(stubber, [105, 106], ITERATOR + "2")
    _page(stubber, [107, 108, 109], ITERATOR + "3", iterator=ITERATOR + "2")
    with stubber:
        read = read_range(streams, ARN, SHARD, seq(105), seq(108))
    stubber.assert_no_pending_responses()
    assert [record["dynamodb"]["SequenceNumber"] for record in read.records] == [
        seq(105),
        seq(106),
        seq(107),
        seq(108),
    ]
    assert read.pages == 2


def test_a_closed_shard_ends_the_read() -> None:
    streams, stubber = _stubbed()
    _describe(stubber, closed_at=130)
    _iterator(stubber, "AT_SEQUENCE_NUMBER", 120)
    _page(stubber, [120, 125, 130], None)  # no NextShardIterator: the closed shard is fully read
    with stubber:
        read = read_range(streams, ARN, SHARD, seq(120), seq(130))
    assert [record["dynamodb"]["SequenceNumber"] for record in read.records] == [seq(120), seq(125), seq(130)]


def test_a_closed_shard_that_ends_before_the_range_does_is_incomplete() -> None:
    streams, stubber = _stubbed()
    _describe(stubber, closed_at=125)
    _iterator(stubber, "AT_SEQUENCE_NUMBER", 120)
    _page(stubber, [120, 125], None)
    with stubber, pytest.raises(RecordsUnavailableError) as error:
        read_range(streams, ARN, SHARD, seq(120), seq(130))
    assert error.value.reason == "incomplete"
    assert error.value.detail == (
        f"read 2 record(s) of shard {SHARD} from {seq(120)} but not the last one ({seq(130)}); "
        f"last read: {seq(125)}"
    )


def test_trimmed_data_access() -> None:
    streams, stubber = _stubbed()
    _describe(stubber)
    stubber.add_client_error(
        "get_shard_iterator",
        service_error_code="TrimmedDataAccessException",
        service_message="The data you are trying to access has been trimmed.",
        expected_params={
            "StreamArn": ARN,
            "ShardId": SHARD,
            "ShardIteratorType": "AT_SEQUENCE_NUMBER",
            "SequenceNumber": seq(101),
        },
    )
    with stubber, pytest.raises(RecordsUnavailableError) as error:
        read_range(streams, ARN, SHARD, seq(101), seq(102))
    assert error.value.reason == "trimmed"


def test_shard_gone_between_describe_and_read() -> None:
    streams, stubber = _stubbed()
    _describe(stubber)
    stubber.add_client_error("get_shard_iterator", service_error_code="ResourceNotFoundException")
    with stubber, pytest.raises(RecordsUnavailableError) as error:
        read_range(streams, ARN, SHARD, seq(101), seq(102))
    assert error.value.reason == "expired-shard"


def test_expired_iterator_resumes_after_the_last_record_read() -> None:
    streams, stubber = _stubbed()
    _describe(stubber)
    _iterator(stubber, "AT_SEQUENCE_NUMBER", 101)
    _page(stubber, [101, 102], ITERATOR + "2")
    stubber.add_client_error("get_records", service_error_code="ExpiredIteratorException")
    _iterator(stubber, "AFTER_SEQUENCE_NUMBER", 102, name=ITERATOR + "3")
    _page(stubber, [103], ITERATOR + "4", iterator=ITERATOR + "3")
    with stubber:
        read = read_range(streams, ARN, SHARD, seq(101), seq(103))
    stubber.assert_no_pending_responses()
    assert [record["dynamodb"]["SequenceNumber"] for record in read.records] == [seq(101), seq(102), seq(103)]


def test_open_shard_gives_up_after_empty_pages() -> None:
    streams, stubber = _stubbed()
    _describe(stubber)
    _iterator(stubber, "AT_SEQUENCE_NUMBER", 101)
    _page(stubber, [101], ITERATOR)
    for _ in range(CAUGHT_UP_EMPTY_PAGES):
        _page(stubber, [], ITERATOR)
    with stubber, pytest.raises(RecordsUnavailableError) as error:
        read_range(streams, ARN, SHARD, seq(101), seq(102))
    stubber.assert_no_pending_responses()
    assert error.value.reason == "incomplete"
