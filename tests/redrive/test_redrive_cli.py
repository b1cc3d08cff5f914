"""``python -m pipeline redrive`` end to end: a real subprocess against the moto server, with the
filters and function settings Terraform renders (module defaults: INSERT only)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
