"""Helpers of the pipeline suite (a uniquely named module: several test folders have a conftest.py).

Settings always come from the real provider-free modules applied with the tfvars files in
``fixtures/`` (rendered once per session into a temporary cache). The function is the scripted
handler in ``processors/`` (each record's ``behaviour`` attribute decides its fate), shipped to
the worker in a zip built here together with the handler package source, so the worker runs
exactly as with ``make package``'s zip: code from the zip, Powertools from the venv.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pipeline.aws.resources import LocalResources
from pipeline.esm.checkpoints import CheckpointStore
from pipeline.esm.events import Listener
from pipeline.esm.on_failure import OnFailureDestination, OnFailureMessage
from pipeline.esm.poller import Poller
from pipeline.runtime.function import LocalFunction
from pipeline.runtime.worker import LambdaWorker
from pipeline.settings.model import Settings
from pipeline.stream.reader import ShardReader
from pipeline.stream.records import to_lambda_record
from pipeline.stream.shards import Position, describe_stream

REGION = "us-east-1"
ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).with_name("fixtures")
PROCESSORS = Path(__file__).with_name("processors")
SCRIPTED_HANDLER = "pipeline_test_processors.scripted_handler.lambda_handler"


@dataclass
class Table:
    """A fresh table with a stream, its failure queue, and helpers to write and inspect."""

    resources: LocalResources
    dynamodb: Any
    streams: Any
    sqs: Any

    @property
    def name(self) -> str:
        return self.resources.table_name

    def put(self, pk: str, behaviour: str = "ok", **attributes: Any) -> None:
        item = {"pk": {"S": pk}, "behaviour": {"S": behaviour}, **attributes}
        self.dynamodb.put_item(TableName=self.name, Item=item)

    def update(self, pk: str) -> None:
        self.dynamodb.update_item(
            TableName=self.name,
            Key={"pk": {"S": pk}},
            UpdateExpression="SET touched = :t",
            ExpressionAttributeValues={":t": {"BOOL": True}},
        )

    def delete(self, pk: str) -> None:
        self.dynamodb.delete_item(TableName=self.name, Key={"pk": {"S": pk}})

    def records(self) -> list[dict[str, Any]]:
        """Every record in the stream, in the Lambda event shape, in order."""
        arn = self.resources.stream_arn
        found: list[dict[str, Any]] = []
        for shard in describe_stream(self.streams, arn).shards:
            reader = ShardReader(self.streams, arn, shard.shard_id, Position.trim_horizon())
            while page := reader.read().records:
                found.extend(to_lambda_record(raw, arn, REGION) for raw in page)
        return found

    def seqs(self) -> dict[str, list[str]]:
        """pk -> sequence numbers of its records, in stream order."""
        by_key: dict[str, list[str]] = {}
        for record in self.records():
            by_key.setdefault(record["dynamodb"]["Keys"]["pk"]["S"], []).append(
                record["dynamodb"]["SequenceNumber"]
            )
        return by_key

    def failure_bodies(self) -> list[str]:
        """The on-failure queue's message bodies (received and deleted)."""
        bodies: list[str] = []
        while messages := self.sqs.receive_message(
            QueueUrl=self.resources.queue_url, MaxNumberOfMessages=10
        ).get("Messages", []):
            for message in messages:
                bodies.append(message["Body"])
                self.sqs.delete_message(
                    QueueUrl=self.resources.queue_url, ReceiptHandle=message["ReceiptHandle"]
                )
        return bodies

    def failure_messages(self) -> list[OnFailureMessage]:
        return [OnFailureMessage.from_body(body) for body in self.failure_bodies()]


@dataclass
class Harness:
    """Runs the poller over a test table with the scripted handler, and reads its invocation log."""

    table: Table
    zip_path: Path
    log: Path
    endpoint: str
    load_settings: Callable[[str], Settings]
    events_log: Path | None = None

    def function(self, settings: Settings) -> LocalFunction:
        environment = {"PIPELINE_TEST_LOG": str(self.log)}
        if self.events_log is not None:
            environment["PIPELINE_TEST_EVENTS"] = str(self.events_log)
        function = replace(settings.function.with_environment(**environment), handler=SCRIPTED_HANDLER)
        return LocalFunction(function, zip_path=self.zip_path, region=REGION, endpoint_url=self.endpoint)

    def poller(
        self,
        tfvars: str = "base.tfvars",
        *,
        state_file: Path | None = None,
        clock: Callable[[], float] | None = None,
        listener: Listener | None = None,
        destination: OnFailureDestination | None = None,
        no_destination: bool = False,
        checkpoints: CheckpointStore | None = None,
    ) -> Poller:
        settings = self.load_settings(tfvars)
        function = self.function(settings)
        arn = self.table.resources.stream_arn
        extra: dict[str, Any] = {"clock": clock} if clock is not None else {}
        return Poller(
            settings=settings.esm,
            streams_client=self.table.streams,
            stream_arn=arn,
            invoker_factory=lambda: LambdaWorker(function),
            function_arn=function.function_arn,
            destination=None
            if no_destination
            else destination or OnFailureDestination(self.table.resources.queue_arn, sqs=self.table.sqs),
            checkpoints=checkpoints or CheckpointStore(state_file, arn),
            poll_interval=0.05,
            retry_base_delay=0.0,
            listener=listener,
            **extra,
        )

    def run(self, tfvars: str = "base.tfvars", **kwargs: Any) -> Poller:
        poller = self.poller(tfvars, **kwargs)
        poller.run(until_drained=True, timeout=60)
        return poller

    def invocations(self) -> list[dict[str, Any]]:
        """The scripted handler's log: one entry per invocation that reached the handler."""
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def batches(self) -> list[list[str]]:
        """The keys of each invocation, in order."""
        return [entry["keys"] for entry in self.invocations()]

    def spans(self) -> dict[str, tuple[float, float]]:
        """request id -> (started, finished) of every invocation that returned normally."""
        ends = Path(str(self.log) + ".ends")
        if not ends.exists():
            return {}
        entries = [json.loads(line) for line in ends.read_text().splitlines()]
        return {entry["request_id"]: (entry["started"], entry["finished"]) for entry in entries}
