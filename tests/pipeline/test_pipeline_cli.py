"""``python -m pipeline`` as a user runs it: the demo, ``run`` with Ctrl-C and resume, bad input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.pipeline.support import FIXTURES, ROOT, Table


def _pipeline(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _put_profile(table: Table, user_id: str) -> None:
    table.dynamodb.put_item(
        TableName=table.name,
        Item={
            "pk": {"S": user_id},
            "user_id": {"S": user_id},
            "email": {"S": f"{user_id}@example.com"},
            "name": {"S": f"User {user_id}"},
        },
    )


def test_demo_runs_the_workload_and_agrees_with_the_settings(test_zip: Path) -> None:
    completed = _pipeline("demo", "--zip", str(test_zip), "--quiet")

    assert completed.returncode == 0, completed.stdout + completed.stderr
    out = completed.stdout
    # Module defaults: INSERT only, BatchSize 100, MaximumRetryAttempts 3, invalid profiles fail.
    assert "records seen                13" in out
    assert "filtered out                 3" in out
    assert "delivered                   10" in out
    assert "records parked               2" in out
    assert "retries                      6" in out
    assert '"approximateInvokeCount": 4' in out
    assert "RESULT: as the settings imply" in out
    assert "FAIL" not in out


def test_demo_follows_the_tfvars(test_zip: Path) -> None:
    completed = _pipeline(
        "demo", "--zip", str(test_zip), "--quiet", "--var-file", str(FIXTURES / "demo.tfvars")
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "retries                      4" in completed.stdout  # 2 bad records x MaximumRetryAttempts 2
    assert '"approximateInvokeCount": 3' in completed.stdout


def test_run_stops_cleanly_on_sigint_and_resumes(
    endpoint: str, table: Table, test_zip: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    for user_id in ("u1", "u2", "u3", "u4"):
        _put_profile(table, user_id)
    args = [
        "run",
        "--endpoint-url",
        endpoint,
        "--stream-arn",
        table.resources.stream_arn,
        "--zip",
        str(test_zip),
        "--var-file",
        str(FIXTURES / "base.tfvars"),
        "--destination-arn",
        table.resources.queue_arn,
        "--state-file",
        str(state),
        "--poll-interval",
        "0.05",
    ]
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    last = table.seqs()["u4"][0]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if state.exists() and last in state.read_text():
            break
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)

    assert process.returncode == 0, err
    report = json.loads(out)
    assert report["counters"]["records_succeeded"] == 4
    assert list(report["checkpoints"].values()) == [last]
    assert "SIGINT: stopping" in err

    _put_profile(table, "u5")
    resumed = _pipeline(*args, "--until-drained")

    assert resumed.returncode == 0, resumed.stderr
    counters = json.loads(resumed.stdout)["counters"]
    assert counters["records_seen"] == 1
    assert counters["records_succeeded"] == 1
    assert table.failure_bodies() == []


def test_missing_zip_says_run_make_package(table: Table) -> None:
    completed = _pipeline("run", "--stream-arn", table.resources.stream_arn, "--zip", "build/no-such.zip")

    assert completed.returncode == 2
    assert "run `make package`" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_demo_with_missing_zip_fails_clearly() -> None:
    completed = _pipeline("demo", "--zip", "build/no-such.zip")

    assert completed.returncode == 2
    assert "handler zip not found: build/no-such.zip (run `make package`" in completed.stderr


def test_unreachable_endpoint_is_a_clear_error(test_zip: Path) -> None:
    stream = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024-01-01T00:00:00.000"
    completed = _pipeline(
        "run", "--endpoint-url", "http://127.0.0.1:9", "--stream-arn", stream, "--zip", str(test_zip)
    )

    assert completed.returncode == 2
    assert "cannot reach http://127.0.0.1:9" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_bad_tfvars_show_terraforms_diagnostics() -> None:
    completed = _pipeline("settings", "--var-file", str(FIXTURES / "bad_values.tfvars"))

    assert completed.returncode == 2
    assert "error: bad settings" in completed.stderr
    assert "batch_size must be a whole number from 1 to 10000" in completed.stderr


def test_malformed_filter_pattern_is_a_clear_error(endpoint: str, table: Table, test_zip: Path) -> None:
    completed = _pipeline(
        "run",
        "--endpoint-url",
        endpoint,
        "--stream-arn",
        table.resources.stream_arn,
        "--zip",
        str(test_zip),
        "--var-file",
        str(FIXTURES / "bad_pattern.tfvars"),
        "--until-drained",
    )

    assert completed.returncode == 2
    assert "malformed filter pattern" in completed.stderr
    assert "must be in a list" in completed.stderr


def test_settings_prints_what_terraform_renders() -> None:
    completed = _pipeline("settings", "--var-file", str(FIXTURES / "base.tfvars"))

    assert completed.returncode == 0, completed.stderr
    document = json.loads(completed.stdout)
    assert document["mapping"]["BatchSize"] == 3
    assert document["mapping"]["MaximumRetryAttempts"] == 2
    assert document["function"]["timeout"] == 1


def test_run_finds_the_stream_from_the_table_name(endpoint: str, table: Table, test_zip: Path) -> None:
    _put_profile(table, "u1")

    completed = _pipeline(
        "run",
        "--endpoint-url",
        endpoint,
        "--table-name",
        table.name,
        "--region",
        "us-east-1",
        "--zip",
        str(test_zip),
        "--var-file",
        str(FIXTURES / "base.tfvars"),
        "--until-drained",
    )

    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["counters"]["records_succeeded"] == 1
