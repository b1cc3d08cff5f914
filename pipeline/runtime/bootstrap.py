"""The code that runs INSIDE a worker process: a minimal Lambda Python runtime.

It is started by :mod:`pipeline.runtime.worker` as a script (``python -I -S bootstrap.py``)
so that neither the project checkout nor the developer's site configuration is on
``sys.path``: the package is unzipped into this environment's own code directory, the handler
is imported from it first, then from the site-packages directories the parent passes (Lambda
provides boto3 the same way, after ``/var/task``). This file must only use the standard library.

Protocol (one JSON document per line):

* parent -> child on fd ``REQUEST_FD``: ``{"requestId": str, "deadlineMs": int, "event": any}``
* child -> parent on fd ``RESPONSE_FD``: first ``{"type": "init", "ok": bool, ...}``, then one
  ``{"type": "result", "requestId": str, "ok": bool, "payload"|"errorType"+"errorMessage"...}``
  per request.

The environment never outlives its poller: the parent holds the write end of the LIFELINE pipe
and never writes to it, so the read end sees end-of-file the moment the parent process is gone
(even after ``kill -9``). A watchdog thread then removes the code directory and kills this
process group - as it does when an init or an invocation runs past its own deadline (plus a
grace period, so the parent, when alive, reports the timeout first).

The handler's own stdout/stderr are its logs and never carry protocol messages.
"""

from __future__ import annotations

import importlib
import json
import os
import select
import shutil
import signal
import sys
import threading
import time
import traceback
import zipfile
from collections.abc import Callable
from typing import Any, TextIO

Handler = Callable[[Any, Any], Any]
#: Seconds past a deadline before the environment kills itself (the parent acts at the deadline).
DEADLINE_GRACE_SECONDS = 1.0
_WATCH_SECONDS = 0.25


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


class Watchdog:
    """Ends the environment when the parent is gone or a deadline has passed."""

    def __init__(self, lifeline_fd: int, code_dir: str) -> None:
        self._lifeline = lifeline_fd
        self._code_dir = code_dir
        self.deadline: float | None = None  # time.monotonic() value; None: idle, nothing to time

    def set_deadline(self, seconds_from_now: float | None) -> None:
        if seconds_from_now is None:
            self.deadline = None
        else:
            self.deadline = time.monotonic() + seconds_from_now + DEADLINE_GRACE_SECONDS

    def start(self) -> None:
        threading.Thread(target=self._watch, name="watchdog", daemon=True).start()

    def _watch(self) -> None:
        while True:
            readable, _, _ = select.select([self._lifeline], [], [], _WATCH_SECONDS)
            if readable:
                self.end()  # end-of-file: the parent process is gone
            deadline = self.deadline
            if deadline is not None and time.monotonic() >= deadline:
                self.end()

    def end(self) -> None:
        """Remove the code and kill the whole process group (the handler's children too)."""
        shutil.rmtree(self._code_dir, ignore_errors=True)
        os.killpg(os.getpgrp(), signal.SIGKILL)


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
    except (TypeError, ValueError, RecursionError) as exc:
        body = _error_body(exc, "Runtime.MarshalError")
        return {"type": "result", "requestId": request_id, "ok": False, **body}
    return {"type": "result", "requestId": request_id, "ok": True, "payloadJson": encoded}


def _init(responses: TextIO, zip_path: str, code_dir: str, site_dirs: list[str]) -> Handler | None:
    """Unzip the package, import the handler; report the init's outcome to the parent."""
    os.mkdir(code_dir, 0o700)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(code_dir)
    sys.path[:0] = [code_dir]
    sys.path.extend(site_dirs)
    os.chdir(code_dir)
    try:
        handler = _load_handler(os.environ["_HANDLER"])
    except ImportError as exc:
        _send(responses, {"type": "init", "ok": False, **_error_body(exc, "Runtime.ImportModuleError")})
        return None
    except AttributeError as exc:
        _send(responses, {"type": "init", "ok": False, **_error_body(exc, "Runtime.HandlerNotFound")})
        return None
    except Exception as exc:  # an error raised while importing: reported, then the worker exits
        _send(responses, {"type": "init", "ok": False, **_error_body(exc)})
        return None
    _send(responses, {"type": "init", "ok": True})
    return handler


def main(argv: list[str]) -> int:
    """``bootstrap.py REQUEST_FD RESPONSE_FD LIFELINE_FD ZIP CODE_DIR INIT_TIMEOUT [SITE_DIR ...]``."""
    request_fd, response_fd, lifeline_fd, zip_path, code_dir, init_timeout, *site_dirs = argv
    watchdog = Watchdog(int(lifeline_fd), code_dir)
    watchdog.set_deadline(float(init_timeout))
    watchdog.start()
    requests = os.fdopen(int(request_fd), "r", encoding="utf-8")
    responses = os.fdopen(int(response_fd), "w", encoding="utf-8")
    try:
        handler = _init(responses, zip_path, code_dir, site_dirs)
        watchdog.set_deadline(None)
        if handler is None:
            return 1
        for line in requests:
            request = json.loads(line)
            watchdog.set_deadline(int(request["deadlineMs"]) / 1000 - time.time())
            _send(responses, _invoke(handler, request))
            watchdog.set_deadline(None)
        return 0  # the parent closed the request pipe: this environment is done
    finally:
        shutil.rmtree(code_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
