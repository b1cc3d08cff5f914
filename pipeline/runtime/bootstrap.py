"""The code that runs INSIDE a worker process: a minimal Lambda Python runtime.

It is started by :mod:`pipeline.worker` as a script (``python -I -S worker_bootstrap.py``)
so that neither the project checkout nor the developer's site configuration is on
``sys.path``: the handler is imported from the unzipped package first, then from the
site-packages directories the parent passes (Lambda provides boto3 the same way, after
``/var/task``). This file must only use the standard library.

Protocol (one JSON document per line):

* parent -> child on fd ``REQUEST_FD``: ``{"requestId": str, "deadlineMs": int, "event": any}``
* child -> parent on fd ``RESPONSE_FD``: first ``{"type": "init", "ok": bool, ...}``, then one
  ``{"type": "result", "requestId": str, "ok": bool, "payload"|"errorType"+"errorMessage"...}``
  per request.

The handler's own stdout/stderr are its logs and never carry protocol messages.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any, TextIO

Handler = Callable[[Any, Any], Any]


class LambdaContext:
    """The context object of the Lambda Python runtime (same attribute names and types).

    ``memory_limit_in_mb`` is a string, as in the real runtime, which reads it from
    ``AWS_LAMBDA_FUNCTION_MEMORY_SIZE``.
    """

    def __init__(self, request_id: str, deadline_ms: int) -> None:
        self.aws_request_id = request_id
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.invoked_function_arn = os.environ.get("PIPELINE_FUNCTION_ARN", "")
        # Not a runtime attribute; convenient for tests and tools that want the ARN.
        self.function_arn = self.invoked_function_arn
        self.client_context = None
        self.identity = None
        self.tenant_id = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the worker is killed for a timeout."""
        return max(0, self._deadline_ms - int(time.time() * 1000))


def _error_body(exc: BaseException, error_type: str | None = None) -> dict[str, Any]:
    return {
        "errorType": error_type or type(exc).__name__,
        "errorMessage": str(exc),
        "stackTrace": traceback.format_exception(type(exc), exc, exc.__traceback__)[1:],
    }


def _load_handler(spec: str) -> Handler:
    """Import ``module.path.function`` the way the Lambda runtime resolves ``_HANDLER``."""
    module_name, _, function_name = spec.rpartition(".")
    if not module_name:
        raise ValueError(f"Bad handler '{spec}': expected module.function")
    module = importlib.import_module(module_name)
    handler = getattr(module, function_name, None)
    if not callable(handler):
        raise AttributeError(f"Handler '{function_name}' missing on module '{module_name}'")
    return handler  # type: ignore[no-any-return]


def _send(out: TextIO, message: dict[str, Any]) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


def _invoke(handler: Handler, request: dict[str, Any]) -> dict[str, Any]:
    request_id = str(request["requestId"])
    context = LambdaContext(request_id, int(request["deadlineMs"]))
    try:
        payload = handler(request["event"], context)
    except Exception as exc:  # an unhandled error is the function's error, as on Lambda
        return {"type": "result", "requestId": request_id, "ok": False, **_error_body(exc)}
    try:
        encoded = json.dumps(payload)
    except (TypeError, ValueError) as exc:
        body = _error_body(exc, "Runtime.MarshalError")
        return {"type": "result", "requestId": request_id, "ok": False, **body}
    return {"type": "result", "requestId": request_id, "ok": True, "payloadJson": encoded}


def main(argv: list[str]) -> int:
    """``worker_bootstrap.py REQUEST_FD RESPONSE_FD CODE_DIR [SITE_DIR ...]``."""
    request_fd, response_fd, code_dir, *site_dirs = argv
    sys.path[:0] = [code_dir]
    sys.path.extend(site_dirs)
    os.chdir(code_dir)
    requests = os.fdopen(int(request_fd), "r", encoding="utf-8")
    responses = os.fdopen(int(response_fd), "w", encoding="utf-8")
    try:
        handler = _load_handler(os.environ["_HANDLER"])
    except ImportError as exc:
        _send(responses, {"type": "init", "ok": False, **_error_body(exc, "Runtime.ImportModuleError")})
        return 1
    except AttributeError as exc:
        _send(responses, {"type": "init", "ok": False, **_error_body(exc, "Runtime.HandlerNotFound")})
        return 1
    except Exception as exc:  # an error raised while importing: reported, then the worker exits
        _send(responses, {"type": "init", "ok": False, **_error_body(exc)})
        return 1
    _send(responses, {"type": "init", "ok": True})
    for line in requests:
        _send(responses, _invoke(handler, json.loads(line)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
