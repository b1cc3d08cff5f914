"""A raw Lambda handler whose answer each record scripts through its NewImage ``behaviour``.

It logs every invocation (request id, worker pid, sequence numbers, keys) as one JSON line to
``$PIPELINE_TEST_LOG`` so tests see exact batch boundaries and redeliveries. Behaviours:

* ``ok``: nothing; ``fail``: listed in batchItemFailures; ``raise``: the invocation raises;
* ``sleep-once`` / ``exit-once``: the first invocation that sees the record outlives the
  function timeout / exits the process (a marker file makes later attempts succeed);
* ``respond:<json>``: the invocation returns exactly that JSON (invalid or odd responses);
* ``respond-seq:<json>``: like respond, with ``SEQ`` replaced by the record's sequence number;
* ``sleep:<seconds>``: the invocation takes that long (concurrency tests); ``sleep-raise:<seconds>``
  takes that long, then raises;
* ``spawn-sleep:<seconds>``: starts a ``sleep 300`` child (its pid in ``$PIPELINE_TEST_LOG.child``),
  then sleeps;
* ``protocol-garbage``: writes a line that is not JSON to the runtime's own response pipe;
* ``huge-response``: returns a 7 MB answer (Lambda's limit is 6 MB); ``deep-response``: an answer
  nested too deep to encode as JSON.

An invocation that returns appends ``{"request_id", "started", "finished"}`` to
``$PIPELINE_TEST_LOG.ends``, so tests can tell which invocations overlapped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def _marker(sequence_number: str, kind: str) -> Path:
    return Path(os.environ["PIPELINE_TEST_LOG"] + f".{kind}.{sequence_number}")


def lambda_handler(event: dict[str, Any], context: Any) -> Any:
    started = time.time()
    answer = _handle(event, context)
    with open(os.environ["PIPELINE_TEST_LOG"] + ".ends", "a", encoding="utf-8") as ends:
        ends.write(
            json.dumps({"request_id": context.aws_request_id, "started": started, "finished": time.time()})
        )
        ends.write("\n")
    return answer


def _handle(event: dict[str, Any], context: Any) -> Any:
    records = event["Records"]
    entry = {
        "request_id": context.aws_request_id,
        "pid": os.getpid(),
        "seqs": [r["dynamodb"]["SequenceNumber"] for r in records],
        "keys": [r["dynamodb"]["Keys"]["pk"]["S"] for r in records],
        "event_names": [r["eventName"] for r in records],
        "remaining_ms": context.get_remaining_time_in_millis(),
        "cwd": os.getcwd(),
        "started": time.time(),
    }
    with open(os.environ["PIPELINE_TEST_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\n")
    if os.environ.get("PIPELINE_TEST_EVENTS"):
        with open(os.environ["PIPELINE_TEST_EVENTS"], "a", encoding="utf-8") as log:
            log.write(json.dumps(event) + "\n")
    failures = []
    for record in records:
        sequence_number = record["dynamodb"]["SequenceNumber"]
        behaviour = record["dynamodb"].get("NewImage", {}).get("behaviour", {}).get("S", "ok")
        if behaviour == "fail":
            failures.append({"itemIdentifier": sequence_number})
        elif behaviour == "raise":
            raise RuntimeError(f"record {sequence_number} always fails")
        elif behaviour in ("sleep-once", "exit-once"):
            marker = _marker(sequence_number, behaviour)
            if not marker.exists():
                marker.touch()
                if behaviour == "exit-once":
                    os._exit(7)
                time.sleep(30)
        elif behaviour.startswith("respond:"):
            return json.loads(behaviour.removeprefix("respond:"))
        elif behaviour.startswith("respond-seq:"):
            return json.loads(behaviour.removeprefix("respond-seq:").replace("SEQ", sequence_number))
        elif behaviour.startswith("sleep:"):
            time.sleep(float(behaviour.removeprefix("sleep:")))
        elif behaviour.startswith("sleep-raise:"):
            time.sleep(float(behaviour.removeprefix("sleep-raise:")))
            raise RuntimeError(f"record {sequence_number} always fails, slowly")
        elif behaviour.startswith("spawn-sleep:"):
            # A child of the handler's own, then a long invocation: neither may outlive the poller.
            child = subprocess.Popen(["sleep", "300"])
            Path(os.environ["PIPELINE_TEST_LOG"] + ".child").write_text(str(child.pid))
            time.sleep(float(behaviour.removeprefix("spawn-sleep:")))
        elif behaviour == "protocol-garbage":
            os.write(int(sys.argv[2]), b"this is not a protocol message\n")  # the runtime's response fd
        elif behaviour == "deep-response":
            answer: list[Any] = []
            for _ in range(100_000):
                answer = [answer]
            return answer
        elif behaviour == "huge-response":
            return {"padding": "x" * (7 * 1024 * 1024)}
    return {"batchItemFailures": failures}
