"""``redrive``: reprocess the batches parked on the on-failure queue (see :mod:`pipeline.redrive.queue`)."""

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
from pipeline.redrive.outcome import format_summary
from pipeline.redrive.queue import (
    DEFAULT_VISIBILITY_TIMEOUT,
    SQS_MAX_VISIBILITY_TIMEOUT,
    RedriveOptions,
    redrive_queue,
)
from pipeline.runtime.deployed import DeployedFunction
from pipeline.runtime.function import LocalFunction, parse_log_target
from pipeline.runtime.invoker import Invoker
from pipeline.runtime.worker import LambdaWorker


def register(commands: Any) -> None:
    """Add the ``redrive`` command."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "redrive",
        help="reprocess the batches parked on the on-failure queue",
        description=(
            "Read on-failure messages, fetch their records from the stream, re-run them through the "
            "handler (local zip or deployed function) and delete each message once all its records "
            "succeeded. Filters, environment and timeout come from the Terraform settings, like `run`."
        ),
    )
    parser.add_argument("--queue-url", required=True, help="the on-failure queue to read")
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


def redrive_command(args: argparse.Namespace) -> int:
    """Entry point of ``redrive``; exit 1 when any message was kept or moved."""
    if args.archive_only and not args.archive:
        raise PipelineError("--archive-only needs --archive PATH")
    invoking = not args.dry_run and not args.archive_only
    if invoking and not args.function_name:
        require_zip(args.zip, hint="run `make package`, or pass --function-name")
    settings = settings_from(args)
    region = (
        args.region
        or _region_of_queue(args.queue_url)
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or DEFAULT_REGION
    )
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
            max(DEFAULT_VISIBILITY_TIMEOUT, int(settings.function.timeout * args.max_attempts) + 60),
        ),
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
        print(f"redrive {args.queue_url} (filters and function settings: {settings.source})", file=sys.stderr)
        report = redrive_queue(
            sqs=client("sqs", args.endpoint_url, region),
            streams=client("dynamodbstreams", args.endpoint_url, region),
            invoker=invoker,
            options=options,
            s3_client_factory=lambda: client("s3", args.endpoint_url, region),
            out=sys.stdout,
        )
    print(format_summary(report))
    return EXIT_OK if report.ok else EXIT_ATTENTION
