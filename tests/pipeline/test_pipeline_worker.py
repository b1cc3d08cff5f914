"""The execution environment never outlives its poller, and a broken runtime never breaks the poller.

A "poller" here is a small Python process that invokes a LambdaWorker with a record that sleeps;
the test then kills it with SIGKILL (nothing of it runs afterwards) or freezes it with SIGSTOP
(alive, but it can no longer enforce the function timeout) and watches the worker process, the
handler's own child process and the worker's code directory.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.pipeline.support import ROOT, SCRIPTED_HANDLER, Harness, Table

PARENT = f"""
import sys
from pathlib import Path
from pipeline.runtime.function import LocalFunction
from pipeline.runtime.worker import LambdaWorker
from pipeline.settings.model import FunctionSettings

zip_path, log, timeout, behaviour = sys.argv[1:5]
settings = FunctionSettings(
    {{"PIPELINE_TEST_LOG": log}}, timeout=float(timeout), memory_size=128, handler="{SCRIPTED_HANDLER}"
)
worker = LambdaWorker(LocalFunction(settings, zip_path=Path(zip_path)))
image = {{"behaviour": {{"S": behaviour}}}}
keys = {{"pk": {{"S": "a"}}}}
record = {{"eventName": "INSERT", "dynamodb": {{"Keys": keys, "NewImage": image, "SequenceNumber": "1"}}}}
print(worker.invoke({{"Records": [record]}}).status, flush=True)
"""


def _alive(pid: int) -> bool:
    """Running (a zombie nobody reaped yet counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def _wait_until(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


@contextmanager
def _poller_process(
    test_zip: Path, log: Path, timeout: float, behaviour: str
) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(test_zip), str(log), str(timeout), behaviour],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGCONT)
            process.kill()
        process.wait()
        assert process.stdout is not None
        process.stdout.close()


def _invocation(log: Path) -> dict[str, Any]:
    assert _wait_until(lambda: log.exists() and log.read_text().strip(), 60), "the handler never ran"
    entry: dict[str, Any] = json.loads(log.read_text().splitlines()[0])
    return entry


def test_a_worker_ends_when_its_poller_is_killed(test_zip: Path, tmp_path: Path) -> None:
    log = tmp_path / "invocations.jsonl"
    with _poller_process(test_zip, log, 60, "spawn-sleep:60") as parent:
        entry = _invocation(log)
        child_file = Path(f"{log}.child")
        assert _wait_until(child_file.exists, 10)
        worker, child, code_dir = entry["pid"], int(child_file.read_text()), Path(entry["cwd"])
        assert _alive(worker)
        assert _alive(child)
        assert code_dir.is_dir()

        parent.send_signal(signal.SIGKILL)
        parent.wait()

        # The worker sees its lifeline close: it removes its code and kills its process group.
        assert _wait_until(lambda: not _alive(worker) and not _alive(child), 5)
        assert not code_dir.exists()


def test_a_worker_ends_at_its_own_deadline_when_the_poller_cannot_act(test_zip: Path, tmp_path: Path) -> None:
    log = tmp_path / "invocations.jsonl"
    with _poller_process(test_zip, log, 1, "sleep:60") as parent:
        entry = _invocation(log)
        worker, code_dir = entry["pid"], Path(entry["cwd"])
        parent.send_signal(signal.SIGSTOP)  # alive, holding the lifeline, but frozen
        started = time.monotonic()

        assert _wait_until(lambda: not _alive(worker), 10)
        # Function timeout 1 s, then the runtime's grace of 1 s (the poller acts first when it can).
        assert time.monotonic() - started < 4
        assert not code_dir.exists()
        parent.send_signal(signal.SIGCONT)
        out, _ = parent.communicate(timeout=30)
        assert out.strip() in ("timeout", "crash")


def test_no_code_directory_is_left_after_a_run(harness: Harness, table: Table) -> None:
    table.put("a")
    table.put("b", "exit-once")  # the environment is replaced once

    harness.run()

    code_dirs = {Path(entry["cwd"]) for entry in harness.invocations()}
    assert len(code_dirs) == 2
    assert not any(path.exists() for path in code_dirs)


def test_a_runtime_message_that_is_not_the_protocol_is_a_crash(harness: Harness, table: Table) -> None:
    table.put("a", "protocol-garbage")

    poller = harness.run()

    counters = poller.counters.as_dict()
    assert counters["crashes"] == 3  # base.tfvars: MaximumRetryAttempts 2
    assert len({entry["pid"] for entry in harness.invocations()}) == 3  # replaced every time
    (message,) = table.failure_messages()
    assert message.response_context is not None
    assert message.response_context.function_error == "Unhandled"


def test_a_response_over_6_mb_fails_like_on_lambda(harness: Harness, table: Table) -> None:
    table.put("a", "huge-response")
    errors: list[str] = []

    def note(event: Any) -> None:
        if getattr(event, "result", None) is not None and not event.result.ok:
            errors.append(f"{event.result.error_type}: {event.result.error_message}")

    poller = harness.poller(listener=note)
    poller.run(until_drained=True, timeout=60)

    size = len(json.dumps({"padding": "x" * (7 * 1024 * 1024)}))
    assert (
        errors
        == [
            f"Function.ResponseSizeTooLarge: Response payload size ({size} bytes) exceeded maximum allowed "
            "payload size (6291556 bytes)."
        ]
        * 3
    )
    assert poller.counters.as_dict()["function_errors"] == 3
    assert len(table.failure_messages()) == 1


def test_an_answer_too_deep_to_encode_is_a_marshal_error(harness: Harness, table: Table) -> None:
    table.put("a", "deep-response")
    errors: list[str] = []

    def note(event: Any) -> None:
        if getattr(event, "result", None) is not None and not event.result.ok:
            errors.append(str(event.result.error_type))

    harness.poller(listener=note).run(until_drained=True, timeout=60)

    assert errors == ["Runtime.MarshalError"] * 3
    assert len({entry["pid"] for entry in harness.invocations()}) == 1  # the environment survived
