"""A failed invocation as Lambda writes it to the function's log (CloudWatch Logs).

The Python runtime logs an unhandled error as ``[ERROR] Type: message`` followed by the
traceback; a failed init adds an ``INIT_REPORT`` line with ``Status: error``; a timeout is
``<time> <request id> Task timed out after N seconds``; a process that exits is
``RequestId: ... Error: Runtime exited with error: ...`` and ``Runtime.ExitError``. ``run`` shows
these lines whatever ``--function-logs`` says, so an error is never hidden.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.runtime.invoker import InvokeResult, InvokeStatus


def _traceback(result: InvokeResult) -> list[str]:
    lines = [line for entry in result.stack_trace for line in entry.rstrip("\n").split("\n")]
    # The runtime's stackTrace ends with the "Type: message" line the [ERROR] line already shows.
    if lines and result.error_type and lines[-1].startswith(f"{result.error_type.split('.')[-1]}:"):
        lines.pop()
    return ["Traceback (most recent call last):", *lines] if lines else []


def function_log_lines(result: InvokeResult) -> list[str]:
    """What the function's log shows for this invocation's error (nothing for a success)."""
    if result.ok:
        return []
    if result.status is InvokeStatus.TIMEOUT:
        now = datetime.now(UTC)
        moment = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
        return [f"{moment} {result.request_id} {result.error_message}"]
    if result.status is InvokeStatus.CRASH and not result.during_init:
        return [str(result.error_message), str(result.error_type)]
    lines = [f"[ERROR] {result.error_type}: {result.error_message}", *_traceback(result)]
    if result.during_init:
        lines.append(
            f"INIT_REPORT Init Duration: {result.duration_ms:.2f} ms\tPhase: init\tStatus: error\t"
            f"Error Type: {result.error_type}"
        )
    return lines
