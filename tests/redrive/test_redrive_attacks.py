"""Redrive attacked: malformed and foreign messages, duplicates, batches that outlive the
visibility timeout, two redrives at once, messages held elsewhere. Each test failed before the
fix it covers."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import InputError, PipelineError
from pipeline.redrive.options import RedriveOptions
from pipeline.redrive.outcome import RedriveReport, format_summary
from pipeline.redrive.queue import redrive_queue
from pipeline.runtime.function import LocalFunction
from pipeline.runtime.invoker import Invoker
from pipeline.runtime.worker import LambdaWorker
from pipeline.settings.model import FunctionSettings
from tests.redrive.conftest import PROBE_HANDLER, Probe, Stack, make_stack


def _redrive(stack: Stack, invoker: Invoker | None, **options: Any) -> RedriveReport:
    settings: dict[str, Any] = {"queue_url": stack.queue_url, "wait_seconds": 0, **options}
    return redrive_queue(
        sqs=stack.aws("sqs"),
        streams=stack.aws("dynamodbstreams"),
        invoker=invoker,
        options=RedriveOptions(**settings),
    )


def _sequences(stack: Stack) -> list[str]:
    return [record["dynamodb"]["SequenceNumber"] for record in stack.records()]


def _edited(body: str, **fields: Any) -> str:
    document = json.loads(body)
    document["DDBStreamBatchInfo"].update(fields)
    return json.dumps(document)


def test_malformed_messages_are_reported_kept_and_the_run_goes_on(
    stack: Stack, probe: Probe, worker: LambdaWorker
) -> None:
    stack.put("good")
    (sequence,) = _sequences(stack)
    good = stack.failure_body(sequence, sequence, batch_size=1)
    later = str(int(sequence) + 5)
    bad = {
        "reversed": _edited(good, startSequenceNumber=later),
        "not-an-arn": _edited(good, streamArn="table/profiles/stream/x"),
        "queue-arn": _edited(good, streamArn="arn:aws:sqs:us-east-1:123456789012:q"),
        "shard": _edited(good, shardId="../../etc/passwd"),
        "short-sequence": _edited(good, startSequenceNumber="7", endSequenceNumber="7"),
        "batch-size": _edited(good, batchSize="ten"),
    }
    ids = {name: stack.park(body) for name, body in bad.items()}
    ids["good"] = stack.park(good)

    report = _redrive(stack, worker)

    details = {outcome.message_id: (outcome.status, outcome.detail) for outcome in report.outcomes}
    assert details[ids["good"]] == ("redriven", "")
    assert details[ids["reversed"]] == (
        "invalid",
        f"impossible range: startSequenceNumber {later} is after endSequenceNumber {sequence}",
    )
    assert details[ids["not-an-arn"]] == (
        "invalid",
        "DDBStreamBatchInfo.streamArn: 'table/profiles/stream/x' is not an ARN "
        "(arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)",
    )
    assert details[ids["queue-arn"]][1].startswith("DDBStreamBatchInfo.streamArn: 'arn:aws:sqs:")
    assert details[ids["shard"]] == (
        "invalid",
        "DDBStreamBatchInfo.shardId is not a shard id: '../../etc/passwd'",
    )
    assert details[ids["short-sequence"]] == (
        "invalid",
        "DDBStreamBatchInfo.startSequenceNumber is not a sequence number: '7'",
    )
    assert details[ids["batch-size"]] == (
        "invalid",
        "DDBStreamBatchInfo.batchSize is not a positive integer: 'ten'",
    )
    assert probe.invoked_sequences() == [[sequence]]
    assert sorted(stack.queue_bodies()) == sorted(bad.values())
    assert re.search(r"^  invalid \(kept\) +6$", format_summary(report), re.MULTILINE)


def test_invalid_messages_move_to_the_archive_queue_by_flag(stack: Stack, worker: LambdaWorker) -> None:
    stack.put("x")
    (sequence,) = _sequences(stack)
    invalid = _edited(stack.failure_body(sequence, sequence, 1), endSequenceNumber=str(int(sequence) - 1))
    invalid_id = stack.park(invalid)
    foreign_id = stack.park("{not json")

    report = _redrive(stack, worker, archive_queue_url=stack.archive_queue_url, move_invalid=True)

    assert sorted(outcome.status for outcome in report.outcomes) == ["rejected", "rejected"]
    assert stack.queue_bodies() == []
    moved = {
        message["MessageAttributes"]["redriveOriginalMessageId"]["StringValue"]: (
            message["Body"],
            message["MessageAttributes"]["redriveOutcome"]["StringValue"],
        )
        for message in stack.queue_messages(stack.archive_queue_url)
    }
    assert moved == {invalid_id: (invalid, "invalid"), foreign_id: ("{not json", "unrecognised")}


def test_a_message_of_another_stream_is_never_run(
    stack: Stack, probe: Probe, worker: LambdaWorker, endpoint: str
) -> None:
    stack.put("mine")
    (mine,) = _sequences(stack)
    other = make_stack(endpoint)
    other.put("theirs")
    (theirs,) = _sequences(other)
    mine_id = stack.park(stack.failure_body(mine, mine, 1))
    theirs_id = stack.park(other.failure_body(theirs, theirs, 1))

    report = _redrive(stack, worker, stream_arn=stack.stream_arn)

    details = {outcome.message_id: (outcome.status, outcome.detail) for outcome in report.outcomes}
    assert details[mine_id] == ("redriven", "")
    assert details[theirs_id] == (
        "invalid",
        f"for stream {other.stream_arn}, but this run redrives {stack.stream_arn} (given with --stream-arn)",
    )
    assert probe.invoked_sequences() == [[mine]]
    assert len(stack.queue_bodies()) == 1


def test_without_a_stream_arn_one_run_redrives_one_stream(
    stack: Stack, probe: Probe, worker: LambdaWorker, endpoint: str
) -> None:
    stack.put("mine")
    (mine,) = _sequences(stack)
    other = make_stack(endpoint)
    other.put("theirs")
    (theirs,) = _sequences(other)
    stack.park(stack.failure_body(mine, mine, 1))
    stack.park(other.failure_body(theirs, theirs, 1))

    report = _redrive(stack, worker)

    assert sorted(outcome.status for outcome in report.outcomes) == ["invalid", "redriven"]
    (invalid,) = [outcome for outcome in report.outcomes if outcome.status == "invalid"]
    assert invalid.detail.endswith("(of the first message; pass --stream-arn)")
    assert len(probe.invoked_sequences()) == 1


def test_a_duplicate_message_is_removed_without_running_the_batch_twice(
    stack: Stack, probe: Probe, worker: LambdaWorker
) -> None:
    stack.put("dup")
    (sequence,) = _sequences(stack)
    body = stack.failure_body(sequence, sequence, 1)
    stack.park(body)
    stack.park(body)

    report = _redrive(stack, worker)

    assert sorted(outcome.status for outcome in report.outcomes) == ["duplicate", "redriven"]
    assert report.ok
    assert probe.invoked_sequences() == [[sequence]]
    assert stack.queue_bodies() == []


def test_a_message_stays_invisible_while_its_batch_outlives_the_visibility_timeout(
    stack: Stack, probe: Probe, worker: LambdaWorker
) -> None:
    stack.put("slow")
    (sequence,) = _sequences(stack)
    stack.park(stack.failure_body(sequence, sequence, 1))
    probe.sleep(5)  # longer than the 3 s visibility timeout
    seen: list[str] = []
    done = threading.Event()

    def other_consumer() -> None:
        sqs = stack.aws("sqs")
        done.wait(1)  # the redrive has received the message by now
        while not done.is_set():
            got = sqs.receive_message(QueueUrl=stack.queue_url, WaitTimeSeconds=0, VisibilityTimeout=1)
            seen.extend(message["MessageId"] for message in got.get("Messages", []))
            time.sleep(0.3)

    spy = threading.Thread(target=other_consumer)
    spy.start()
    try:
        report = _redrive(stack, worker, visibility_timeout=3)
    finally:
        done.set()
        spy.join()

    assert [outcome.status for outcome in report.outcomes] == ["redriven"]
    assert seen == []


def test_two_redrives_at_once_run_each_batch_once(
    stack: Stack, probe: Probe, worker: LambdaWorker, probe_zip: Path, endpoint: str
) -> None:
    for number in range(4):
        stack.put(f"r{number}")
    sequences = _sequences(stack)
    for sequence in sequences:
        stack.park(stack.failure_body(sequence, sequence, 1))
    probe.sleep(1.2)  # four batches take longer than one visibility timeout
    reports: list[RedriveReport] = []

    def second() -> None:
        settings = FunctionSettings(
            {"PROBE_LOG": str(probe.log), "PROBE_CONTROL": str(probe.control)}, 10.0, 128, PROBE_HANDLER
        )
        with LambdaWorker(LocalFunction(settings, zip_path=probe_zip, endpoint_url=endpoint)) as other:
            # Starts once the first run's claim on its later messages would have lapsed (3 s).
            time.sleep(3.3)
            reports.append(_redrive(stack, other, visibility_timeout=3))

    thread = threading.Thread(target=second)
    thread.start()
    reports.append(_redrive(stack, worker, visibility_timeout=3))
    thread.join()

    invoked = sorted(sequence for batch in probe.invoked_sequences() for sequence in batch)
    assert invoked == sorted(sequences)
    assert sum(report.count("redriven") for report in reports) == 4
    assert stack.queue_bodies() == []


def test_messages_held_elsewhere_make_the_run_say_so(
    stack: Stack, probe: Probe, worker: LambdaWorker
) -> None:
    stack.put("h1")
    stack.put("h2")
    first, second = _sequences(stack)
    stack.park(stack.failure_body(first, first, 1))
    # Another consumer (or a killed redrive) holds this one: this run cannot see it.
    stack.park(stack.failure_body(second, second, 1))
    held = stack.aws("sqs").receive_message(
        QueueUrl=stack.queue_url, MaxNumberOfMessages=1, VisibilityTimeout=60
    )
    (held_message,) = held["Messages"]

    report = _redrive(stack, worker)

    held_start = json.loads(held_message["Body"])["DDBStreamBatchInfo"]["startSequenceNumber"]
    (seen_start,) = {first, second} - {held_start}
    assert [(outcome.status, outcome.start) for outcome in report.outcomes] == [("redriven", seen_start)]
    assert probe.invoked_sequences() == [[seen_start]]
    assert report.in_flight_elsewhere == 1
    assert not report.ok
    summary = format_summary(report)
    assert re.search(r"^  in flight elsewhere \(not visible\) +1$", summary, re.MULTILINE)
    assert "note: 1 message(s) were in flight" in summary


def test_a_record_that_still_fails_says_why(stack: Stack, probe: Probe, worker: LambdaWorker) -> None:
    stack.put("boom")
    (sequence,) = _sequences(stack)
    stack.park(stack.failure_body(sequence, sequence, 1))
    probe.raise_errors()

    report = _redrive(stack, worker)

    (outcome,) = report.outcomes
    assert outcome.detail == f"1 record(s) still fail, first {sequence}: RuntimeError: probe told to raise"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"visibility_timeout": 1}, "visibility timeout must be 3..43200 s, got 1"),
        ({"wait_seconds": 21}, "wait seconds must be 0..20 (SQS long polling), got 21"),
        ({"move_invalid": True}, "moving invalid messages needs an archive queue (--archive-queue-url)"),
        ({"after_redrive": "keep"}, "after redrive must be move or delete, got 'keep'"),
    ],
)
def test_options_are_checked(options: dict[str, Any], message: str) -> None:
    with pytest.raises(PipelineError, match=message.replace("(", r"\(").replace(")", r"\)")):
        RedriveOptions(queue_url="http://localhost/123456789012/q", **options)


def test_bad_stream_arn_option_is_refused(stack: Stack) -> None:
    with pytest.raises(InputError, match="--stream-arn: 'arn:aws:sqs:us-east-1:123456789012:q' is a sqs ARN"):
        _redrive(stack, None, dry_run=True, stream_arn="arn:aws:sqs:us-east-1:123456789012:q")


class RedeliveringSqs:
    """SQS as it may behave: one message per receive, and the first message delivered a second time
    (at-least-once delivery) in the second receive, alone."""

    def __init__(self, sqs: Any, lose_visibility: bool = False) -> None:
        self._sqs = sqs
        self._first: dict[str, Any] | None = None
        self._receives = 0
        self._lose_visibility = lose_visibility

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sqs, name)

    def receive_message(self, **kwargs: Any) -> Any:
        self._receives += 1
        if self._receives == 2 and self._first is not None:
            return {"Messages": [self._first]}
        response = self._sqs.receive_message(**{**kwargs, "MaxNumberOfMessages": 1})
        if self._first is None and response.get("Messages"):
            self._first = response["Messages"][0]
        return response

    def change_message_visibility_batch(self, **kwargs: Any) -> Any:
        if self._lose_visibility and kwargs["Entries"][0]["VisibilityTimeout"] > 0:
            return {
                "Successful": [],
                "Failed": [{"Id": "0", "Code": "ReceiptHandleIsInvalid", "SenderFault": True}],
            }
        return self._sqs.change_message_visibility_batch(**kwargs)


def test_a_redelivered_message_neither_runs_twice_nor_ends_the_run(
    stack: Stack, probe: Probe, worker: LambdaWorker
) -> None:
    for item_id in ("a", "b", "c"):
        stack.put(item_id)
    sequences = _sequences(stack)
    for sequence in sequences:
        stack.park(stack.failure_body(sequence, sequence, 1))

    report = redrive_queue(
        sqs=RedeliveringSqs(stack.aws("sqs")),
        streams=stack.aws("dynamodbstreams"),
        invoker=worker,
        options=RedriveOptions(queue_url=stack.queue_url, wait_seconds=0),
    )

    # Before: a receive bringing only the redelivery ended the run, two messages untouched.
    assert [outcome.status for outcome in report.outcomes] == ["redriven"] * 3
    assert sorted(sequence for batch in probe.invoked_sequences() for sequence in batch) == sorted(sequences)
    assert stack.queue_bodies() == []


def test_a_claim_that_could_not_be_extended_is_reported(
    stack: Stack, probe: Probe, worker: LambdaWorker
) -> None:
    stack.put("lapse")
    (sequence,) = _sequences(stack)
    stack.park(stack.failure_body(sequence, sequence, 1))
    probe.sleep(2)  # the heartbeat runs every second with a 3 s visibility timeout

    report = redrive_queue(
        sqs=RedeliveringSqs(stack.aws("sqs"), lose_visibility=True),
        streams=stack.aws("dynamodbstreams"),
        invoker=worker,
        options=RedriveOptions(queue_url=stack.queue_url, wait_seconds=0, visibility_timeout=3),
    )

    (outcome,) = report.outcomes
    assert outcome.status == "redriven"
    assert outcome.detail == (
        "warning: ChangeMessageVisibility failed: ReceiptHandleIsInvalid, another run may have run it too"
    )


def test_a_queued_message_cannot_bring_records_of_its_own(
    stack: Stack, probe: Probe, worker: LambdaWorker
) -> None:
    stack.put("real")
    (sequence,) = _sequences(stack)
    forged = json.loads(stack.failure_body(sequence, sequence, 1))
    record = stack.lambda_records()[0]
    record["dynamodb"]["NewImage"] = {
        "id": {"S": "real"},
        "role": {"S": "admin"},
    }  # not what the stream holds
    forged["payload"] = {"Records": [record]}
    message_id = stack.park(json.dumps(forged))

    report = _redrive(stack, worker)

    assert [(o.message_id, o.status, o.detail) for o in report.outcomes] == [
        (message_id, "invalid", "a queued on-failure record carries no payload (AWS sends pointers only)")
    ]
    assert probe.events() == []


def test_an_interrupted_run_leaves_every_message_visible_and_every_object_unleased(stack: Stack) -> None:
    class Interrupted:
        def invoke(self, event: Any, request_id: str | None = None) -> Any:
            del event, request_id
            raise KeyboardInterrupt  # Ctrl-C while the batch runs

        def close(self) -> None:
            pass

    stack.put("i1")
    (sequence,) = _sequences(stack)
    body = stack.failure_body(sequence, sequence, 1)
    stack.park(body)
    with pytest.raises(KeyboardInterrupt):
        _redrive(stack, Interrupted())
    assert stack.queue_bodies() == [body]  # visible again at once, not after the visibility timeout

    from pipeline.redrive.bucket import redrive_bucket

    key = stack.park_object(stack.lambda_records())
    with pytest.raises(KeyboardInterrupt):
        redrive_bucket(
            s3=stack.aws("s3"),
            location=f"s3://{stack.bucket}",
            invoker=Interrupted(),
            options=RedriveOptions(),
        )
    assert stack.objects() == [key]  # neither moved nor leased
