"""``python -m pipeline`` at its edges: bad arguments, closed pipes, missing credentials, a function
that never starts, no destination, damaged or shared state files, and stops at every moment."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

from tests.pipeline.support import FIXTURES, ROOT, Table

STREAM = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024-01-01T00:00:00.000"


def _pipeline(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
    )


def _profile(table: Table, user_id: str, email: str | None = None) -> None:
    table.dynamodb.put_item(
        TableName=table.name,
        Item={
            "pk": {"S": user_id},
            "user_id": {"S": user_id},
            "email": {"S": email or f"{user_id}@example.com"},
            "name": {"S": f"User {user_id}"},
        },
    )


def _run_args(
    endpoint: str, table: Table, test_zip: Path, *extra: str, tfvars: str = "base.tfvars"
) -> list[str]:
    return [
        "run",
        "--endpoint-url",
        endpoint,
        "--stream-arn",
        table.resources.stream_arn,
        "--zip",
        str(test_zip),
        "--var-file",
        str(FIXTURES / tfvars),
        "--poll-interval",
        "0.05",
        *extra,
    ]


@pytest.mark.parametrize(
    ("command", "value", "expected"),
    [
        (
            ["run", "--stream-arn", STREAM],
            "localhost:5000",
            "'localhost:5000' is not an http:// or https:// URL"
            " with a host (did you mean http://localhost:5000?)",
        ),
        (
            ["run", "--stream-arn", STREAM],
            "http://",
            "'http://' is not an http:// or https:// URL with a host",
        ),
        (
            ["filter", "test", "--stream-arn", STREAM],
            "ftp://x",
            "'ftp://x' is not an http:// or https:// URL",
        ),
        (["redrive", "--queue-url", "http://q/1/q"], "http://h:99999", "'http://h:99999' is not an http://"),
    ],
)
def test_an_invalid_endpoint_url_is_a_usage_error(command: list[str], value: str, expected: str) -> None:
    completed = _pipeline(*command, "--endpoint-url", value)

    assert completed.returncode == 2
    assert f"argument --endpoint-url: {expected}" in completed.stderr
    assert "Traceback" not in completed.stderr


@pytest.mark.parametrize(
    ("option", "value"),
    [("--poll-interval", value) for value in ("0", "-1", "nan", "inf", "soon", "61")]
    + [("--status-interval", value) for value in ("-1", "nan", "inf", "3601")],
)
def test_an_invalid_interval_is_a_usage_error(option: str, value: str) -> None:
    completed = _pipeline("run", "--stream-arn", STREAM, option, value)

    assert completed.returncode == 2
    assert f"argument {option}: " in completed.stderr
    assert "Traceback" not in completed.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["filter", "lint", "--json", '{"eventName": ["INSERT"]}'],
        [
            "filter",
            "test",
            "--json",
            "--pattern",
            '{"eventName": ["INSERT"]}',
            str(ROOT / "tests/pipeline/fixtures/aws_recorded.json"),
        ],
        ["settings", "--var-file", str(FIXTURES / "base.tfvars")],
        ["filter", "lint", '{"eventName": ["INSERT"]}'],
    ],
    ids=["filter-lint-json", "filter-test-json", "settings", "filter-lint"],
)
def test_a_reader_that_goes_away_is_not_an_error(args: list[str]) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()  # `... | head` that already exited, before anything was written
    stderr = process.stderr.read().decode()
    process.wait(timeout=120)
    process.stderr.close()

    assert process.returncode == 141  # what a process killed by SIGPIPE would return
    assert stderr == ""


@pytest.mark.parametrize("stream_from", ["--stream-arn", "--table-name"])
def test_a_local_endpoint_without_credentials_says_what_to_set(
    endpoint: str, table: Table, test_zip: Path, tmp_path: Path, stream_from: str
) -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")} | {
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    where = table.resources.stream_arn if stream_from == "--stream-arn" else table.name
    completed = _pipeline(
        "run",
        "--endpoint-url",
        endpoint,
        stream_from,
        where,
        "--region",
        "us-east-1",
        "--zip",
        str(test_zip),
        "--var-file",
        str(FIXTURES / "base.tfvars"),
        env=env,
    )

    assert completed.returncode == 2
    assert completed.stderr.strip().endswith(
        f"error: no AWS credentials found; {endpoint} is a local endpoint, which accepts any keys: export "
        "AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing (or use `run --embedded`)"
    )
    assert "Traceback" not in completed.stderr


def test_a_misspelt_tfvars_key_is_refused(endpoint: str, table: Table, test_zip: Path) -> None:
    for args in (
        ["settings", "--var-file", str(FIXTURES / "misspelt.tfvars")],
        _run_args(endpoint, table, test_zip, "--until-drained", tfvars="misspelt.tfvars"),
    ):
        completed = _pipeline(*args)

        assert completed.returncode == 2
        assert completed.stderr == (
            f'error: bad settings: {FIXTURES / "misspelt.tfvars"}: "batch_sise": no variable of '
            'modules/esm-settings or modules/handler-settings has this name (did you mean "batch_size" for '
            '"batch_sise"?); Terraform only warns about undeclared variables, the local pipeline refuses '
            "them so a typo never runs with the default\n"
        )


def test_a_function_that_never_starts_shows_its_init_error_and_fails(
    endpoint: str, table: Table, test_zip: Path
) -> None:
    _profile(table, "u1")

    completed = _pipeline(
        *_run_args(endpoint, table, test_zip, "--until-drained", tfvars="bad_processor.tfvars")
    )

    assert completed.returncode == 1, completed.stderr
    err = completed.stderr.splitlines()
    error = (
        "ConfigError: STREAM_HANDLER_PROCESSOR: cannot import module 'no_such_package.orders' from "
        "'no_such_package.orders:process_record': No module named 'no_such_package'"
    )
    first = err.index(next(line for line in err if line.startswith("function log (")))
    assert err[first + 1] == f"  [ERROR] {error}"
    assert err[first + 2] == "  Traceback (most recent call last):"
    report = next(line for line in err[first:] if "INIT_REPORT" in line)
    assert report.startswith("  INIT_REPORT Init Duration: ")
    assert report.endswith(" ms\tPhase: init\tStatus: error\tError Type: ConfigError")
    # Three invocations (MaximumRetryAttempts 2): the full block once, then one line each.
    assert sum(line.startswith("function error again (") for line in err) == 2
    assert err[-1] == (
        f"error: the function never started: all 3 invocation(s) failed its init ({error}); "
        "see the function log above"
    )
    assert json.loads(completed.stdout)["counters"]["init_errors"] == 3


def test_runtime_errors_are_shown_and_discarded_batches_are_called_discarded(
    endpoint: str, table: Table, test_zip: Path
) -> None:
    _profile(table, "u-bad", email="not an email")

    completed = _pipeline(*_run_args(endpoint, table, test_zip, "--until-drained"))  # no destination

    assert completed.returncode == 0, completed.stderr
    err = completed.stderr.splitlines()
    block = err.index(next(line for line in err if line.startswith("function log (")))
    assert err[block + 1].startswith("  [ERROR] FirstRecordFailedError: ")
    # Powertools' message runs over several lines; the traceback follows it, as in Lambda's log.
    assert "  Traceback (most recent call last):" in err[block + 2 : block + 20]
    seq = table.seqs()["u-bad"][0]
    shard = table.streams.describe_stream(StreamArn=table.resources.stream_arn)["StreamDescription"][
        "Shards"
    ][0]
    assert (
        f"discarded 1 record(s) of {shard['ShardId']} ({seq}..{seq}): no on-failure destination is "
        "configured (as on AWS, the records are dropped; set destination_arn or --destination-arn to keep "
        "them)"
    ) in err
    assert not any("parked" in line for line in err)
    assert json.loads(completed.stdout)["counters"]["records_discarded"] == 1


def test_a_damaged_state_file_and_a_second_poller_are_refused(
    endpoint: str, table: Table, test_zip: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"version": 2, "streamArn": "' + table.resources.stream_arn + '", "shards": {}}')
    damaged = _pipeline(*_run_args(endpoint, table, test_zip, "--until-drained", "--state-file", str(state)))

    assert damaged.returncode == 2
    assert damaged.stderr.startswith(f"error: state file {state}: updatedAt: missing; the file is not what")
    state.unlink()

    args = _run_args(endpoint, table, test_zip, "--state-file", str(state))
    first = subprocess.Popen(
        [sys.executable, "-m", "pipeline", *args],
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not state.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        second = _pipeline(*args, "--until-drained")
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=60)

    assert second.returncode == 2
    assert second.stderr.startswith(f"error: state file {state}: in use by another poller (pid {first.pid} ")
    assert first.returncode == 0


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGINT", "until-drained"])
def test_latest_resumes_after_every_kind_of_stop(
    endpoint: str, table: Table, test_zip: Path, tmp_path: Path, stop: str
) -> None:
    state = tmp_path / "state.json"
    _profile(table, "u-before")  # LATEST: never delivered
    args = _run_args(endpoint, table, test_zip, "--state-file", str(state), tfvars="latest.tfvars")
    if stop == "until-drained":
        first = _pipeline(*args, "--until-drained")
        assert first.returncode == 0, first.stderr
        assert json.loads(first.stdout)["counters"]["records_seen"] == 0
    else:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline", *args],
            cwd=ROOT,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while not state.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        process.send_signal(getattr(signal, stop))
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        assert f"{stop}: stopping after the current batches" in err
        assert json.loads(out)["counters"]["records_seen"] == 0
    (saved,) = json.loads(state.read_text())["shards"].values()
    assert saved["checkpoint"] == table.seqs()["u-before"][0]

    _profile(table, "u-while-stopped")
    resumed = _pipeline(*args, "--until-drained")

    assert resumed.returncode == 0, resumed.stderr
    counters = json.loads(resumed.stdout)["counters"]
    assert (counters["records_seen"], counters["records_succeeded"]) == (1, 1)


def test_run_prints_a_status_line_every_few_seconds(endpoint: str, table: Table, test_zip: Path) -> None:
    _profile(table, "u1")
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", *_run_args(endpoint, table, test_zip, "--status-interval", "0.3")],
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(8)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)

    lines = [line for line in err.splitlines() if line.startswith("status: ")]
    assert len(lines) >= 3
    # The age is the record's at its invocation: under a second or two (creation times are whole seconds).
    assert lines[-1].startswith("status: 1 shard(s), iterator age ")
    assert lines[-1].endswith(
        "0 record(s) behind, 0 batch(es) in flight | polled 1, filtered out 0, invoked 1, failed 0, "
        "dropped 0, to destination 0"
    )


def test_run_parks_on_an_s3_destination(endpoint: str, table: Table, test_zip: Path) -> None:
    """``run --destination-arn arn:aws:s3:::BUCKET`` writes AWS's object: the record plus its batch."""
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    bucket = f"parked-{table.name}"
    s3.create_bucket(Bucket=bucket)
    _profile(table, "u-bad", email="not an email")

    completed = _pipeline(
        *_run_args(
            endpoint, table, test_zip, "--until-drained", "--destination-arn", f"arn:aws:s3:::{bucket}"
        )
    )

    assert completed.returncode == 0, completed.stderr
    (key,) = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    shard = table.streams.describe_stream(StreamArn=table.resources.stream_arn)["StreamDescription"][
        "Shards"
    ][0]
    assert key.startswith("aws/lambda/")
    assert key.split("/")[3] == shard["ShardId"]
    document = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    seq = table.seqs()["u-bad"][0]
    assert document["DDBStreamBatchInfo"]["startSequenceNumber"] == seq
    assert [record["dynamodb"]["SequenceNumber"] for record in document["payload"]["Records"]] == [seq]
    assert json.loads(completed.stdout)["counters"]["records_parked"] == 1
