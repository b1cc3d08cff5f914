"""boto3 clients for the pipeline, and moto's fake credentials.

Every command builds its clients here, so timeouts and retries are the same everywhere and an
unreachable endpoint fails in seconds instead of after minutes of SDK retries.
"""

from __future__ import annotations

import os
from typing import Any, Final

import boto3
from botocore.config import Config

FAKE_CREDENTIALS: Final = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
# moto's default account: ARNs it builds use it.
MOTO_ACCOUNT_ID: Final = "123456789012"
DEFAULT_REGION: Final = "us-east-1"


def use_fake_credentials() -> None:
    """Make every boto3 client in this process (and the workers it starts) use moto's fake keys."""
    for name, value in FAKE_CREDENTIALS.items():
        os.environ[name] = value
    os.environ.setdefault("AWS_DEFAULT_REGION", DEFAULT_REGION)


def client(service: str, endpoint_url: str | None, region: str | None) -> Any:
    """A boto3 client with short timeouts, so an unreachable endpoint fails fast."""
    config = Config(connect_timeout=3, read_timeout=20, retries={"max_attempts": 2, "mode": "standard"})
    return boto3.client(service, endpoint_url=endpoint_url, region_name=region, config=config)


def default_region() -> str:
    """The SDK's configured region (environment or profile), else us-east-1."""
    return boto3.session.Session().region_name or DEFAULT_REGION
