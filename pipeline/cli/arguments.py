"""Argument groups several commands share, so each option is spelled and explained once."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Final

from pipeline.errors import MissingZipError
from pipeline.settings.loader import load_settings
from pipeline.settings.model import Settings

DEFAULT_ZIP: Final = Path("build/ddb-stream-handler.zip")


def add_settings_source(parser: argparse.ArgumentParser) -> None:
    """``--var-file`` or ``--plan-json``: where the mapping's and the function's settings come from."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--var-file", type=Path, help="tfvars for modules/esm-settings and modules/handler-settings"
    )
    source.add_argument(
        "--plan-json", type=Path, help="`terraform show -json <planfile>` output to read instead"
    )


def add_endpoint(parser: argparse.ArgumentParser, *, region_help: str) -> None:
    """``--endpoint-url`` and ``--region``."""
    parser.add_argument("--endpoint-url", help="AWS endpoint, e.g. a moto server; default: real AWS")
    parser.add_argument("--region", help=region_help)


def add_zip(parser: Any, *, help_text: str | None = None) -> None:
    """``--zip``: the handler package to run locally."""
    parser.add_argument(
        "--zip", type=Path, default=DEFAULT_ZIP, help=help_text or f"handler zip (default {DEFAULT_ZIP})"
    )


def add_function_logs(parser: argparse.ArgumentParser) -> None:
    """``--function-logs``: where the local function's stdout/stderr go."""
    parser.add_argument(
        "--function-logs",
        default="discard",
        help="where the function's stdout/stderr go: a file path, 'inherit' or 'discard' (default)",
    )


def settings_from(args: argparse.Namespace, handler_variables: dict[str, str] | None = None) -> Settings:
    """The one settings loader of the CLI: ``--plan-json``, else ``--var-file`` (or the defaults)."""
    return load_settings(
        var_file=getattr(args, "var_file", None),
        plan_json=getattr(args, "plan_json", None),
        handler_variables=handler_variables,
    )


def require_zip(path: Path, hint: str = "run `make package` to build it") -> None:
    """Fail before anything starts when the handler zip was not built."""
    if not path.is_file():
        raise MissingZipError(f"handler zip not found: {path} ({hint})")
