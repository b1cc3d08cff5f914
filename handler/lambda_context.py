"""A stand-in for the Lambda context object, for running the handler outside Lambda.

Powertools' logger reads the function's name, memory, ARN and request id from the context, and
idempotency reads the remaining time; local runners (the samples, the local worker, tests) pass
this with the same attributes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field


def _random_request_id() -> str:
    # A random UUID-4-shaped id without importing uuid, which pulls in platform (a cold-start cost).
    digits = bytearray(os.urandom(16))
    digits[6] = (digits[6] & 0x0F) | 0x40
    digits[8] = (digits[8] & 0x3F) | 0x80
    text = digits.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


@dataclass(frozen=True)
class LocalLambdaContext:
    """The subset of ``LambdaContext`` Powertools uses, with a real deadline."""

    function_name: str = "ddb-stream-handler"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 128
    timeout_seconds: float = 30.0
    region: str = "us-east-1"
    account_id: str = "000000000000"
    aws_request_id: str = field(default_factory=_random_request_id)
    started_at: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the timeout, as Lambda's context reports them."""
        elapsed = time.monotonic() - self.started_at
        return max(0, int((self.timeout_seconds - elapsed) * 1000))

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str] = os.environ, timeout_seconds: float = 30.0
    ) -> LocalLambdaContext:
        """Build a context from the variables Lambda itself sets, when a local runner set them too."""
        return cls(
            function_name=environ.get("AWS_LAMBDA_FUNCTION_NAME", "ddb-stream-handler"),
            memory_limit_in_mb=int(environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")),
            region=environ.get("AWS_REGION", environ.get("AWS_DEFAULT_REGION", "us-east-1")),
            timeout_seconds=timeout_seconds,
        )
