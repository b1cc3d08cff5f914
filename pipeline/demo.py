"""``python -m pipeline demo``: the whole pipeline on an embedded moto server, checked.

It creates the table, stream, failure queue and notification topic; starts the poller with the
settings Terraform renders from the tfvars; writes a scripted workload in steps (profile inserts,
updates and deletes, an invalid profile, a record that always fails), letting the pipeline
drain after each step so every step's outcome is determined by the settings alone; then prints
a summary and compares it with what the settings imply. Exit 0 when they agree, 1 when not.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipeline.errors import PipelineError
from pipeline.esm_settings import Settings, load_from_modules, load_from_plan
from pipeline.filter_rules import FilterCriteria
from pipeline.local_aws import LocalResources, MotoServer, client, create_resources, use_fake_credentials
from pipeline.on_failure import Condition, OnFailureDestination, OnFailureMessage
from pipeline.poller import Poller
from pipeline.stream_reader import Position, ShardReader, describe_stream, to_lambda_record
from pipeline.worker import FunctionConfig, InvokeResult, LambdaWorker, parse_log_target

TABLE = "user-profiles"
HASH_KEY = "user_id"
STEP_TIMEOUT_SECONDS = 120.0
USER_PROFILE_PROCESSOR = "handler.processors.user_profile:process_record"


@dataclass(frozen=True)
class Step:
    """One part of the workload: a title and the writes it makes."""

    title: str
    write: Callable[[Any, str], None]


def _profile(user_id: str, email: str, name: str, **extra: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {HASH_KEY: {"S": user_id}, "email": {"S": email}, "name": {"S": name}}
    item.update(extra)
    return item


def _put(*items: dict[str, Any]) -> Callable[[Any, str], None]:
    def write(dynamodb: Any, table: str) -> None:
        for item in items:
            dynamodb.put_item(TableName=table, Item=item)

    return write


def _updates_and_deletes(dynamodb: Any, table: str) -> None:
    for user_id, status in (("u-001", "suspended"), ("u-002", "pending")):
        dynamodb.update_item(
            TableName=table,
            Key={HASH_KEY: {"S": user_id}},
            UpdateExpression="SET #s = :s",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": {"S": status}},
        )
    dynamodb.delete_item(TableName=table, Key={HASH_KEY: {"S": "u-003"}})


INVALID_PROFILE = "u-bad-email"
POISON_PROFILE = "u-poison"

WORKLOAD = (
    Step(
        "6 valid profile inserts",
        _put(
            _profile("u-001", "ada@example.com", "Ada Lovelace", status={"S": "active"}),
            _profile("u-002", "grace@example.com", "Grace Hopper", age={"N": "85"}),
            _profile("u-003", "alan@example.com", "Alan Turing"),
            _profile("u-004", "edsger@example.com", "Edsger Dijkstra", status={"S": "pending"}),
            _profile("u-005", "barbara@example.com", "Barbara Liskov"),
            _profile("u-006", "ken@example.com", "Ken Thompson", age={"N": "82"}),
        ),
    ),
    Step("2 profile updates and 1 delete", _updates_and_deletes),
    Step(
        "an invalid profile (malformed email)",
        _put(_profile(INVALID_PROFILE, "not-an-email", "Invalid Email")),
    ),
    Step(
        "a record that always fails (age 999: every retry fails the same way)",
        _put(_profile(POISON_PROFILE, "poison@example.com", "Poison Record", age={"N": "999"})),
    ),
    Step(
        "2 more valid inserts after the failures",
        _put(
            _profile("u-007", "margaret@example.com", "Margaret Hamilton"),
            _profile("u-008", "donald@example.com", "Donald Knuth", status={"S": "active"}),
        ),
    ),
)


def _load(args: argparse.Namespace, resources: LocalResources) -> Settings:
    overrides = {"notification_topic_arn": resources.topic_arn}
    if getattr(args, "plan_json", None):
        settings = load_from_plan(args.plan_json)
        settings.function.environment["STREAM_HANDLER_NOTIFICATION_TOPIC_ARN"] = resources.topic_arn
        return settings
    return load_from_modules(args.var_file, handler_variables=overrides)


def _wait_until_drained(poller: Poller, records_written: int, deadline: float) -> None:
    """The poller has read every record written so far and has nothing in flight."""
    quiet = 0
    while quiet < 2:
        if time.monotonic() > deadline:
            raise PipelineError("the demo pipeline did not drain in time")
        for processor in poller.processors.values():
            if processor.error is not None:
                raise processor.error
        caught_up = poller.counters.as_dict()["records_seen"] >= records_written and poller.drained()
        quiet = quiet + 1 if caught_up else 0
        time.sleep(0.1)


def _stream_records(streams: Any, stream_arn: str, region: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for shard in describe_stream(streams, stream_arn).shards:
        reader = ShardReader(streams, stream_arn, shard.shard_id, Position.trim_horizon())
        while True:
            page = reader.read()
            records.extend(to_lambda_record(raw, stream_arn, region) for raw in page.records)
            if not page.records or page.shard_ended:
                break
    return records


def _drain_queue(sqs: Any, queue_url: str) -> list[str]:
    bodies: list[str] = []
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
            "Messages", []
        )
        if not messages:
            return bodies
        for message in messages:
            bodies.append(message["Body"])
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


@dataclass
class Check:
    """One expectation and whether it held."""

    what: str
    expected: Any
    actual: Any

    @property
    def ok(self) -> bool:
        return bool(self.expected == self.actual)


def expected_outcome(settings: Settings, records: list[dict[str, Any]]) -> dict[str, Any]:
    """What the settings imply for the workload, given the records the stream holds.

    The filter decides what is delivered; the handler's invalid-record action decides whether
    the two bad profiles fail; each bad record is alone in its batch (the demo drains between
    steps), so it is retried MaximumRetryAttempts times and parked alone.
    """
    criteria = FilterCriteria(settings.esm.filter_criteria)
    matched = [record for record in records if criteria.matches(record)]
    fails = settings.function.environment.get("STREAM_HANDLER_INVALID_RECORD_ACTION", "fail") == "fail"
    bad = [
        record
        for record in matched
        if fails
        and record["eventName"] == "INSERT"
        and record["dynamodb"]["Keys"][HASH_KEY]["S"] in (INVALID_PROFILE, POISON_PROFILE)
    ]
    retries = settings.esm.maximum_retry_attempts
    inserts = sum(1 for record in matched if record["eventName"] == "INSERT")
    return {
        "inserts_succeeded": inserts - len(bad),
        "records_seen": len(records),
        "records_filtered_out": len(records) - len(matched),
        "records_delivered": len(matched),
        "records_succeeded": len(matched) - len(bad),
        "records_parked": len(bad),
        "parked_sequence_numbers": [record["dynamodb"]["SequenceNumber"] for record in bad],
        "retries": len(bad) * retries if retries >= 0 else None,
        "condition": Condition.RETRY_ATTEMPTS_EXHAUSTED if retries >= 0 else Condition.RECORD_AGE_EXCEEDED,
        "invoke_count": retries + 1 if retries >= 0 else None,
    }


def _checks(
    expected: dict[str, Any], counters: dict[str, int], messages: list[OnFailureMessage]
) -> list[Check]:
    checks = [
        Check(f"{name.replace('_', ' ')}", expected[name], counters[name])
        for name in (
            "records_seen",
            "records_filtered_out",
            "records_delivered",
            "records_succeeded",
            "records_parked",
        )
    ]
    checks.append(
        Check(
            "failure-queue messages name exactly the bad records",
            expected["parked_sequence_numbers"],
            [m.batch_info.start_sequence_number for m in messages],
        )
    )
    checks.append(
        Check(
            "every parked batch holds one record",
            [1] * len(messages),
            [m.batch_info.batch_size for m in messages],
        )
    )
    checks.append(
        Check(
            "condition", [expected["condition"].value] * len(messages), [m.condition.value for m in messages]
        )
    )
    if expected["invoke_count"] is not None:
        checks.append(
            Check(
                "approximateInvokeCount = MaximumRetryAttempts + 1",
                [expected["invoke_count"]] * len(messages),
                [m.approximate_invoke_count for m in messages],
            )
        )
        checks.append(Check("retries", expected["retries"], counters["retries"]))
    return checks


def _print_invocation(quiet: bool) -> Callable[[str, str, list[Any], Any], None]:
    def listener(kind: str, _shard_id: str, entries: list[Any], detail: Any) -> None:
        if quiet:
            return
        keys = ", ".join(entry.record["dynamodb"]["Keys"][HASH_KEY]["S"] for entry in entries)
        if kind == "invoke" and isinstance(detail, InvokeResult):
            outcome = "ok" if detail.ok else f"{detail.status.value}: {detail.error_type}"
            if detail.ok and isinstance(detail.payload, dict) and detail.payload.get("batchItemFailures"):
                outcome = f"partial failure ({len(detail.payload['batchItemFailures'])} failed)"
            print(f"    invoke [{keys}] -> {outcome}")
        elif kind == "parked":
            print(f"    parked [{keys}] on the failure queue")

    return listener


def run_demo(args: argparse.Namespace) -> int:
    """The demo command; returns the exit code."""
    if not args.zip.is_file():
        raise PipelineError(f"handler zip not found: {args.zip} (run `make package` to build it)")
    use_fake_credentials()
    with MotoServer() as server:
        endpoint = server.endpoint_url
        resources = create_resources(endpoint, table_name=TABLE, hash_key=HASH_KEY)
        settings = _load(args, resources)
        esm = settings.esm
        if esm.maximum_retry_attempts < 0 and esm.maximum_record_age_in_seconds < 0:
            raise PipelineError(
                "with maximum_retry_attempts = -1 and maximum_record_age_in_seconds = -1 the demo's failing "
                "record would block its shard for the stream's whole 24 h retention; set either one"
            )
        idempotency = settings.function.environment.get("STREAM_HANDLER_IDEMPOTENCY_TABLE")
        if idempotency:
            client("dynamodb", endpoint, resources.region).create_table(
                TableName=idempotency,
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
        _print_header(settings, endpoint)
        for note in esm.not_emulated():
            print(f"  note: {note}")
        function = FunctionConfig.from_settings(
            settings.function,
            zip_path=args.zip,
            region=resources.region,
            endpoint_url=endpoint,
            function_name=args.function_name,
            logs=parse_log_target(args.function_logs),
        )
        sqs = client("sqs", endpoint, resources.region)
        streams = client("dynamodbstreams", endpoint, resources.region)
        poller = Poller(
            settings=esm,
            streams_client=streams,
            stream_arn=resources.stream_arn,
            invoker_factory=lambda: LambdaWorker(function),
            function_arn=function.function_arn,
            destination=OnFailureDestination(resources.queue_arn, sqs=sqs),
            listener=_print_invocation(args.quiet),
        )
        runner = threading.Thread(target=poller.run, name="poller", daemon=True)
        runner.start()
        if not poller.wait_until_reading():
            raise PipelineError("the demo pipeline did not start reading the stream")
        dynamodb = client("dynamodb", endpoint, resources.region)
        written = 0
        try:
            for number, step in enumerate(WORKLOAD, start=1):
                if not args.quiet:
                    print(f"  step {number}: {step.title}")
                filtered_before = poller.counters.as_dict()["records_filtered_out"]
                step.write(dynamodb, TABLE)
                written = len(_stream_records(streams, resources.stream_arn, resources.region))
                _wait_until_drained(poller, written, time.monotonic() + STEP_TIMEOUT_SECONDS)
                filtered = poller.counters.as_dict()["records_filtered_out"] - filtered_before
                if filtered and not args.quiet:
                    print(f"    {filtered} record{'s' if filtered != 1 else ''} filtered out (never invoked)")
        finally:
            poller.stop()
            runner.join()
        records = _stream_records(streams, resources.stream_arn, resources.region)
        bodies = _drain_queue(sqs, resources.queue_url)
        notifications = _drain_queue(sqs, resources.notifications_queue_url)
    messages = [OnFailureMessage.from_body(body) for body in bodies]
    counters = poller.counters.as_dict()
    expected = expected_outcome(settings, records)
    checks = _checks(expected, counters, messages)
    if settings.function.environment.get("STREAM_HANDLER_PROCESSOR") == USER_PROFILE_PROCESSOR:
        inserts = expected["inserts_succeeded"]
        checks.append(Check("one notification per processed profile insert", inserts, len(notifications)))
    _print_summary(counters, poller.checkpoint_snapshot(), bodies, len(notifications), checks)
    return 0 if all(check.ok for check in checks) else 1


def _print_header(settings: Settings, endpoint: str) -> None:
    esm = settings.esm
    env = settings.function.environment
    print(f"Local pipeline demo (moto server {endpoint}; settings from {settings.source})")
    print(
        f"  mapping: BatchSize {esm.batch_size}, window {esm.maximum_batching_window_in_seconds:g} s, "
        f"{esm.starting_position}, retries {esm.maximum_retry_attempts}, "
        f"max record age {esm.maximum_record_age_in_seconds} s, bisect {esm.bisect_batch_on_function_error}, "
        f"response types {list(esm.function_response_types)}"
    )
    print(f"  filters: {', '.join(esm.filter_patterns) or '(none)'}")
    print(
        f"  function: timeout {settings.function.timeout} s, memory {settings.function.memory_size} MB, "
        f"processor {env.get('STREAM_HANDLER_PROCESSOR')}, invalid records: "
        f"{env.get('STREAM_HANDLER_INVALID_RECORD_ACTION')}"
    )
    print("Workload:")


def _print_summary(
    counters: dict[str, int],
    checkpoints: dict[str, str | None],
    bodies: list[str],
    notifications: int,
    checks: list[Check],
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
    for shard_id, checkpoint in checkpoints.items():
        print(f"  checkpoint {shard_id}: {checkpoint}")
    print(f"Failure queue ({len(bodies)} message{'s' if len(bodies) != 1 else ''}):")
    for body in bodies:
        print("  " + json.dumps(json.loads(body), indent=2).replace("\n", "\n  "))
    print("Checks against the settings:")
    for check in checks:
        mark = "ok  " if check.ok else "FAIL"
        detail = f"{check.actual}" if check.ok else f"expected {check.expected}, got {check.actual}"
        print(f"  [{mark}] {check.what}: {detail}")
    print("RESULT: " + ("as the settings imply" if all(c.ok for c in checks) else "MISMATCH"))
