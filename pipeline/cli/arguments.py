"""Argument groups several commands share, so each option is spelled and explained once."""

from __future__ import annotations

import argparse
import math
import urllib.parse
from pathlib import Path
from typing import Any, Final

from pipeline.errors import MissingZipError
from pipeline.settings.loader import load_settings
from pipeline.settings.model import Settings

DEFAULT_ZIP: Final = Path("build/ddb-stream-handler.zip")
#: ``--poll-interval`` bounds: above 0 (0 would spin), at most a minute (Lambda polls 4 times a second).
MAX_POLL_INTERVAL: Final = 60.0


def endpoint_url(text: str) -> str:
    """An ``--endpoint-url`` value: an http(s) URL with a host (botocore would fail with a traceback)."""
    try:
        parsed = urllib.parse.urlsplit(text)
        valid = parsed.scheme in ("http", "https") and bool(parsed.hostname) and parsed.port != 0
    except ValueError:  # a malformed port or IPv6 address
        valid = False
    if not valid:
        hint = f" (did you mean http://{text}?)" if "://" not in text and text else ""
        raise argparse.ArgumentTypeError(f"{text!r} is not an http:// or https:// URL with a host{hint}")
    return text


def status_interval(text: str) -> float:
    """A ``--status-interval`` value: 0 (never), or seconds up to an hour."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"{text} must be 0 (never) or seconds up to 3600")
    return value


def poll_interval(text: str) -> float:
    """A ``--poll-interval`` value: seconds, above 0 and at most :data:`MAX_POLL_INTERVAL`."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or not 0 < value <= MAX_POLL_INTERVAL:
        raise argparse.ArgumentTypeError(f"{text} must be above 0 and at most {MAX_POLL_INTERVAL:g} seconds")
    return value


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
    parser.add_argument(
        "--endpoint-url", type=endpoint_url, help="AWS endpoint, e.g. a moto server; default: real AWS"
    )
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
