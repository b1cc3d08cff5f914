"""The demo: moto server, resources, poller and packaged handler, driven through the workload.

It creates the table, stream, notification topic and the on-failure destination of the type asked
for (an SQS queue, an SNS topic with a subscribed queue to read it back, or an S3 bucket); starts the
poller with the settings Terraform renders from the tfvars; writes the workload
(:mod:`pipeline.demo.workload`) step by step, letting the pipeline drain after each step so every
step's outcome is determined by the settings alone; then prints a summary (with the mapping's
health figures and what was parked on the destination) and compares it with what the settings
imply. Exit 0 when they agree, 1 when not.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from handler import config as handler_config
from pipeline.aws.clients import client, use_fake_credentials
from pipeline.aws.moto_server import MotoServer
from pipeline.aws.resources import (
    FailureDestination,
    LocalResources,
    create_failure_destination,
    create_idempotency_table,
    create_resources,
)
from pipeline.demo.workload import HASH_KEY, TABLE, WORKLOAD, Check, checks, expected_outcome
from pipeline.errors import EXIT_ATTENTION, EXIT_OK, PipelineError
from pipeline.esm.events import Invoked, Parked, PollerEvent
from pipeline.esm.health import format_summary as format_health
from pipeline.esm.on_failure import OnFailureDestination, OnFailureMessage, local_mapping_uuid, s3_object_key
from pipeline.esm.poller import Poller
from pipeline.runtime.function import LocalFunction, parse_log_target
from pipeline.runtime.worker import LambdaWorker
from pipeline.settings.loader import load_settings
from pipeline.settings.model import Settings
from pipeline.stream.reader import read_stream
from pipeline.stream.shards import seq_key

STEP_TIMEOUT_SECONDS: Final = 120.0


def _load(var_file: Path | None, plan_json: Path | None, resources: LocalResources) -> Settings:
    """The settings, with the handler pointed at the local topic."""
    settings = load_settings(
        var_file=var_file,
        plan_json=plan_json,
        handler_variables={"notification_topic_arn": resources.topic_arn},
    )
    if plan_json is not None:
        # A plan's environment is already rendered: set the local topic directly.
        function = settings.function.with_environment(
            **{handler_config.NOTIFICATION_TOPIC_ARN: resources.topic_arn}
        )
        settings = Settings(esm=settings.esm, function=function, source=settings.source)
    return settings


def _wait_until_drained(poller: Poller, records_written: int, deadline: float) -> None:
    """The poller has read every record written so far and has nothing in flight."""
    quiet = 0
    while quiet < 2:
        if time.monotonic() > deadline:
            raise PipelineError("the demo pipeline did not drain in time")
        poller.raise_shard_errors()
        caught_up = poller.counters.as_dict()["records_seen"] >= records_written and poller.drained()
        quiet = quiet + 1 if caught_up else 0
        time.sleep(0.1)


def _drain_queue(sqs: Any, queue_url: str) -> list[tuple[str, str]]:
    """(MessageId, Body) of every message, deleted."""
    bodies: list[tuple[str, str]] = []
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
            "Messages", []
        )
        if not messages:
            return bodies
        for message in messages:
            bodies.append((message["MessageId"], message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


@dataclass(frozen=True)
class ParkedItem:
    """One record parked on the destination: where it is (message id or object key) and what it says."""

    where: str
    document: dict[str, Any]  # the on-failure record (an S3 object: with its payload)
    message: OnFailureMessage


def _parked(destination: FailureDestination, endpoint: str, region: str) -> list[ParkedItem]:
    """Everything the destination holds, read back and removed."""
    if destination.bucket is not None:
        s3 = client("s3", endpoint, region)
        items = []
        for listed in s3.list_objects_v2(Bucket=destination.bucket).get("Contents", []):
            key = str(listed["Key"])
            document = json.loads(s3.get_object(Bucket=destination.bucket, Key=key)["Body"].read())
            items.append(ParkedItem(key, document, OnFailureMessage.from_json(document)))
        return _in_stream_order(items)
    assert destination.queue_url is not None
    items = []
    for message_id, body in _drain_queue(client("sqs", endpoint, region), destination.queue_url):
        document = json.loads(body)
        if document.get("Type") == "Notification":  # the SNS envelope around the record
            document = json.loads(document["Message"])
        items.append(ParkedItem(message_id, document, OnFailureMessage.from_body(body)))
    return _in_stream_order(items)


def _in_stream_order(items: list[ParkedItem]) -> list[ParkedItem]:
    """Buckets list by key and standard queues promise no order: show them as they were parked."""
    return sorted(items, key=lambda item: seq_key(item.message.batch_info.start_sequence_number))


def _print_invocation(quiet: bool, destination: str) -> Callable[[PollerEvent], None]:
    def listener(event: PollerEvent) -> None:
        if quiet or not isinstance(event, Invoked | Parked):
            return
        keys = ", ".join(entry.record["dynamodb"]["Keys"][HASH_KEY]["S"] for entry in event.entries)
        if isinstance(event, Invoked):
            result = event.result
            outcome = "ok" if result.ok else f"{result.status.value}: {result.error_type}"
            if result.ok and isinstance(result.payload, dict) and result.payload.get("batchItemFailures"):
                outcome = f"partial failure ({len(result.payload['batchItemFailures'])} failed)"
            print(f"    invoke [{keys}] -> {outcome}")
        else:
            print(f"    parked [{keys}] on the on-failure destination ({destination})")

    return listener


def run_demo(
    *,
    zip_path: Path,
    var_file: Path | None = None,
    plan_json: Path | None = None,
    function_name: str | None = None,
    function_logs: str = "discard",
    quiet: bool = False,
    destination: str = "sqs",
) -> int:
    """Run the demo with an on-failure ``destination`` of type sqs, sns or s3; returns the exit code."""
    use_fake_credentials()
    with MotoServer() as server:
        endpoint = server.endpoint_url
        resources = create_resources(endpoint, table_name=TABLE, hash_key=HASH_KEY)
        if destination == "sqs":
            failures = FailureDestination("sqs", resources.queue_arn, queue_url=resources.queue_url)
        else:
            failures = create_failure_destination(endpoint, destination, region=resources.region)
        settings = _load(var_file, plan_json, resources)
        esm = settings.esm
        if esm.maximum_retry_attempts < 0 and esm.maximum_record_age_in_seconds < 0:
            raise PipelineError(
                "with maximum_retry_attempts = -1 and maximum_record_age_in_seconds = -1 the demo's failing "
                "record would block its shard for the stream's whole 24 h retention; set either one"
            )
        idempotency = settings.function.environment.get(handler_config.IDEMPOTENCY_TABLE)
        if idempotency:
            create_idempotency_table(client("dynamodb", endpoint, resources.region), idempotency)
        _print_header(settings, endpoint, failures.arn)
        for note in esm.not_emulated():
            print(f"  note: {note}")
        function = LocalFunction(
            settings.function.named(function_name),
            zip_path=zip_path,
            region=resources.region,
            endpoint_url=endpoint,
            logs=parse_log_target(function_logs),
        )
        sqs = client("sqs", endpoint, resources.region)
        streams = client("dynamodbstreams", endpoint, resources.region)
        poller = Poller(
            settings=esm,
            streams_client=streams,
            stream_arn=resources.stream_arn,
            invoker_factory=lambda: LambdaWorker(function),
            function_arn=function.function_arn,
            destination=OnFailureDestination(
                failures.arn,
                sqs=sqs,
                sns=client("sns", endpoint, resources.region),
                s3=client("s3", endpoint, resources.region),
            ),
            listener=_print_invocation(quiet, destination),
        )
        runner = threading.Thread(target=poller.run, name="poller", daemon=True)
        runner.start()
        if not poller.wait_until_reading():
            raise PipelineError("the demo pipeline did not start reading the stream")
        dynamodb = client("dynamodb", endpoint, resources.region)
        try:
            for number, step in enumerate(WORKLOAD, start=1):
                if not quiet:
                    print(f"  step {number}: {step.title}")
                filtered_before = poller.counters.as_dict()["records_filtered_out"]
                step.write(dynamodb, TABLE)
                written = sum(1 for _ in read_stream(streams, resources.stream_arn, resources.region))
                _wait_until_drained(poller, written, time.monotonic() + STEP_TIMEOUT_SECONDS)
                filtered = poller.counters.as_dict()["records_filtered_out"] - filtered_before
                if filtered and not quiet:
                    print(f"    {filtered} record{'s' if filtered != 1 else ''} filtered out (never invoked)")
        finally:
            poller.stop()
            runner.join()
        records = list(read_stream(streams, resources.stream_arn, resources.region))
        parked = _parked(failures, endpoint, resources.region)
        notifications = _drain_queue(sqs, resources.notifications_queue_url)
    counters = poller.counters.as_dict()
    expected = expected_outcome(settings, records)
    results = checks(expected, counters, [item.message for item in parked])
    if failures.bucket is not None:
        results += _object_checks(parked, expected, resources.stream_arn, function.function_arn)
    if settings.function.environment.get(handler_config.PROCESSOR) == handler_config.DEFAULT_PROCESSOR:
        inserts = expected["inserts_succeeded"]
        results.append(Check("one notification per processed profile insert", inserts, len(notifications)))
    _print_summary(
        counters,
        poller,
        destination=failures,
        parked=parked,
        notifications=len(notifications),
        results=results,
    )
    return EXIT_OK if all(check.ok for check in results) else EXIT_ATTENTION


def _object_checks(
    parked: list[ParkedItem], expected: dict[str, Any], stream_arn: str, function_arn: str
) -> list[Check]:
    """An S3 destination: each object holds its batch under payload, at AWS's key."""
    payload = [
        [record["dynamodb"]["SequenceNumber"] for record in item.document["payload"]["Records"]]
        for item in parked
    ]
    mapping = local_mapping_uuid(stream_arn, function_arn)
    prefixes = [
        s3_object_key(mapping, item.message.batch_info.shard_id, item.message.timestamp, "")
        for item in parked
    ]
    return [
        Check(
            "every object's payload holds exactly its batch",
            [[sequence] for sequence in expected["parked_sequence_numbers"]],
            payload,
        ),
        Check(
            "object keys: aws/lambda/<mapping UUID>/<shardId>/YYYY/MM/DD/<YYYY-MM-DDTHH.MM.SS>-<uuid>",
            [True] * len(parked),
            [
                item.where.startswith(prefix) and len(item.where) == len(prefix) + 36
                for item, prefix in zip(parked, prefixes, strict=True)
            ],
        ),
    ]


def _print_header(settings: Settings, endpoint: str, destination_arn: str) -> None:
    esm = settings.esm
    env = settings.function.environment
    print(f"Local pipeline demo (moto server {endpoint}; settings from {settings.source})")
    print(f"on-failure destination: {destination_arn}")
    print(
        f"  mapping: BatchSize {esm.batch_size}, window {esm.maximum_batching_window_in_seconds:g} s, "
        f"{esm.starting_position}, retries {esm.maximum_retry_attempts}, "
        f"max record age {esm.maximum_record_age_in_seconds} s, bisect {esm.bisect_batch_on_function_error}, "
        f"response types {list(esm.function_response_types)}"
    )
    print(f"  filters: {', '.join(esm.filter_patterns) or '(none)'}")
    print(
        f"  function: timeout {settings.function.timeout:g} s, memory {settings.function.memory_size} MB, "
        f"processor {env.get(handler_config.PROCESSOR)}, invalid records: "
        f"{env.get(handler_config.INVALID_RECORD_ACTION)}"
    )
    print("Workload:")


def _parked_title(destination: FailureDestination, count: int) -> str:
    plural = "" if count == 1 else "s"
    if destination.kind == "s3":
        return f"Failure bucket s3://{destination.bucket} ({count} object{plural}, payload included):"
    if destination.kind == "sns":
        return (
            f"Failure topic {destination.arn} ({count} notification{plural}, read through the subscribed "
            f"queue {destination.queue_url}; the record inside each):"
        )
    return f"Failure queue {destination.queue_url} ({count} message{plural}):"


def _print_summary(
    counters: dict[str, int],
    poller: Poller,
    *,
    destination: FailureDestination,
    parked: list[ParkedItem],
    notifications: int,
    results: list[Check],
) -> None:
    print("Summary:")
    rows = (
        ("records seen", "records_seen"),
        ("filtered out", "records_filtered_out"),
        ("delivered", "records_delivered"),
        ("succeeded", "records_succeeded"),
        ("batches", "batches"),
        ("invocations", "invocations"),
        ("retries", "retries"),
        ("bisects", "bisects"),
        ("partial batch failures", "partial_failures"),
        ("function errors", "function_errors"),
        ("records parked", "records_parked"),
    )
    for label, name in rows:
        print(f"  {label:<24}{counters[name]:>6}")
    print(f"  {'notifications published':<24}{notifications:>6}")
    for shard_id, checkpoint in poller.checkpoint_snapshot().items():
        print(f"  checkpoint {shard_id}: {checkpoint}")
    print("Mapping health (Lambda's event source mapping metrics):")
    for line in format_health(poller.health()):
        print(f"  {line}")
    print(_parked_title(destination, len(parked)))
    for item in parked:
        label = "key" if destination.bucket is not None else "message"
        print(f"  {label}: {item.where}")
        print("  " + json.dumps(item.document, indent=2).replace("\n", "\n  "))
    print("Checks against the settings:")
    for check in results:
        mark = "ok  " if check.ok else "FAIL"
        detail = f"{check.actual}" if check.ok else f"expected {check.expected}, got {check.actual}"
        print(f"  [{mark}] {check.what}: {detail}")
    print("RESULT: " + ("as the settings imply" if all(c.ok for c in results) else "MISMATCH"))
