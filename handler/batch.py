"""Powertools' DynamoDB Streams batch processor, fed with our typed ChangeRecord.

Why a subclass rather than the stock ``BatchProcessor``:

* the stock processor wraps each record in Powertools' ``DynamoDBRecord`` data class, whose image
  deserialization dominates the cost of a batch; ``_to_batch_type`` here builds a ChangeRecord
  with the fast deserializer in :mod:`handler.record` instead;
* when that conversion fails (malformed record) the stock processor reports the failed record as
  ``None`` and cannot name its sequence number; here the raw record is always what gets reported;
* the event-name guard runs on the raw record before any deserialization, so a filtered-out
  MODIFY/REMOVE costs nothing and can never fail because of its images;
* it stops at the first failed record (``FailureMode.STOP``, the default) and can process the
  records of different items concurrently (``concurrency`` > 1, :mod:`handler.ordering`).

Stop at the first failure: Lambda re-sends a stream batch from the lowest sequence number a
partial batch response names, so every record after a failure comes again anyway; processing it
now only repeats its side effects and lets a later change of an item overtake a failed earlier
one. The response names one record: the first one that did not succeed (with concurrency, a
record that never started can come before the failed one). When that is the batch's first record
nothing succeeded, and ``FirstRecordFailedError`` makes the invocation a function error, so
``BisectBatchOnFunctionError`` can isolate a poison record and the ``Errors`` metric sees it.

``FailureMode.CONTINUE`` keeps Powertools' semantics: every record is processed, each failed one
is reported (in batch order), an all-success or empty batch returns an empty list, and when
every record fails ``BatchProcessingError`` is raised (``raise_on_entire_batch_failure=True``).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Collection, Hashable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.batch.base import FailureResponse, SuccessResponse
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from aws_lambda_powertools.utilities.batch.types import PartialItemFailures

from handler.config import FailureMode
from handler.processing import DropRecord, InvalidRecordError
from handler.record import ChangeRecord, MalformedRecordError, deserialize_item

if TYPE_CHECKING:
    # Loaded only for concurrency > 1: its thread pool and queues are not needed otherwise.
    from handler.ordering import KeyOrderedPool


class UnreportableFailureError(RuntimeError):
    """A record to retry has no ``dynamodb.SequenceNumber``, so it cannot be named in batchItemFailures.

    Lambda treats a missing or empty itemIdentifier as a failure of the whole batch anyway; raising
    makes that explicit and puts the reason in the function's error output.
    """


class FirstRecordFailedError(BatchProcessingError):
    """Stop mode: the batch's first record failed, so nothing succeeded and the whole batch is retried."""


RecordHandler = Callable[[ChangeRecord], object]
"""Processes one deserialized record; raising fails it, raising DropRecord skips it."""

# What evaluating one record gives, before any bookkeeping: (kind, detail). Built on the thread
# that ran the record; only the calling thread records it (see _settle).
Outcome = tuple[str, Any]
_OK, _SKIP, _DROP, _FAIL = "ok", "skip", "drop", "fail"
_SKIPPED: Outcome = (_SKIP, None)


def _failed(outcome: Outcome) -> bool:
    return outcome[0] == _FAIL


class ChangeRecordBatchProcessor(BatchProcessor):
    """``BatchProcessor(EventType.DynamoDBStreams)`` that hands handlers a :class:`ChangeRecord`."""

    def __init__(
        self,
        allowed_event_names: Collection[str],
        logger: Logger,
        log_images: bool = False,
        *,
        failure_mode: FailureMode = FailureMode.STOP,
        concurrency: int = 1,
    ) -> None:
        super().__init__(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=True)
        self.allowed_event_names = frozenset(allowed_event_names)
        self.record_logger = logger
        self.log_images = log_images
        self.failure_mode = failure_mode
        self.stop_at_first_failure = failure_mode is FailureMode.STOP
        self.skipped_messages: list[dict[str, Any]] = []
        self.dropped_messages: list[dict[str, Any]] = []
        self.not_started: list[dict[str, Any]] = []
        """Records left unprocessed after a failure (stop mode): Lambda re-sends them."""
        self._retry_from: int | None = None
        self._retry_from_failed = False  # False: the first record to retry never started
        self._pool: KeyOrderedPool[Outcome] | None = None
        if concurrency > 1:
            from handler.ordering import KeyOrderedPool  # noqa: PLC0415 - see TYPE_CHECKING above

            self._pool = KeyOrderedPool(concurrency)
        self._log_successes = False

    def _prepare(self) -> None:
        super()._prepare()  # type: ignore[no-untyped-call]
        self.skipped_messages.clear()
        self.dropped_messages.clear()
        self.not_started.clear()
        self._retry_from = None
        self._retry_from_failed = False
        # Checked once per batch: a per-record success line is only worth its cost when debugging.
        self._log_successes = self.record_logger.log_level <= logging.DEBUG

    @property
    def concurrency(self) -> int:
        return 1 if self._pool is None else self._pool.workers

    @property
    def processed_count(self) -> int:
        """Records the record handler completed (successes that were neither skipped nor dropped)."""
        return len(self.success_messages) - len(self.skipped_messages) - len(self.dropped_messages)

    def process(self) -> list[tuple[Any, ...]]:
        """Process the batch: in order or key-ordered concurrently, stopping at a failure or not."""
        if self._pool is not None:
            return self._process_concurrently(self._pool)
        if not self.stop_at_first_failure:
            return [self._process_record(record) for record in self.records]
        results: list[tuple[Any, ...]] = []
        for index, record in enumerate(self.records):
            result = self._process_record(record)
            results.append(result)
            if result[0] == "fail":
                self._retry_from, self._retry_from_failed = index, True
                self.not_started.extend(self.records[index + 1 :])
                break
        return results

    def _process_concurrently(self, pool: KeyOrderedPool[Outcome]) -> list[tuple[Any, ...]]:
        records = self.records
        outcomes = pool.run(
            [_item_key(record, index) for index, record in enumerate(records)],
            lambda index: self._evaluate(records[index]),
            failed=_failed,
            stop_on_failure=self.stop_at_first_failure,
            inline=lambda index: _SKIPPED if self._is_skipped(records[index]) else None,
        )
        # Bookkeeping and logging in batch order, on this thread, whatever order the records ran in.
        results: list[tuple[Any, ...]] = []
        for index, (record, outcome) in enumerate(zip(records, outcomes, strict=True)):
            if outcome is None:
                self.not_started.append(record)
            else:
                results.append(self._settle(record, outcome))
            if self._retry_from is None and (outcome is None or _failed(outcome)):
                self._retry_from, self._retry_from_failed = index, outcome is not None
        return results

    def _to_batch_type(  # type: ignore[override]
        self,
        record: dict[str, Any],
        event_type: EventType,  # noqa: ARG002 - always DynamoDBStreams here
        model: object = None,  # noqa: ARG002 - parser models are not supported: ChangeRecord is the model
    ) -> ChangeRecord:
        return ChangeRecord.from_event_record(record)

    def _process_record(self, record: dict[str, Any]) -> SuccessResponse | FailureResponse:
        return self._settle(record, self._evaluate(record))

    def _is_skipped(self, record: Any) -> bool:
        # A record without an eventName is malformed, not filtered: it goes on to fail conversion.
        event_name = record.get("eventName") if type(record) is dict else None
        # A present but non-string eventName (a list, say) is not an allowed name either.
        return event_name is not None and not (
            isinstance(event_name, str) and event_name in self.allowed_event_names
        )

    def _evaluate(self, record: dict[str, Any]) -> Outcome:
        """Guard, convert and handle one record; touches no shared state, so any thread may run it."""
        if self._is_skipped(record):
            return _SKIPPED
        try:
            change = self._to_batch_type(record, self.event_type)
            result = self.handler(change)
        except DropRecord as drop:
            return (_DROP, drop)
        except Exception:
            return (_FAIL, sys.exc_info())
        return (_OK, result)

    def _settle(self, record: dict[str, Any], outcome: Outcome) -> SuccessResponse | FailureResponse:
        """Record an outcome in Powertools' lists and log it (the calling thread only)."""
        kind, detail = outcome
        if kind == _OK:
            if self._log_successes:
                self.record_logger.debug("record processed", extra=self._identity(record))
            return self.success_handler(record, detail)
        if kind == _FAIL:
            return self.failure_handler(record, detail)
        if kind == _SKIP:
            return self._skip(record)
        return self._drop(record, detail)

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

    def _clean(self) -> None:
        if not self.stop_at_first_failure:
            super()._clean()  # type: ignore[no-untyped-call]
            return
        if self._retry_from is None:
            return  # every record succeeded, was skipped or dropped: the default empty response
        if self._retry_from == 0:
            raise FirstRecordFailedError(
                msg=(
                    "The batch's first record failed, so no record of the batch succeeded: failing the "
                    "invocation so the mapping retries (and, with BisectBatchOnFunctionError, splits) it."
                ),
                child_exceptions=self.exceptions,
            )
        what = "failed" if self._retry_from_failed else "was not processed"
        self.batch_response = {"batchItemFailures": [_item_failure(self.records[self._retry_from], what)]}

    def _collect_dynamodb_failures(self) -> list[PartialItemFailures]:
        return [_item_failure(message, "failed") for message in self.fail_messages]

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


def _item_failure(message: object, what: str) -> PartialItemFailures:
    """The batchItemFailures entry naming ``message``; raises when it has no sequence number."""
    record: dict[str, Any] = message if isinstance(message, dict) else {}
    dynamodb = record.get("dynamodb")
    sequence_number = dynamodb.get("SequenceNumber") if isinstance(dynamodb, dict) else None
    if not isinstance(sequence_number, str) or not sequence_number:
        raise UnreportableFailureError(
            f"record {record.get('eventID')!r} {what} and has no dynamodb.SequenceNumber to report "
            "in batchItemFailures; failing the whole batch so the mapping retries it"
        )
    return {"itemIdentifier": sequence_number}


def _item_key(record: object, index: int) -> Hashable:
    """The item a record changes (its ``Keys``, canonically); without readable Keys, its own item."""
    dynamodb = record.get("dynamodb") if isinstance(record, dict) else None
    keys = dynamodb.get("Keys") if isinstance(dynamodb, dict) else None
    if not isinstance(keys, dict):
        return ("unkeyed", index)
    try:
        return json.dumps(keys, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):  # not JSON-shaped (hand-made events): cannot be matched to others
        return ("unkeyed", index)


def _readable_keys(keys: object) -> object:
    """Keys as plain values, like processors log them; the raw JSON if they do not deserialize."""
    try:
        return deserialize_item(keys, "Keys")
    except MalformedRecordError:
        return keys
