"""The parts on their own: the worker environment, the on-failure record, settings from a plan."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.errors import MissingZipError, SettingsError
from pipeline.esm.batch_response import Verdict, evaluate_response
from pipeline.esm.on_failure import Condition, DDBStreamBatchInfo, OnFailureMessage, ResponseContext
from pipeline.runtime.function import LocalFunction
from pipeline.runtime.invoker import InvokeStatus
from pipeline.runtime.worker import LambdaWorker
from pipeline.settings.loader import load_from_modules, load_from_plan
from pipeline.settings.model import FunctionSettings
from tests.pipeline.support import FIXTURES

PROBE = """
import os, sys
NAMES = ("GREETING", "AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME", "HOME_OF_DEV")
def lambda_handler(event, context):
    return {
        "request_id": context.aws_request_id,
        "function_name": context.function_name,
        "arn": context.invoked_function_arn,
        "memory": context.memory_limit_in_mb,
        "log_group": context.log_group_name,
        "remaining": context.get_remaining_time_in_millis(),
        "env": {k: os.environ.get(k) for k in NAMES},
        "first_path": sys.path[0],
        "handler_from": __import__("handler").__file__,
        "boto3_from": __import__("boto3").__file__,
        "event": event,
    }
"""


@pytest.fixture
def probe_zip(tmp_path: Path) -> Path:
    path = tmp_path / "probe.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("probe.py", PROBE)
        archive.writestr("handler/__init__.py", "")
    return path


def test_the_worker_runs_the_zip_like_lambda(probe_zip: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME_OF_DEV", "not for the function")
    config = LocalFunction(
        FunctionSettings(
            environment={"GREETING": "hello"},
            timeout=5,
            memory_size=256,
            function_name="probe-fn",
            handler="probe.lambda_handler",
        ),
        zip_path=probe_zip,
        region="eu-west-1",
    )
    with LambdaWorker(config) as worker:
        first = worker.invoke({"n": 1}, request_id="req-1")
        second = worker.invoke({"n": 2})
        code_dir = worker.code_dir
        assert code_dir is not None

    assert first.status is InvokeStatus.OK
    assert first.cold_start
    assert not second.cold_start
    payload = first.payload
    assert payload["request_id"] == "req-1"
    assert payload["function_name"] == "probe-fn"
    assert payload["arn"] == "arn:aws:lambda:eu-west-1:123456789012:function:probe-fn"
    assert payload["memory"] == "256"  # a string, as in the Lambda runtime
    assert payload["log_group"] == "/aws/lambda/probe-fn"
    assert 0 < payload["remaining"] <= 5000
    assert payload["env"] == {
        "GREETING": "hello",
        "AWS_REGION": "eu-west-1",
        "AWS_LAMBDA_FUNCTION_NAME": "probe-fn",
        "HOME_OF_DEV": None,
    }
    # Code comes from the zip (not the checkout); the SDK from the venv, after it.
    assert payload["first_path"] == str(code_dir)
    assert payload["handler_from"] == str(code_dir / "handler" / "__init__.py")
    assert "site-packages" in payload["boto3_from"]
    assert payload["event"] == {"n": 1}
    assert not code_dir.exists()  # cleaned up on close


def test_a_handler_that_cannot_be_imported_is_a_function_error(probe_zip: Path) -> None:
    settings = FunctionSettings(
        environment={}, timeout=3, memory_size=128, handler="missing_module.lambda_handler"
    )
    config = LocalFunction(settings, zip_path=probe_zip)
    with LambdaWorker(config) as worker:
        result = worker.invoke({})
    assert result.status is InvokeStatus.CRASH
    assert result.error_type == "Runtime.ImportModuleError"
    assert result.function_error == "Unhandled"


def test_a_missing_zip_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(MissingZipError, match="run `make package`"):
        LambdaWorker(
            LocalFunction(FunctionSettings({}, timeout=3, memory_size=128), zip_path=tmp_path / "nope.zip")
        )


def test_the_on_failure_record_round_trips_with_aws_formats() -> None:
    message = OnFailureMessage(
        request_id="7f0a4c2e-5b7e-4a43-9d69-1c3f6a0b9e21",
        function_arn="arn:aws:lambda:us-east-1:111111111111:function:fn",
        condition=Condition.RETRY_ATTEMPTS_EXHAUSTED,
        approximate_invoke_count=2,
        response_context=ResponseContext(function_error="Unhandled"),
        timestamp=datetime(2022, 7, 13, 13, 48, 1, 5000, tzinfo=UTC),
        batch_info=DDBStreamBatchInfo(
            shard_id="shardId-00000001700000000000-1a2b3c4d",
            start_sequence_number="700000000000888747038",
            end_sequence_number="700000000000888747039",
            approximate_arrival_of_first_record=datetime(2022, 7, 13, 13, 48, 1, tzinfo=UTC),
            approximate_arrival_of_last_record=datetime(2022, 7, 13, 13, 48, 2, tzinfo=UTC),
            batch_size=2,
            stream_arn="arn:aws:dynamodb:us-east-1:111111111111:table/t/stream/2022-07-13T13:00:00.000",
        ),
    )
    body = json.loads(message.to_body())
    assert body["timestamp"] == "2022-07-13T13:48:01.005Z"
    assert body["DDBStreamBatchInfo"]["approximateArrivalOfFirstRecord"] == "2022-07-13T13:48:01Z"
    assert body["DDBStreamBatchInfo"]["approximateArrivalOfLastRecord"] == "2022-07-13T13:48:02Z"
    assert OnFailureMessage.from_body(message.to_body()) == message
    # An SNS notification wrapping it (SNS destination -> SQS subscription) parses too.
    envelope = json.dumps({"Type": "Notification", "Message": message.to_body()})
    assert OnFailureMessage.from_body(envelope) == message


def test_lowest_failed_sequence_number_wins_regardless_of_response_order() -> None:
    seqs = ["100", "99999", "100000"]  # numeric order, not string order
    response = {"batchItemFailures": [{"itemIdentifier": "100000"}, {"itemIdentifier": "99999"}]}
    outcome = evaluate_response(response, seqs, report_item_failures=True)
    assert outcome.verdict is Verdict.PARTIAL
    assert outcome.first_failed_index == 1
    # Without ReportBatchItemFailures the answer is not read at all.
    assert evaluate_response(response, seqs, report_item_failures=False).verdict is Verdict.SUCCESS


def test_settings_from_a_terraform_plan(tmp_path: Path) -> None:
    plan = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "child_modules": [
                    {
                        "resources": [
                            {
                                "type": "aws_lambda_event_source_mapping",
                                "values": {
                                    "batch_size": 25,
                                    "maximum_batching_window_in_seconds": 2,
                                    "starting_position": "LATEST",
                                    "parallelization_factor": 1,
                                    "bisect_batch_on_function_error": True,
                                    "maximum_retry_attempts": 5,
                                    "maximum_record_age_in_seconds": 600,
                                    "tumbling_window_in_seconds": None,
                                    "function_response_types": ["ReportBatchItemFailures"],
                                    "filter_criteria": [
                                        {"filter": [{"pattern": '{"eventName":["INSERT"]}'}]}
                                    ],
                                    "destination_config": [
                                        {"on_failure": [{"destination_arn": "arn:aws:sqs:us-east-1:1:dlq"}]}
                                    ],
                                },
                            },
                            {
                                "type": "aws_lambda_function",
                                "values": {
                                    "function_name": "fn",
                                    "handler": "handler.entrypoint.lambda_handler",
                                    "timeout": 12,
                                    "memory_size": 512,
                                    "environment": [{"variables": {"POWERTOOLS_LOG_LEVEL": "DEBUG"}}],
                                },
                            },
                        ]
                    }
                ]
            }
        },
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))

    settings = load_from_plan(path)

    assert settings.esm.batch_size == 25
    assert settings.esm.maximum_batching_window_in_seconds == 2
    assert settings.esm.starting_position == "LATEST"
    assert settings.esm.maximum_retry_attempts == 5
    assert settings.esm.maximum_record_age_in_seconds == 600
    assert settings.esm.tumbling_window_in_seconds == 0
    assert settings.esm.filter_patterns == ('{"eventName":["INSERT"]}',)
    assert settings.esm.destination_arn == "arn:aws:sqs:us-east-1:1:dlq"
    assert settings.function.timeout == 12
    assert settings.function.memory_size == 512
    assert settings.function.environment == {"POWERTOOLS_LOG_LEVEL": "DEBUG"}
    assert settings.function.function_name == "fn"


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"planned_values": []}, "planned_values must be a JSON object, not list"),
        (
            {"planned_values": {"root_module": {"resources": [1]}}},
            "planned_values.root_module.resources[0] must be a JSON object, not int",
        ),
        (
            {"planned_values": {"root_module": {"child_modules": {"a": 1}}}},
            "planned_values.root_module.child_modules must be a JSON list, not dict",
        ),
        (
            {
                "planned_values": {
                    "root_module": {
                        "resources": [
                            {"type": "aws_lambda_event_source_mapping", "values": {"batch_size": "many"}},
                            {"type": "aws_lambda_function", "values": {}},
                        ]
                    }
                }
            },
            "aws_lambda_event_source_mapping values: "
            "ValueError(\"invalid literal for int() with base 10: 'many'\")",
        ),
        (
            {
                "planned_values": {
                    "root_module": {
                        "resources": [
                            {
                                "type": "aws_lambda_event_source_mapping",
                                "values": {"filter_criteria": [{"filter": [{}]}]},
                            },
                            {"type": "aws_lambda_function", "values": {}},
                        ]
                    }
                }
            },
            "aws_lambda_event_source_mapping values: KeyError('pattern')",
        ),
        (
            {
                "planned_values": {
                    "root_module": {
                        "resources": [
                            {"type": "aws_lambda_event_source_mapping", "values": {}},
                            {"type": "aws_lambda_function", "values": {"environment": "x"}},
                        ]
                    }
                }
            },
            "aws_lambda_function environment must be a JSON list, not str",
        ),
    ],
)
def test_a_plan_of_another_shape_is_a_settings_error(tmp_path: Path, document: object, expected: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))

    with pytest.raises(SettingsError) as caught:
        load_from_plan(path)

    assert str(caught.value) == f"{path}: {expected}"


def test_a_damaged_settings_cache_entry_is_rendered_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = load_from_modules(FIXTURES / "base.tfvars", cache_dir=cache)
    for entry in cache.glob("*.json"):
        entry.write_text('{"mapping": ')  # truncated

    again = load_from_modules(FIXTURES / "base.tfvars", cache_dir=cache)

    assert again == first
    assert all(json.loads(entry.read_text()) for entry in cache.glob("*.json"))
