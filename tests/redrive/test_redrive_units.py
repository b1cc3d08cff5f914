"""Pieces of redrive that need no stream: message parsing, the response rules, the deployed-function
invoker (against botocore's Stubber, which checks the exact Lambda Invoke request), and archives."""

from __future__ import annotations

import io
import json
from pathlib import Path

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from pipeline.esm.on_failure import NotAFailureMessageError, parse_failure_body
from pipeline.esm.retry import judge
from pipeline.redrive.archive import (
    ArchiveEntry,
    ArchiveError,
    FileArchive,
    FileArchiveIndex,
    open_archive,
    read_archive_file,
)
from pipeline.runtime.deployed import DeployedFunction
from pipeline.runtime.invoker import InvokeResult, InvokeStatus

INFO = {
    "shardId": "shardId-00000001700000000000-1a2b3c4d",
    "startSequenceNumber": "700000000000888747038",
    "endSequenceNumber": "700000000000888747040",
    "approximateArrivalOfFirstRecord": "2026-11-22T18:00:00Z",
    "approximateArrivalOfLastRecord": "2026-11-22T18:00:01Z",
    "batchSize": 3,
    "streamArn": "arn:aws:dynamodb:us-east-1:111111111111:table/t/stream/2026-11-22T00:00:00.000",
}
BODY = {
    "requestContext": {
        "requestId": "c0ffee00-0000-4000-8000-000000000000",
        "functionArn": "arn:aws:lambda:us-east-1:111111111111:function:f",
        "condition": "RetryAttemptsExhausted",
        "approximateInvokeCount": 4,
    },
    "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
    "version": "1.0",
    "timestamp": "2026-11-22T18:00:05.000Z",
    "DDBStreamBatchInfo": INFO,
}
RECORDS = [{"dynamodb": {"SequenceNumber": number}} for number in ("7", "8", "10")]
SEQUENCES = ["7", "8", "10"]


def failed_sequence_numbers(result: InvokeResult) -> list[str]:
    """What redrive re-invokes after ``result`` (the rule it shares with the poller)."""
    return judge(result, SEQUENCES, report_item_failures=True).remaining(SEQUENCES)


def test_parses_raw_and_sns_wrapped_messages() -> None:
    pointer = parse_failure_body(json.dumps(BODY))
    assert (pointer.shard_id, pointer.start_sequence_number, pointer.end_sequence_number) == (
        INFO["shardId"],
        INFO["startSequenceNumber"],
        INFO["endSequenceNumber"],
    )
    assert (pointer.batch_size, pointer.condition, pointer.stream_arn) == (
        3,
        "RetryAttemptsExhausted",
        INFO["streamArn"],
    )
    envelope = {"Type": "Notification", "MessageId": "m", "Message": json.dumps(BODY)}
    assert parse_failure_body(json.dumps(envelope)) == pointer


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("not json", "body is not JSON"),
        ("[1]", "body is not a JSON object"),
        (json.dumps({"KinesisBatchInfo": {}}), "not a DynamoDB stream on-failure record (KinesisBatchInfo)"),
        (json.dumps({"DDBStreamBatchInfo": {**INFO, "shardId": ""}}), "DDBStreamBatchInfo lacks shardId"),
        (
            json.dumps({"DDBStreamBatchInfo": {**INFO, "endSequenceNumber": "12x"}}),
            "DDBStreamBatchInfo.endSequenceNumber is not a sequence number: '12x'",
        ),
    ],
)
def test_foreign_bodies_are_refused_with_the_reason(body: str, reason: str) -> None:
    with pytest.raises(NotAFailureMessageError) as error:
        parse_failure_body(body)
    assert str(error.value).startswith(reason)


@pytest.mark.parametrize(
    ("result", "failed"),
    [
        (InvokeResult(InvokeStatus.OK, "r", payload={"batchItemFailures": []}), []),
        (InvokeResult(InvokeStatus.OK, "r", payload=None), []),
        (
            InvokeResult(InvokeStatus.OK, "r", payload={"batchItemFailures": [{"itemIdentifier": "8"}]}),
            ["8", "10"],
        ),
        (
            InvokeResult(InvokeStatus.OK, "r", payload={"batchItemFailures": [{"itemIdentifier": "9"}]}),
            ["7", "8", "10"],
        ),
        (
            InvokeResult(InvokeStatus.OK, "r", payload={"batchItemFailures": [{"itemIdentifier": ""}]}),
            ["7", "8", "10"],
        ),
        (InvokeResult(InvokeStatus.ERROR, "r", error_type="ValueError"), ["7", "8", "10"]),
        (InvokeResult(InvokeStatus.TIMEOUT, "r", error_type="Sandbox.Timedout"), ["7", "8", "10"]),
    ],
)
def test_failed_sequence_numbers_follow_lambda_rules(result: InvokeResult, failed: list[str]) -> None:
    assert failed_sequence_numbers(result) == failed


def _stubbed(payload: bytes, function_error: str | None) -> tuple[DeployedFunction, Stubber]:
    lambda_client = boto3.client(
        "lambda", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    stubber = Stubber(lambda_client)
    response = {"StatusCode": 200, "Payload": StreamingBody(io.BytesIO(payload), len(payload))}
    if function_error:
        response["FunctionError"] = function_error
    event = {"Records": RECORDS}
    expected = {
        "FunctionName": "ddb-stream-handler",
        "InvocationType": "RequestResponse",
        "Payload": json.dumps(event).encode("utf-8"),
    }
    stubber.add_response("invoke", response, expected)
    return DeployedFunction(lambda_client, "ddb-stream-handler"), stubber


def test_deployed_function_partial_response() -> None:
    invoker, stubber = _stubbed(b'{"batchItemFailures": [{"itemIdentifier": "10"}]}', None)
    with stubber:
        result = invoker.invoke({"Records": RECORDS})
    stubber.assert_no_pending_responses()
    assert result.ok
    assert failed_sequence_numbers(result) == ["10"]


def test_deployed_function_error() -> None:
    invoker, stubber = _stubbed(b'{"errorType": "KeyError", "errorMessage": "\'id\'"}', "Unhandled")
    with stubber:
        result = invoker.invoke({"Records": RECORDS})
    assert (result.status, result.error_type, result.error_message) == (
        InvokeStatus.ERROR,
        "KeyError",
        "'id'",
    )
    assert failed_sequence_numbers(result) == ["7", "8", "10"]


def test_file_archive_round_trip_appends(tmp_path: Path) -> None:
    archive = FileArchive(tmp_path / "a" / "archive.jsonl")
    first = ArchiveEntry("m1", BODY, RECORDS, "2026-11-22T18:00:00.000Z")
    second = ArchiveEntry("m2", BODY, RECORDS[:1], "2026-11-22T18:00:01.000Z")
    archive.write(first)
    archive.write(second)
    assert list(read_archive_file(tmp_path / "a" / "archive.jsonl")) == [first, second]
    lines = (tmp_path / "a" / "archive.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == {
        "archiveVersion": 1,
        "archivedAt": "2026-11-22T18:00:00.000Z",
        "messageId": "m1",
        "failure": BODY,
        "records": RECORDS,
    }


def test_archive_targets_are_checked() -> None:
    with pytest.raises(ArchiveError, match="unsupported archive target"):
        open_archive("gs://bucket/x", lambda: None)
    with pytest.raises(ArchiveError, match="bad S3 archive URI"):
        open_archive("s3:///prefix", lambda: None)


def _entry(message_id: str, sequence: str) -> ArchiveEntry:
    info = {**INFO, "startSequenceNumber": sequence, "endSequenceNumber": sequence}
    return ArchiveEntry(message_id, {**BODY, "DDBStreamBatchInfo": info}, [], "2026-11-22T18:00:00.000Z")


def test_a_write_cut_short_neither_glues_the_next_entry_nor_blocks_the_archive(tmp_path: Path) -> None:
    path = tmp_path / "archive.jsonl"
    FileArchive(path).write(_entry("first", "700000000000888747038"))
    with path.open("a", encoding="utf-8") as stream:
        stream.write('{"archiveVersion": 1, "messageId": "torn", "fail')  # killed mid-write
    FileArchive(path).write(_entry("after", "700000000000888747040"))

    with pytest.raises(ArchiveError, match=r"archive.jsonl:2: not JSON"):
        list(read_archive_file(path))  # strict reading names the line
    damaged: list[str] = []
    assert [entry.message_id for entry in read_archive_file(path, damaged)] == ["first", "after"]
    assert len(damaged) == 1
    assert damaged[0].startswith(f"{path}:2: not JSON (a write cut short?), skipped: ")
    index = FileArchiveIndex(path)
    found = index.find(str(INFO["shardId"]), "700000000000888747040", "700000000000888747040")
    assert found is not None
    assert found.message_id == "after"
    assert index.damaged == damaged
