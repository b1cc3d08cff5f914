"""A Lambda-like execution environment for the packaged handler.

The handler zip built by ``make package`` runs in a separate worker process
(:mod:`pipeline.runtime.bootstrap`) with the function's environment variables: the process
unzips the package into its own code directory, is initialised once and then invoked many times
(a warm environment). As on Lambda, an invocation that outlives the function timeout is killed,
a process that exits is a crash, and both are function errors after which the environment is
replaced (the next invocation is a cold start). An environment never outlives its poller: it
ends, and removes its code directory, when the poller process is gone or a deadline passed.

Typical use::

    function = LocalFunction(settings, zip_path=Path("build/ddb-stream-handler.zip"))
    with LambdaWorker(function) as worker:
        result = worker.invoke({"Records": [...]})
        if result.ok: ...
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import site
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from pipeline.errors import MissingZipError, PipelineError
from pipeline.runtime.function import LocalFunction
from pipeline.runtime.invoker import InvokeResult, InvokeStatus
from pipeline.runtime.protocol import (
    MAX_MESSAGE_BYTES,
    MAX_RESPONSE_BYTES,
    ProtocolError,
    ResponseTooLargeError,
    check_result,
    stack_trace,
    too_large,
)

BOOTSTRAP = Path(__file__).with_name("bootstrap.py")
# Lambda's init phase has its own limit, separate from the function timeout.
INIT_TIMEOUT_SECONDS = 10.0
# Credentials and SDK settings the handler needs to reach the same AWS (or moto) as the poller.
PASSTHROUGH_ENV = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_CA_BUNDLE",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE",
    "AWS_ENDPOINT_URL",
)


class _WorkerProcess:
    """One execution environment: a process, its code directory, its pipes and its lifeline."""

    def __init__(self, config: LocalFunction, site_dirs: list[str]) -> None:
        # Created by the process itself, so nothing exists that a dead parent could leave behind.
        self.code_dir = Path(tempfile.gettempdir()) / f"pipeline-task-{uuid.uuid4().hex}"
        request_read, request_write = os.pipe()
        response_read, response_write = os.pipe()
        # Never written: its end-of-file tells the process that this one is gone.
        lifeline_read, self._lifeline = os.pipe()
        self._log_file: IO[bytes] | None = None
        output: int | IO[bytes] | None
        if config.logs == "inherit":
            output = None
        elif config.logs == "discard":
            output = subprocess.DEVNULL
        else:
            self._log_file = open(config.logs, "ab")  # noqa: SIM115 - closed in close()
            output = self._log_file
        try:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-I",
                    "-S",
                    str(BOOTSTRAP),
                    str(request_read),
                    str(response_write),
                    str(lifeline_read),
                    str(config.zip_path.resolve()),
                    str(self.code_dir),
                    str(INIT_TIMEOUT_SECONDS),
                    *site_dirs,
                ],
                pass_fds=(request_read, response_write, lifeline_read),
                env=_function_environment(config, self.code_dir),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT if output is not None else None,
                cwd=tempfile.gettempdir(),
                start_new_session=True,  # Ctrl-C in the terminal must not kill the worker mid-batch
            )
        except BaseException:
            os.close(self._lifeline)
            raise
        finally:
            os.close(request_read)
            os.close(response_write)
            os.close(lifeline_read)
        self._requests = os.fdopen(request_write, "w", encoding="utf-8")
        self._responses = response_read
        self._buffer = b""
        self._selector = selectors.DefaultSelector()
        self._selector.register(response_read, selectors.EVENT_READ)

    def read_message(self, deadline: float) -> dict[str, Any] | None:
        """The next protocol message, or None on timeout.

        Raises EOFError if the process exited, ProtocolError for a line that is not a message
        (only a handler that writes to the runtime's own pipe can cause one).
        """
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._selector.select(remaining):
                return None
            chunk = os.read(self._responses, 1 << 20)
            if not chunk:
                raise EOFError
            self._buffer += chunk
            if len(self._buffer) > MAX_MESSAGE_BYTES:
                raise ResponseTooLargeError(len(self._buffer))
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            message = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise ProtocolError(f"not JSON: {exc}") from None
        if not isinstance(message, dict):
            raise ProtocolError(f"not a JSON object: {line[:80]!r}")
        return message

    def send(self, message: dict[str, Any]) -> None:
        self._requests.write(json.dumps(message) + "\n")
        self._requests.flush()

    def alive(self) -> bool:
        return self.process.poll() is None

    def exit_description(self) -> str:
        code = self.process.wait()
        if code < 0:
            return f"signal: {signal.Signals(-code).name.removeprefix('SIG').lower()}"
        return f"exit status {code}"

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)  # the handler's own children too
        self.process.wait()
        with contextlib.suppress(OSError):
            self._requests.close()
        self._selector.close()
        for fd in (self._responses, self._lifeline):
            with contextlib.suppress(OSError):
                os.close(fd)
        if self._log_file is not None:
            self._log_file.close()
        shutil.rmtree(self.code_dir, ignore_errors=True)


def _function_environment(config: LocalFunction, code_dir: Path) -> dict[str, str]:
    """The worker's environment: function variables plus Lambda's reserved ones.

    The developer's own environment is not inherited (a function does not see it), except
    for credentials and SDK settings so the handler reaches the same endpoint.
    """
    env = {name: os.environ[name] for name in PASSTHROUGH_ENV if name in os.environ}
    env.update(config.settings.environment)
    stream_name = time.strftime("%Y/%m/%d") + "/[$LATEST]" + uuid.uuid4().hex
    env.update(
        {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/tmp"),
            "LANG": "C.UTF-8",
            "TZ": ":UTC",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",  # logs must survive a kill, as on Lambda
            "LAMBDA_TASK_ROOT": str(code_dir),
            "_HANDLER": config.settings.handler,
            "AWS_REGION": config.region,
            "AWS_DEFAULT_REGION": config.region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_python{sys.version_info.major}.{sys.version_info.minor}",
            "AWS_LAMBDA_FUNCTION_NAME": config.settings.function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config.settings.memory_size),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{config.settings.function_name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": stream_name,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "PIPELINE_FUNCTION_ARN": config.function_arn,
        }
    )
    if config.endpoint_url:
        env["AWS_ENDPOINT_URL"] = config.endpoint_url
    return env


def check_package(zip_path: Path) -> None:
    """A missing or corrupt deployment package is a user error, found before anything starts."""
    if not zip_path.is_file():
        raise MissingZipError(f"handler zip not found: {zip_path} (run `make package` to build it)")
    try:
        with zipfile.ZipFile(zip_path) as archive:
            archive.infolist()
    except zipfile.BadZipFile as exc:
        raise PipelineError(f"{zip_path} is not a valid zip ({exc}); rebuild it with `make package`") from exc


class LambdaWorker:
    """Runs one function's invocations one at a time in a replaceable worker process.

    Not thread-safe: the poller gives each shard its own worker, as Lambda gives each
    concurrent batch its own execution environment.
    """

    def __init__(self, config: LocalFunction, site_dirs: list[str] | None = None) -> None:
        self.config = config
        self._site_dirs = site_dirs if site_dirs is not None else site.getsitepackages()
        check_package(config.zip_path)
        self._process: _WorkerProcess | None = None
        #: The current environment's unzipped code (None before the first start).
        self.code_dir: Path | None = None
        self.cold_starts = 0
        self.invocations = 0
        self.replacements = 0

    def __enter__(self) -> LambdaWorker:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        """The current worker process id (None before the first invocation or after a failure)."""
        return self._process.process.pid if self._process is not None else None

    def invoke(self, event: Any, request_id: str | None = None) -> InvokeResult:
        """Invoke the handler synchronously, starting a fresh environment if needed."""
        request_id = request_id or str(uuid.uuid4())
        started = time.monotonic()
        self.invocations += 1
        cold = self._process is None or not self._process.alive()
        if cold:
            init_error = self._start()
            if init_error is not None:
                return InvokeResult(
                    InvokeStatus.CRASH,
                    request_id,
                    error_type=init_error[0],
                    error_message=init_error[1],
                    duration_ms=(time.monotonic() - started) * 1000,
                    cold_start=True,
                    during_init=True,
                    stack_trace=init_error[2],
                )
        process = self._process
        assert process is not None
        deadline = time.monotonic() + self.config.settings.timeout
        deadline_ms = int(time.time() * 1000 + self.config.settings.timeout * 1000)
        try:
            process.send({"requestId": request_id, "deadlineMs": deadline_ms, "event": event})
            message = process.read_message(deadline)
            payload_json = check_result(message, request_id)
        except (BrokenPipeError, EOFError):
            return self._crashed(request_id, started, cold)
        except ProtocolError as exc:
            self._replace()
            return InvokeResult(
                InvokeStatus.CRASH,
                request_id,
                error_type="Runtime.ExitError",
                error_message=f"RequestId: {request_id} Error: the runtime sent an invalid message ({exc})",
                duration_ms=(time.monotonic() - started) * 1000,
                cold_start=cold,
            )
        except ResponseTooLargeError as exc:
            self._replace()
            return too_large(request_id, exc.args[0], started, cold)
        if message is None:
            self._replace()
            return InvokeResult(
                InvokeStatus.TIMEOUT,
                request_id,
                error_type="Sandbox.Timedout",
                error_message=f"Task timed out after {self.config.settings.timeout:.2f} seconds",
                duration_ms=(time.monotonic() - started) * 1000,
                cold_start=cold,
            )
        duration = (time.monotonic() - started) * 1000
        if payload_json is not None:
            size = len(payload_json.encode("utf-8"))
            if size > MAX_RESPONSE_BYTES:
                return too_large(request_id, size, started, cold)
            return InvokeResult(
                InvokeStatus.OK,
                request_id,
                payload=json.loads(payload_json),
                duration_ms=duration,
                cold_start=cold,
            )
        return InvokeResult(
            InvokeStatus.ERROR,
            request_id,
            error_type=str(message.get("errorType")),
            error_message=str(message.get("errorMessage")),
            duration_ms=duration,
            cold_start=cold,
            stack_trace=stack_trace(message),
        )

    def _start(self) -> tuple[str, str, tuple[str, ...]] | None:
        """Start a new environment and run its init; returns (errorType, errorMessage, stack) on failure."""
        self._replace()
        self.cold_starts += 1
        process = _WorkerProcess(self.config, self._site_dirs)
        self._process = process
        self.code_dir = process.code_dir
        try:
            message = process.read_message(time.monotonic() + INIT_TIMEOUT_SECONDS)
        except (EOFError, ValueError):
            description = process.exit_description()
            self._replace()
            return ("Runtime.ExitError", f"Runtime exited with error: {description}", ())
        if message is None:
            self._replace()
            return ("Sandbox.Timedout", f"Init timed out after {INIT_TIMEOUT_SECONDS:.2f} seconds", ())
        if not message.get("ok"):
            self._replace()
            return (str(message.get("errorType")), str(message.get("errorMessage")), stack_trace(message))
        return None

    def _crashed(self, request_id: str, started: float, cold: bool) -> InvokeResult:
        process = self._process
        description = process.exit_description() if process is not None else "unknown"
        self._replace()
        return InvokeResult(
            InvokeStatus.CRASH,
            request_id,
            error_type="Runtime.ExitError",
            error_message=f"RequestId: {request_id} Error: Runtime exited with error: {description}",
            duration_ms=(time.monotonic() - started) * 1000,
            cold_start=cold,
        )

    def _replace(self) -> None:
        """Throw the current environment away; the next invocation starts a new one."""
        if self._process is not None:
            self._process.close()
            self._process = None
            self.replacements += 1

    def close(self) -> None:
        """Stop the worker process and delete its unzipped code."""
        if self._process is not None:
            self._process.close()
            self._process = None
