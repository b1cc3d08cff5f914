"""Redrive against the moto server: exact ranges, delete only after success, keep on failure,
dry run, archives, and records past retention."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.errors import PipelineError
from pipeline.filters.rules import FilterCriteria
from pipeline.redrive.archive import ArchiveEntry, FileArchive, S3Archive, read_archive_file
from pipeline.redrive.queue import RedriveOptions, redrive_queue
from pipeline.runtime.worker import LambdaWorker
from pipeline.stream.records import to_lambda_record
from tests.redrive.conftest import Probe, Stack

GONE_SHARD = "shardId-00000001000000000000-0badf00d"
INSERT_ONLY = FilterCriteria({"Filters": [{"Pattern": json.dumps({"eventName": ["INSERT"]})}]})


def _sequences(stack: Stack) -> list[str]:
    return [record["dynamodb"]["SequenceNumber"] for record in stack.records()]


def _options(stack: Stack, **overrides: object) -> RedriveOptions:
    settings: dict[str, object] = {"queue_url": stack.queue_url, "wait_seconds": 0, **overrides}
    return RedriveOptions(**settings)  # type: ignore[arg-type]


def test_redrives_exactly_the_range_and_deletes_the_message(
    stack: Stack, probe: Probe, worker: LambdaWorker
) -> None:
    for number in range(8):
        stack.put(f"user-{number}", email=f"u{number}@example.com")
    sequences = _sequences(stack)
    stack.park(stack.failure_body(sequences[2], sequences[5], batch_size=4))

    report = redrive_queue(
        sqs=stack.aws("sqs"), streams=stack.aws("dynamodbstreams"), invoker=worker, options=_options(stack)
    )

    assert [outcome.status for outcome in report.outcomes] == ["redriven"]
    assert report.ok
    assert report.records_redriven == 4
    # One invocation carrying records 2..5 and nothing outside the range.
    assert probe.invoked_sequences() == [sequences[2:6]]
    record = probe.events()[0]["Records"][0]
    assert record["eventSourceARN"] == stack.stream_arn
    assert record["eventSource"] == "aws:dynamodb"
    assert record["eventName"] == "INSERT"
    assert record["dynamodb"]["Keys"] == {"id": {"S": "user-2"}}
    assert record["dynamodb"]["NewImage"] == {"id": {"S": "user-2"}, "email": {"S": "u2@example.com"}}
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], float)
    assert stack.queue_bodies() == []


def test_applies_the_mapping_filters_inside_the_range(
    stack: Stack, probe: Probe, worker: LambdaWorker
) -> None:
    stack.put("a", email="a@example.com")  # INSERT
    stack.put("a", email="a2@example.com")  # MODIFY
    stack.put("b", email="b@example.com")  # INSERT
    stack.delete("a")  # REMOVE
    stack.put("c", email="c@example.com")  # INSERT
    sequences = _sequences(stack)
    stack.park(stack.failure_body(sequences[0], sequences[4], batch_size=3))

    report = redrive_queue(
        sqs=stack.aws("sqs"),
        streams=stack.aws("dynamodbstreams"),
        invoker=worker,
        options=_options(stack, filters=INSERT_ONLY),
    )

    (outcome,) = report.outcomes
    assert outcome.status == "redriven"
    assert (outcome.records, outcome.filtered_out) == (3, 2)
    assert outcome.event_names == {"INSERT": 3}
    assert outcome.detail == ""  # 3 records pass the filters, as batchSize says
    assert probe.invoked_sequences() == [[sequences[0], sequences[2], sequences[4]]]


def test_keeps_the_message_while_a_record_fails_and_retries_from_the_lowest_failure(
    stack: Stack, probe: Probe, worker: LambdaWorker
) -> None:
    for item_id in ("p", "q", "r", "s"):
        stack.put(item_id)
    sequences = _sequences(stack)
    message_id = stack.park(stack.failure_body(sequences[0], sequences[3], batch_size=4))
    probe.fail_ids("r")

    report = redrive_queue(
        sqs=stack.aws("sqs"),
        streams=stack.aws("dynamodbstreams"),
        invoker=worker,
        options=_options(stack, max_attempts=2),
    )

    (outcome,) = report.outcomes
    assert (outcome.message_id, outcome.status, outcome.invocations) == (message_id, "failed", 2)
    assert outcome.failed == sequences[2:4]
    assert not report.ok
    # The second attempt starts at the failed record, as the mapping resumes after a partial failure.
    assert probe.invoked_sequences() == [sequences, sequences[2:4]]
    # Kept, and visible again right away for the next run.
    assert len(stack.queue_bodies()) == 1

    probe.heal()
    second = redrive_queue(
        sqs=stack.aws("sqs"), streams=stack.aws("dynamodbstreams"), invoker=worker, options=_options(stack)
    )
    assert [outcome.status for outcome in second.outcomes] == ["redriven"]
    assert stack.queue_bodies() == []


def test_function_error_keeps_the_message(stack: Stack, probe: Probe, worker: LambdaWorker) -> None:
    stack.put("x")
    (sequence,) = _sequences(stack)
    stack.park(stack.failure_body(sequence, sequence, batch_size=1))
    probe.raise_errors()

    report = redrive_queue(
        sqs=stack.aws("sqs"), streams=stack.aws("dynamodbstreams"), invoker=worker, options=_options(stack)
    )

    assert [(outcome.status, outcome.failed) for outcome in report.outcomes] == [("failed", [sequence])]
    assert len(stack.queue_bodies()) == 1


def test_dry_run_changes_nothing(stack: Stack, probe: Probe, worker: LambdaWorker, tmp_path: Path) -> None:
    stack.put("d1")
    stack.put("d2")
    sequences = _sequences(stack)
    body = stack.failure_body(sequences[0], sequences[1], batch_size=2)
    stack.park(body)
    archive = tmp_path / "archive.jsonl"

    report = redrive_queue(
        sqs=stack.aws("sqs"),
        streams=stack.aws("dynamodbstreams"),
        invoker=worker,
        options=_options(stack, dry_run=True, archive=str(archive)),
    )

    (outcome,) = report.outcomes
    assert (outcome.status, outcome.records, outcome.event_names) == ("dry-run", 2, {"INSERT": 2})
    assert (outcome.start, outcome.end) == (sequences[0], sequences[1])
    assert report.ok
    assert probe.events() == []
    assert not archive.exists()
    assert stack.queue_bodies() == [body]


def test_archive_file_holds_the_exact_records_before_invoking(
    stack: Stack, probe: Probe, worker: LambdaWorker, tmp_path: Path
) -> None:
    stack.put("k1", email="k1@example.com")
    stack.put("k2", email="k2@example.com")
    sequences = _sequences(stack)
    body = stack.failure_body(sequences[0], sequences[1], batch_size=2)
    message_id = stack.park(body)
    probe.raise_errors()  # the invocation fails, yet the records were archived first
    archive = tmp_path / "nested" / "archive.jsonl"

    report = redrive_queue(
        sqs=stack.aws("sqs"),
        streams=stack.aws("dynamodbstreams"),
        invoker=worker,
        options=_options(stack, archive=str(archive)),
    )

    assert report.outcomes[0].status == "failed"
    assert report.outcomes[0].archived_to == str(archive)
    (entry,) = list(read_archive_file(archive))
    assert entry.message_id == message_id
    assert entry.failure == json.loads(body)
    # Exactly what the function was sent.
    assert list(entry.records) == probe.events()[0]["Records"]
    assert [record["dynamodb"]["Keys"]["id"]["S"] for record in entry.records] == ["k1", "k2"]


def test_archive_to_s3_writes_one_object_per_message(stack: Stack, worker: LambdaWorker) -> None:
    s3 = stack.aws("s3")
    bucket = f"archive-{stack.table.lower()}"
    s3.create_bucket(Bucket=bucket)
    stack.put("s1")
    (sequence,) = _sequences(stack)
    body = stack.failure_body(sequence, sequence, batch_size=1)
    stack.park(body)

    report = redrive_queue(
        sqs=stack.aws("sqs"),
        streams=stack.aws("dynamodbstreams"),
        invoker=worker,
        options=_options(stack, archive=f"s3://{bucket}/parked"),
        s3_client_factory=lambda: s3,
    )

    key = f"parked/{stack.shard_id()}/{sequence}-{sequence}.jsonl"
    assert report.outcomes[0].archived_to == f"s3://{bucket}/{key}"
    assert report.outcomes[0].status == "redriven"
    listed = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert listed == [key]
    document = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    assert document["failure"] == json.loads(body)
    assert [record["dynamodb"]["SequenceNumber"] for record in document["records"]] == [sequence]


def test_expired_shard_is_reported_and_kept(stack: Stack, probe: Probe, worker: LambdaWorker) -> None:
    stack.put("gone")
    (sequence,) = _sequences(stack)
    body = stack.failure_body(
        sequence, sequence, batch_size=1, shard_id="shardId-00000001000000000000-0badf00d"
    )
    stack.park(body)

    report = redrive_queue(
        sqs=stack.aws("sqs"), streams=stack.aws("dynamodbstreams"), invoker=worker, options=_options(stack)
    )

    (outcome,) = report.outcomes
    assert outcome.status == "unavailable"
    assert outcome.detail.startswith(
        "expired-shard: shard shardId-00000001000000000000-0badf00d is no longer"
    )
    assert not report.ok
    assert probe.events() == []
    assert stack.queue_bodies() == [body]


def test_trimmed_records_move_to_the_archive_queue(stack: Stack, probe: Probe, worker: LambdaWorker) -> None:
    stack.put("old")
    (sequence,) = _sequences(stack)
    # A start before the shard's first sequence number: those records were trimmed.
    trimmed_start = str(int(sequence) - 10)
    body = stack.failure_body(trimmed_start, sequence, batch_size=1)
    message_id = stack.park(body)

    report = redrive_queue(
        sqs=stack.aws("sqs"),
        streams=stack.aws("dynamodbstreams"),
        invoker=worker,
        options=_options(stack, archive_queue_url=stack.archive_queue_url),
    )

    (outcome,) = report.outcomes
    assert outcome.status == "moved"
    assert outcome.detail.startswith(f"trimmed: sequence number {trimmed_start} is before the oldest record")
    assert not report.ok  # moved is still "could not be redriven"
    assert probe.events() == []
    assert stack.queue_bodies() == []
    (moved,) = stack.queue_messages(stack.archive_queue_url)
    assert moved["Body"] == body
    attributes = {name: value["StringValue"] for name, value in moved["MessageAttributes"].items()}
    assert attributes == {
        "redriveOutcome": "trimmed",
        "redriveSourceQueue": stack.queue_url,
        "redriveOriginalMessageId": message_id,
    }


def test_unknown_stream_and_foreign_messages_are_kept(
    stack: Stack, probe: Probe, worker: LambdaWorker
) -> None:
    stack.put("z")
    (sequence,) = _sequences(stack)
    missing_stream = stack.stream_arn.replace(stack.table, f"{stack.table}-deleted")
    body = stack.failure_body(sequence, sequence, batch_size=1, stream_arn=missing_stream)
    stack.park(body)
    stack.park(json.dumps({"KinesisBatchInfo": {"shardId": "shardId-000000000000"}}))

    report = redrive_queue(
        sqs=stack.aws("sqs"), streams=stack.aws("dynamodbstreams"), invoker=worker, options=_options(stack)
    )

    statuses = sorted((outcome.status, outcome.detail) for outcome in report.outcomes)
    assert statuses == [
        (
            "unavailable",
            f"stream-not-found: stream {missing_stream} does not exist (table deleted or stream disabled)",
        ),
        ("unrecognised", "not a DynamoDB stream on-failure record (KinesisBatchInfo)"),
    ]
    assert probe.events() == []
    assert len(stack.queue_bodies()) == 2


def _archived_elsewhere(stack: Stack) -> tuple[str, list[dict[str, object]]]:
    """Records saved by an earlier ``--archive`` run, for a batch whose shard has since expired."""
    stack.put("a1", email="a1@example.com")
    stack.put("a2", email="a2@example.com")
    raw = stack.records()
    sequences = [record["dynamodb"]["SequenceNumber"] for record in raw]
    body = stack.failure_body(sequences[0], sequences[1], batch_size=2, shard_id=GONE_SHARD)
    records = [to_lambda_record(record, stack.stream_arn, "us-east-1") for record in raw]
    return body, records


def test_records_past_retention_are_redriven_from_the_archive(
    stack: Stack, probe: Probe, worker: LambdaWorker, tmp_path: Path
) -> None:
    body, records = _archived_elsewhere(stack)
    archive = tmp_path / "saved.jsonl"
    FileArchive(archive).write(
        ArchiveEntry("earlier-run", json.loads(body), records, "2026-11-21T18:00:00.000Z")
    )
    stack.park(body)

    report = redrive_queue(
        sqs=stack.aws("sqs"),
        streams=stack.aws("dynamodbstreams"),
        invoker=worker,
        options=_options(stack, records_archive=str(archive)),
    )

    (outcome,) = report.outcomes
    assert outcome.status == "redriven"
    assert outcome.source == f"archive {archive} (stream: expired-shard)"
    assert probe.events() == [{"Records": records}]
    assert stack.queue_bodies() == []


def test_s3_archive_serves_records_back(
    stack: Stack, probe: Probe, worker: LambdaWorker, tmp_path: Path
) -> None:
    s3 = stack.aws("s3")
    bucket = f"saved-{stack.table.lower()}"
    s3.create_bucket(Bucket=bucket)
    body, records = _archived_elsewhere(stack)
    S3Archive(s3, bucket, "parked").write(
        ArchiveEntry("earlier", json.loads(body), records, "2026-11-21T18:00:00.000Z")
    )
    stack.park(body)
    # A second message with no archived records stays unavailable.
    other = stack.failure_body(
        "1100000000017454423009", "1100000000017454423009", batch_size=1, shard_id=GONE_SHARD
    )
    stack.park(other)

    report = redrive_queue(
        sqs=stack.aws("sqs"),
        streams=stack.aws("dynamodbstreams"),
        invoker=worker,
        options=_options(stack, records_archive=f"s3://{bucket}/parked"),
        s3_client_factory=lambda: s3,
    )

    assert sorted(outcome.status for outcome in report.outcomes) == ["redriven", "unavailable"]
    assert probe.events() == [{"Records": records}]
    assert stack.queue_bodies() == [other]


def test_a_range_with_nothing_passing_the_filters_is_kept(
    stack: Stack, probe: Probe, worker: LambdaWorker
) -> None:
    stack.put("m")
    stack.put("m", email="new@example.com")  # MODIFY
    sequences = _sequences(stack)
    # The message points at the MODIFY only: with INSERT-only filters nothing is left to re-run,
    # which means the filters are not the ones the mapping used. Deleting would lose the failure.
    stack.park(stack.failure_body(sequences[1], sequences[1], batch_size=1))

    report = redrive_queue(
        sqs=stack.aws("sqs"),
        streams=stack.aws("dynamodbstreams"),
        invoker=worker,
        options=_options(stack, filters=INSERT_ONLY),
    )

    (outcome,) = report.outcomes
    assert (outcome.status, outcome.records, outcome.filtered_out) == ("empty", 0, 1)
    assert not report.ok
    assert probe.events() == []
    assert len(stack.queue_bodies()) == 1


def test_zero_attempts_is_refused(stack: Stack) -> None:
    with pytest.raises(PipelineError, match="max attempts must be at least 1, got 0"):
        _options(stack, max_attempts=0)
