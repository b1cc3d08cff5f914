"""Fixtures of the redrive suite: one moto server, a fresh table and queues per test, a probe function.

The probe function is a tiny handler zipped at test time: it appends every event it receives to a
log file and fails the records (or the whole invocation) a control file asks for, so each test can
see exactly which records the redrive sent and make any of them fail.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pipeline.aws.clients import client
from pipeline.aws.resources import create_failure_destination
from pipeline.esm.on_failure import (
    Condition,
    DDBStreamBatchInfo,
    OnFailureDestination,
    OnFailureMessage,
    ResponseContext,
)
from pipeline.runtime.function import LocalFunction
from pipeline.runtime.worker import LambdaWorker
from pipeline.settings.model import FunctionSettings
from pipeline.stream.reader import read_raw_stream
from pipeline.stream.records import to_lambda_record

REGION = "us-east-1"
PROBE_HANDLER = "redrive_probe.lambda_handler"

PROBE_SOURCE = '''\
"""Redrive test function: logs each event, fails what the control file names."""
import json
import os
import time


def lambda_handler(event, context):
    with open(os.environ["PROBE_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps(event) + "\\n")
    control_path = os.environ.get("PROBE_CONTROL", "")
    control = {}
    if control_path and os.path.exists(control_path):
        with open(control_path, encoding="utf-8") as stream:
            control = json.load(stream)
    time.sleep(control.get("sleep", 0))
    if control.get("raise"):
        raise RuntimeError("probe told to raise")
    failing = set(control.get("fail_ids", []))
    return {
        "batchItemFailures": [
            {"itemIdentifier": record["dynamodb"]["SequenceNumber"]}
            for record in event["Records"]
            if record["dynamodb"]["Keys"]["id"]["S"] in failing
        ]
    }
'''


@pytest.fixture(scope="session")
def probe_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("probe") / "probe.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("redrive_probe.py", PROBE_SOURCE)
    return path


@dataclass
class Probe:
    """The probe function's log and control file."""

    log: Path
    control: Path

    def events(self) -> list[dict[str, Any]]:
        """Every event the function received, in order."""
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]

    def invoked_sequences(self) -> list[list[str]]:
        """Per invocation, the sequence numbers it carried."""
        return [
            [record["dynamodb"]["SequenceNumber"] for record in event["Records"]] for event in self.events()
        ]

    def fail_ids(self, *ids: str) -> None:
        self.control.write_text(json.dumps({"fail_ids": list(ids)}), encoding="utf-8")

    def sleep(self, seconds: float) -> None:
        """Every invocation takes this long (then succeeds)."""
        self.control.write_text(json.dumps({"sleep": seconds}), encoding="utf-8")

    def raise_errors(self) -> None:
        self.control.write_text(json.dumps({"raise": True}), encoding="utf-8")

    def heal(self) -> None:
        self.control.write_text("{}", encoding="utf-8")


@pytest.fixture
def probe(tmp_path: Path) -> Probe:
    return Probe(tmp_path / "probe-events.jsonl", tmp_path / "probe-control.json")


@pytest.fixture
def worker(probe_zip: Path, probe: Probe, endpoint: str) -> Iterator[LambdaWorker]:
    settings = FunctionSettings(
        environment={"PROBE_LOG": str(probe.log), "PROBE_CONTROL": str(probe.control)},
        timeout=10.0,
        memory_size=128,
        handler=PROBE_HANDLER,
    )
    config = LocalFunction(settings, zip_path=probe_zip, endpoint_url=endpoint)
    with LambdaWorker(config) as running:
        yield running


@dataclass
class Stack:
    """A table with a stream, its failure queue and an archive queue, all fresh for one test."""

    endpoint: str
    table: str
    stream_arn: str
    queue_url: str
    archive_queue_url: str
    bucket: str
    topic_arn: str
    topic_queue_url: str

    def aws(self, service: str) -> Any:
        return client(service, self.endpoint, REGION)

    def put(self, item_id: str, **attributes: str) -> None:
        item = {"id": {"S": item_id}, **{name: {"S": value} for name, value in attributes.items()}}
        self.aws("dynamodb").put_item(TableName=self.table, Item=item)

    def delete(self, item_id: str) -> None:
        self.aws("dynamodb").delete_item(TableName=self.table, Key={"id": {"S": item_id}})

    def shard_id(self) -> str:
        shards = self.aws("dynamodbstreams").describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        return str(shards["Shards"][0]["ShardId"])

    def records(self) -> list[dict[str, Any]]:
        """Every raw record of the (single) shard, oldest first."""
        return list(read_raw_stream(self.aws("dynamodbstreams"), self.stream_arn))

    def failure_body(
        self,
        start: str,
        end: str,
        batch_size: int,
        *,
        shard_id: str | None = None,
        stream_arn: str | None = None,
    ) -> str:
        """An on-failure message in AWS's format, built with the pipeline's own builder."""
        return self.failure_message(
            start, end, batch_size, shard_id=shard_id, stream_arn=stream_arn
        ).to_body()

    def failure_message(
        self,
        start: str,
        end: str,
        batch_size: int,
        *,
        shard_id: str | None = None,
        stream_arn: str | None = None,
    ) -> OnFailureMessage:
        """The on-failure record of the batch ``start..end``."""
        now = dt.datetime(2026, 11, 22, 18, 0, 0, tzinfo=dt.UTC)
        return OnFailureMessage(
            request_id=str(uuid.uuid4()),
            function_arn=f"arn:aws:lambda:{REGION}:123456789012:function:ddb-stream-handler",
            condition=Condition.RETRY_ATTEMPTS_EXHAUSTED,
            approximate_invoke_count=4,
            response_context=ResponseContext(function_error="Unhandled"),
            timestamp=now,
            batch_info=DDBStreamBatchInfo(
                shard_id=shard_id or self.shard_id(),
                start_sequence_number=start,
                end_sequence_number=end,
                approximate_arrival_of_first_record=now,
                approximate_arrival_of_last_record=now,
                batch_size=batch_size,
                stream_arn=stream_arn or self.stream_arn,
            ),
        )

    def lambda_records(self) -> list[dict[str, Any]]:
        """Every record of the shard in the Lambda event shape."""
        return [to_lambda_record(record, self.stream_arn, REGION) for record in self.records()]

    def park_object(self, records: list[dict[str, Any]]) -> str:
        """Park ``records`` as one batch on the S3 destination (the pipeline's writer); returns the key."""
        sequences = [record["dynamodb"]["SequenceNumber"] for record in records]
        message = self.failure_message(sequences[0], sequences[-1], len(records))
        destination = OnFailureDestination(f"arn:aws:s3:::{self.bucket}", s3=self.aws("s3"))
        return destination.send(message, records)

    def publish(self, records: list[dict[str, Any]]) -> str:
        """Park ``records`` as one batch on the SNS destination (the pipeline's own writer)."""
        sequences = [record["dynamodb"]["SequenceNumber"] for record in records]
        message = self.failure_message(sequences[0], sequences[-1], len(records))
        return OnFailureDestination(self.topic_arn, sns=self.aws("sns")).send(message, records)

    def objects(self, prefix: str = "") -> list[str]:
        """Keys in the destination bucket under ``prefix``."""
        pages = self.aws("s3").get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return [str(item["Key"]) for page in pages for item in page.get("Contents", [])]

    def object_json(self, key: str) -> Any:
        return json.loads(self.aws("s3").get_object(Bucket=self.bucket, Key=key)["Body"].read())

    def plan_json(self, path: Path, probe: Probe, *, timeout: int = 10) -> Path:
        """A ``terraform show -json`` plan of the mapping and the probe function (no Terraform run)."""
        plan = {
            "planned_values": {
                "root_module": {
                    "resources": [
                        {
                            "type": "aws_lambda_event_source_mapping",
                            "values": {
                                "batch_size": 10,
                                "starting_position": "TRIM_HORIZON",
                                "maximum_retry_attempts": 2,
                                "function_response_types": ["ReportBatchItemFailures"],
                            },
                        },
                        {
                            "type": "aws_lambda_function",
                            "values": {
                                "function_name": "redrive-probe",
                                "handler": PROBE_HANDLER,
                                "timeout": timeout,
                                "memory_size": 128,
                                "environment": [
                                    {
                                        "variables": {
                                            "PROBE_LOG": str(probe.log),
                                            "PROBE_CONTROL": str(probe.control),
                                        }
                                    }
                                ],
                            },
                        },
                    ]
                }
            }
        }
        path.write_text(json.dumps(plan), encoding="utf-8")
        return path

    def park(self, body: str) -> str:
        """Send a message to the failure queue; returns its MessageId."""
        return str(self.aws("sqs").send_message(QueueUrl=self.queue_url, MessageBody=body)["MessageId"])

    def queue_bodies(self, queue_url: str | None = None) -> list[str]:
        """The bodies of the messages visible on a queue now (they are made visible again)."""
        sqs = self.aws("sqs")
        url = queue_url or self.queue_url
        bodies: list[str] = []
        handles: list[str] = []
        while True:
            page = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
            messages = page.get("Messages", [])
            if not messages:
                break
            bodies.extend(message["Body"] for message in messages)
            handles.extend(message["ReceiptHandle"] for message in messages)
        for handle in handles:
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
        return bodies

    def queue_messages(self, queue_url: str) -> list[dict[str, Any]]:
        """Messages (with attributes) visible on a queue now; they stay in flight afterwards."""
        sqs = self.aws("sqs")
        found: list[dict[str, Any]] = []
        while True:
            page = sqs.receive_message(
                QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0, MessageAttributeNames=["All"]
            )
            if not page.get("Messages"):
                return found
            found.extend(page["Messages"])


@pytest.fixture
def stack(endpoint: str) -> Stack:
    return make_stack(endpoint)


def make_stack(endpoint: str) -> Stack:
    """A fresh table, queues, bucket and topic (the ``stack`` fixture; call it for a second one)."""
    suffix = uuid.uuid4().hex[:10]
    table = f"profiles-{suffix}"
    dynamodb = client("dynamodb", endpoint, REGION)
    description = dynamodb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    sqs = client("sqs", endpoint, REGION)
    queue_url = sqs.create_queue(QueueName=f"failures-{suffix}")["QueueUrl"]
    archive_url = sqs.create_queue(QueueName=f"archive-{suffix}")["QueueUrl"]
    bucket = create_failure_destination(endpoint, "s3", name=f"failures-{suffix}")
    topic = create_failure_destination(endpoint, "sns", name=f"topic-failures-{suffix}")
    assert bucket.bucket is not None
    assert topic.queue_url is not None
    return Stack(
        endpoint,
        table,
        str(description["LatestStreamArn"]),
        queue_url,
        archive_url,
        bucket.bucket,
        topic.arn,
        topic.queue_url,
    )
