"""The worker protocol's results, checked as the parent reads them (:mod:`pipeline.runtime.worker`).

Only a handler that writes to the runtime's own pipe can produce a line that is not a message;
such a line is the environment's crash, never the poller's. A response over Lambda's 6 MB limit
fails the invocation with Lambda's ``Function.ResponseSizeTooLarge``.
"""

from __future__ import annotations

import json
import time
from typing import Any

from pipeline.runtime.invoker import InvokeResult, InvokeStatus

#: Lambda's limit for a synchronous invocation's response (6 MB), in bytes.
MAX_RESPONSE_BYTES = 6_291_556
#: A protocol line carries the response JSON-encoded inside JSON: escaping may double it.
MAX_MESSAGE_BYTES = 2 * MAX_RESPONSE_BYTES + 4096


class ProtocolError(Exception):
    """The worker sent a line that is not a message of the protocol."""


class ResponseTooLargeError(Exception):
    """The worker's answer outgrew any payload Lambda would return."""


def check_result(message: dict[str, Any] | None, request_id: str) -> str | None:
    """The result's ``payloadJson`` (None: a timeout or an error result); ProtocolError if malformed."""
    if message is None:
        return None
    if message.get("type") != "result" or message.get("requestId") != request_id:
        raise ProtocolError(f"expected the result of {request_id}, got {json.dumps(message)[:120]}")
    if message.get("ok") is True:
        payload_json = message.get("payloadJson")
        if not isinstance(payload_json, str):
            raise ProtocolError("a successful result without payloadJson")
        try:
            json.loads(payload_json)
        except (ValueError, RecursionError) as exc:
            raise ProtocolError(f"payloadJson is not JSON: {exc}") from None
        return payload_json
    if message.get("ok") is not False:
        raise ProtocolError(f"ok must be true or false: {message.get('ok')!r}")
    return None


def too_large(request_id: str, size: int, started: float, cold: bool) -> InvokeResult:
    """Lambda fails an invocation whose response exceeds 6 MB with this error."""
    return InvokeResult(
        InvokeStatus.ERROR,
        request_id,
        error_type="Function.ResponseSizeTooLarge",
        error_message=f"Response payload size ({size} bytes) exceeded maximum allowed payload size "
        f"({MAX_RESPONSE_BYTES} bytes).",
        duration_ms=(time.monotonic() - started) * 1000,
        cold_start=cold,
    )


def stack_trace(message: dict[str, Any]) -> tuple[str, ...]:
    stack = message.get("stackTrace")
    return tuple(str(line) for line in stack) if isinstance(stack, list) else ()
