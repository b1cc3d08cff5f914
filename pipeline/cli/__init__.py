"""``python -m pipeline`` (or ``ddb-stream-pipeline``): the local event source mapping's command line.

Commands: ``demo`` (the whole pipeline on an embedded moto server), ``run`` (poll a stream until
stopped), ``settings`` (show what Terraform renders from a tfvars file), ``filter lint|test`` and
``redrive``. Every command module has a ``register(commands)`` that adds its parser and sets
``command_main``, a function of the parsed arguments returning the exit code; errors become
messages and exit codes here, in :func:`main`, and nowhere else.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

from pipeline.aws.clients import credentials_hint
from pipeline.cli import demo, redrive, run, settings
from pipeline.cli import filter as filter_commands
from pipeline.errors import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, EXIT_USAGE, PipelineError
from pipeline.filters.rules import FilterPatternError


def build_parser() -> argparse.ArgumentParser:
    """The full command line."""
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (demo, run, settings, filter_commands, redrive):
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, dispatch, and turn user errors into a message and an exit code."""
    args = build_parser().parse_args(argv)
    try:
        code = int(args.command_main(args))
        # Inside the try: output still buffered would otherwise break at exit, outside any handler.
        sys.stdout.flush()
        return code
    except PipelineError as exc:
        print(f"error: {exc.prefix}{exc}", file=sys.stderr)
        return exc.exit_code
    except FilterPatternError as exc:
        print(f"error: malformed filter pattern: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except EndpointConnectionError as exc:
        print(f"error: cannot reach the endpoint: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except NoCredentialsError:
        print(f"error: {credentials_hint(getattr(args, 'endpoint_url', None))}", file=sys.stderr)
        return EXIT_USAGE
    except (ClientError, BotoCoreError) as exc:
        print(f"error: AWS call failed: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Python would report the broken pipe again when it flushes stdout at exit: point stdout
        # at /dev/null first, as the Python docs recommend for SIGPIPE.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
