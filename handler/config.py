"""Handler configuration, read once at init from the environment.

The variable names are the contract between Terraform, the local worker and the handler
(docs/DESIGN.md). Reading them once into a frozen dataclass means a typo or a bad value fails
the function's init with a message naming the variable, instead of failing every record later.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass

SERVICE_NAME = "POWERTOOLS_SERVICE_NAME"
METRICS_NAMESPACE = "POWERTOOLS_METRICS_NAMESPACE"
LOG_LEVEL = "POWERTOOLS_LOG_LEVEL"
ALLOWED_EVENT_NAMES = "STREAM_HANDLER_ALLOWED_EVENT_NAMES"
PROCESSOR = "STREAM_HANDLER_PROCESSOR"
NOTIFICATION_TOPIC_ARN = "STREAM_HANDLER_NOTIFICATION_TOPIC_ARN"
IDEMPOTENCY_TABLE = "STREAM_HANDLER_IDEMPOTENCY_TABLE"
IDEMPOTENCY_TTL_SECONDS = "STREAM_HANDLER_IDEMPOTENCY_TTL_SECONDS"
INVALID_RECORD_ACTION = "STREAM_HANDLER_INVALID_RECORD_ACTION"
LOG_IMAGES = "STREAM_HANDLER_LOG_IMAGES"
TRACING = "STREAM_HANDLER_TRACING"
FAILURE_MODE = "STREAM_HANDLER_FAILURE_MODE"
CONCURRENCY = "STREAM_HANDLER_CONCURRENCY"

DEFAULT_SERVICE_NAME = "ddb-stream-handler"
DEFAULT_METRICS_NAMESPACE = "DynamoDBStreams"
DEFAULT_PROCESSOR = "handler.processors.user_profile:process_record"
DEFAULT_IDEMPOTENCY_TTL_SECONDS = 86400
DEFAULT_CONCURRENCY = 1
# Threads beyond this buy nothing a batch can use: the SDK's connection pools and the moto or AWS
# endpoints saturate first, and each thread costs memory in a small function.
MAX_CONCURRENCY = 64
STREAM_EVENT_NAMES = frozenset({"INSERT", "MODIFY", "REMOVE"})
LOG_LEVELS = frozenset({"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"})

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off", ""})
# Loose on purpose: partitions (aws, aws-cn, aws-us-gov, ...) and regions evolve; the point is to
# catch a table name or a queue ARN pasted into the wrong variable.
# Pattern strings, not compiled patterns: they are only needed when the variable is set, and
# re.fullmatch compiles (and caches) on first use, which keeps them off the cold start.
_SNS_TOPIC_ARN = r"arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?"
_TABLE_NAME = r"[A-Za-z0-9_.-]{3,255}"


class ConfigError(ValueError):
    """An environment variable has a value the handler cannot run with."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


class InvalidRecordAction(enum.Enum):
    """What the user-profile processor does with a record that fails validation."""

    FAIL = "fail"
    """Fail the record: the mapping retries it, then parks it on the failure queue (redrivable)."""
    DROP = "drop"
    """Skip the record and count it in the ``RecordsDropped`` metric."""


class FailureMode(enum.Enum):
    """What the handler does with the rest of a batch once a record failed."""

    STOP = "stop"
    """Stop at the first failed record and report it; the mapping re-sends the batch from there."""
    CONTINUE = "continue"
    """Powertools' behaviour: process every record, report each failed one."""


@dataclass(frozen=True, slots=True)
class HandlerConfig:
    """Everything the handler reads from its environment, validated."""

    service_name: str = DEFAULT_SERVICE_NAME
    metrics_namespace: str = DEFAULT_METRICS_NAMESPACE
    log_level: str = "INFO"
    allowed_event_names: frozenset[str] = frozenset({"INSERT"})
    processor: str = DEFAULT_PROCESSOR
    notification_topic_arn: str | None = None
    idempotency_table: str | None = None
    idempotency_ttl_seconds: int = DEFAULT_IDEMPOTENCY_TTL_SECONDS
    invalid_record_action: InvalidRecordAction = InvalidRecordAction.FAIL
    log_images: bool = False
    tracing: bool = False
    failure_mode: FailureMode = FailureMode.STOP
    concurrency: int = DEFAULT_CONCURRENCY
    """Threads processing records of different items at once; 1 processes the batch in order."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> HandlerConfig:
        """Build the configuration from environment variables, raising ConfigError on bad values."""
        return cls(
            service_name=_non_empty(environ, SERVICE_NAME, DEFAULT_SERVICE_NAME),
            metrics_namespace=_non_empty(environ, METRICS_NAMESPACE, DEFAULT_METRICS_NAMESPACE),
            log_level=_log_level(environ),
            allowed_event_names=_event_names(environ),
            processor=_non_empty(environ, PROCESSOR, DEFAULT_PROCESSOR),
            notification_topic_arn=_optional_match(
                environ, NOTIFICATION_TOPIC_ARN, _SNS_TOPIC_ARN, "an SNS topic ARN"
            ),
            idempotency_table=_optional_match(
                environ, IDEMPOTENCY_TABLE, _TABLE_NAME, "a DynamoDB table name"
            ),
            idempotency_ttl_seconds=_positive_int(
                environ, IDEMPOTENCY_TTL_SECONDS, DEFAULT_IDEMPOTENCY_TTL_SECONDS
            ),
            invalid_record_action=_invalid_record_action(environ),
            log_images=_flag(environ, LOG_IMAGES),
            tracing=_flag(environ, TRACING),
            failure_mode=_failure_mode(environ),
            concurrency=_concurrency(environ),
        )


def _value(environ: Mapping[str, str], variable: str) -> str:
    return environ.get(variable, "").strip()


def _non_empty(environ: Mapping[str, str], variable: str, default: str) -> str:
    return _value(environ, variable) or default


def _log_level(environ: Mapping[str, str]) -> str:
    level = _value(environ, LOG_LEVEL).upper() or "INFO"
    if level not in LOG_LEVELS:
        raise ConfigError(LOG_LEVEL, f"expected one of {', '.join(sorted(LOG_LEVELS))}, got {level!r}")
    return level


def _event_names(environ: Mapping[str, str]) -> frozenset[str]:
    raw = _value(environ, ALLOWED_EVENT_NAMES) or "INSERT"
    names = frozenset(part.strip().upper() for part in raw.split(",") if part.strip())
    unknown = names - STREAM_EVENT_NAMES
    if unknown or not names:
        raise ConfigError(
            ALLOWED_EVENT_NAMES,
            f"expected a comma-separated subset of INSERT, MODIFY, REMOVE, got {raw!r}",
        )
    return names


def _optional_match(environ: Mapping[str, str], variable: str, pattern: str, what: str) -> str | None:
    value = _value(environ, variable)
    if not value:
        return None
    if not re.fullmatch(pattern, value):
        raise ConfigError(variable, f"expected {what} (or empty to switch it off), got {value!r}")
    return value


def _positive_int(environ: Mapping[str, str], variable: str, default: int) -> int:
    raw = _value(environ, variable)
    if not raw:
        return default
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number <= 0:
        raise ConfigError(variable, f"expected a positive whole number of seconds, got {raw!r}")
    return number


def _invalid_record_action(environ: Mapping[str, str]) -> InvalidRecordAction:
    raw = _value(environ, INVALID_RECORD_ACTION).lower() or InvalidRecordAction.FAIL.value
    try:
        return InvalidRecordAction(raw)
    except ValueError:
        raise ConfigError(INVALID_RECORD_ACTION, f"expected 'fail' or 'drop', got {raw!r}") from None


def _flag(environ: Mapping[str, str], variable: str) -> bool:
    raw = _value(environ, variable).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigError(variable, f"expected true or false, got {raw!r}")


def _failure_mode(environ: Mapping[str, str]) -> FailureMode:
    raw = _value(environ, FAILURE_MODE).lower() or FailureMode.STOP.value
    try:
        return FailureMode(raw)
    except ValueError:
        raise ConfigError(FAILURE_MODE, f"expected 'stop' or 'continue', got {raw!r}") from None


def _concurrency(environ: Mapping[str, str]) -> int:
    raw = _value(environ, CONCURRENCY)
    if not raw:
        return DEFAULT_CONCURRENCY
    number = int(raw) if raw.isascii() and raw.isdigit() else 0
    if not 1 <= number <= MAX_CONCURRENCY:
        raise ConfigError(CONCURRENCY, f"expected a whole number from 1 to {MAX_CONCURRENCY}, got {raw!r}")
    return number
