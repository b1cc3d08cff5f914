"""The one protocol for invoking the function, and what an invocation returns.

The local mapping and redrive invoke through :class:`Invoker`; the local worker
(:class:`pipeline.runtime.worker.LambdaWorker`) and the deployed function
(:class:`pipeline.runtime.deployed.DeployedFunction`) both implement it, so everything above
this layer is the same whichever one runs the handler.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Protocol


class InvokeStatus(enum.StrEnum):
    """How an invocation ended."""

    OK = "ok"
    ERROR = "error"  # the handler raised (or returned something that is not JSON)
    TIMEOUT = "timeout"  # killed after the function timeout
    CRASH = "crash"  # the process exited during the invocation (or failed its init)


@dataclass(frozen=True)
class InvokeResult:
    """The outcome of one invocation.

    ``payload`` is the handler's return value (decoded JSON) when ``status`` is OK;
    otherwise ``error_type``/``error_message`` describe the failure like Lambda's error
    payload (``Sandbox.Timedout``, ``Runtime.ExitError``, or the exception class name).
    """

    status: InvokeStatus
    request_id: str
    payload: Any = None
    error_type: str | None = None
    error_message: str | None = None
    duration_ms: float = 0.0
    cold_start: bool = False
    #: The execution environment failed its init (import of the handler) during this invocation.
    during_init: bool = False
    #: The runtime's ``stackTrace`` of the error (lines as the Python runtime formats them).
    stack_trace: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """The handler returned normally (its answer may still be an invalid batch response)."""
        return self.status is InvokeStatus.OK

    @property
    def function_error(self) -> str | None:
        """``X-Amz-Function-Error``: "Unhandled" for every failed invocation, else None."""
        return None if self.ok else "Unhandled"

    def error_payload(self) -> dict[str, str]:
        """The response body Lambda returns for a failed invocation."""
        return {"errorType": self.error_type or "", "errorMessage": self.error_message or ""}

    def describe_error(self) -> str:
        """``errorType: errorMessage`` for reports."""
        return f"{self.error_type}: {self.error_message}"


class Invoker(Protocol):
    """Runs ``{"Records": [...]}`` events through the function, synchronously."""

    def invoke(self, event: Any, request_id: str | None = None) -> InvokeResult:
        """Invoke once; the result says OK (with the payload) or how it failed."""
        ...

    def close(self) -> None:
        """Release the execution environment (processes, temporary files)."""
        ...
