"""Redrive: reprocess the batches parked on the on-failure queue, then delete their messages.

An on-failure message points at a batch (shard, first and last sequence number); it does not carry
the records. For each message, in this order:

1. parse it (:func:`pipeline.esm.on_failure.parse_failure_body`: raw, or wrapped in an SNS
   notification);
2. read exactly the batch's records from the stream (:mod:`pipeline.stream.range`) and keep those
   the mapping's filters let through, as the event source mapping did;
3. with ``--archive``, save the records (:mod:`pipeline.redrive.archive`) BEFORE anything else;
4. invoke the function (the local zip in a worker process, or the deployed function by name) with
   ``{"Records": [...]}`` in Lambda's exact shape; after a failure, re-invoke from where the
   mapping would (:func:`pipeline.esm.retry.judge`), up to ``--max-attempts`` invocations;
5. delete the message only when every record succeeded.

A message whose records are past the stream's retention is reported and kept (made visible again)
or, with ``--archive-queue-url``, moved to that queue - never silently deleted. With
``--records-from-archive``, such a batch is taken from an earlier ``--archive`` instead (looked up
by shard and sequence range), so an archived failure stays redrivable after the 24 hours.
``--dry-run`` reads and reports but invokes, archives, moves and deletes nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TextIO

from pipeline.aws.arn import region_of
from pipeline.errors import PipelineError
from pipeline.esm.on_failure import NotAFailureMessageError, parse_failure_body
from pipeline.esm.retry import judge
from pipeline.filters.rules import FilterCriteria
from pipeline.redrive.archive import (
    ArchiveEntry,
    ArchiveError,
    ArchiveIndex,
    ArchiveWriter,
    open_archive,
    open_archive_index,
    utc_timestamp,
)
from pipeline.redrive.outcome import MessageOutcome, RedriveReport, format_outcome
from pipeline.runtime.invoker import Invoker
from pipeline.stream.range import RecordsUnavailableError, read_range
from pipeline.stream.records import sequence_number_of, to_lambda_record

__all__ = ["RedriveOptions", "redrive_queue", "run_batch"]

#: Seconds a received message stays hidden while its batch is redriven; kept messages are made
#: visible again at the end, so a run leaves them as it found them.
DEFAULT_VISIBILITY_TIMEOUT: Final = 300
SQS_MAX_VISIBILITY_TIMEOUT: Final = 43200  # 12 hours, the SQS limit


@dataclass(frozen=True)
class RedriveOptions:
    """What one redrive run does."""

    queue_url: str
    filters: FilterCriteria = field(default_factory=FilterCriteria)
    dry_run: bool = False
    archive: str | None = None
    archive_only: bool = False
    archive_queue_url: str | None = None
    records_archive: str | None = None
    max_messages: int | None = None
    max_attempts: int = 1
    wait_seconds: int = 1
    visibility_timeout: int = DEFAULT_VISIBILITY_TIMEOUT

    def __post_init__(self) -> None:
        # With 0 attempts nothing would be invoked and every message would count as done.
        if self.max_attempts < 1:
            raise PipelineError(f"max attempts must be at least 1, got {self.max_attempts}")
        if self.max_messages is not None and self.max_messages < 1:
            raise PipelineError(f"max messages must be at least 1, got {self.max_messages}")


@dataclass
class _Received:
    message_id: str
    receipt_handle: str
    body: str
    attributes: Mapping[str, Any]


def _receive_all(sqs: Any, options: RedriveOptions) -> Iterator[_Received]:
    """Each message of the queue once: received messages stay hidden for the visibility timeout,
    and a duplicate delivery of a message already seen in this run is skipped."""
    seen: set[str] = set()
    delivered = 0
    while options.max_messages is None or delivered < options.max_messages:
        wanted = 10 if options.max_messages is None else min(10, options.max_messages - delivered)
        response = sqs.receive_message(
            QueueUrl=options.queue_url,
            MaxNumberOfMessages=wanted,
            WaitTimeSeconds=options.wait_seconds,
            VisibilityTimeout=options.visibility_timeout,
            MessageAttributeNames=["All"],
        )
        messages = response.get("Messages", [])
        fresh = [message for message in messages if message["MessageId"] not in seen]
        if not fresh:
            return
        for message in fresh:
            seen.add(message["MessageId"])
            delivered += 1
            yield _Received(
                message["MessageId"],
                message["ReceiptHandle"],
                message["Body"],
                message.get("MessageAttributes", {}),
            )


def _count_names(records: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    names: dict[str, int] = {}
    for record in records:
        name = str(record.get("eventName"))
        names[name] = names.get(name, 0) + 1
    return names


def run_batch(invoker: Invoker, records: list[dict[str, Any]], max_attempts: int) -> tuple[int, list[str]]:
    """Invoke until every record succeeded or the attempts are spent; returns (invocations, failed).

    Like the event source mapping, a retry starts at the lowest failed sequence number: records
    before it succeeded, records after it are re-sent (idempotency absorbs the repeat). The
    answer is read as the mapping reads it with ReportBatchItemFailures on.
    """
    pending = records
    invocations = 0
    failed: list[str] = []
    while pending and invocations < max_attempts:
        invocations += 1
        sequences = [sequence_number_of(record) for record in pending]
        outcome = judge(invoker.invoke({"Records": pending}), sequences, report_item_failures=True)
        failed = outcome.remaining(sequences)
        if outcome.retry_from is None:
            return invocations, []
        pending = pending[outcome.retry_from :]
    return invocations, failed


def _move_to_archive_queue(sqs: Any, options: RedriveOptions, message: _Received, reason: str) -> None:
    """Copy the message to the archive queue (with the reason), then delete the original."""
    assert options.archive_queue_url is not None
    attributes = {
        "redriveOutcome": {"DataType": "String", "StringValue": reason},
        "redriveSourceQueue": {"DataType": "String", "StringValue": options.queue_url},
        "redriveOriginalMessageId": {"DataType": "String", "StringValue": message.message_id},
    }
    sqs.send_message(
        QueueUrl=options.archive_queue_url, MessageBody=message.body, MessageAttributes=attributes
    )
    sqs.delete_message(QueueUrl=options.queue_url, ReceiptHandle=message.receipt_handle)


def _handle_message(
    message: _Received,
    *,
    sqs: Any,
    streams: Any,
    invoker: Invoker | None,
    archive: ArchiveWriter | None,
    archive_index: ArchiveIndex | None,
    options: RedriveOptions,
) -> MessageOutcome:
    outcome = MessageOutcome(message.message_id, "failed")
    try:
        pointer = parse_failure_body(message.body)
    except NotAFailureMessageError as exc:
        outcome.status, outcome.detail = "unrecognised", str(exc)
        return outcome
    outcome.shard_id = pointer.shard_id
    outcome.start, outcome.end = pointer.start_sequence_number, pointer.end_sequence_number
    outcome.batch_size = pointer.batch_size
    from_archive: ArchiveEntry | None = None
    try:
        raw = read_range(
            streams,
            pointer.stream_arn,
            pointer.shard_id,
            pointer.start_sequence_number,
            pointer.end_sequence_number,
        ).records
    except RecordsUnavailableError as exc:
        if archive_index is not None:
            from_archive = archive_index.find(
                pointer.shard_id, pointer.start_sequence_number, pointer.end_sequence_number
            )
        if from_archive is None:
            outcome.status, outcome.detail = "unavailable", f"{exc.reason}: {exc.detail}"
            if options.archive_queue_url and not options.dry_run:
                _move_to_archive_queue(sqs, options, message, exc.reason)
                outcome.status = "moved"
            return outcome
        assert archive_index is not None
        outcome.source = f"archive {archive_index.describe()} (stream: {exc.reason})"
        converted = [dict(record) for record in from_archive.records]
    else:
        region = region_of(pointer.stream_arn)
        converted = [to_lambda_record(record, pointer.stream_arn, region) for record in raw]
    records, dropped = options.filters.split(converted)
    outcome.records, outcome.filtered_out = len(records), len(dropped)
    outcome.event_names = _count_names(records)
    if pointer.batch_size and len(records) != pointer.batch_size:
        outcome.detail = (
            f"the range holds {len(records)} record(s) passing the filters, the message says batchSize "
            f"{pointer.batch_size} (are the filter settings the mapping's?)"
        )
    if not records:
        # Deleting would drop the failure without re-running anything: the filters given to redrive
        # are probably not the mapping's. Keep it for a run with the right settings.
        outcome.status = "empty"
        outcome.detail = (
            f"none of the {len(converted)} record(s) in the range passes the filters, the message says "
            f"batchSize {pointer.batch_size}: check the filter settings (--var-file / --plan-json)"
        )
        return outcome
    if options.dry_run:
        outcome.status = "dry-run"
        return outcome
    if archive is not None and from_archive is None:
        entry = ArchiveEntry(message.message_id, pointer.body, records, utc_timestamp())
        outcome.archived_to = archive.write(entry)
    if options.archive_only:
        outcome.status = "archived"
        return outcome
    assert invoker is not None
    outcome.invocations, outcome.failed = run_batch(invoker, records, options.max_attempts)
    if outcome.failed:
        outcome.status = "failed"
        outcome.detail = f"{len(outcome.failed)} record(s) still fail, first {outcome.failed[0]}"
        return outcome
    sqs.delete_message(QueueUrl=options.queue_url, ReceiptHandle=message.receipt_handle)
    outcome.status = "redriven"
    return outcome


def redrive_queue(
    *,
    sqs: Any,
    streams: Any,
    invoker: Invoker | None,
    options: RedriveOptions,
    s3_client_factory: Callable[[], Any] | None = None,
    out: TextIO | None = None,
) -> RedriveReport:
    """Redrive every message of ``options.queue_url`` and report what happened to each.

    Messages that are kept are made visible again before returning, so the queue looks as it did
    before the run (minus the messages redriven or moved).
    """
    archive = None
    if options.archive and not options.dry_run:
        archive = open_archive(options.archive, s3_client_factory or _no_s3)
    archive_index = None
    if options.records_archive:
        archive_index = open_archive_index(options.records_archive, s3_client_factory or _no_s3)
    report = RedriveReport(dry_run=options.dry_run)
    kept: list[_Received] = []
    try:
        for message in _receive_all(sqs, options):
            try:
                outcome = _handle_message(
                    message,
                    sqs=sqs,
                    streams=streams,
                    invoker=invoker,
                    archive=archive,
                    archive_index=archive_index,
                    options=options,
                )
            except BaseException:
                # Whatever stopped the run (an archive or AWS error, Ctrl-C), this message stays.
                kept.append(message)
                raise
            report.outcomes.append(outcome)
            if outcome.status not in {"redriven", "moved"}:
                kept.append(message)
            if out is not None:
                print(format_outcome(outcome), file=out, flush=True)
    finally:
        for message in kept:
            with contextlib.suppress(Exception):  # best effort: the visibility timeout restores it anyway
                sqs.change_message_visibility(
                    QueueUrl=options.queue_url, ReceiptHandle=message.receipt_handle, VisibilityTimeout=0
                )
    return report


def _no_s3() -> Any:
    raise ArchiveError("an s3:// archive needs an S3 client")
