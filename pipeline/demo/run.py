"""The demo: moto server, resources, poller and packaged handler, driven through the workload.

It creates the table, stream, failure queue and notification topic; starts the poller with the
settings Terraform renders from the tfvars; writes the workload (:mod:`pipeline.demo.workload`)
step by step, letting the pipeline drain after each step so every step's outcome is determined
by the settings alone; then prints a summary and compares it with what the settings imply.
Exit 0 when they agree, 1 when not.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from handler import config as handler_config
from pipeline.aws.clients import client, use_fake_credentials
from pipeline.aws.moto_server import MotoServer
from pipeline.aws.resources import LocalResources, create_idempotency_table, create_resources
from pipeline.demo.workload import HASH_KEY, TABLE, WORKLOAD, Check, checks, expected_outcome
from pipeline.errors import EXIT_ATTENTION, EXIT_OK, PipelineError
from pipeline.esm.events import Invoked, Parked, PollerEvent
from pipeline.esm.on_failure import OnFailureDestination, OnFailureMessage
from pipeline.esm.poller import Poller
from pipeline.runtime.function import LocalFunction, parse_log_target
from pipeline.runtime.worker import LambdaWorker
from pipeline.settings.loader import load_settings
from pipeline.settings.model import Settings
from pipeline.stream.reader import read_stream

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


def _print_invocation(quiet: bool) -> Callable[[PollerEvent], None]:
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
            print(f"    parked [{keys}] on the failure queue")

    return listener


def run_demo(
    *,
    zip_path: Path,
    var_file: Path | None = None,
    plan_json: Path | None = None,
    function_name: str | None = None,
    function_logs: str = "discard",
    quiet: bool = False,
) -> int:
    """Run the demo; returns the exit code."""
    use_fake_credentials()
    with MotoServer() as server:
        endpoint = server.endpoint_url
        resources = create_resources(endpoint, table_name=TABLE, hash_key=HASH_KEY)
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
        _print_header(settings, endpoint)
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
            destination=OnFailureDestination(resources.queue_arn, sqs=sqs),
            listener=_print_invocation(quiet),
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
        bodies = _drain_queue(sqs, resources.queue_url)
        notifications = _drain_queue(sqs, resources.notifications_queue_url)
    messages = [OnFailureMessage.from_body(body) for body in bodies]
    counters = poller.counters.as_dict()
    expected = expected_outcome(settings, records)
    results = checks(expected, counters, messages)
    if settings.function.environment.get(handler_config.PROCESSOR) == handler_config.DEFAULT_PROCESSOR:
        inserts = expected["inserts_succeeded"]
        results.append(Check("one notification per processed profile insert", inserts, len(notifications)))
    _print_summary(counters, poller.checkpoint_snapshot(), bodies, len(notifications), results)
    return EXIT_OK if all(check.ok for check in results) else EXIT_ATTENTION


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
        f"  function: timeout {settings.function.timeout:g} s, memory {settings.function.memory_size} MB, "
        f"processor {env.get(handler_config.PROCESSOR)}, invalid records: "
        f"{env.get(handler_config.INVALID_RECORD_ACTION)}"
    )
    print("Workload:")


def _print_summary(
    counters: dict[str, int],
    checkpoints: dict[str, str | None],
    bodies: list[str],
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
    for shard_id, checkpoint in checkpoints.items():
        print(f"  checkpoint {shard_id}: {checkpoint}")
    print(f"Failure queue ({len(bodies)} message{'s' if len(bodies) != 1 else ''}):")
    for body in bodies:
        print("  " + json.dumps(json.loads(body), indent=2).replace("\n", "\n  "))
    print("Checks against the settings:")
    for check in results:
        mark = "ok  " if check.ok else "FAIL"
        detail = f"{check.actual}" if check.ok else f"expected {check.expected}, got {check.actual}"
        print(f"  [{mark}] {check.what}: {detail}")
    print("RESULT: " + ("as the settings imply" if all(c.ok for c in results) else "MISMATCH"))
