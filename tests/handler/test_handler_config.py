"""Configuration from the environment: defaults, parsing, and errors naming the variable."""

from __future__ import annotations

import pytest

from handler import config
from handler.config import ConfigError, FailureMode, HandlerConfig, InvalidRecordAction


def test_defaults_match_the_design_table() -> None:
    config = HandlerConfig.from_environ({})

    assert config == HandlerConfig(
        service_name="ddb-stream-handler",
        metrics_namespace="DynamoDBStreams",
        log_level="INFO",
        allowed_event_names=frozenset({"INSERT"}),
        processor="handler.processors.user_profile:process_record",
        notification_topic_arn=None,
        idempotency_table=None,
        idempotency_ttl_seconds=86400,
        invalid_record_action=InvalidRecordAction.FAIL,
        log_images=False,
        tracing=False,
        failure_mode=FailureMode.STOP,
        concurrency=1,
    )


def test_every_variable_is_read() -> None:
    config = HandlerConfig.from_environ(
        {
            "POWERTOOLS_SERVICE_NAME": "profiles",
            "POWERTOOLS_METRICS_NAMESPACE": "Team/Profiles",
            "POWERTOOLS_LOG_LEVEL": "debug",
            "STREAM_HANDLER_ALLOWED_EVENT_NAMES": " insert, MODIFY ,",
            "STREAM_HANDLER_PROCESSOR": "team.hooks:on_change",
            "STREAM_HANDLER_NOTIFICATION_TOPIC_ARN": "arn:aws:sns:eu-west-1:123456789012:profile-events",
            "STREAM_HANDLER_IDEMPOTENCY_TABLE": "profiles-idempotency",
            "STREAM_HANDLER_IDEMPOTENCY_TTL_SECONDS": "3600",
            "STREAM_HANDLER_INVALID_RECORD_ACTION": "DROP",
            "STREAM_HANDLER_LOG_IMAGES": "true",
            "STREAM_HANDLER_TRACING": "1",
            "STREAM_HANDLER_FAILURE_MODE": "Continue",
            "STREAM_HANDLER_CONCURRENCY": " 16 ",
        }
    )

    assert config == HandlerConfig(
        service_name="profiles",
        metrics_namespace="Team/Profiles",
        log_level="DEBUG",
        allowed_event_names=frozenset({"INSERT", "MODIFY"}),
        processor="team.hooks:on_change",
        notification_topic_arn="arn:aws:sns:eu-west-1:123456789012:profile-events",
        idempotency_table="profiles-idempotency",
        idempotency_ttl_seconds=3600,
        invalid_record_action=InvalidRecordAction.DROP,
        log_images=True,
        tracing=True,
        failure_mode=FailureMode.CONTINUE,
        concurrency=16,
    )


def test_empty_values_mean_defaults_or_off() -> None:
    config = HandlerConfig.from_environ(
        {"STREAM_HANDLER_NOTIFICATION_TOPIC_ARN": "", "STREAM_HANDLER_IDEMPOTENCY_TABLE": "  "}
    )

    assert config.notification_topic_arn is None
    assert config.idempotency_table is None


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("STREAM_HANDLER_ALLOWED_EVENT_NAMES", "INSERT,DELETE", "subset of INSERT, MODIFY, REMOVE"),
        ("STREAM_HANDLER_ALLOWED_EVENT_NAMES", ",", "subset of INSERT, MODIFY, REMOVE"),
        (
            "STREAM_HANDLER_NOTIFICATION_TOPIC_ARN",
            "arn:aws:sqs:us-east-1:123456789012:queue",
            "an SNS topic ARN",
        ),
        ("STREAM_HANDLER_IDEMPOTENCY_TABLE", "no spaces allowed", "a DynamoDB table name"),
        ("STREAM_HANDLER_IDEMPOTENCY_TTL_SECONDS", "0", "a positive whole number of seconds"),
        ("STREAM_HANDLER_IDEMPOTENCY_TTL_SECONDS", "1d", "a positive whole number of seconds"),
        ("STREAM_HANDLER_INVALID_RECORD_ACTION", "ignore", "'fail' or 'drop'"),
        ("STREAM_HANDLER_LOG_IMAGES", "maybe", "true or false"),
        ("STREAM_HANDLER_TRACING", "enabled", "true or false"),
        ("POWERTOOLS_LOG_LEVEL", "verbose", "one of CRITICAL, DEBUG, ERROR, INFO, WARNING"),
        ("STREAM_HANDLER_FAILURE_MODE", "skip", "expected 'stop' or 'continue', got 'skip'"),
        ("STREAM_HANDLER_CONCURRENCY", "0", "expected a whole number from 1 to 64, got '0'"),
        ("STREAM_HANDLER_CONCURRENCY", "65", "expected a whole number from 1 to 64, got '65'"),
        ("STREAM_HANDLER_CONCURRENCY", "4.0", "expected a whole number from 1 to 64, got '4.0'"),
        ("STREAM_HANDLER_CONCURRENCY", "-2", "expected a whole number from 1 to 64, got '-2'"),
        ("STREAM_HANDLER_CONCURRENCY", "²", "expected a whole number from 1 to 64, got '²'"),
    ],
)
def test_bad_values_name_the_variable(variable: str, value: str, expected: str) -> None:
    with pytest.raises(ConfigError) as raised:
        HandlerConfig.from_environ({variable: value})

    assert raised.value.variable == variable
    assert str(raised.value).startswith(f"{variable}: ")
    assert expected in str(raised.value)


def test_names_and_defaults_are_the_design_contract() -> None:
    # The exact names Terraform (modules/handler-settings) and docs/DESIGN.md use.
    assert (config.FAILURE_MODE, config.CONCURRENCY) == (
        "STREAM_HANDLER_FAILURE_MODE",
        "STREAM_HANDLER_CONCURRENCY",
    )
    assert (config.DEFAULT_CONCURRENCY, config.MAX_CONCURRENCY) == (1, 64)
