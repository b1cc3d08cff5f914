"""``demo``: the whole pipeline on an embedded moto server, checked against the settings."""

from __future__ import annotations

import argparse
from typing import Any

from pipeline.aws.resources import DESTINATION_TYPES
from pipeline.cli.arguments import add_function_logs, add_settings_source, add_zip, require_zip


def register(commands: Any) -> None:
    """Add the ``demo`` command."""
    parser = commands.add_parser(
        "demo", help="run the whole pipeline on an embedded moto server and check it"
    )
    add_settings_source(parser)
    add_zip(parser)
    parser.add_argument("--function-name", help="function name for ARNs and logs (default: the settings')")
    add_function_logs(parser)
    parser.add_argument("--quiet", action="store_true", help="print only the summary")
    parser.add_argument(
        "--destination",
        choices=DESTINATION_TYPES,
        default="sqs",
        help="the on-failure destination type: an SQS queue (default), an SNS topic or an S3 bucket",
    )
    parser.set_defaults(command_main=demo_command)


def demo_command(args: argparse.Namespace) -> int:
    """Run the demo; exit 0 when the outcome is what the settings imply."""
    require_zip(args.zip)
    from pipeline.demo.run import run_demo  # noqa: PLC0415 - moto is heavy: keep `run` and `filter` start-up light

    return run_demo(
        zip_path=args.zip,
        var_file=args.var_file,
        plan_json=args.plan_json,
        function_name=args.function_name,
        function_logs=args.function_logs,
        quiet=args.quiet,
        destination=args.destination,
    )
