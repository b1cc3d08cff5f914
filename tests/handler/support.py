"""Helpers shared by the handler tests: events in AWS's recorded shape and a handler runner.

Not named ``conftest``: test modules import these functions directly.
"""

from __future__ import annotations

import copy
import json
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
import pytest

from handler.app import StreamHandler
from handler.config import HandlerConfig
from handler.lambda_context import LocalLambdaContext
from handler.processing import RecordProcessor

FIXTURES = Path(__file__).resolve().parent / "fixtures"
STREAM_ARN = "arn:aws:dynamodb:us-east-1:111111111111:table/user-profiles/stream/2025-11-25T15:47:40.305"
FIRST_SEQUENCE = 700000000000888747038


def recorded_event(name: str) -> dict[str, Any]:
    """A deep copy of one of the AWS-shaped events in fixtures/aws_recorded_events.json."""
    events = json.loads((FIXTURES / "aws_recorded_events.json").read_text(encoding="utf-8"))
    return copy.deepcopy(events[name])


def profile_image(user_id: str, **overrides: dict[str, Any]) -> dict[str, Any]:
    """A valid user profile NewImage in attribute-value JSON; overrides replace/add attributes."""
    image: dict[str, Any] = {
        "user_id": {"S": user_id},
        "email": {"S": f"{user_id}@example.com"},
        "name": {"S": f"Name of {user_id}"},
        "age": {"N": "30"},
        "status": {"S": "active"},
    }
    image.update(overrides)
    return image


def stream_record(
    index: int,
    event_name: str = "INSERT",
    new_image: dict[str, Any] | None = None,
    old_image: dict[str, Any] | None = None,
    view_type: str = "NEW_AND_OLD_IMAGES",
) -> dict[str, Any]:
    """One record as Lambda delivers it (eventVersion 1.1, float epoch seconds)."""
    user_id = f"u-{index:04d}"
    if new_image is None and event_name != "REMOVE" and view_type != "KEYS_ONLY":
        new_image = profile_image(user_id)
    dynamodb: dict[str, Any] = {
        "ApproximateCreationDateTime": 1764085660.0 + index,
        "Keys": {"user_id": {"S": user_id}},
    }
    if new_image is not None:
        dynamodb["NewImage"] = new_image
    if old_image is not None:
        dynamodb["OldImage"] = old_image
    dynamodb.update({"SequenceNumber": sequence_number(index), "SizeBytes": 120, "StreamViewType": view_type})
    return {
        "eventID": f"{0xC9FBE7D0261A5163FCB6940593E41797 + index:032x}",
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": dynamodb,
        "eventSourceARN": STREAM_ARN,
    }


def sequence_number(index: int) -> str:
    """The SequenceNumber stream_record(index) carries (decimal string, 21 digits like AWS)."""
    return str(FIRST_SEQUENCE + 100 * index)


def batch(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


def make_config(**changes: Any) -> HandlerConfig:
    """A config with a service name of its own, so each test gets a fresh Powertools logger.

    Powertools keeps one logging.Logger per service name and binds its stream when first built;
    a unique name makes the logger write to the stdout pytest captures for this test.
    """
    return replace(HandlerConfig(service_name=f"test-{uuid.uuid4().hex[:12]}"), **changes)


def build_handler(
    config: HandlerConfig | None = None, processor: RecordProcessor | None = None
) -> StreamHandler:
    return StreamHandler(config or make_config(), processor=processor)


def output_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """Every JSON line written to stdout since the last call (logs and EMF metrics)."""
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]


def emf_metrics(lines: list[dict[str, Any]]) -> dict[str, float]:
    """The metric values of the EMF documents among ``lines`` (last one wins)."""
    values: dict[str, float] = {}
    for line in lines:
        if "_aws" not in line:
            continue
        for definition in line["_aws"]["CloudWatchMetrics"]:
            for metric in definition["Metrics"]:
                value = line[metric["Name"]]
                values[metric["Name"]] = value[0] if isinstance(value, list) else value
    return values


def lambda_context() -> LocalLambdaContext:
    return LocalLambdaContext(function_name="ddb-stream-handler-test", timeout_seconds=30)


def topic_with_queue(suffix: str) -> tuple[str, str]:
    """A fresh SNS topic with an SQS queue subscribed to it; returns (topic ARN, queue URL)."""
    sns = boto3.client("sns", region_name="us-east-1")
    sqs = boto3.client("sqs", region_name="us-east-1")
    topic_arn = sns.create_topic(Name=f"profiles-{suffix}")["TopicArn"]
    queue_url = sqs.create_queue(QueueName=f"profiles-{suffix}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    return topic_arn, queue_url


def idempotency_table() -> str:
    """A fresh table with the key schema Powertools' DynamoDBPersistenceLayer uses by default."""
    name = f"idempotency-{uuid.uuid4().hex[:8]}"
    boto3.client("dynamodb", region_name="us-east-1").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def drain_queue(queue_url: str) -> list[dict[str, Any]]:
    """Every SNS envelope waiting in the queue."""
    sqs = boto3.client("sqs", region_name="us-east-1")
    envelopes: list[dict[str, Any]] = []
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
            "Messages", []
        )
        if not messages:
            return envelopes
        for message in messages:
            envelopes.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
