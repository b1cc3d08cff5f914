"""Redrive: reprocess the batches parked on the on-failure queue, then delete their messages.

An on-failure message points at a batch (shard, first and last sequence number); it does not carry
the records. For each message, in this order:

1. parse it (a raw on-failure body, or one wrapped in an SNS notification);
2. read exactly the batch's records from the stream (:mod:`pipeline.stream_range`) and keep those
   the mapping's filters let through, as the event source mapping did;
3. with ``--archive``, save the records (:mod:`pipeline.archive`) BEFORE anything else happens;
4. invoke the handler (the local zip in a worker process, or the deployed function by name) with
   ``{"Records": [...]}`` in Lambda's exact shape, honouring partial batch responses: a failed
   record is retried from the lowest failed sequence number, as the mapping does, up to
   ``--max-attempts`` invocations;
5. delete the message only when every record succeeded.

A message whose records are past the stream's retention is reported and kept (made visible again)
or, with ``--archive-queue-url``, moved to that queue - never silently deleted. With
``--records-from-archive``, such a batch is taken from an earlier ``--archive`` instead (looked up
by shard and sequence range), so an archived failure stays redrivable after the 24 hours.
``--dry-run`` reads and reports but invokes, archives, moves and deletes nothing.

The filters, the function's environment and its timeout come from the same Terraform settings as
``run`` (``--var-file`` / ``--plan-json``): records the mapping filtered out inside a batch's range
are not re-run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol, TextIO

from pipeline.archive import (
    ArchiveEntry,
    ArchiveError,
    ArchiveIndex,
    ArchiveWriter,
    open_archive,
    open_archive_index,
    utc_timestamp,
)
from pipeline.batch_response import Verdict, evaluate_response
from pipeline.errors import PipelineError
from pipeline.esm_settings import Settings, load_from_modules, load_from_plan
from pipeline.filter_rules import FilterCriteria
from pipeline.local_aws import client
from pipeline.stream_range import RecordsUnavailableError, read_range
from pipeline.stream_reader import region_of, to_lambda_record
from pipeline.worker import FunctionConfig, InvokeResult, InvokeStatus, LambdaWorker, parse_log_target

__all__ = [
    "FailurePointer",
    "FunctionInvoker",
    "MessageOutcome",
    "RedriveOptions",
    "RedriveReport",
    "failed_sequence_numbers",
    "parse_failure_body",
    "redrive_queue",
]

#: Seconds a received message stays hidden while its batch is redriven; kept messages are made
#: visible again at the end, so a run leaves them as it found them.
DEFAULT_VISIBILITY_TIMEOUT: Final = 300
SQS_MAX_VISIBILITY_TIMEOUT: Final = 43200  # 12 hours, the SQS limit
DEFAULT_ZIP: Final = Path("build/ddb-stream-handler.zip")


class Invoker(Protocol):
    """Runs one ``{"Records": [...]}`` event through the function."""

    def invoke(self, event: Any) -> InvokeResult:
        """Invoke synchronously; the result says OK (with the payload) or how it failed."""
        ...


# --------------------------------------------------------------------------------------------------
# Parsing the message
# --------------------------------------------------------------------------------------------------


class NotAFailureMessageError(ValueError):
    """The queue message is not a DynamoDB stream on-failure record."""


@dataclass(frozen=True)
class FailurePointer:
    """What an on-failure message says about the batch it gave up."""

    stream_arn: str
    shard_id: str
    start_sequence_number: str
    end_sequence_number: str
    batch_size: int
    condition: str
    body: Mapping[str, Any]


def parse_failure_body(text: str) -> FailurePointer:
    """Parse an SQS message body: AWS's on-failure record, raw or inside an SNS notification.

    Deliberately more lenient than :meth:`pipeline.on_failure.OnFailureMessage.from_body`: redrive
    needs only ``DDBStreamBatchInfo``'s stream, shard and range, so a message whose other fields
    were altered (or come from a future format version) can still be redriven.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotAFailureMessageError(f"body is not JSON: {exc}") from exc
    if isinstance(document, dict) and document.get("Type") == "Notification" and "Message" in document:
        # SNS -> SQS without raw message delivery wraps the record in a notification.
        return parse_failure_body(str(document["Message"]))
    if not isinstance(document, dict):
        raise NotAFailureMessageError("body is not a JSON object")
    info = document.get("DDBStreamBatchInfo")
    if not isinstance(info, dict):
        kinds = "KinesisBatchInfo" if "KinesisBatchInfo" in document else "no DDBStreamBatchInfo"
        raise NotAFailureMessageError(f"not a DynamoDB stream on-failure record ({kinds})")
    fields = ("streamArn", "shardId", "startSequenceNumber", "endSequenceNumber")
    missing = [name for name in fields if not isinstance(info.get(name), str) or not info.get(name)]
    if missing:
        raise NotAFailureMessageError(f"DDBStreamBatchInfo lacks {', '.join(missing)}")
    for name in ("startSequenceNumber", "endSequenceNumber"):
        if not str(info[name]).isdigit():
            raise NotAFailureMessageError(
                f"DDBStreamBatchInfo.{name} is not a sequence number: {info[name]!r}"
            )
    request_context = document.get("requestContext")
    condition = request_context.get("condition", "") if isinstance(request_context, dict) else ""
    batch_size = info.get("batchSize")
    return FailurePointer(
        stream_arn=info["streamArn"],
        shard_id=info["shardId"],
        start_sequence_number=info["startSequenceNumber"],
        end_sequence_number=info["endSequenceNumber"],
        batch_size=batch_size if isinstance(batch_size, int) else 0,
        condition=str(condition),
        body=document,
    )


# --------------------------------------------------------------------------------------------------
# The function's answer
# --------------------------------------------------------------------------------------------------


def failed_sequence_numbers(records: Sequence[Mapping[str, Any]], result: InvokeResult) -> list[str]:
    """The sequence numbers still to retry after an invocation, by Lambda's rules.

    A function error fails every record; an invalid partial batch response (unknown, empty or
    malformed ``itemIdentifier``) fails the whole batch; a valid one fails the records from the
    lowest reported sequence number on, because that is where the mapping resumes.
    """
    sequences = [str(record["dynamodb"]["SequenceNumber"]) for record in records]
    if not result.ok:
        return sequences
    outcome = evaluate_response(result.payload, sequences, report_item_failures=True)
    if outcome.verdict is Verdict.SUCCESS:
        return []
    if outcome.verdict is Verdict.INVALID or outcome.first_failed_index is None:
        return sequences
    return sequences[outcome.first_failed_index :]


# --------------------------------------------------------------------------------------------------
# The deployed function
# --------------------------------------------------------------------------------------------------


class FunctionInvoker:
    """Invokes a deployed Lambda function by name (RequestResponse) and reads its answer."""

    def __init__(self, lambda_client: Any, function_name: str) -> None:
        self._lambda = lambda_client
        self._name = function_name

    def invoke(self, event: Any) -> InvokeResult:
        response = self._lambda.invoke(
            FunctionName=self._name,
            InvocationType="RequestResponse",
            Payload=json.dumps(event).encode("utf-8"),
        )
        raw = response["Payload"].read()
        request_id = str(response.get("ResponseMetadata", {}).get("RequestId", ""))
        try:
            payload = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            payload = raw.decode("utf-8", "replace")
        if response.get("FunctionError"):
            error = payload if isinstance(payload, dict) else {}
            return InvokeResult(
                InvokeStatus.ERROR,
                request_id,
                error_type=str(error.get("errorType", response["FunctionError"])),
                error_message=str(error.get("errorMessage", payload)),
            )
        return InvokeResult(InvokeStatus.OK, request_id, payload=payload)


# --------------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------------


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
class MessageOutcome:
    """What happened to one message.

    ``status``: ``redriven`` (all records succeeded, message deleted), ``failed`` (some record
    still fails; kept), ``unavailable`` (records past retention; kept), ``moved`` (unavailable,
    moved to the archive queue), ``unrecognised`` (not an on-failure record; kept), ``empty`` (no
    record of the range passes the filters; kept), ``dry-run``, ``archived`` (``--archive-only``;
    kept).
    """

    message_id: str
    status: str
    detail: str = ""
    shard_id: str = ""
    start: str = ""
    end: str = ""
    batch_size: int = 0
    records: int = 0
    filtered_out: int = 0
    event_names: dict[str, int] = field(default_factory=dict)
    invocations: int = 0
    failed: list[str] = field(default_factory=list)
    archived_to: str = ""
    source: str = "stream"

    @property
    def ok(self) -> bool:
        """Whether this message needs no further attention."""
        return self.status in {"redriven", "dry-run", "archived"}


@dataclass
class RedriveReport:
    """Every message's outcome, in the order they were read."""

    outcomes: list[MessageOutcome] = field(default_factory=list)
    dry_run: bool = False

    def count(self, status: str) -> int:
        """How many messages ended with ``status``."""
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def records_redriven(self) -> int:
        """Records of deleted messages (all succeeded)."""
        return sum(outcome.records for outcome in self.outcomes if outcome.status == "redriven")

    @property
    def ok(self) -> bool:
        """True when nothing was left that could not be redriven."""
        return all(outcome.ok for outcome in self.outcomes)


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


def _run_batch(invoker: Invoker, records: list[dict[str, Any]], max_attempts: int) -> tuple[int, list[str]]:
    """Invoke until every record succeeded or the attempts are spent; returns (invocations, failed).

    Like the event source mapping, a retry starts at the lowest failed sequence number: records
    before it succeeded, records after it are re-sent (idempotency absorbs the repeat).
    """
    pending = records
    invocations = 0
    failed: list[str] = []
    while pending and invocations < max_attempts:
        invocations += 1
        result = invoker.invoke({"Records": pending})
        failed = failed_sequence_numbers(pending, result)
        if not failed:
            return invocations, []
        # failed_sequence_numbers already starts at the lowest failure, as the mapping resumes.
        pending = pending[len(pending) - len(failed) :]
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
    outcome.invocations, outcome.failed = _run_batch(invoker, records, options.max_attempts)
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


# --------------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------------


def format_outcome(outcome: MessageOutcome) -> str:
    """One line per message: status, batch coordinates, records and event names, and why."""
    where = f"shard {outcome.shard_id} [{outcome.start}..{outcome.end}]" if outcome.shard_id else ""
    names = ", ".join(f"{name} x{count}" for name, count in sorted(outcome.event_names.items()))
    parts = [f"{outcome.status:<12}", f"message {outcome.message_id}"]
    if where:
        parts.append(where)
    if outcome.shard_id and outcome.status not in {"unavailable", "moved"}:
        records = f"{outcome.records} record(s)"
        if outcome.filtered_out:
            records += f" (+{outcome.filtered_out} filtered out)"
        parts.append(records + (f": {names}" if names else ""))
    if outcome.invocations:
        parts.append(f"{outcome.invocations} invocation(s)")
    if outcome.source != "stream":
        parts.append(f"records from {outcome.source}")
    if outcome.archived_to:
        parts.append(f"archived to {outcome.archived_to}")
    if outcome.detail:
        parts.append(outcome.detail)
    return "  ".join(parts)


def format_summary(report: RedriveReport) -> str:
    """The end-of-run summary table."""
    rows = [
        ("messages read", len(report.outcomes)),
        ("redriven and deleted", report.count("redriven")),
        ("records redriven", report.records_redriven),
        ("still failing (kept)", report.count("failed")),
        ("past retention (kept)", report.count("unavailable")),
        ("past retention (moved to archive queue)", report.count("moved")),
        ("not an on-failure record (kept)", report.count("unrecognised")),
        ("nothing passes the filters (kept)", report.count("empty")),
    ]
    if report.dry_run:
        rows.append(("would redrive (dry run)", report.count("dry-run")))
    if report.count("archived"):
        rows.append(("archived only (kept)", report.count("archived")))
    width = max(len(label) for label, _ in rows)
    lines = [
        "redrive summary" + (" (dry run: nothing invoked, archived or deleted)" if report.dry_run else "")
    ]
    lines += [f"  {label:<{width}}  {value:>6}" for label, value in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------------


def add_redrive_command(subparsers: Any) -> None:
    """Register ``redrive`` on the ``python -m pipeline`` command line."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "redrive",
        help="reprocess the batches parked on the on-failure queue",
        description=(
            "Read on-failure messages, fetch their records from the stream, re-run them through the "
            "handler (local zip or deployed function) and delete each message once all its records "
            "succeeded. Filters, environment and timeout come from the Terraform settings, like `run`."
        ),
    )
    parser.add_argument("--queue-url", required=True, help="the on-failure queue to read")
    parser.add_argument("--endpoint-url", help="AWS endpoint (e.g. a moto server); default: real AWS")
    parser.add_argument("--region", help="AWS region (default: from the queue URL's host or the SDK)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--var-file", type=Path, help="tfvars for modules/esm-settings and modules/handler-settings"
    )
    source.add_argument(
        "--plan-json", type=Path, help="`terraform show -json <planfile>` output to read instead"
    )
    target = parser.add_mutually_exclusive_group()
    target.add_argument(
        "--zip", type=Path, default=DEFAULT_ZIP, help=f"handler zip to run locally ({DEFAULT_ZIP})"
    )
    target.add_argument(
        "--function-name", help="invoke this deployed function (Lambda Invoke) instead of the zip"
    )
    parser.add_argument("--handler", help="handler of the zip (default: from the settings)")
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE", help="extra function environment variable"
    )
    parser.add_argument(
        "--function-logs", default="discard", help="local function output: a path, inherit, discard"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would happen; invoke, archive, delete nothing"
    )
    parser.add_argument(
        "--archive", help="save each message's records first: a .jsonl path or s3://bucket/prefix"
    )
    parser.add_argument("--archive-only", action="store_true", help="with --archive: archive, invoke nothing")
    parser.add_argument("--archive-queue-url", help="move messages whose records are past retention here")
    parser.add_argument(
        "--records-from-archive",
        metavar="PATH",
        help="when the stream no longer has a batch's records, take them from this archive (.jsonl or s3://)",
    )
    parser.add_argument("--max-messages", type=int, help="stop after this many messages")
    parser.add_argument(
        "--max-attempts",
        type=int,
        default=1,
        help="invocations per batch, retrying from the lowest failure (1)",
    )
    parser.add_argument("--wait-seconds", type=int, default=1, help="SQS long-poll wait per receive (1)")
    parser.set_defaults(command_main=run_redrive_command)


def _settings(args: argparse.Namespace) -> Settings:
    if args.plan_json is not None:
        return load_from_plan(args.plan_json)
    return load_from_modules(args.var_file)


def _environment_overrides(overrides: Sequence[str]) -> dict[str, str]:
    """``--env NAME=VALUE`` items, applied over the function's own environment."""
    environment: dict[str, str] = {}
    for item in overrides:
        name, separator, value = item.partition("=")
        if not separator or not name:
            raise PipelineError(f"--env takes NAME=VALUE, got {item!r}")
        environment[name] = value
    return environment


def run_redrive_command(args: argparse.Namespace) -> int:
    """Entry point of ``python -m pipeline redrive``; returns the exit code (1: something kept)."""
    if args.archive_only and not args.archive:
        raise PipelineError("--archive-only needs --archive PATH")
    invoking = not args.dry_run and not args.archive_only
    if invoking and not args.function_name and not args.zip.is_file():
        raise PipelineError(
            f"handler zip not found: {args.zip} (run `make package`, or pass --function-name)"
        )
    settings = _settings(args)
    region = (
        args.region
        or _region_of_queue(args.queue_url)
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or "us-east-1"
    )
    sqs = client("sqs", args.endpoint_url, region)
    streams = client("dynamodbstreams", args.endpoint_url, region)
    options = RedriveOptions(
        queue_url=args.queue_url,
        filters=FilterCriteria(settings.esm.filter_criteria),
        dry_run=args.dry_run,
        archive=args.archive,
        archive_only=args.archive_only,
        archive_queue_url=args.archive_queue_url,
        records_archive=args.records_from_archive,
        max_messages=args.max_messages,
        max_attempts=args.max_attempts,
        wait_seconds=args.wait_seconds,
        # Hidden long enough for every attempt at the function's timeout, so no other consumer
        # sees the message while its batch is being re-run.
        visibility_timeout=min(
            SQS_MAX_VISIBILITY_TIMEOUT,
            max(DEFAULT_VISIBILITY_TIMEOUT, settings.function.timeout * args.max_attempts + 60),
        ),
    )
    with contextlib.ExitStack() as stack:
        invoker: Invoker | None = None
        if invoking and args.function_name:
            invoker = FunctionInvoker(client("lambda", args.endpoint_url, region), args.function_name)
        elif invoking:
            config = FunctionConfig.from_settings(
                settings.function,
                zip_path=args.zip,
                region=region,
                endpoint_url=args.endpoint_url,
                handler=args.handler,
                extra_environment=_environment_overrides(args.env),
                logs=parse_log_target(args.function_logs),
            )
            invoker = stack.enter_context(LambdaWorker(config))
        print(f"redrive {args.queue_url} (filters and function settings: {settings.source})", file=sys.stderr)
        report = redrive_queue(
            sqs=sqs,
            streams=streams,
            invoker=invoker,
            options=options,
            s3_client_factory=lambda: client("s3", args.endpoint_url, region),
            out=sys.stdout,
        )
    print(format_summary(report))
    return 0 if report.ok else 1


def _region_of_queue(queue_url: str) -> str | None:
    """``https://sqs.<region>.amazonaws.com/...`` names its region; a moto URL does not."""
    host = queue_url.split("/")[2] if queue_url.count("/") >= 2 else ""
    parts = host.split(".")
    if len(parts) >= 3 and parts[0] == "sqs":
        return parts[1]
    return None
