"""Event source mapping semantics, end to end: moto stream -> poller -> worker -> scripted handler.

Each test writes records to a fresh table, runs the poller with settings rendered by
``modules/esm-settings`` from a fixture tfvars file, and asserts exactly which records each
invocation received and what reached the on-failure queue.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from pipeline.aws.clients import client
from pipeline.esm.events import Invoked, Parked, PollerEvent
from pipeline.esm.on_failure import Condition, OnFailureDestination, OnFailureMessage
from tests.pipeline.support import FIXTURES, REGION, Harness, Table

AWS = json.loads((FIXTURES / "aws_recorded.json").read_text())
TIMESTAMP_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
TIMESTAMP_S = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_settings_come_from_the_module(harness: Harness) -> None:
    settings = harness.load_settings("base.tfvars")
    assert settings.esm.batch_size == 3
    assert settings.esm.maximum_retry_attempts == 2
    assert settings.esm.filter_patterns == ('{"eventName":["INSERT"]}',)
    assert settings.esm.report_batch_item_failures
    assert settings.function.timeout == 1
    assert settings.function.environment["STREAM_HANDLER_ALLOWED_EVENT_NAMES"] == "INSERT"


def test_only_inserts_invoke_and_filtered_records_advance_the_checkpoint(
    harness: Harness, table: Table
) -> None:
    table.put("a")
    table.put("b")
    table.update("a")
    table.delete("b")
    table.put("c")
    table.update("c")

    poller = harness.run()

    assert harness.batches() == [["a", "b", "c"]]
    assert {name for entry in harness.invocations() for name in entry["event_names"]} == {"INSERT"}
    counters = poller.counters.as_dict()
    assert counters["records_seen"] == 6
    assert counters["records_filtered_out"] == 3
    assert counters["records_delivered"] == 3
    assert counters["invocations"] == 1
    # The last record (a MODIFY, filtered out) is done too: the checkpoint is past it.
    last = table.records()[-1]["dynamodb"]["SequenceNumber"]
    assert list(poller.checkpoint_snapshot().values()) == [last]
    assert table.failure_bodies() == []


def test_batches_hold_batch_size_records_in_stream_order(harness: Harness, table: Table) -> None:
    for key in "abcdefg":
        table.put(key)

    poller = harness.run()

    assert harness.batches() == [["a", "b", "c"], ["d", "e", "f"], ["g"]]
    delivered = [seq for entry in harness.invocations() for seq in entry["seqs"]]
    assert delivered == [seqs[0] for seqs in table.seqs().values()]
    assert poller.counters.as_dict()["batches"] == 3


def test_event_records_have_the_lambda_shape(harness: Harness, table: Table, tmp_path: Path) -> None:
    harness.events_log = tmp_path / "events.jsonl"
    table.put("a", blob={"B": b"foobar"})

    harness.run()

    event = json.loads(harness.events_log.read_text().splitlines()[0])
    record = event["Records"][0]
    reference = AWS["lambda_event_insert"]["Records"][0]
    assert list(record) == list(reference)
    assert list(record["dynamodb"]) == list(reference["dynamodb"])
    assert record["eventSource"] == "aws:dynamodb"
    assert record["awsRegion"] == "us-east-1"
    assert record["eventSourceARN"] == table.resources.stream_arn
    created = record["dynamodb"]["ApproximateCreationDateTime"]
    assert isinstance(created, float)
    assert len(str(int(created))) == 10
    assert abs(created - time.time()) < 120
    assert record["dynamodb"]["NewImage"]["blob"] == {"B": "Zm9vYmFy"}


def test_partial_failure_replays_the_aws_recording(harness: Harness, table: Table) -> None:
    """AWS: six records, BatchSize 3, the last one always reported failed, MaximumRetryAttempts 3."""
    for index in range(6):
        table.put(f"testId{index}", "fail" if index == 5 else "ok")

    poller = harness.run("aws_partial_failure.tfvars")

    deliveries: dict[str, int] = {}
    for keys in harness.batches():
        for key in keys:
            deliveries[key] = deliveries.get(key, 0) + 1
    assert deliveries == AWS["partial_failure"]["deliveries_per_key"]
    assert (
        harness.batches()
        == [["testId0", "testId1", "testId2"], ["testId3", "testId4", "testId5"]] + [["testId5"]] * 4
    )
    (body,) = table.failure_bodies()
    message = json.loads(body)
    reference = AWS["partial_failure"]["on_failure_message_body"]
    assert (
        message["requestContext"]["approximateInvokeCount"]
        == reference["requestContext"]["approximateInvokeCount"]
    )
    assert (
        message["responseContext"] == reference["responseContext"]
    )  # functionError null: it returned normally
    seq = table.seqs()["testId5"][0]
    assert message["DDBStreamBatchInfo"]["startSequenceNumber"] == seq
    assert message["DDBStreamBatchInfo"]["endSequenceNumber"] == seq
    assert message["DDBStreamBatchInfo"]["batchSize"] == 1
    assert poller.counters.as_dict()["records_parked"] == 1


def test_partial_failure_redelivers_from_the_lowest_failed_sequence_number(
    harness: Harness, table: Table
) -> None:
    table.put("a")
    table.put("b", "fail")
    table.put("c", "fail")
    table.put("d")

    poller = harness.run()

    seqs = table.seqs()
    invocations = harness.invocations()
    # b and c failed: the checkpoint stays before b (the lowest), and b, c are re-delivered;
    # the retried batch starts at its checkpoint, so it is retried twice (MaximumRetryAttempts 2).
    assert [entry["seqs"] for entry in invocations] == [
        [seqs["a"][0], seqs["b"][0], seqs["c"][0]],
        [seqs["b"][0], seqs["c"][0]],
        [seqs["b"][0], seqs["c"][0]],
        [seqs["b"][0], seqs["c"][0]],
        [seqs["d"][0]],
    ]
    (message,) = table.failure_messages()
    assert message.batch_info.start_sequence_number == seqs["b"][0]
    assert message.batch_info.end_sequence_number == seqs["c"][0]
    assert message.batch_info.batch_size == 2
    assert message.approximate_invoke_count == 3
    counters = poller.counters.as_dict()
    assert counters["retries"] == 2
    assert counters["partial_failures"] == 4
    assert counters["records_succeeded"] == 2


@pytest.mark.parametrize("case", AWS["invalid_responses"], ids=lambda case: json.dumps(case["response"]))
def test_invalid_batch_responses_fail_the_whole_batch(
    harness: Harness, table: Table, case: dict[str, Any]
) -> None:
    table.put("x", "respond:" + json.dumps(case["response"]))

    poller = harness.run()

    seq = table.seqs()["x"][0]
    # base.tfvars: MaximumRetryAttempts 2, so 3 invocations (AWS: 4 with 3 retries).
    assert [entry["seqs"] for entry in harness.invocations()] == [[seq]] * 3
    (body,) = table.failure_bodies()
    message = json.loads(body)
    assert message["responseContext"] == AWS["on_failure_invalid_response"]["responseContext"]
    assert message["requestContext"]["approximateInvokeCount"] == 3
    assert poller.counters.as_dict()["invalid_responses"] == 3


def test_an_unknown_item_identifier_fails_the_whole_batch(harness: Harness, table: Table) -> None:
    table.put("x", "respond:" + json.dumps({"batchItemFailures": [{"itemIdentifier": "4242"}]}))

    harness.run()

    assert len(harness.invocations()) == 3
    (message,) = table.failure_messages()
    assert message.response_context is not None
    assert message.response_context.function_error is None


@pytest.mark.parametrize("response", AWS["success_responses"], ids=json.dumps)
def test_responses_aws_treats_as_success(harness: Harness, table: Table, response: Any) -> None:
    table.put("x", "respond:" + json.dumps(response))

    poller = harness.run()

    assert len(harness.invocations()) == 1
    assert table.failure_bodies() == []
    assert poller.counters.as_dict()["records_succeeded"] == 1


def test_bisect_isolates_the_failing_record_without_counting_retries(harness: Harness, table: Table) -> None:
    table.put("a")
    table.put("b", "raise")
    table.put("c")

    poller = harness.run("bisect.tfvars")

    assert harness.batches() == [["a", "b", "c"], ["a"], ["b", "c"], ["b"], ["b"], ["b"], ["c"]]
    (message,) = table.failure_messages()
    assert message.batch_info.batch_size == 1
    assert message.batch_info.start_sequence_number == table.seqs()["b"][0]
    # Splits are not retries: only the single-record batch is retried, MaximumRetryAttempts (2) times.
    assert message.approximate_invoke_count == 3
    counters = poller.counters.as_dict()
    assert counters["bisects"] == 2
    assert counters["retries"] == 2
    assert counters["records_succeeded"] == 2


def test_retries_exhausted_sends_the_exact_aws_message(harness: Harness, table: Table) -> None:
    table.put("a")
    table.put("b", "raise")

    poller = harness.run()

    (body,) = table.failure_bodies()
    message = json.loads(body)
    reference = AWS["on_failure_unhandled"]
    assert list(message) == list(reference)
    assert list(message["requestContext"]) == list(reference["requestContext"])
    assert list(message["DDBStreamBatchInfo"]) == list(reference["DDBStreamBatchInfo"])
    invocations = harness.invocations()
    records = table.records()
    seq_a, seq_b = (record["dynamodb"]["SequenceNumber"] for record in records)
    assert message["requestContext"] == {
        "requestId": invocations[-1]["request_id"],
        "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:ddb-stream-handler",
        "condition": "RetryAttemptsExhausted",
        "approximateInvokeCount": 3,
    }
    assert UUID.match(message["requestContext"]["requestId"])
    assert message["responseContext"] == reference["responseContext"]
    assert message["version"] == "1.0"
    assert TIMESTAMP_MS.match(message["timestamp"])
    info = message["DDBStreamBatchInfo"]
    first_arrival = time.strftime(
        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(records[0]["dynamodb"]["ApproximateCreationDateTime"])
    )
    last_arrival = time.strftime(
        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(records[1]["dynamodb"]["ApproximateCreationDateTime"])
    )
    assert info == {
        "shardId": table.streams.describe_stream(StreamArn=table.resources.stream_arn)["StreamDescription"][
            "Shards"
        ][0]["ShardId"],
        "startSequenceNumber": seq_a,
        "endSequenceNumber": seq_b,
        "approximateArrivalOfFirstRecord": first_arrival,
        "approximateArrivalOfLastRecord": last_arrival,
        "batchSize": 2,
        "streamArn": table.resources.stream_arn,
    }
    assert TIMESTAMP_S.match(info["approximateArrivalOfFirstRecord"])
    assert [entry["seqs"] for entry in invocations] == [[seq_a, seq_b]] * 3
    # Processing continues after the parked batch: the checkpoint is its end.
    assert list(poller.checkpoint_snapshot().values()) == [seq_b]


class _SteppingClock:
    """Epoch seconds that jump ahead when told to (records age without waiting)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


def test_records_past_the_maximum_age_are_given_up_while_retrying(harness: Harness, table: Table) -> None:
    table.put("a", "raise")
    clock = _SteppingClock()

    def age_after_first_invocation(event: PollerEvent) -> None:
        if isinstance(event, Invoked):
            clock.offset = 3600.0  # base.tfvars: MaximumRecordAgeInSeconds 60

    poller = harness.run(clock=clock, listener=age_after_first_invocation)

    assert len(harness.invocations()) == 1
    (body,) = table.failure_bodies()
    message = json.loads(body)
    assert "responseContext" not in message
    kinesis_keys = AWS["record_age_exceeded_kinesis_request_context_and_top_level_keys"]["top_level_keys"]
    assert list(message) == [*kinesis_keys[:3], "DDBStreamBatchInfo"]
    assert message["requestContext"]["condition"] == "RecordAgeExceeded"
    assert message["requestContext"]["approximateInvokeCount"] == 1
    assert poller.counters.as_dict()["retries"] == 0


def test_records_already_too_old_are_never_invoked(harness: Harness, table: Table) -> None:
    table.put("old")
    clock = _SteppingClock()
    clock.offset = 3600.0

    poller = harness.run(clock=clock)

    assert harness.invocations() == []
    (message,) = table.failure_messages()
    assert message.condition is Condition.RECORD_AGE_EXCEEDED
    assert message.response_context is None
    assert message.approximate_invoke_count == 1
    assert poller.counters.as_dict()["records_parked"] == 1


@pytest.mark.parametrize(("behaviour", "counter"), [("sleep-once", "timeouts"), ("exit-once", "crashes")])
def test_timeout_and_crash_are_function_errors_and_replace_the_worker(
    harness: Harness, table: Table, behaviour: str, counter: str
) -> None:
    table.put("a", behaviour)

    started = time.monotonic()
    poller = harness.run()

    first, second = harness.invocations()
    assert first["seqs"] == second["seqs"]
    assert first["pid"] != second["pid"]
    counters = poller.counters.as_dict()
    assert counters[counter] == 1
    assert counters["retries"] == 1
    assert counters["records_succeeded"] == 1
    assert table.failure_bodies() == []
    if behaviour == "sleep-once":
        assert time.monotonic() - started < 10  # killed at the 1 s timeout, not after the 30 s sleep


def test_a_stopped_run_resumes_from_its_checkpoint(harness: Harness, table: Table, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    for key in "abcd":
        table.put(key)
    harness.run(state_file=state)
    saved = json.loads(state.read_text())
    seqs = table.seqs()
    assert saved["streamArn"] == table.resources.stream_arn
    assert list(saved["shards"].values()) == [{"checkpoint": seqs["d"][0], "finished": False, "inFlight": []}]

    table.put("e")
    table.put("f")
    poller = harness.run(state_file=state)

    assert harness.batches() == [["a", "b", "c"], ["d"], ["e", "f"]]
    assert poller.counters.as_dict()["records_seen"] == 2
    (shard_state,) = json.loads(state.read_text())["shards"].values()
    assert shard_state["checkpoint"] == table.seqs()["f"][0]


def test_a_state_file_of_another_stream_is_refused(harness: Harness, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"streamArn": f"arn:aws:dynamodb:us-east-1:1:table/{uuid.uuid4()}/stream/x"}))
    from pipeline.errors import PipelineError

    with pytest.raises(PipelineError, match="belongs to stream"):
        harness.poller(state_file=state)


def test_the_batching_window_gathers_records_before_invoking(harness: Harness, table: Table) -> None:
    received: list[float] = []

    def on_invoke(event: PollerEvent) -> None:
        if isinstance(event, Invoked):
            received.append(time.monotonic())

    poller = harness.poller("window.tfvars", listener=on_invoke)
    runner = threading.Thread(target=poller.run, daemon=True)
    runner.start()
    try:
        assert poller.wait_until_reading()
        written = time.monotonic()
        table.put("a")
        time.sleep(0.5)
        table.put("b")
        deadline = time.monotonic() + 20
        while not received and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        poller.stop()
        runner.join()

    assert harness.batches() == [["a", "b"]]
    waited = received[0] - written
    assert 1.5 <= waited < 5.0


def test_batches_stay_within_the_6_mb_invocation_payload(
    harness: Harness, table: Table, tmp_path: Path
) -> None:
    harness.events_log = tmp_path / "events.jsonl"
    padding = "x" * 350_000
    for index in range(20):
        table.put(f"big{index:02d}", payload={"S": padding})

    harness.run("large.tfvars")  # BatchSize 100: the payload limit binds first

    sizes = [len(line) for line in harness.events_log.read_text().splitlines()]
    batches = harness.batches()
    assert [key for keys in batches for key in keys] == [f"big{index:02d}" for index in range(20)]
    assert all(size <= 6 * 1024 * 1024 for size in sizes)
    # ~350 KB per record: 17 fit in 6 MB, the 18th would not.
    assert [len(keys) for keys in batches] == [17, 3]


def test_an_sns_destination_gets_the_same_record(harness: Harness, table: Table) -> None:
    table.put("a", "raise")
    parked: list[Parked] = []
    poller = harness.poller(
        destination=OnFailureDestination(
            table.resources.topic_arn, sns=client("sns", harness.endpoint, REGION)
        ),
        listener=lambda event: parked.append(event) if isinstance(event, Parked) else None,
    )

    poller.run(until_drained=True, timeout=60)

    messages = table.sqs.receive_message(QueueUrl=table.resources.notifications_queue_url).get("Messages", [])
    (notification,) = messages
    envelope = json.loads(notification["Body"])
    assert envelope["Type"] == "Notification"
    assert envelope["TopicArn"] == table.resources.topic_arn
    parsed = OnFailureMessage.from_body(notification["Body"])
    assert parsed == parked[0].batch.message
    assert parsed.batch_info.start_sequence_number == table.seqs()["a"][0]
