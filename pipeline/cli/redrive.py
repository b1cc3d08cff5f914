"""``redrive``: reprocess the batches parked on the on-failure destination (:mod:`pipeline.redrive.engine`).

From an SQS queue (``--queue-url``: the on-failure queue, or a queue subscribed to the on-failure
topic) or from an S3 destination bucket (``--s3-url``).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import sys
from collections.abc import Sequence
from typing import Any

from pipeline.aws.clients import DEFAULT_REGION, client
from pipeline.cli.arguments import (
    DEFAULT_ZIP,
    add_endpoint,
    add_function_logs,
    add_settings_source,
    add_zip,
    require_zip,
    settings_from,
)
from pipeline.errors import EXIT_ATTENTION, EXIT_OK, PipelineError
from pipeline.filters.rules import FilterCriteria
from pipeline.redrive.bucket import redrive_bucket
from pipeline.redrive.options import AFTER_REDRIVE, DEFAULT_VISIBILITY_TIMEOUT, RedriveOptions
from pipeline.redrive.outcome import RedriveReport, format_summary
from pipeline.redrive.queue import redrive_queue
from pipeline.redrive.sources import check_queue_exists, check_queue_url, parse_s3_location
from pipeline.runtime.deployed import DeployedFunction
from pipeline.runtime.function import LocalFunction, parse_log_target
from pipeline.runtime.invoker import Invoker
from pipeline.runtime.worker import LambdaWorker


def register(commands: Any) -> None:
    """Add the ``redrive`` command."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "redrive",
        help="reprocess the batches parked on the on-failure destination (SQS, SNS via a queue, S3)",
        description=(
            "Read on-failure records, fetch their records (from the stream, or an S3 object's payload), "
            "re-run them through the handler (local zip or deployed function) and remove each message or "
            "object once all its records succeeded. Filters, environment and timeout come from the "
            "Terraform settings, like `run`."
        ),
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "--queue-url", help="the on-failure queue, or (SNS destination) a queue subscribed to the topic"
    )
    where.add_argument(
        "--s3-url",
        metavar="s3://BUCKET[/PREFIX]",
        help="the on-failure bucket (prefix default aws/lambda/); records come from each object's payload",
    )
    parser.add_argument(
        "--stream-arn",
        help="redrive only this stream's batches (default: the stream of the first valid message)",
    )
    add_endpoint(parser, region_help="AWS region (default: from the queue URL's host or the SDK)")
    add_settings_source(parser)
    target = parser.add_mutually_exclusive_group()
    add_zip(target, help_text=f"handler zip to run locally ({DEFAULT_ZIP})")
    target.add_argument(
        "--function-name", help="invoke this deployed function (Lambda Invoke) instead of the zip"
    )
    parser.add_argument("--handler", help="handler of the zip (default: from the settings)")
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE", help="extra function environment variable"
    )
    add_function_logs(parser)
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would happen; invoke, archive, delete nothing"
    )
    parser.add_argument(
        "--archive", help="save each message's records first: a .jsonl path or s3://bucket/prefix"
    )
    parser.add_argument("--archive-only", action="store_true", help="with --archive: archive, invoke nothing")
    parser.add_argument("--archive-queue-url", help="move messages whose records are past retention here")
    parser.add_argument(
        "--move-invalid",
        action="store_true",
        help="with --archive-queue-url: move invalid messages there too",
    )
    parser.add_argument(
        "--after-redrive",
        choices=AFTER_REDRIVE,
        default="move",
        help="S3: move a redriven object to redriven/<key> (default) or delete it",
    )
    parser.add_argument(
        "--visibility-timeout",
        type=int,
        default=DEFAULT_VISIBILITY_TIMEOUT,
        help="seconds a claimed message/object stays hidden; renewed while its batch runs "
        f"({DEFAULT_VISIBILITY_TIMEOUT})",
    )
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
    parser.set_defaults(command_main=redrive_command)


def _environment_overrides(overrides: Sequence[str]) -> dict[str, str]:
    """``--env NAME=VALUE`` items, applied over the function's own environment."""
    environment: dict[str, str] = {}
    for item in overrides:
        name, separator, value = item.partition("=")
        if not separator or not name:
            raise PipelineError(f"--env takes NAME=VALUE, got {item!r}")
        environment[name] = value
    return environment


def _region_of_queue(queue_url: str) -> str | None:
    """``https://sqs.<region>.amazonaws.com/...`` names its region; a moto URL does not."""
    host = queue_url.split("/")[2] if queue_url.count("/") >= 2 else ""
    parts = host.split(".")
    if len(parts) >= 3 and parts[0] == "sqs":
        return parts[1]
    return None


def _run(
    args: argparse.Namespace, options: RedriveOptions, invoker: Invoker | None, region: str
) -> RedriveReport:
    def aws(service: str) -> Any:
        return client(service, args.endpoint_url, region)

    if args.s3_url:
        return redrive_bucket(
            s3=aws("s3"), location=args.s3_url, invoker=invoker, options=options, out=sys.stdout
        )
    return redrive_queue(
        sqs=aws("sqs"),
        streams=aws("dynamodbstreams"),
        invoker=invoker,
        options=options,
        s3_client_factory=lambda: aws("s3"),
        out=sys.stdout,
    )


def _check_source(args: argparse.Namespace, region: str) -> None:
    """Refuse a source (or option) that cannot work before anything is invoked."""
    if args.s3_url:
        parse_s3_location(args.s3_url)
        for flag, value in (
            ("--archive-queue-url", args.archive_queue_url),
            ("--records-from-archive", args.records_from_archive),
            ("--move-invalid", args.move_invalid),
        ):
            if value:
                raise PipelineError(f"{flag} applies to --queue-url only: an S3 object carries its records")
        return
    check_queue_url(args.queue_url)
    if args.archive_queue_url:
        check_queue_url(args.archive_queue_url, "--archive-queue-url")
    sqs = client("sqs", args.endpoint_url, region)
    check_queue_exists(sqs, args.queue_url)
    if args.archive_queue_url:
        check_queue_exists(sqs, args.archive_queue_url, "--archive-queue-url")


def redrive_command(args: argparse.Namespace) -> int:
    """Entry point of ``redrive``; exit 1 when anything was kept, moved or out of sight."""
    if args.archive_only and not args.archive:
        raise PipelineError("--archive-only needs --archive PATH")
    region = (
        args.region
        or (_region_of_queue(args.queue_url) if args.queue_url else None)
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or DEFAULT_REGION
    )
    _check_source(args, region)
    invoking = not args.dry_run and not args.archive_only
    if invoking and not args.function_name:
        require_zip(args.zip, hint="run `make package`, or pass --function-name")
    settings = settings_from(args)
    options = RedriveOptions(
        queue_url=args.queue_url or "",
        filters=FilterCriteria(settings.esm.filter_criteria),
        dry_run=args.dry_run,
        archive=args.archive,
        archive_only=args.archive_only,
        archive_queue_url=args.archive_queue_url,
        records_archive=args.records_from_archive,
        max_messages=args.max_messages,
        max_attempts=args.max_attempts,
        wait_seconds=args.wait_seconds,
        visibility_timeout=args.visibility_timeout,
        stream_arn=args.stream_arn,
        move_invalid=args.move_invalid,
        after_redrive=args.after_redrive,
    )
    with contextlib.ExitStack() as stack:
        invoker: Invoker | None = None
        if invoking and args.function_name:
            invoker = DeployedFunction(client("lambda", args.endpoint_url, region), args.function_name)
        elif invoking:
            function_settings = settings.function.with_environment(**_environment_overrides(args.env))
            if args.handler:
                function_settings = dataclasses.replace(function_settings, handler=args.handler)
            function = LocalFunction(
                function_settings,
                zip_path=args.zip,
                region=region,
                endpoint_url=args.endpoint_url,
                logs=parse_log_target(args.function_logs),
            )
            invoker = stack.enter_context(LambdaWorker(function))
        source = args.s3_url or args.queue_url
        print(f"redrive {source} (filters and function settings: {settings.source})", file=sys.stderr)
        report = _run(args, options, invoker, region)
    print(format_summary(report))
    return EXIT_OK if report.ok else EXIT_ATTENTION
