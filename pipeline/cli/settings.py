"""``settings``: print the mapping and function settings Terraform renders from the tfvars."""

from __future__ import annotations

import argparse
import json
from typing import Any

from pipeline.cli.arguments import add_settings_source, settings_from
from pipeline.errors import EXIT_OK


def register(commands: Any) -> None:
    """Add the ``settings`` command."""
    parser = commands.add_parser("settings", help="print the mapping and function settings Terraform renders")
    add_settings_source(parser)
    parser.set_defaults(command_main=settings_command)


def settings_command(args: argparse.Namespace) -> int:
    """Print the settings as JSON."""
    print(json.dumps(settings_from(args).as_document(), indent=2))
    return EXIT_OK
