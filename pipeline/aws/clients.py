"""boto3 clients for the pipeline, and moto's fake credentials.

Every command builds its clients here, so timeouts and retries are the same everywhere and an
unreachable endpoint fails in seconds instead of after minutes of SDK retries.
"""

from __future__ import annotations

import ipaddress
import os
import urllib.parse
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


def is_local_endpoint(endpoint_url: str | None) -> bool:
    """The endpoint is on this machine or a private network (a moto server, LocalStack ...)."""
    if not endpoint_url:
        return False
    host = urllib.parse.urlsplit(endpoint_url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private


def credentials_hint(endpoint_url: str | None) -> str:
    """What to do when boto3 finds no credentials, for this endpoint."""
    if is_local_endpoint(endpoint_url):
        return (
            f"no AWS credentials found; {endpoint_url} is a local endpoint, which accepts any keys: "
            "export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing (or use `run --embedded`)"
        )
    return (
        "no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
        "(for a local moto server, pass its --endpoint-url and any keys)"
    )
