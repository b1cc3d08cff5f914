"""``run``: poll a stream and invoke the packaged handler like the event source mapping, until stopped.

It tells the operator what happens as it happens: parked or discarded batches, the function's
errors as Lambda would log them (:mod:`pipeline.runtime.logs`) and a status line every few seconds
(:mod:`pipeline.esm.health`). It exits 0 when stopped (Ctrl-C, SIGTERM, ``--until-drained``)
with every shard's position saved, 1 when the function never got past its init.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from botocore.exceptions import EndpointConnectionError, NoCredentialsError

from pipeline.aws.arn import account_of, region_of
from pipeline.aws.clients import client, credentials_hint, default_region, use_fake_credentials
from pipeline.aws.moto_server import MotoServer
from pipeline.aws.resources import create_resources
from pipeline.cli.arguments import (
    add_function_logs,
    add_settings_source,
    add_zip,
    endpoint_url,
    poll_interval,
    require_zip,
    settings_from,
    status_interval,
)
from pipeline.errors import EXIT_ATTENTION, EXIT_OK, EndpointError, PipelineError
from pipeline.esm.checkpoints import CheckpointStore
from pipeline.esm.events import Invoked, Parked, PollerEvent, Trimmed
from pipeline.esm.health import format_status_line
from pipeline.esm.on_failure import OnFailureDestination
from pipeline.esm.poller import Poller
from pipeline.runtime.function import LocalFunction, parse_log_target
from pipeline.runtime.logs import function_log_lines
from pipeline.runtime.worker import LambdaWorker
from pipeline.stream.shards import describe_stream, stream_arn_for_table


def register(commands: Any) -> None:
    """Add the ``run`` command."""
    run = commands.add_parser("run", help="poll a stream and invoke the handler until stopped (Ctrl-C)")
    where = run.add_mutually_exclusive_group()
    where.add_argument(
        "--endpoint-url", type=endpoint_url, help="AWS endpoint, e.g. a moto server; default: real AWS"
    )
    where.add_argument(
        "--embedded", action="store_true", help="start an embedded moto server with the demo table"
    )
    stream = run.add_mutually_exclusive_group()
    stream.add_argument("--stream-arn", help="the DynamoDB stream to read")
    stream.add_argument("--table-name", help="read this table's latest stream")
    run.add_argument("--region", help="AWS region (default: from the stream ARN or the SDK)")
    run.add_argument(
        "--destination-arn", help="on-failure SQS queue, SNS topic or S3 bucket ARN (default: from the plan)"
    )
    run.add_argument("--state-file", type=Path, help="checkpoints, so the next run resumes (default: none)")
    run.add_argument(
        "--poll-interval", type=poll_interval, default=0.25, help="seconds between empty polls (AWS: 0.25)"
    )
    run.add_argument(
        "--status-interval",
        type=status_interval,
        default=5.0,
        metavar="SECONDS",
        help="print a status line this often (default 5; 0: never)",
    )
    run.add_argument("--until-drained", action="store_true", help="stop once the stream has nothing new")
    add_settings_source(run)
    add_zip(run)
    run.add_argument("--function-name", help="function name for ARNs and logs (default: the settings')")
    add_function_logs(run)
    run.set_defaults(command_main=run_command)


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT/SIGTERM set ``stop`` instead of raising, so shards finish their batch and checkpoint."""

    def handle(signum: int, _frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt  # a second Ctrl-C: give up waiting
        print(f"\n{signal.Signals(signum).name}: stopping after the current batches ...", file=sys.stderr)
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def check_endpoint(streams: Any, stream_arn: str, endpoint_url: str | None) -> None:
    """Fail early and clearly when the endpoint is unreachable or the stream is missing."""
    try:
        describe_stream(streams, stream_arn)
    except EndpointConnectionError as exc:
        raise EndpointError(f"cannot reach {endpoint_url or 'AWS'}: {exc}") from exc
    except NoCredentialsError as exc:
        raise EndpointError(credentials_hint(endpoint_url)) from exc


def run_command(args: argparse.Namespace) -> int:
    """Entry point of ``run``."""
    if not args.stream_arn and not args.table_name and not args.embedded:
        raise PipelineError("run needs --stream-arn or --table-name (or --embedded)")
    if not args.embedded:
        return _run_stream(args)
    use_fake_credentials()
    with MotoServer() as server:
        resources = create_resources(server.endpoint_url, hash_key="user_id")
        print(f"embedded moto server: {server.endpoint_url}")
        print(f"  table {resources.table_name}, stream {resources.stream_arn}")
        print(f"  failure queue {resources.queue_url}")
        args.stream_arn = resources.stream_arn
        args.endpoint_url = server.endpoint_url
        if not args.destination_arn:
            args.destination_arn = resources.queue_arn
        # The handler publishes to the local topic, as in the demo.
        return _run_stream(args, handler_variables={"notification_topic_arn": resources.topic_arn})


def _run_stream(args: argparse.Namespace, handler_variables: dict[str, str] | None = None) -> int:
    require_zip(args.zip)
    settings = settings_from(args, handler_variables)
    for note in settings.esm.not_emulated():
        print(f"note: {note}", file=sys.stderr)
    region: str = args.region or (region_of(args.stream_arn) if args.stream_arn else default_region())
    try:
        if args.table_name:
            args.stream_arn = stream_arn_for_table(
                client("dynamodb", args.endpoint_url, region), args.table_name
            )
        streams = client("dynamodbstreams", args.endpoint_url, region)
        check_endpoint(streams, args.stream_arn, args.endpoint_url)
    except EndpointConnectionError as exc:
        raise EndpointError(f"cannot reach {args.endpoint_url or 'AWS'}: {exc}") from exc
    except NoCredentialsError as exc:
        raise EndpointError(credentials_hint(args.endpoint_url)) from exc
    destination_arn = args.destination_arn or settings.esm.destination_arn
    destination = (
        OnFailureDestination(
            destination_arn,
            sqs=client("sqs", args.endpoint_url, region),
            sns=client("sns", args.endpoint_url, region),
            s3=client("s3", args.endpoint_url, region),
        )
        if destination_arn
        else None
    )
    function = LocalFunction(
        settings.function.named(args.function_name),
        zip_path=args.zip,
        region=region,
        account_id=account_of(args.stream_arn),
        endpoint_url=args.endpoint_url,
        logs=parse_log_target(args.function_logs),
    )
    reporter = Reporter()
    poller = Poller(
        settings=settings.esm,
        streams_client=streams,
        stream_arn=args.stream_arn,
        invoker_factory=lambda: LambdaWorker(function),
        function_arn=function.function_arn,
        destination=destination,
        checkpoints=CheckpointStore(args.state_file, args.stream_arn),
        poll_interval=args.poll_interval,
        listener=reporter,
    )
    print(f"polling {args.stream_arn} (Ctrl-C to stop)", file=sys.stderr)
    with stop_on_signals(poller.stop_event), status_lines(poller, args.status_interval):
        counters = poller.run(until_drained=args.until_drained)
    print(format_status_line(poller.health()), file=sys.stderr)
    print(json.dumps({"counters": counters.as_dict(), "checkpoints": poller.checkpoint_snapshot()}, indent=2))
    if reporter.never_started:
        print(
            f"error: the function never started: all {reporter.init_failures} invocation(s) failed "
            f"its init ({reporter.last_init_error}); see the function log above",
            file=sys.stderr,
        )
        return EXIT_ATTENTION
    return EXIT_OK


@contextmanager
def status_lines(poller: Poller, interval: float) -> Iterator[None]:
    """Print the mapping's health every ``interval`` seconds while the block runs (0: never)."""
    done = threading.Event()

    def report() -> None:
        while not done.wait(interval):
            print(format_status_line(poller.health()), file=sys.stderr, flush=True)

    thread = threading.Thread(target=report, name="status", daemon=True)
    if interval > 0:
        thread.start()
    try:
        yield
    finally:
        done.set()
        if thread.is_alive():
            thread.join()


class Reporter:
    """What a long-running ``run`` tells the operator as it happens (a poller listener)."""

    #: Distinct errors whose full log block was shown; later repeats get one line.
    SEEN_LIMIT = 256

    def __init__(self) -> None:
        self.init_failures = 0
        self.started = False  # some invocation got past the init
        self.last_init_error = ""
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def never_started(self) -> bool:
        """Every invocation failed the function's init."""
        return self.init_failures > 0 and not self.started

    def __call__(self, event: PollerEvent) -> None:
        with self._lock:
            self._report(event)

    def _report(self, event: PollerEvent) -> None:
        if isinstance(event, Invoked):
            result = event.result
            if result.during_init:
                self.init_failures += 1
                self.last_init_error = f"{result.error_type}: {result.error_message}"
            else:
                self.started = True
            lines = function_log_lines(result)
            if not lines:
                return
            key = (str(result.error_type), str(result.error_message))
            where = f"{event.shard_id}, request {result.request_id}, {len(event.entries)} record(s)"
            if key in self._seen:
                print(f"function error again ({where}): {lines[0]}", file=sys.stderr)
                return
            self._seen[key] = None
            if len(self._seen) > self.SEEN_LIMIT:
                self._seen.popitem(last=False)
            print(f"function log ({where}):", file=sys.stderr)
            for line in lines:
                print(f"  {line}", file=sys.stderr)
        elif isinstance(event, Parked):
            first, last = event.batch.sequence_numbers[0], event.batch.sequence_numbers[-1]
            where = f"{len(event.entries)} record(s) of {event.shard_id} ({first}..{last})"
            if event.batch.sent:
                print(f"parked {where} on the failure destination", file=sys.stderr)
            else:
                print(
                    f"discarded {where}: no on-failure destination is configured (as on AWS, the "
                    "records are dropped; set destination_arn or --destination-arn to keep them)",
                    file=sys.stderr,
                )
        elif isinstance(event, Trimmed):
            print(
                f"warning: {event.shard_id}: records after checkpoint {event.checkpoint} are past the "
                "stream's retention; reading restarted at the trim horizon",
                file=sys.stderr,
            )
