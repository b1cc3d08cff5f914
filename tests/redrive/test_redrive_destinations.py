"""Redrive from an S3 destination (records from each object's payload) and from an SNS destination
(through a queue subscribed to the topic), with the objects and notifications the pipeline's own
destination writer produces."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from pipeline.redrive.archive import read_archive_file
from pipeline.redrive.bucket import redrive_bucket
from pipeline.redrive.lease import LEASE_PREFIX
from pipeline.redrive.options import RedriveOptions
from pipeline.redrive.outcome import RedriveReport
from pipeline.redrive.queue import redrive_queue
from pipeline.runtime.invoker import Invoker
from pipeline.runtime.worker import LambdaWorker
from tests.redrive.conftest import Probe, Stack


class NoStream:
    """A streams client that must not be used: S3 redrive reads no stream."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the stream was read ({name}) although the object carries its records")


def _bucket(stack: Stack, invoker: Invoker | None, **options: Any) -> RedriveReport:
    return redrive_bucket(
        s3=stack.aws("s3"),
        location=f"s3://{stack.bucket}",
        streams=NoStream(),
        invoker=invoker,
        options=RedriveOptions(**options),
    )


def _sequences(records: list[dict[str, Any]]) -> list[str]:
    return [record["dynamodb"]["SequenceNumber"] for record in records]


def test_s3_objects_are_redriven_from_their_payload_and_moved(
    stack: Stack, probe: Probe, worker: LambdaWorker
) -> None:
    for item_id in ("a", "b", "c"):
        stack.put(item_id, email=f"{item_id}@example.com")
    records = stack.lambda_records()
    first = stack.park_object(records[:2])
    second = stack.park_object(records[2:])

    report = _bucket(stack, worker)

    assert sorted((outcome.message_id, outcome.status) for outcome in report.outcomes) == sorted(
        [(first, "redriven"), (second, "redriven")]
    )
    assert report.ok
    assert report.records_redriven == 3
    # Each invocation carried exactly the batch the object holds, as the mapping sent it.
    invoked = sorted((event["Records"] for event in probe.events()), key=json.dumps)
    assert invoked == sorted([records[:2], records[2:]], key=json.dumps)
    assert {outcome.source for outcome in report.outcomes} == {"payload"}
    assert stack.objects("aws/lambda/") == []
    assert sorted(stack.objects("redriven/")) == sorted([f"redriven/{first}", f"redriven/{second}"])
    assert stack.object_json(f"redriven/{first}")["payload"]["Records"] == records[:2]
    assert stack.objects(LEASE_PREFIX) == []  # every lease released


def test_a_partially_failing_object_stays_until_all_its_records_succeeded(
    stack: Stack, probe: Probe, worker: LambdaWorker
) -> None:
    for item_id in ("p", "q", "r"):
        stack.put(item_id)
    records = stack.lambda_records()
    key = stack.park_object(records)
    sequences = _sequences(records)
    probe.fail_ids("q")

    report = _bucket(stack, worker, max_attempts=2)

    (outcome,) = report.outcomes
    assert (outcome.status, outcome.invocations, outcome.failed) == ("failed", 2, sequences[1:])
    assert (
        outcome.detail
        == f"2 record(s) still fail, first {sequences[1]}: the function reported {sequences[1]} as failed"
    )
    assert not report.ok
    # Retried from the failed record on, as the mapping would; the object was neither moved nor deleted.
    assert probe.invoked_sequences() == [sequences, sequences[1:]]
    assert stack.objects() == [key]

    probe.heal()
    again = _bucket(stack, worker)
    assert [(o.status, o.detail) for o in again.outcomes] == [
        ("redriven", f"moved to s3://{stack.bucket}/redriven/{key}")
    ]
    assert stack.objects() == [f"redriven/{key}"]


def test_dry_run_archive_and_delete_for_s3(
    stack: Stack, probe: Probe, worker: LambdaWorker, tmp_path: Path
) -> None:
    stack.put("d")
    records = stack.lambda_records()
    key = stack.park_object(records)

    dry = _bucket(stack, worker, dry_run=True, archive=str(tmp_path / "never.jsonl"))
    assert [(o.status, o.records) for o in dry.outcomes] == [("dry-run", 1)]
    assert probe.events() == []
    assert stack.objects() == [key]  # no lease either: a dry run writes nothing
    assert not (tmp_path / "never.jsonl").exists()

    archive = tmp_path / "archive.jsonl"
    done = _bucket(stack, worker, archive=str(archive), after_redrive="delete")
    assert [(o.status, o.detail) for o in done.outcomes] == [("redriven", "deleted")]
    (entry,) = list(read_archive_file(archive))
    assert entry.message_id == key
    assert list(entry.records) == records
    assert "payload" not in entry.failure
    assert entry.failure["DDBStreamBatchInfo"]["startSequenceNumber"] == _sequences(records)[0]
    assert stack.objects() == []


def test_an_interrupted_move_is_finished_without_running_the_batch_again(
    stack: Stack, probe: Probe, worker: LambdaWorker
) -> None:
    stack.put("m")
    key = stack.park_object(stack.lambda_records())
    # A run copied the object to redriven/ after its records succeeded, then died before the delete.
    s3 = stack.aws("s3")
    etag = s3.head_object(Bucket=stack.bucket, Key=key)["ETag"].strip('"')
    s3.copy_object(
        Bucket=stack.bucket,
        Key=f"redriven/{key}",
        CopySource={"Bucket": stack.bucket, "Key": key},
        MetadataDirective="REPLACE",
        Metadata={"redriven-from-etag": etag},
    )

    report = _bucket(stack, worker)

    (outcome,) = report.outcomes
    assert outcome.status == "redriven"
    assert outcome.detail == (
        f"an earlier run redrove it and stopped before removing it; moved to s3://{stack.bucket}/redriven/{key}"
    )
    assert probe.events() == []
    assert stack.objects() == [f"redriven/{key}"]


def test_tampered_and_foreign_objects_are_kept_with_the_reason(
    stack: Stack, probe: Probe, worker: LambdaWorker
) -> None:
    stack.put("t1")
    stack.put("t2")
    records = stack.lambda_records()
    key = stack.park_object(records)
    document = stack.object_json(key)
    document["DDBStreamBatchInfo"]["batchSize"] = 5
    s3 = stack.aws("s3")
    s3.put_object(Bucket=stack.bucket, Key=key, Body=json.dumps(document).encode())
    s3.put_object(Bucket=stack.bucket, Key="aws/lambda/notes.txt", Body=b"not a record")

    report = _bucket(stack, worker)

    assert sorted((o.message_id, o.status, o.detail) for o in report.outcomes) == [
        (key, "invalid", "payload.Records holds 2 record(s), DDBStreamBatchInfo.batchSize says 5"),
        (
            "aws/lambda/notes.txt",
            "unrecognised",
            "body is not JSON: Expecting value: line 1 column 1 (char 0)",
        ),
    ]
    assert probe.events() == []
    assert sorted(stack.objects()) == sorted([key, "aws/lambda/notes.txt"])


def test_an_object_leased_by_a_live_run_is_skipped_and_an_expired_lease_taken_over(
    stack: Stack, probe: Probe, worker: LambdaWorker
) -> None:
    stack.put("l1")
    stack.put("l2")
    records = stack.lambda_records()
    held = stack.park_object(records[:1])
    stale = stack.park_object(records[1:])
    s3 = stack.aws("s3")
    live = {"owner": "other-host:1:abc", "expiresAt": time.time() + 600}
    dead = {"owner": "killed-host:2:def", "expiresAt": time.time() - 1}
    s3.put_object(Bucket=stack.bucket, Key=LEASE_PREFIX + held, Body=json.dumps(live).encode())
    s3.put_object(Bucket=stack.bucket, Key=LEASE_PREFIX + stale, Body=json.dumps(dead).encode())

    report = _bucket(stack, worker)

    statuses = {outcome.message_id: (outcome.status, outcome.detail) for outcome in report.outcomes}
    assert statuses[held] == ("claimed", "leased by other-host:1:abc")
    assert statuses[stale][0] == "redriven"
    assert not report.ok  # something was left for another run
    assert probe.invoked_sequences() == [_sequences(records[1:])]
    assert sorted(stack.objects()) == sorted([held, LEASE_PREFIX + held, f"redriven/{stale}"])


def test_two_redrives_of_one_bucket_run_each_object_once(
    stack: Stack, probe: Probe, worker: LambdaWorker, probe_zip: Path, endpoint: str
) -> None:
    from tests.redrive.conftest import PROBE_HANDLER

    for number in range(4):
        stack.put(f"c{number}")
    records = stack.lambda_records()
    keys = [stack.park_object([record]) for record in records]
    probe.sleep(0.5)
    reports: list[RedriveReport] = []

    def second_run() -> None:
        from pipeline.runtime.function import LocalFunction
        from pipeline.settings.model import FunctionSettings

        settings = FunctionSettings(
            {"PROBE_LOG": str(probe.log), "PROBE_CONTROL": str(probe.control)}, 10.0, 128, PROBE_HANDLER
        )
        with LambdaWorker(LocalFunction(settings, zip_path=probe_zip, endpoint_url=endpoint)) as other:
            reports.append(_bucket(stack, other, visibility_timeout=3))

    thread = threading.Thread(target=second_run)
    thread.start()
    reports.append(_bucket(stack, worker, visibility_timeout=3))
    thread.join()

    invoked = [sequence for batch in probe.invoked_sequences() for sequence in batch]
    assert sorted(invoked) == sorted(_sequences(records))  # each batch exactly once
    redriven = [o.message_id for report in reports for o in report.outcomes if o.status == "redriven"]
    assert sorted(redriven) == sorted(keys)
    assert sorted(stack.objects()) == sorted(f"redriven/{key}" for key in keys)


# -- SNS: through a queue subscribed to the topic -------------------------------------------------


def _topic_queue(stack: Stack, invoker: Invoker | None, **options: Any) -> RedriveReport:
    return redrive_queue(
        sqs=stack.aws("sqs"),
        streams=stack.aws("dynamodbstreams"),
        invoker=invoker,
        options=RedriveOptions(queue_url=stack.topic_queue_url, wait_seconds=0, **options),
    )


def test_redrive_from_an_sns_destination_through_its_subscribed_queue(
    stack: Stack, probe: Probe, worker: LambdaWorker, tmp_path: Path
) -> None:
    for item_id in ("s1", "s2", "s3", "s4"):
        stack.put(item_id)
    records = stack.lambda_records()
    stack.publish(records[:2])
    stack.publish(records[2:])
    probe.fail_ids("s4")

    dry = _topic_queue(stack, worker, dry_run=True)
    assert sorted((o.status, o.records) for o in dry.outcomes) == [("dry-run", 2), ("dry-run", 2)]
    assert probe.events() == []

    archive = tmp_path / "sns-archive.jsonl"
    report = _topic_queue(stack, worker, archive=str(archive))

    by_start = {outcome.start: outcome for outcome in report.outcomes}
    sequences = _sequences(records)
    assert by_start[sequences[0]].status == "redriven"
    assert by_start[sequences[2]].status == "failed"
    assert (
        by_start[sequences[2]].detail
        == f"1 record(s) still fail, first {sequences[3]}: the function reported {sequences[3]} as failed"
    )
    # The archive holds the on-failure record itself, not the SNS envelope around it.
    entries = {
        entry.failure["DDBStreamBatchInfo"]["startSequenceNumber"]: entry
        for entry in read_archive_file(archive)
    }
    assert sorted(entries) == sorted([sequences[0], sequences[2]])
    assert "Type" not in entries[sequences[0]].failure
    assert list(entries[sequences[2]].records) == records[2:]
    # The failing batch's notification is still on the subscribed queue, envelope and all.
    (kept,) = stack.queue_bodies(stack.topic_queue_url)
    assert json.loads(kept)["Type"] == "Notification"
    assert (
        json.loads(json.loads(kept)["Message"])["DDBStreamBatchInfo"]["startSequenceNumber"] == sequences[2]
    )


@pytest.mark.parametrize("bad", ["s3://", "s3://UPPER/x", "https://bucket", "s3://bucket/redriven/x"])
def test_bad_s3_locations_are_refused(stack: Stack, bad: str) -> None:
    from pipeline.errors import InputError

    with pytest.raises(InputError):
        redrive_bucket(s3=stack.aws("s3"), location=bad, invoker=None, options=RedriveOptions(dry_run=True))


def test_a_redriven_copy_of_another_version_does_not_count(
    stack: Stack, probe: Probe, worker: LambdaWorker
) -> None:
    stack.put("v")
    key = stack.park_object(stack.lambda_records())
    s3 = stack.aws("s3")
    s3.copy_object(
        Bucket=stack.bucket, Key=f"redriven/{key}", CopySource={"Bucket": stack.bucket, "Key": key}
    )

    report = _bucket(stack, worker)  # the copy names no source version: the batch runs

    assert [(o.status, o.invocations) for o in report.outcomes] == [("redriven", 1)]
    assert len(probe.events()) == 1


def test_an_object_rewritten_while_redriven_is_kept_and_its_new_content_run_next_time(
    stack: Stack, probe: Probe, worker: LambdaWorker
) -> None:
    stack.put("w1")
    stack.put("w2")
    records = stack.lambda_records()
    key = stack.park_object(records[:1])
    probe.sleep(2)
    s3 = stack.aws("s3")
    rewritten = stack.object_json(key)
    rewritten["payload"]["Records"] = records[1:]  # a hand-edited object: now the other record
    info = rewritten["DDBStreamBatchInfo"]
    info["startSequenceNumber"] = info["endSequenceNumber"] = _sequences(records)[1]

    def rewrite() -> None:
        time.sleep(1)  # while the first version's batch runs
        s3.put_object(Bucket=stack.bucket, Key=key, Body=json.dumps(rewritten).encode())

    writer = threading.Thread(target=rewrite)
    writer.start()
    report = _bucket(stack, worker)
    writer.join()

    (outcome,) = report.outcomes
    assert outcome.status == "changed"
    assert outcome.detail == (
        f"its records succeeded, but s3://{stack.bucket}/{key} was rewritten while it was redriven; "
        "kept for a run of its new content"
    )
    assert not report.ok
    assert stack.objects("aws/lambda/") == [key]

    probe.heal()
    again = _bucket(stack, worker)
    assert [o.status for o in again.outcomes] == ["redriven"]  # not mistaken for already redriven
    assert probe.invoked_sequences() == [_sequences(records[:1]), _sequences(records[1:])]
    assert stack.object_json(f"redriven/{key}")["payload"]["Records"] == records[1:]
