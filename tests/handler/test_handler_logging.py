"""Structured logs: record identity on every record line, item images only when switched on."""

from __future__ import annotations

from typing import Any

import pytest

from handler.config import FailureMode
from tests.handler.support import (
    batch,
    build_handler,
    make_config,
    output_lines,
    profile_image,
    stream_record,
)

# Values that only ever appear inside item images (never in keys).
EMAIL = "ada.lovelace@example.com"
NAME = "Ada Lovelace"
SECRET = "diary-entry-2f8c"


def _mixed_batch() -> dict[str, Any]:
    valid = profile_image("u-0001", email={"S": EMAIL}, name={"S": NAME}, note={"S": SECRET})
    invalid = profile_image("u-0002", email={"S": EMAIL}, name={"S": NAME}, age={"N": "-1"})
    malformed = profile_image("u-0003", email={"S": EMAIL}, note={"X": SECRET})
    return batch(
        stream_record(1, new_image=valid),
        stream_record(2, new_image=invalid),
        stream_record(3, new_image=malformed),
        stream_record(4, event_name="MODIFY", new_image=valid, old_image=valid),
    )


def test_images_never_reach_the_logs_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    handler = build_handler(make_config(failure_mode=FailureMode.CONTINUE))  # every record logs

    response = handler(_mixed_batch())

    assert len(response["batchItemFailures"]) == 2
    output = capsys.readouterr().out
    for value in (EMAIL, NAME, SECRET):
        assert value not in output


def test_record_lines_carry_identity(capsys: pytest.CaptureFixture[str]) -> None:
    handler = build_handler(make_config(failure_mode=FailureMode.CONTINUE))
    event = _mixed_batch()

    handler(event)

    record_lines = [line for line in output_lines(capsys) if "event_id" in line]
    assert [(line["message"], line["event_name"], line["keys"]) for line in record_lines] == [
        ("user profile created", "INSERT", {"user_id": "u-0001"}),
        ("record failed: invalid record", "INSERT", {"user_id": "u-0002"}),
        ("record failed: malformed stream record", "INSERT", {"user_id": "u-0003"}),
        ("record skipped: event name not allowed", "MODIFY", {"user_id": "u-0004"}),
    ]
    assert [line["event_id"] for line in record_lines] == [record["eventID"] for record in event["Records"]]


def test_image_logging_can_be_switched_on(capsys: pytest.CaptureFixture[str]) -> None:
    handler = build_handler(make_config(log_images=True))

    handler(_mixed_batch())

    created = next(line for line in output_lines(capsys) if line.get("message") == "user profile created")
    assert created["new_image"]["email"] == EMAIL
    assert created["new_image"]["note"] == SECRET


def test_successful_records_are_logged_at_debug_level_only(capsys: pytest.CaptureFixture[str]) -> None:
    quiet = build_handler()
    quiet(batch(stream_record(1)))
    assert [line for line in output_lines(capsys) if line.get("message") == "record processed"] == []

    verbose = build_handler(make_config(log_level="DEBUG"))
    verbose(batch(stream_record(1)))
    processed = [line for line in output_lines(capsys) if line.get("message") == "record processed"]
    assert [(line["level"], line["sequence_number"], line["keys"]) for line in processed] == [
        ("DEBUG", stream_record(1)["dynamodb"]["SequenceNumber"], {"user_id": "u-0001"})
    ]
