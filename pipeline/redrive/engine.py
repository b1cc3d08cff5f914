"""One redrive run over any source: what happens to each parked batch, in this order.

1. parse it (:func:`pipeline.esm.on_failure.parse_failure_body`: a raw record, an SNS
   notification, or an S3 object with the batch under ``payload``) and validate it
   (:mod:`pipeline.redrive.validate`); a bad one is reported and kept, or moved to the archive
   queue with ``--move-invalid``, and the run goes on;
2. a second message for a batch already redriven in this run is a duplicate: removed, not re-run;
3. take its records: an S3 object's ``payload`` as it is (no stream read, so it works after the
   stream's 24 hours), otherwise exactly the batch's range read from the stream and filtered as
   the mapping does (:mod:`pipeline.stream.range`), or an earlier archive when the stream no longer
   has them;
4. with ``--archive``, save the records (:mod:`pipeline.redrive.archive`) BEFORE anything else;
5. invoke the function, retrying from the lowest failed record up to ``--max-attempts``;
6. remove it from its source (delete, or move an object to ``redriven/``) only when every
   record succeeded; otherwise keep it, with the reason the function gave.

While the run holds an item, its claim (SQS visibility, S3 lease) is renewed by a heartbeat, so no
other redrive runs it at the same time. ``--dry-run`` reads and reports but invokes, archives,
moves and deletes nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from pipeline.aws.arn import region_of
from pipeline.esm.on_failure import FailurePointer, NotAFailureMessageError, parse_failure_body
from pipeline.redrive.archive import (
    ArchiveEntry,
    ArchiveError,
    ArchiveIndex,
    ArchiveWriter,
    open_archive,
    open_archive_index,
    utc_timestamp,
)
from pipeline.redrive.invoke import run_batch
from pipeline.redrive.options import RedriveOptions
from pipeline.redrive.outcome import MessageOutcome, RedriveReport, format_outcome
from pipeline.redrive.sources import ItemChangedError, Parked, Source
from pipeline.redrive.validate import InvalidMessageError, StreamScope, validate_pointer
from pipeline.runtime.invoker import Invoker
from pipeline.stream.range import RecordsUnavailableError, read_range
from pipeline.stream.records import to_lambda_record

__all__ = ["redrive"]


def _no_s3() -> Any:
    raise ArchiveError("an s3:// archive needs an S3 client")


@dataclass
class _Run:
    """What one run shares across its items."""

    source: Source
    streams: Any
    invoker: Invoker | None
    options: RedriveOptions
    archive: ArchiveWriter | None
    archive_index: ArchiveIndex | None
    scope: StreamScope
    #: Batch coordinates -> the item that redrove it in this run.
    redriven: dict[tuple[str, str, str, str], str] = field(default_factory=dict)


def _count_names(records: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    names: dict[str, int] = {}
    for record in records:
        name = str(record.get("eventName"))
        names[name] = names.get(name, 0) + 1
    return names


def _reject(run: _Run, item: Parked, outcome: MessageOutcome, status: str, detail: str) -> MessageOutcome:
    """A message this run must not act on: kept, or moved to the archive queue by flag."""
    outcome.status, outcome.detail = status, detail
    if run.options.move_invalid and not run.options.dry_run:
        moved = run.source.move(item, status)
        if moved is not None:
            outcome.status, outcome.detail = "rejected", f"{status}: {detail}; moved to {moved}"
            return outcome
    run.source.keep(item)
    return outcome


def _stream_records(
    run: _Run, item: Parked, pointer: FailurePointer, outcome: MessageOutcome
) -> list[dict[str, Any]] | None:
    """The batch's records from the stream (or an earlier archive), filtered; None when gone."""
    try:
        raw = read_range(
            run.streams,
            pointer.stream_arn,
            pointer.shard_id,
            pointer.start_sequence_number,
            pointer.end_sequence_number,
        ).records
    except RecordsUnavailableError as exc:
        entry = None
        if run.archive_index is not None:
            entry = run.archive_index.find(
                pointer.shard_id, pointer.start_sequence_number, pointer.end_sequence_number
            )
        if entry is None:
            outcome.status, outcome.detail = "unavailable", f"{exc.reason}: {exc.detail}"
            moved = None if run.options.dry_run else run.source.move(item, exc.reason)
            if moved is not None:
                outcome.status = "moved"
            else:
                run.source.keep(item)
            return None
        assert run.archive_index is not None
        outcome.source = f"archive {run.archive_index.describe()} (stream: {exc.reason})"
        return [dict(record) for record in entry.records]
    region = region_of(pointer.stream_arn)
    converted = [to_lambda_record(record, pointer.stream_arn, region) for record in raw]
    records, dropped = run.options.filters.split(converted)
    outcome.filtered_out = len(dropped)
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
        run.source.keep(item)
        return None
    return records


def _handle(run: _Run, item: Parked) -> MessageOutcome:
    options = run.options
    outcome = MessageOutcome(item.item_id, "failed", kind=item.kind)
    if item.claimed_elsewhere:
        outcome.status, outcome.detail = "claimed", item.claimed_elsewhere
        run.source.keep(item)
        return outcome
    try:
        pointer = parse_failure_body(item.body)
    except NotAFailureMessageError as exc:
        return _reject(run, item, outcome, "unrecognised", str(exc))
    outcome.shard_id = pointer.shard_id
    outcome.start, outcome.end = pointer.start_sequence_number, pointer.end_sequence_number
    outcome.batch_size = pointer.batch_size
    try:
        if pointer.records is not None and not run.source.carries_records:
            # Only the stream is trusted for a queue's records: whoever can send to the queue
            # must not be able to put records of their own through the function.
            raise InvalidMessageError(
                "a queued on-failure record carries no payload (AWS sends pointers only)"
            )
        validate_pointer(pointer, run.scope)
    except InvalidMessageError as exc:
        return _reject(run, item, outcome, "invalid", str(exc))
    if item.already_redriven:
        outcome.status = "dry-run" if options.dry_run else "redriven"
        outcome.detail = "an earlier run redrove it and stopped before removing it"
        if not options.dry_run:
            outcome.detail += "; " + run.source.complete(item)
        else:
            run.source.keep(item)
        return outcome
    coordinates = (pointer.stream_arn, pointer.shard_id, outcome.start, outcome.end)
    if coordinates in run.redriven:
        outcome.status = "duplicate"
        outcome.detail = f"same batch as {run.redriven[coordinates]}, redriven in this run"
        if options.dry_run:
            run.source.keep(item)
        else:
            outcome.detail += "; " + run.source.complete(item)
        return outcome
    from_payload = pointer.records is not None
    if pointer.records is not None:
        # The batch as the mapping sent it (already filtered): no stream read.
        records: list[dict[str, Any]] | None = [dict(record) for record in pointer.records]
        outcome.source = "payload"
    else:
        records = _stream_records(run, item, pointer, outcome)
        if records is None:
            return outcome
    assert records is not None
    outcome.records = len(records)
    outcome.event_names = _count_names(records)
    if options.dry_run:
        outcome.status = "dry-run"
        run.redriven[coordinates] = item.item_id
        run.source.keep(item)
        return outcome
    if run.archive is not None and (from_payload or not outcome.source.startswith("archive")):
        entry = ArchiveEntry(item.item_id, pointer.body, records, utc_timestamp())
        outcome.archived_to = run.archive.write(entry)
    if options.archive_only:
        outcome.status = "archived"
        run.source.keep(item)
        return outcome
    assert run.invoker is not None
    batch = run_batch(run.invoker, records, options.max_attempts)
    outcome.invocations, outcome.failed = batch.invocations, batch.failed
    lost = run.source.claim_lost(item)
    if batch.failed:
        outcome.status = "failed"
        outcome.detail = f"{len(batch.failed)} record(s) still fail, first {batch.failed[0]}: {batch.reason}"
        run.source.keep(item)
        return outcome
    try:
        done = run.source.complete(item)
    except ItemChangedError as exc:
        outcome.status, outcome.detail = "changed", f"its records succeeded, but {exc}"
        return outcome
    run.redriven[coordinates] = item.item_id
    outcome.status = "redriven"
    if item.kind == "object":
        outcome.detail = done
    if lost:
        outcome.detail = "; ".join(
            filter(None, [outcome.detail, f"warning: {lost}, another run may have run it too"])
        )
    return outcome


def redrive(
    source: Source,
    *,
    streams: Any,
    invoker: Invoker | None,
    options: RedriveOptions,
    s3_client_factory: Callable[[], Any] | None = None,
    out: TextIO | None = None,
) -> RedriveReport:
    """Redrive every parked batch of ``source`` and report what happened to each.

    Items that are kept are released at the end (SQS: visible again; S3: lease removed), so the
    source looks as it did before the run, minus what was redriven or moved.
    """
    archive = None
    if options.archive and not options.dry_run:
        archive = open_archive(options.archive, s3_client_factory or _no_s3)
    archive_index = None
    if options.records_archive:
        archive_index = open_archive_index(options.records_archive, s3_client_factory or _no_s3)
        for damage in archive_index.damaged:
            print(f"warning: {damage}", file=out or sys.stderr)
    run = _Run(source, streams, invoker, options, archive, archive_index, StreamScope.of(options.stream_arn))
    report = RedriveReport(dry_run=options.dry_run)
    try:
        for item in source.items():
            try:
                outcome = _handle(run, item)
            except BaseException:
                # Whatever stopped the run (an archive or AWS error, Ctrl-C), this item stays.
                source.keep(item)
                raise
            report.outcomes.append(outcome)
            if out is not None:
                print(format_outcome(outcome), file=out, flush=True)
    finally:
        report.in_flight_elsewhere = source.close()
    return report
