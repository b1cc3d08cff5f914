"""``python -m pipeline demo --destination sqs|sns|s3`` (what ``make demo DESTINATION=...`` runs).

With the module defaults (INSERT only, MaximumRetryAttempts 3, invalid profiles fail) the demo
parks two batches of one record each - the invalid profile and the poison record - on the chosen
destination; the header names it and the summary shows what was parked, an S3 object with its key
and its payload.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.support import ROOT

ACCOUNT = "123456789012"  # moto's
NAME = "ddb-stream-handler-failures"
ARNS = {
    "sqs": f"arn:aws:sqs:us-east-1:{ACCOUNT}:{NAME}",
    "sns": f"arn:aws:sns:us-east-1:{ACCOUNT}:{NAME}",
    "s3": f"arn:aws:s3:::{NAME}",
}
QUEUE = re.compile(r"http://127\.0\.0\.1:\d+/" + ACCOUNT + "/")
TITLES = {
    "sqs": f"Failure queue http://127.0.0.1:PORT/{ACCOUNT}/{NAME} (2 messages):",
    "sns": (
        f"Failure topic {ARNS['sns']} (2 notifications, read through the subscribed queue "
        f"http://127.0.0.1:PORT/{ACCOUNT}/{NAME}-subscriber; the record inside each):"
    ),
    "s3": f"Failure bucket s3://{NAME} (2 objects, payload included):",
}
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
KEY = re.compile(
    rf"aws/lambda/{UUID}/shardId-\d{{20}}-[0-9a-f]{{8}}/(\d{{4}})/(\d\d)/(\d\d)/"
    rf"(\d{{4}})-(\d\d)-(\d\d)T\d\d\.\d\d\.\d\d-{UUID}"
)


def _demo(test_zip: Path, destination: str) -> str:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "demo",
            "--zip",
            str(test_zip),
            "--quiet",
            "--destination",
            destination,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


def _parked(out: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(label, where, JSON document) of each parked item the summary prints."""
    lines = out.splitlines()
    items = []
    for index, line in enumerate(lines):
        found = re.fullmatch(r"  (key|message): (\S+)", line)
        if found is None:
            continue
        end = lines.index("  }", index + 1)
        document = json.loads("\n".join(lines[index + 1 : end + 1]))
        items.append((found.group(1), found.group(2), document))
    return items


@pytest.mark.parametrize("destination", ["sqs", "sns", "s3"])
def test_demo_parks_on_each_destination_and_shows_it(test_zip: Path, destination: str) -> None:
    out = _demo(test_zip, destination)

    lines = out.splitlines()
    assert lines[1] == f"on-failure destination: {ARNS[destination]}"
    assert QUEUE.sub(f"http://127.0.0.1:PORT/{ACCOUNT}/", out).count(TITLES[destination] + "\n") == 1
    parked = _parked(out)
    assert len(parked) == 2
    for label, where, document in parked:
        assert label == ("key" if destination == "s3" else "message")
        assert document["requestContext"]["condition"] == "RetryAttemptsExhausted"
        assert document["requestContext"]["approximateInvokeCount"] == 4  # MaximumRetryAttempts 3
        assert document["DDBStreamBatchInfo"]["batchSize"] == 1
        if destination == "s3":
            key = KEY.fullmatch(where)
            assert key is not None, where
            assert key.groups()[:3] == key.groups()[3:]  # the folder date is the object's date
            assert where.split("/")[3] == document["DDBStreamBatchInfo"]["shardId"]
            (record,) = document["payload"]["Records"]
            assert (
                record["dynamodb"]["SequenceNumber"] == document["DDBStreamBatchInfo"]["startSequenceNumber"]
            )
        else:
            assert re.fullmatch(UUID, where)
            assert "payload" not in document
    if destination == "s3":
        users = sorted(
            doc["payload"]["Records"][0]["dynamodb"]["Keys"]["user_id"]["S"] for _, _, doc in parked
        )
        assert users == ["u-bad-email", "u-poison"]
        assert "  [ok  ] every object's payload holds exactly its batch: " in out
    assert "RESULT: as the settings imply" in out
    assert "FAIL" not in out


def test_demo_summary_has_the_mapping_health_figures(test_zip: Path) -> None:
    out = _demo(test_zip, "s3")

    health = out.split("Mapping health (Lambda's event source mapping metrics):\n", 1)[1]
    figures = dict(re.findall(r"^  ([A-Za-z]+Count) +(\d+)$", health, re.MULTILINE))
    # 13 records written, 3 of them not INSERTs; the two bad ones reached the destination.
    assert figures["PolledEventCount"] == "13"
    assert figures["FilteredOutEventCount"] == "3"
    assert figures["DroppedEventCount"] == "0"
    assert figures["OnFailureDestinationDeliveredEventCount"] == "2"
    assert re.search(r"^  shardId-\d{20}-[0-9a-f]{8}: iterator age ", health, re.MULTILINE)


def test_demo_refuses_an_unknown_destination(test_zip: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "pipeline", "demo", "--zip", str(test_zip), "--destination", "kinesis"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 2
    assert "argument --destination: invalid choice: 'kinesis' (choose from" in completed.stderr
