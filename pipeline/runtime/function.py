"""The function as the local worker runs it: Terraform's settings plus where the code runs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pipeline.aws.clients import DEFAULT_REGION, MOTO_ACCOUNT_ID
from pipeline.settings.model import FunctionSettings

LogTarget = Path | Literal["inherit", "discard"]


def parse_log_target(value: str) -> LogTarget:
    """A command-line ``--function-logs`` value: ``inherit``, ``discard`` or a file path."""
    if value == "inherit":
        return "inherit"
    if value == "discard":
        return "discard"
    return Path(value)


@dataclass(frozen=True)
class LocalFunction:
    """What Lambda knows about the function: its settings, its code, and its account and region.

    ``endpoint_url`` becomes ``AWS_ENDPOINT_URL`` so the handler's SDK calls reach moto.
    """

    settings: FunctionSettings
    zip_path: Path
    region: str = DEFAULT_REGION
    account_id: str = MOTO_ACCOUNT_ID
    endpoint_url: str | None = None
    logs: LogTarget = "discard"

    @property
    def function_arn(self) -> str:
        """The unqualified function ARN, as in on-failure messages."""
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{self.settings.function_name}"
