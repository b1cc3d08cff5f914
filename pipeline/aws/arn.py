"""Amazon Resource Names: parsed once, with an error that says which part is wrong.

Stream ARNs name their region and account, which the local mapping needs for the Lambda event
(``awsRegion``) and the function ARN; destinations are told apart by their service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_PARTITION: Final = re.compile(r"aws(-[a-z]+)*")
_REGION: Final = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
_ACCOUNT: Final = re.compile(r"\d{12}")
#: ``arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL``
_STREAM_RESOURCE: Final = re.compile(r"table/[^/]+/stream/[^/]+")


@dataclass(frozen=True)
class Arn:
    """The six colon-separated parts of an ARN."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    @classmethod
    def parse(cls, text: str, *, service: str | None = None) -> Arn:
        """Parse ``text``; raises ValueError naming the part that is wrong.

        ``service`` checks the service part (``sqs``, ``sns``, ``s3``, ``dynamodb`` ...).
        """
        parts = text.split(":", 5) if isinstance(text, str) else []
        if len(parts) != 6 or parts[0] != "arn":
            raise ValueError(f"{text!r} is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)")
        arn = cls(parts[1], parts[2], parts[3], parts[4], parts[5])
        if not _PARTITION.fullmatch(arn.partition):
            raise ValueError(f"{text!r}: partition {arn.partition!r} is not an AWS partition")
        if service is not None and arn.service != service:
            raise ValueError(f"{text!r} is a {arn.service or 'service-less'} ARN, not an {service} ARN")
        if not arn.resource:
            raise ValueError(f"{text!r}: the resource part is empty")
        return arn

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def parse_stream_arn(text: str) -> Arn:
    """A DynamoDB stream ARN, with region, account and ``table/NAME/stream/LABEL`` checked."""
    arn = Arn.parse(text, service="dynamodb")
    if not _REGION.fullmatch(arn.region) or not _ACCOUNT.fullmatch(arn.account):
        raise ValueError(f"{text!r}: a stream ARN names a region and a 12-digit account")
    if not _STREAM_RESOURCE.fullmatch(arn.resource):
        raise ValueError(f"{text!r} is not a stream ARN (its resource must be table/NAME/stream/LABEL)")
    return arn


def region_of(arn: str) -> str:
    """The region field of an ARN (already known to be one)."""
    return Arn.parse(arn).region


def account_of(arn: str) -> str:
    """The account field of an ARN (already known to be one)."""
    return Arn.parse(arn).account
