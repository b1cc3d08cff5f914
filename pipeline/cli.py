"""``python -m pipeline``: the local event source mapping's command line.

Commands: ``demo`` (the whole pipeline on an embedded moto server), ``run`` (poll a stream until
stopped), ``settings`` (show what Terraform renders from a tfvars file), ``filter lint|test`` and
``redrive``. User errors print one clear message and exit non-zero; Ctrl-C stops cleanly.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

from pipeline.checkpoints import CheckpointStore
from pipeline.errors import EndpointError, PipelineError, SettingsError
from pipeline.esm_settings import Settings, load_from_modules, load_from_plan
from pipeline.filter_cli import add_filter_commands
from pipeline.filter_rules import FilterPatternError
from pipeline.local_aws import MotoServer, client, create_resources, use_fake_credentials
from pipeline.on_failure import OnFailureDestination
from pipeline.poller import Poller
from pipeline.redrive import add_redrive_command
from pipeline.stream_reader import describe_stream, region_of, stream_arn_for_table
from pipeline.worker import FunctionConfig, LambdaWorker, parse_log_target

DEFAULT_ZIP = Path("build/ddb-stream-handler.zip")


def _settings_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--var-file", type=Path, help="tfvars for modules/esm-settings and modules/handler-settings"
    )
    source.add_argument(
        "--plan-json", type=Path, help="`terraform show -json <planfile>` output to read instead"
    )


def _function_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--zip", type=Path, default=DEFAULT_ZIP, help=f"handler zip (default {DEFAULT_ZIP})")
    parser.add_argument(
        "--function-name", default="ddb-stream-handler", help="function name for ARNs and logs"
    )
    parser.add_argument(
        "--function-logs",
        default="discard",
        help="where the function's stdout/stderr go: a file path, 'inherit' or 'discard' (default)",
    )


def load_settings(args: argparse.Namespace, handler_variables: dict[str, str] | None = None) -> Settings:
    """Settings from the plan JSON, or from the provider-free modules on the tfvars."""
    if getattr(args, "plan_json", None):
        return load_from_plan(args.plan_json)
    return load_from_modules(args.var_file, handler_variables=handler_variables)


def build_parser() -> argparse.ArgumentParser:
    """The full command line."""
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="run the whole pipeline on an embedded moto server and check it")
    _settings_arguments(demo)
    _function_arguments(demo)
    demo.add_argument("--quiet", action="store_true", help="print only the summary")
    demo.set_defaults(command_main=_demo_command)

    run = commands.add_parser("run", help="poll a stream and invoke the handler until stopped (Ctrl-C)")
    where = run.add_mutually_exclusive_group()
    where.add_argument("--endpoint-url", help="AWS endpoint, e.g. a moto server; default: real AWS")
    where.add_argument(
        "--embedded", action="store_true", help="start an embedded moto server with the demo table"
    )
    stream = run.add_mutually_exclusive_group()
    stream.add_argument("--stream-arn", help="the DynamoDB stream to read")
    stream.add_argument("--table-name", help="read this table's latest stream")
    run.add_argument("--region", help="AWS region (default: from the stream ARN or the SDK)")
    run.add_argument(
        "--destination-arn", help="on-failure SQS queue or SNS topic ARN (default: from the plan)"
    )
    run.add_argument("--state-file", type=Path, help="checkpoints, so the next run resumes (default: none)")
    run.add_argument(
        "--poll-interval", type=float, default=0.25, help="seconds between empty polls (AWS: 0.25)"
    )
    run.add_argument("--until-drained", action="store_true", help="stop once the stream has nothing new")
    _settings_arguments(run)
    _function_arguments(run)
    run.set_defaults(command_main=_run_command)

    settings = commands.add_parser(
        "settings", help="print the mapping and function settings Terraform renders"
    )
    _settings_arguments(settings)
    settings.set_defaults(command_main=_settings_command)

    add_filter_commands(commands)
    add_redrive_command(commands)
    return parser


def _settings_command(args: argparse.Namespace) -> int:
    settings = load_settings(args)
    document = {
        "mapping": settings.esm.to_json(),
        "function": {
            "handler": settings.function.handler,
            "timeout": settings.function.timeout,
            "memory_size": settings.function.memory_size,
            "environment": settings.function.environment,
        },
        "source": settings.source,
    }
    print(json.dumps(document, indent=2))
    return 0


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
        raise EndpointError("no AWS credentials found (set AWS_PROFILE or AWS_ACCESS_KEY_ID ...)") from exc


def _run_command(args: argparse.Namespace) -> int:
    if not args.stream_arn and not args.table_name and not args.embedded:
        raise PipelineError("run needs --stream-arn or --table-name (or --embedded)")
    if args.embedded:
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
            args.handler_variables = {"notification_topic_arn": resources.topic_arn}
            return _run_stream(args)
    return _run_stream(args)


def _run_stream(args: argparse.Namespace) -> int:
    if not args.zip.is_file():
        raise PipelineError(f"handler zip not found: {args.zip} (run `make package` to build it)")
    settings = load_settings(args, getattr(args, "handler_variables", None))
    for note in settings.esm.not_emulated():
        print(f"note: {note}", file=sys.stderr)
    region: str = args.region or (
        region_of(args.stream_arn) if args.stream_arn else boto3.session.Session().region_name or "us-east-1"
    )
    try:
        if args.table_name:
            args.stream_arn = stream_arn_for_table(
                client("dynamodb", args.endpoint_url, region), args.table_name
            )
        streams = client("dynamodbstreams", args.endpoint_url, region)
        check_endpoint(streams, args.stream_arn, args.endpoint_url)
    except EndpointConnectionError as exc:
        raise EndpointError(f"cannot reach {args.endpoint_url or 'AWS'}: {exc}") from exc
    destination_arn = args.destination_arn or settings.esm.destination_arn
    destination = (
        OnFailureDestination(
            destination_arn,
            sqs=client("sqs", args.endpoint_url, region),
            sns=client("sns", args.endpoint_url, region),
        )
        if destination_arn
        else None
    )
    account = args.stream_arn.split(":")[4]
    function = FunctionConfig.from_settings(
        settings.function,
        zip_path=args.zip,
        region=region,
        endpoint_url=args.endpoint_url,
        function_name=args.function_name,
        account_id=account,
        logs=parse_log_target(args.function_logs),
    )
    poller = Poller(
        settings=settings.esm,
        streams_client=streams,
        stream_arn=args.stream_arn,
        invoker_factory=lambda: LambdaWorker(function),
        function_arn=function.function_arn,
        destination=destination,
        checkpoints=CheckpointStore(args.state_file, args.stream_arn),
        poll_interval=args.poll_interval,
        listener=_report_events,
    )
    print(f"polling {args.stream_arn} (Ctrl-C to stop)", file=sys.stderr)
    with stop_on_signals(poller.stop_event):
        counters = poller.run(until_drained=args.until_drained)
    print(json.dumps({"counters": counters.as_dict(), "checkpoints": poller.checkpoint_snapshot()}, indent=2))
    return 0


def _report_events(kind: str, shard_id: str, entries: list[Any], detail: Any) -> None:
    """What a long-running ``run`` tells the operator as it happens."""
    if kind == "parked":
        first, last = entries[0].sequence_number, entries[-1].sequence_number
        print(
            f"parked {len(entries)} record(s) of {shard_id} ({first}..{last}) on the failure destination",
            file=sys.stderr,
        )
    elif kind == "trimmed":
        print(
            f"warning: {shard_id}: records after checkpoint {detail} are past the stream's retention; "
            "reading restarted at the trim horizon",
            file=sys.stderr,
        )


def _demo_command(args: argparse.Namespace) -> int:
    from pipeline.demo import run_demo  # noqa: PLC0415 - keeps `run` and `filter` start-up light

    return run_demo(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, dispatch, and turn user errors into a message and an exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "command_main", None) or args.func
    try:
        return int(handler(args))
    except SettingsError as exc:
        print(f"error: bad settings: {exc}", file=sys.stderr)
        return exc.exit_code
    except FilterPatternError as exc:
        print(f"error: malformed filter pattern: {exc}", file=sys.stderr)
        return 2
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except EndpointConnectionError as exc:
        print(f"error: cannot reach the endpoint: {exc}", file=sys.stderr)
        return 2
    except (ClientError, BotoCoreError) as exc:
        print(f"error: AWS call failed: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
