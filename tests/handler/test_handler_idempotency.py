"""Idempotency against moto's DynamoDB: a re-delivered record does not publish twice."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest

from handler.config import FailureMode
from handler.processing import ProcessingContext
from handler.processors import user_profile
from handler.record import ChangeRecord
from tests.handler.support import (
    batch,
    build_handler,
    drain_queue,
    idempotency_table,
    lambda_context,
    make_config,
    sequence_number,
    stream_record,
    topic_with_queue,
)


class FailOnceFor:
    """Runs the user-profile processor, but fails the first attempt of one sequence number.

    Stands in for a transient downstream outage on one record of a batch.
    """

    def __init__(self, sequence: str) -> None:
        self.sequence = sequence
        self.failed = False
        self.calls: list[str] = []

    def __call__(self, record: ChangeRecord, context: ProcessingContext) -> None:
        self.calls.append(record.sequence_number)
        if record.sequence_number == self.sequence and not self.failed:
            self.failed = True
            raise RuntimeError("transient outage")
        user_profile.process_record(record, context)


@pytest.mark.usefixtures("moto_endpoint")
def test_continue_mode_redelivered_records_do_not_publish_twice() -> None:
    topic_arn, queue_url = topic_with_queue(uuid.uuid4().hex[:8])
    table = idempotency_table()
    processor = FailOnceFor(sequence_number(1))
    handler = build_handler(
        make_config(
            notification_topic_arn=topic_arn,
            idempotency_table=table,
            idempotency_ttl_seconds=600,
            failure_mode=FailureMode.CONTINUE,
        ),
        processor=processor,
    )
    records = [stream_record(1), stream_record(2), stream_record(3)]

    first = handler(batch(*records), lambda_context())
    # Lambda re-sends every record from the lowest failed sequence number on: all three here.
    second = handler(batch(*records), lambda_context())

    assert first == {"batchItemFailures": [{"itemIdentifier": sequence_number(1)}]}
    assert second == {"batchItemFailures": []}
    published = sorted(
        json.loads(envelope["Message"])["sequence_number"] for envelope in drain_queue(queue_url)
    )
    assert published == [sequence_number(1), sequence_number(2), sequence_number(3)]
    # Records 2 and 3 were answered from the idempotency table the second time.
    assert processor.calls == [sequence_number(1), sequence_number(2), sequence_number(3), sequence_number(1)]
    items = boto3.client("dynamodb", region_name="us-east-1").scan(TableName=table)["Items"]
    assert sorted(item["status"]["S"] for item in items) == ["COMPLETED", "COMPLETED", "COMPLETED"]
    assert all(item["id"]["S"].startswith(f"{handler.config.service_name}:") for item in items)


@pytest.mark.usefixtures("moto_endpoint")
def test_same_sequence_number_on_another_event_id_is_processed() -> None:
    # The key is the record's identity (stream ARN + eventID), not its content.
    table = idempotency_table()
    calls: list[str] = []

    def remember(record: ChangeRecord, context: ProcessingContext) -> None:
        calls.append(record.event_id)

    handler = build_handler(make_config(idempotency_table=table), processor=remember)
    original = stream_record(1)
    other = stream_record(1)
    other["eventID"] = "0" * 32

    handler(batch(original), lambda_context())
    handler(batch(original), lambda_context())
    handler(batch(other), lambda_context())

    assert calls == [original["eventID"], "0" * 32]


@pytest.mark.usefixtures("moto_endpoint")
def test_stop_mode_redelivery_runs_each_record_once() -> None:
    topic_arn, queue_url = topic_with_queue(uuid.uuid4().hex[:8])
    table = idempotency_table()
    processor = FailOnceFor(sequence_number(2))
    handler = build_handler(
        make_config(notification_topic_arn=topic_arn, idempotency_table=table, idempotency_ttl_seconds=600),
        processor=processor,
    )
    records = [stream_record(1), stream_record(2), stream_record(3)]

    first = handler(batch(*records), lambda_context())
    # Lambda re-sends from the reported sequence number: records 2 and 3.
    second = handler(batch(*records[1:]), lambda_context())

    assert first == {"batchItemFailures": [{"itemIdentifier": sequence_number(2)}]}
    assert second == {"batchItemFailures": []}
    # Record 3 never ran before the failure, so nothing had to be answered from the table.
    assert processor.calls == [sequence_number(1), sequence_number(2), sequence_number(2), sequence_number(3)]
    published = sorted(
        json.loads(envelope["Message"])["sequence_number"] for envelope in drain_queue(queue_url)
    )
    assert published == [sequence_number(1), sequence_number(2), sequence_number(3)]
