"""The Lambda entry point in a fresh interpreter: what init imports, and the samples runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Modules a default configuration must not load at init (cold-start budget, and the parser
# utilities would need pydantic, which the package does not ship). Powertools' own tracing module
# is not listed: the aws_lambda_powertools package imports it; the X-Ray SDK is what costs.
HEAVY = (
    "boto3",
    "botocore.session",
    "botocore.client",
    "aws_xray_sdk",
    "pydantic",
    "aws_lambda_powertools.utilities.idempotency",
    "aws_lambda_powertools.utilities.parser",
)


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(REPO),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=REPO,
    )


def _loaded_after_init(**env: str) -> list[str]:
    code = (
        "import json, sys\n"
        "import handler.entrypoint\n"
        f"print(json.dumps([name for name in {HEAVY!r} if name in sys.modules]))\n"
    )
    result = _python(code, **env)
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout.splitlines()[-1]))


def test_default_init_loads_no_sdk_tracer_or_idempotency() -> None:
    assert _loaded_after_init() == []


def test_a_topic_alone_still_defers_boto3_to_the_first_publish() -> None:
    assert (
        _loaded_after_init(STREAM_HANDLER_NOTIFICATION_TOPIC_ARN="arn:aws:sns:us-east-1:123456789012:t") == []
    )


def test_idempotency_loads_only_when_configured() -> None:
    loaded = _loaded_after_init(STREAM_HANDLER_IDEMPOTENCY_TABLE="idempotency")

    assert "boto3" in loaded
    assert "aws_lambda_powertools.utilities.idempotency" in loaded
    assert "aws_xray_sdk" not in loaded


def test_tracer_loads_only_when_switched_on() -> None:
    pytest.importorskip("aws_xray_sdk")

    assert "aws_xray_sdk" in _loaded_after_init(STREAM_HANDLER_TRACING="true")


def test_entrypoint_handles_a_sample_without_a_lambda_context() -> None:
    code = (
        "import json\n"
        "from handler.entrypoint import lambda_handler\n"
        "event = json.load(open('handler/samples/insert-profiles.json'))\n"
        "print('RESPONSE ' + json.dumps(lambda_handler(event, None)))\n"
    )
    result = _python(code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == 'RESPONSE {"batchItemFailures": []}'
    first_log = json.loads(result.stdout.splitlines()[0])
    assert first_log["cold_start"] is True
    assert first_log["function_name"] == "ddb-stream-handler"


def test_samples_runner_prints_each_response() -> None:
    result = _python("from handler.samples.__main__ import main; raise SystemExit(main())")

    assert result.returncode == 0, result.stderr
    summary = [line for line in result.stdout.splitlines() if line.startswith("----- ")]
    assert summary == [
        '----- insert-profiles.json: response {"batchItemFailures": []}',
        "----- keys-only.json: function error (whole batch retried): The batch's first record failed, so "
        "no record of the batch succeeded: failing the invocation so the mapping retries (and, with "
        "BisectBatchOnFunctionError, splits) it.",
        # Stopped at the first failure: the later invalid record is re-sent, not processed now.
        '----- mixed-batch.json: response {"batchItemFailures": '
        '[{"itemIdentifier": "700000000000888747438"}]}',
    ]


@pytest.mark.parametrize(
    ("variable", "value"), [("STREAM_HANDLER_CONCURRENCY", "0"), ("STREAM_HANDLER_FAILURE_MODE", "later")]
)
def test_a_bad_new_setting_fails_the_init_naming_it(variable: str, value: str) -> None:
    result = _python("import handler.entrypoint", **{variable: value})

    assert result.returncode == 1
    assert f"handler.config.ConfigError: {variable}: expected" in result.stderr


def test_concurrent_default_init_still_loads_no_sdk() -> None:
    assert _loaded_after_init(STREAM_HANDLER_CONCURRENCY="16") == []
