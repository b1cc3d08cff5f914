"""``python -m pipeline redrive`` end to end: a real subprocess against the moto server, with the
filters and function settings Terraform renders (module defaults: INSERT only)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.redrive.conftest import PROBE_HANDLER, Probe, Stack

REPO = Path(__file__).resolve().parents[2]


def _redrive(stack: Stack, probe_zip: Path, probe: Probe, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "pipeline",
        "redrive",
        "--queue-url",
        stack.queue_url,
        "--endpoint-url",
        stack.endpoint,
        "--region",
        "us-east-1",
        "--zip",
        str(probe_zip),
        "--handler",
        PROBE_HANDLER,
        "--env",
        f"PROBE_LOG={probe.log}",
        "--env",
        f"PROBE_CONTROL={probe.control}",
        "--wait-seconds",
        "0",
        *extra,
    ]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120, check=False)


def test_cli_dry_run_then_redrive(stack: Stack, probe_zip: Path, probe: Probe) -> None:
    stack.put("c1")
    stack.put("c1", email="changed@example.com")  # MODIFY: filtered out by the default settings
    stack.put("c2")
    sequences = [record["dynamodb"]["SequenceNumber"] for record in stack.records()]
    message_id = stack.park(stack.failure_body(sequences[0], sequences[2], batch_size=2))

    dry = _redrive(stack, probe_zip, probe, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    first_line = dry.stdout.splitlines()[0]
    assert first_line.split() == [
        "dry-run",
        "message",
        message_id,
        "shard",
        stack.shard_id(),
        f"[{sequences[0]}..{sequences[2]}]",
        "2",
        "record(s)",
        "(+1",
        "filtered",
        "out):",
        "INSERT",
        "x2",
    ]
    assert "would redrive (dry run)" in dry.stdout
    assert probe.events() == []
    assert len(stack.queue_bodies()) == 1

    done = _redrive(stack, probe_zip, probe)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.split()[:3] == ["redriven", "message", message_id]
    assert probe.invoked_sequences() == [[sequences[0], sequences[2]]]
    assert stack.queue_bodies() == []


def test_cli_exits_non_zero_when_records_are_gone(stack: Stack, probe_zip: Path, probe: Probe) -> None:
    stack.put("t1")
    (sequence,) = [record["dynamodb"]["SequenceNumber"] for record in stack.records()]
    stack.park(stack.failure_body(str(int(sequence) - 5), sequence, batch_size=1))

    result = _redrive(stack, probe_zip, probe, "--archive-queue-url", stack.archive_queue_url)

    assert result.returncode == 1
    assert result.stdout.startswith("moved ")
    assert "trimmed: sequence number" in result.stdout
    summary = result.stdout.splitlines()
    assert any(line.split()[-1] == "1" and "moved to archive queue" in line for line in summary)
    assert probe.events() == []
    assert stack.queue_bodies() == []
    assert len(stack.queue_messages(stack.archive_queue_url)) == 1


def test_cli_missing_zip_is_a_clear_error(stack: Stack, probe: Probe, tmp_path: Path) -> None:
    result = _redrive(stack, tmp_path / "missing.zip", probe)
    assert result.returncode == 2
    missing = tmp_path / "missing.zip"
    assert result.stderr.strip() == (
        f"error: handler zip not found: {missing} (run `make package`, or pass --function-name)"
    )


def _redrive_plan(stack: Stack, probe_zip: Path, probe: Probe, tmp_path: Path, *extra: str) -> list[str]:
    """The redrive command line with settings from a plan JSON (no Terraform run)."""
    plan = stack.plan_json(tmp_path / "plan.json", probe)
    return [
        sys.executable,
        "-m",
        "pipeline",
        "redrive",
        "--endpoint-url",
        stack.endpoint,
        "--region",
        "us-east-1",
        "--zip",
        str(probe_zip),
        "--plan-json",
        str(plan),
        "--wait-seconds",
        "0",
        *extra,
    ]


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not-a-url", "error: --queue-url is not an http(s) URL: 'not-a-url'"),
        (
            "arn:aws:sns:us-east-1:123456789012:failures",
            "error: --queue-url takes a queue URL, not an ARN: arn:aws:sns:us-east-1:123456789012:failures "
            "(an SNS destination is redriven through a queue subscribed to the topic)",
        ),
        (
            "https://sqs.us-east-1.amazonaws.com/failures",
            "error: --queue-url is not a queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME): "
            "https://sqs.us-east-1.amazonaws.com/failures",
        ),
    ],
)
def test_cli_queue_url_is_validated(stack: Stack, url: str, message: str) -> None:
    command = [
        sys.executable,
        "-m",
        "pipeline",
        "redrive",
        "--queue-url",
        url,
        "--endpoint-url",
        stack.endpoint,
    ]
    refused = _run([*command, "--dry-run"])
    assert (refused.returncode, refused.stderr.strip()) == (2, message)


def test_cli_missing_queue_is_a_clear_error(stack: Stack) -> None:
    missing = stack.queue_url.rsplit("/", 1)[0] + "/no-such-queue"
    result = _run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "redrive",
            "--queue-url",
            missing,
            "--endpoint-url",
            stack.endpoint,
        ]
    )
    assert (result.returncode, result.stderr.strip()) == (
        2,
        f"error: --queue-url: queue {missing} does not exist",
    )


def test_cli_redrives_an_s3_destination_and_prints_why_a_record_still_fails(
    stack: Stack, probe_zip: Path, probe: Probe, tmp_path: Path
) -> None:
    stack.put("ok-1")
    stack.put("bad-1")
    records = stack.lambda_records()
    good_key = stack.park_object(records[:1])
    bad_key = stack.park_object(records[1:])
    bad_sequence = records[1]["dynamodb"]["SequenceNumber"]
    probe.fail_ids("bad-1")

    result = _run(_redrive_plan(stack, probe_zip, probe, tmp_path, "--s3-url", f"s3://{stack.bucket}"))

    assert result.returncode == 1, result.stdout + result.stderr
    lines = {line.split()[2]: line for line in result.stdout.splitlines() if line.split()[1:2] == ["object"]}
    assert lines[good_key].split()[0] == "redriven"
    assert lines[good_key].endswith(f"moved to s3://{stack.bucket}/redriven/{good_key}")
    assert lines[bad_key].split()[0] == "failed"
    assert lines[bad_key].endswith(
        f"1 record(s) still fail, first {bad_sequence}: the function reported {bad_sequence} as failed"
    )
    assert sorted(stack.objects()) == sorted([bad_key, f"redriven/{good_key}"])


def test_cli_s3_source_refuses_queue_only_options(
    stack: Stack, probe_zip: Path, probe: Probe, tmp_path: Path
) -> None:
    result = _run(
        _redrive_plan(
            stack,
            probe_zip,
            probe,
            tmp_path,
            "--s3-url",
            f"s3://{stack.bucket}",
            "--archive-queue-url",
            stack.archive_queue_url,
        )
    )
    assert (result.returncode, result.stderr.strip()) == (
        2,
        "error: --archive-queue-url applies to --queue-url only: an S3 object carries its records",
    )


def test_cli_kill_9_mid_run_leaves_the_message_for_a_later_run(
    stack: Stack, probe_zip: Path, probe: Probe, tmp_path: Path
) -> None:
    stack.put("k9")
    (sequence,) = [record["dynamodb"]["SequenceNumber"] for record in stack.records()]
    stack.park(stack.failure_body(sequence, sequence, batch_size=1))
    probe.sleep(60)
    command = _redrive_plan(
        stack, probe_zip, probe, tmp_path, "--queue-url", stack.queue_url, "--visibility-timeout", "3"
    )
    running = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while not probe.events():  # the batch is being invoked
            assert time.monotonic() < deadline, "the redrive never invoked the function"
            time.sleep(0.1)
    finally:
        os.killpg(running.pid, signal.SIGKILL)  # the redrive and its worker die mid-invocation
        running.wait()
    probe.heal()

    # Right away the message is still hidden (the dead run's claim lasts up to 3 s): this run says so.
    early = _run(command)
    assert early.returncode == 1, early.stdout + early.stderr
    assert re.search(r"^  in flight elsewhere \(not visible\) +1$", early.stdout, re.MULTILINE)
    assert "note: 1 message(s) were in flight" in early.stdout

    time.sleep(3.5)
    late = _run(command)
    assert late.returncode == 0, late.stdout + late.stderr
    assert late.stdout.split()[:3] == ["redriven", "message", late.stdout.split()[2]]
    assert stack.queue_bodies() == []
    # At least once: the killed run's invocation, then the later run's.
    assert probe.invoked_sequences() == [[sequence], [sequence]]
