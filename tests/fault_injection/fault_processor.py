"""The fault-injection record processor, shipped in the test zip next to the handler package.

It is loaded through the handler's extension point (``STREAM_HANDLER_PROCESSOR =
fault_processor:process_record``), so it runs inside the worker process exactly like a team's own
processor. What it does to a record is decided by the item's ``fault`` attribute, written by the
test:

* none: succeed;
* ``transient:N``: fail the first N attempts, then succeed;
* ``poison``: fail every attempt until the control table holds ``{"id": "poison-fixed"}``;
* ``crash``: on the first attempt, kill the worker process mid-batch (``os._exit``);
* ``hang``: on the first attempt, sleep past the function timeout.

Attempts are counted in a moto DynamoDB table, because a crash or a timeout replaces the process.
On success the side effect is written: ``ADD effects 1`` on the record's item in the effects
table, keyed by sequence number, so the test can count how often each record's effect happened.
Every call is appended to a log file (one short line, a single ``write`` on an O_APPEND file, so
lines from successive processes never interleave).
"""

from __future__ import annotations

import os
import time
from typing import Any

import boto3

_DYNAMODB: Any = None


def _dynamodb() -> Any:
    global _DYNAMODB  # noqa: PLW0603 - one client per worker process, created on first use
    if _DYNAMODB is None:
        _DYNAMODB = boto3.client("dynamodb")
    return _DYNAMODB


def _log(line: str) -> None:
    descriptor = os.open(os.environ["FAULT_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, (line + "\n").encode())
    finally:
        os.close(descriptor)


def _attempt(sequence_number: str) -> int:
    response = _dynamodb().update_item(
        TableName=os.environ["FAULT_CONTROL_TABLE"],
        Key={"id": {"S": f"attempts:{sequence_number}"}},
        UpdateExpression="ADD attempts :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
        ReturnValues="UPDATED_NEW",
    )
    return int(response["Attributes"]["attempts"]["N"])


def _poison_fixed() -> bool:
    item = _dynamodb().get_item(
        TableName=os.environ["FAULT_CONTROL_TABLE"], Key={"id": {"S": "poison-fixed"}}, ConsistentRead=True
    )
    return "Item" in item


def process_record(record: Any, context: Any) -> None:
    """Apply the record's fault, then write its side effect."""
    sequence_number = record.sequence_number
    image = record.new_image or {}
    fault = str(image.get("fault", ""))
    _log(f"{record.event_name} {sequence_number} {fault or '-'}")
    if fault:
        attempt = _attempt(sequence_number)
        if fault.startswith("transient:") and attempt <= int(fault.split(":", 1)[1]):
            raise ConnectionError(f"transient failure {attempt} of record {sequence_number}")
        if fault == "poison" and not _poison_fixed():
            raise ValueError(f"poison record {sequence_number}")
        if fault == "crash" and attempt == 1:
            os._exit(17)
        if fault == "hang" and attempt == 1:
            time.sleep(float(os.environ["FAULT_HANG_SECONDS"]))
    _dynamodb().update_item(
        TableName=os.environ["FAULT_EFFECTS_TABLE"],
        Key={"seq": {"S": sequence_number}},
        UpdateExpression="ADD effects :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )
