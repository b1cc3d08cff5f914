"""Powertools' DynamoDB Streams batch processor, fed with our typed ChangeRecord.

Why a subclass rather than the stock ``BatchProcessor``:

* the stock processor wraps each record in Powertools' ``DynamoDBRecord`` data class, whose image
  deserialization dominates the cost of a batch; ``_to_batch_type`` here builds a ChangeRecord
  with the fast deserializer in :mod:`handler.record` instead;
* when that conversion fails (malformed record) the stock processor reports the failed record as
  ``None`` and cannot name its sequence number; here the raw record is always what gets reported;
* the event-name guard runs on the raw record before any deserialization, so a filtered-out
  MODIFY/REMOVE costs nothing and can never fail because of its images.

The partial-failure semantics are Powertools' own: failed records are reported as
``{"batchItemFailures": [{"itemIdentifier": <dynamodb.SequenceNumber>}]}``, an all-success or empty
batch returns an empty list, and when every record fails ``BatchProcessingError`` is raised
(``raise_on_entire_batch_failure=True``), so the invocation is a function error: the mapping
retries the whole batch and, with ``BisectBatchOnFunctionError``, splits it to isolate bad records.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Collection
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.batch.base import FailureResponse, SuccessResponse
from aws_lambda_powertools.utilities.batch.types import PartialItemFailures

from handler.processing import DropRecord, InvalidRecordError
from handler.record import ChangeRecord, MalformedRecordError, deserialize_item


class UnreportableFailureError(RuntimeError):
    """A failed record has no ``dynamodb.SequenceNumber``, so it cannot be named in batchItemFailures.

    Lambda treats a missing or empty itemIdentifier as a failure of the whole batch anyway; raising
    makes that explicit and puts the reason in the function's error output.
    """


RecordHandler = Callable[[ChangeRecord], object]
"""Processes one deserialized record; raising fails it, raising DropRecord skips it."""


class ChangeRecordBatchProcessor(BatchProcessor):
    """``BatchProcessor(EventType.DynamoDBStreams)`` that hands handlers a :class:`ChangeRecord`."""

    def __init__(
        self, allowed_event_names: Collection[str], logger: Logger, log_images: bool = False
    ) -> None:
        super().__init__(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=True)
        self.allowed_event_names = frozenset(allowed_event_names)
        self.record_logger = logger
        self.log_images = log_images
        self.skipped_messages: list[dict[str, Any]] = []
        self.dropped_messages: list[dict[str, Any]] = []
        self._log_successes = False

    def _prepare(self) -> None:
        super()._prepare()  # type: ignore[no-untyped-call]
        self.skipped_messages.clear()
        self.dropped_messages.clear()
        # Checked once per batch: a per-record success line is only worth its cost when debugging.
        self._log_successes = self.record_logger.log_level <= logging.DEBUG

    @property
    def processed_count(self) -> int:
        """Records the record handler completed (successes that were neither skipped nor dropped)."""
        return len(self.success_messages) - len(self.skipped_messages) - len(self.dropped_messages)

    def _to_batch_type(  # type: ignore[override]
        self,
        record: dict[str, Any],
        event_type: EventType,  # noqa: ARG002 - always DynamoDBStreams here
        model: object = None,  # noqa: ARG002 - parser models are not supported: ChangeRecord is the model
    ) -> ChangeRecord:
        return ChangeRecord.from_event_record(record)

    def _process_record(self, record: dict[str, Any]) -> SuccessResponse | FailureResponse:
        # Mirrors BatchProcessor._process_record, with the guard first and the raw record (which
        # always has whatever SequenceNumber exists) recorded on both outcomes.
        # A record without an eventName is malformed, not filtered: it goes on to fail conversion.
        event_name = record.get("eventName") if type(record) is dict else None
        # A present but non-string eventName (a list, say) is not an allowed name either.
        if event_name is not None and not (
            isinstance(event_name, str) and event_name in self.allowed_event_names
        ):
            return self._skip(record)
        try:
            change = self._to_batch_type(record, self.event_type)
            result = self.handler(change)
        except DropRecord as drop:
            return self._drop(record, drop)
        except Exception:
            return self.failure_handler(record, sys.exc_info())
        if self._log_successes:
            self.record_logger.debug("record processed", extra=self._identity(record))
        return self.success_handler(record, result)

    def _skip(self, record: dict[str, Any]) -> SuccessResponse:
        self.skipped_messages.append(record)
        self.record_logger.info(
            "record skipped: event name not allowed",
            extra={**self._identity(record), "allowed_event_names": sorted(self.allowed_event_names)},
        )
        return self.success_handler(record, None)

    def _drop(self, record: dict[str, Any], drop: DropRecord) -> SuccessResponse:
        self.dropped_messages.append(record)
        self.record_logger.warning("record dropped", extra={**self._identity(record), "reason": str(drop)})
        return self.success_handler(record, None)

    def failure_handler(self, record: Any, exception: Any) -> FailureResponse:
        """Log the failed record's identity and reason, then let Powertools track it."""
        error = exception[1]
        fields = {**self._identity(record), "reason": f"{type(error).__name__}: {error}"}
        if isinstance(error, MalformedRecordError):
            # The reason says it all; a traceback into the deserializer adds nothing.
            self.record_logger.error("record failed: malformed stream record", extra=fields)
        elif isinstance(error, InvalidRecordError):
            self.record_logger.error("record failed: invalid record", extra=fields)
        else:
            self.record_logger.error("record failed", extra=fields, exc_info=exception)
        return super().failure_handler(record, exception)

    def _identity(self, record: dict[str, Any]) -> dict[str, Any]:
        """Fields that identify a record in log lines; images only when image logging is on."""
        if not isinstance(record, dict):
            return {"record_type": type(record).__name__}
        dynamodb = record.get("dynamodb")
        if not isinstance(dynamodb, dict):
            dynamodb = {}
        fields = {
            "event_id": record.get("eventID"),
            "event_name": record.get("eventName"),
            "sequence_number": dynamodb.get("SequenceNumber"),
            "keys": _readable_keys(dynamodb.get("Keys")),
        }
        if self.log_images:
            fields["new_image"] = dynamodb.get("NewImage")
            fields["old_image"] = dynamodb.get("OldImage")
        return fields

    def _collect_dynamodb_failures(self) -> list[PartialItemFailures]:
        failures: list[PartialItemFailures] = []
        for message in self.fail_messages:
            record: dict[str, Any] = message if isinstance(message, dict) else {}
            dynamodb = record.get("dynamodb")
            sequence_number = dynamodb.get("SequenceNumber") if isinstance(dynamodb, dict) else None
            if not isinstance(sequence_number, str) or not sequence_number:
                raise UnreportableFailureError(
                    f"record {record.get('eventID')!r} failed and has no dynamodb.SequenceNumber to report "
                    "in batchItemFailures; failing the whole batch so the mapping retries it"
                )
            failures.append({"itemIdentifier": sequence_number})
        return failures


def _readable_keys(keys: object) -> object:
    """Keys as plain values, like processors log them; the raw JSON if they do not deserialize."""
    try:
        return deserialize_item(keys, "Keys")
    except MalformedRecordError:
        return keys
