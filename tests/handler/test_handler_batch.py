"""Batch semantics: partial batch responses, skipped event names, all-fail, malformed records."""

from __future__ import annotations

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from handler.batch import FirstRecordFailedError, UnreportableFailureError
from handler.config import FailureMode, InvalidRecordAction
from handler.processing import DropRecord, ProcessingContext
from handler.record import ChangeRecord
from tests.handler.support import (
    batch,
    build_handler,
    emf_metrics,
    make_config,
    output_lines,
    profile_image,
    recorded_event,
    sequence_number,
    stream_record,
)


class Recorder:
    """A processor that remembers what it saw and fails records whose user_id it is told to."""

    def __init__(self, fail_user_ids: frozenset[str] = frozenset()) -> None:
        self.fail_user_ids = fail_user_ids
        self.seen: list[ChangeRecord] = []

    def __call__(self, record: ChangeRecord, context: ProcessingContext) -> None:  # noqa: ARG002
        self.seen.append(record)
        if record.keys.get("user_id") in self.fail_user_ids:
            raise RuntimeError("downstream rejected the record")


def test_recorded_batch_reports_exactly_the_failing_sequence_number(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The AWS-recorded scenario: six inserts, only testId5 has should_fail = true.
    def fail_flagged(record: ChangeRecord, context: ProcessingContext) -> None:
        assert record.new_image is not None
        if record.new_image["should_fail"]:
            raise RuntimeError("should_fail is set")

    handler = build_handler(processor=fail_flagged)

    response = handler(recorded_event("six_inserts_one_failing"))

    assert response == {"batchItemFailures": [{"itemIdentifier": "800000000000123456706"}]}
    assert emf_metrics(output_lines(capsys)) == {
        "RecordsProcessed": 5.0,
        "RecordsSkipped": 0.0,
        "RecordsDropped": 0.0,
        "RecordsFailed": 1.0,
    }


def test_all_success_returns_an_empty_failure_list() -> None:
    recorder = Recorder()
    handler = build_handler(processor=recorder)

    response = handler(batch(stream_record(1), stream_record(2)))

    assert response == {"batchItemFailures": []}
    assert [record.sequence_number for record in recorder.seen] == [sequence_number(1), sequence_number(2)]


def test_empty_batch_is_a_success(capsys: pytest.CaptureFixture[str]) -> None:
    handler = build_handler(processor=Recorder())

    assert handler(batch()) == {"batchItemFailures": []}
    assert emf_metrics(output_lines(capsys)) == {
        "RecordsProcessed": 0.0,
        "RecordsSkipped": 0.0,
        "RecordsDropped": 0.0,
        "RecordsFailed": 0.0,
    }


def test_stops_at_the_first_failure_and_reports_only_it(capsys: pytest.CaptureFixture[str]) -> None:
    recorder = Recorder(fail_user_ids=frozenset({"u-0002", "u-0004"}))
    handler = build_handler(processor=recorder)

    response = handler(batch(*(stream_record(index) for index in range(1, 6))))

    # Lambda re-sends records 2-5; running 3-5 now would only repeat them.
    assert response == {"batchItemFailures": [{"itemIdentifier": sequence_number(2)}]}
    assert [record.sequence_number for record in recorder.seen] == [sequence_number(1), sequence_number(2)]
    lines = output_lines(capsys)
    assert emf_metrics(lines) == {
        "RecordsProcessed": 1.0,
        "RecordsSkipped": 0.0,
        "RecordsDropped": 0.0,
        "RecordsFailed": 1.0,
    }
    (summary,) = [line for line in lines if line.get("message") == "batch processed"]
    assert summary["records_not_started"] == 3


def test_continue_mode_reports_each_failed_sequence_number_in_order() -> None:
    recorder = Recorder(fail_user_ids=frozenset({"u-0002", "u-0004"}))
    handler = build_handler(make_config(failure_mode=FailureMode.CONTINUE), processor=recorder)

    response = handler(batch(*(stream_record(index) for index in range(1, 6))))

    assert response == {
        "batchItemFailures": [{"itemIdentifier": sequence_number(2)}, {"itemIdentifier": sequence_number(4)}]
    }
    assert len(recorder.seen) == 5  # Powertools' behaviour: the batch went on after each failure


def test_first_record_failing_raises_so_the_whole_batch_is_retried(
    capsys: pytest.CaptureFixture[str],
) -> None:
    recorder = Recorder(fail_user_ids=frozenset({"u-0001"}))
    handler = build_handler(processor=recorder)

    with pytest.raises(FirstRecordFailedError, match="The batch's first record failed") as raised:
        handler(batch(stream_record(1), stream_record(2)))

    assert isinstance(raised.value, BatchProcessingError)  # what Powertools users catch
    assert [record.sequence_number for record in recorder.seen] == [sequence_number(1)]
    # The counts are still published for the failed invocation.
    assert emf_metrics(output_lines(capsys))["RecordsFailed"] == 1.0


def test_continue_mode_raises_when_every_record_failed(capsys: pytest.CaptureFixture[str]) -> None:
    handler = build_handler(
        make_config(failure_mode=FailureMode.CONTINUE),
        processor=Recorder(fail_user_ids=frozenset({"u-0001", "u-0002"})),
    )

    with pytest.raises(BatchProcessingError, match="All records failed processing"):
        handler(batch(stream_record(1), stream_record(2)))

    assert emf_metrics(output_lines(capsys))["RecordsFailed"] == 2.0


def test_continue_mode_first_record_failing_is_a_partial_response() -> None:
    recorder = Recorder(fail_user_ids=frozenset({"u-0001"}))
    handler = build_handler(make_config(failure_mode=FailureMode.CONTINUE), processor=recorder)

    response = handler(batch(stream_record(1), stream_record(2)))

    assert response == {"batchItemFailures": [{"itemIdentifier": sequence_number(1)}]}


def test_other_event_names_are_skipped_and_counted_never_failed(capsys: pytest.CaptureFixture[str]) -> None:
    recorder = Recorder(fail_user_ids=frozenset({"u-0002", "u-0003"}))
    handler = build_handler(processor=recorder)

    response = handler(
        batch(
            stream_record(1),
            stream_record(2, event_name="MODIFY", old_image=profile_image("u-0002")),
            stream_record(3, event_name="REMOVE", old_image=profile_image("u-0003")),
        )
    )

    assert response == {"batchItemFailures": []}
    assert [record.event_name for record in recorder.seen] == ["INSERT"]
    lines = output_lines(capsys)
    assert emf_metrics(lines) == {
        "RecordsProcessed": 1.0,
        "RecordsSkipped": 2.0,
        "RecordsDropped": 0.0,
        "RecordsFailed": 0.0,
    }
    skipped = [line for line in lines if line.get("message") == "record skipped: event name not allowed"]
    assert [(line["event_name"], line["sequence_number"]) for line in skipped] == [
        ("MODIFY", sequence_number(2)),
        ("REMOVE", sequence_number(3)),
    ]


def test_a_skipped_record_before_a_failure_counts_as_success() -> None:
    handler = build_handler(processor=Recorder(fail_user_ids=frozenset({"u-0002"})))

    response = handler(
        batch(stream_record(1, event_name="REMOVE", old_image=profile_image("x")), stream_record(2))
    )

    assert response == {"batchItemFailures": [{"itemIdentifier": sequence_number(2)}]}


def test_continue_mode_batch_of_only_skipped_and_failing_records_is_a_partial_response() -> None:
    recorder = Recorder(fail_user_ids=frozenset({"u-0001"}))
    handler = build_handler(make_config(failure_mode=FailureMode.CONTINUE), processor=recorder)

    response = handler(
        batch(stream_record(1), stream_record(2, event_name="REMOVE", old_image=profile_image("x")))
    )

    assert response == {"batchItemFailures": [{"itemIdentifier": sequence_number(1)}]}


def test_allowed_event_names_are_configurable() -> None:
    recorder = Recorder()
    handler = build_handler(
        make_config(allowed_event_names=frozenset({"INSERT", "MODIFY"})), processor=recorder
    )

    handler(
        batch(stream_record(1), stream_record(2, event_name="MODIFY"), stream_record(3, event_name="REMOVE"))
    )

    assert [record.event_name for record in recorder.seen] == ["INSERT", "MODIFY"]


def test_malformed_record_stops_the_batch_like_any_failure(capsys: pytest.CaptureFixture[str]) -> None:
    bad_type = stream_record(2, new_image=profile_image("u-0002", score={"D": "1"}))
    recorder = Recorder()
    handler = build_handler(processor=recorder)

    response = handler(batch(stream_record(1), bad_type, stream_record(3)))

    assert response == {"batchItemFailures": [{"itemIdentifier": sequence_number(2)}]}
    assert [record.sequence_number for record in recorder.seen] == [sequence_number(1)]
    reasons = [line["reason"] for line in output_lines(capsys) if "reason" in line]
    assert reasons == [
        "AttributeDecodeError: NewImage.score: unsupported attribute type descriptor 'D' "
        "(expected one of S, N, B, BOOL, NULL, M, L, SS, NS, BS)"
    ]


def test_continue_mode_malformed_records_fail_alone_with_a_logged_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    no_dynamodb = stream_record(2)
    del no_dynamodb["dynamodb"]
    no_dynamodb["dynamodb"] = {"SequenceNumber": sequence_number(2)}  # Keys and images missing
    bad_type = stream_record(3, new_image=profile_image("u-0003", score={"D": "1"}))
    keys_only = stream_record(4, view_type="KEYS_ONLY")
    recorder = Recorder()

    def needs_new_image(record: ChangeRecord, context: ProcessingContext) -> None:
        recorder(record, context)
        if record.new_image is None:
            raise ValueError("this processor needs NewImage")

    handler = build_handler(make_config(failure_mode=FailureMode.CONTINUE), processor=needs_new_image)

    response = handler(batch(stream_record(1), no_dynamodb, bad_type, keys_only, stream_record(5)))

    assert response == {
        "batchItemFailures": [
            {"itemIdentifier": sequence_number(2)},
            {"itemIdentifier": sequence_number(3)},
            {"itemIdentifier": sequence_number(4)},
        ]
    }
    assert [record.sequence_number for record in recorder.seen] == [
        sequence_number(1),
        sequence_number(4),
        sequence_number(5),
    ]
    reasons = {line["sequence_number"]: line["reason"] for line in output_lines(capsys) if "reason" in line}
    assert reasons == {
        sequence_number(2): "MalformedRecordError: record has no 'dynamodb.Keys'",
        sequence_number(3): "AttributeDecodeError: NewImage.score: unsupported attribute type descriptor 'D' "
        "(expected one of S, N, B, BOOL, NULL, M, L, SS, NS, BS)",
        sequence_number(4): "ValueError: this processor needs NewImage",
    }


def test_record_with_unreadable_dynamodb_object_fails_the_whole_batch() -> None:
    broken = stream_record(2)
    broken["dynamodb"] = "not an object"
    handler = build_handler(processor=Recorder())

    with pytest.raises(UnreportableFailureError, match=r"has no dynamodb\.SequenceNumber"):
        handler(batch(stream_record(1), broken))


def test_failed_record_without_sequence_number_fails_the_whole_batch() -> None:
    nameless = stream_record(2)
    del nameless["dynamodb"]["SequenceNumber"]
    handler = build_handler(processor=Recorder())

    with pytest.raises(UnreportableFailureError) as raised:
        handler(batch(stream_record(1), nameless))

    assert str(raised.value) == (
        f"record {nameless['eventID']!r} failed and has no dynamodb.SequenceNumber to report in "
        "batchItemFailures; failing the whole batch so the mapping retries it"
    )


def test_event_without_records_list_is_rejected() -> None:
    handler = build_handler(processor=Recorder())

    with pytest.raises(ValueError, match="event has no 'Records' list"):
        handler({"records": []})


def test_drop_record_is_counted_not_failed(capsys: pytest.CaptureFixture[str]) -> None:
    def drop_second(record: ChangeRecord, context: ProcessingContext) -> None:
        if record.sequence_number == sequence_number(2):
            raise DropRecord("not interesting")

    handler = build_handler(processor=drop_second)

    response = handler(batch(stream_record(1), stream_record(2)))

    assert response == {"batchItemFailures": []}
    lines = output_lines(capsys)
    assert emf_metrics(lines)["RecordsDropped"] == 1.0
    assert emf_metrics(lines)["RecordsProcessed"] == 1.0
    dropped = [line for line in lines if line.get("message") == "record dropped"]
    assert [(line["sequence_number"], line["reason"]) for line in dropped] == [
        (sequence_number(2), "not interesting")
    ]


def test_handler_is_reusable_across_invocations() -> None:
    recorder = Recorder(fail_user_ids=frozenset({"u-0002"}))
    handler = build_handler(processor=recorder)

    first = handler(batch(stream_record(1), stream_record(2)))
    second = handler(batch(stream_record(3)))

    assert first == {"batchItemFailures": [{"itemIdentifier": sequence_number(2)}]}
    assert second == {"batchItemFailures": []}


def test_invalid_profile_fails_by_default_and_drops_when_configured(
    capsys: pytest.CaptureFixture[str],
) -> None:
    invalid = stream_record(
        2, new_image=profile_image("u-0002", email={"S": "no-at-sign"}, age={"N": "12.5"})
    )
    event = batch(stream_record(1), invalid)

    failing = build_handler()  # the bundled user-profile processor, action "fail"
    assert failing(event) == {"batchItemFailures": [{"itemIdentifier": sequence_number(2)}]}
    failed_lines = [
        line for line in output_lines(capsys) if line.get("message") == "record failed: invalid record"
    ]
    assert [line["reason"] for line in failed_lines] == [
        "InvalidProfileError: invalid user profile: email must be a string shaped like name@example.com; "
        "age must be a whole number from 0 to 150"
    ]

    dropping = build_handler(make_config(invalid_record_action=InvalidRecordAction.DROP))
    assert dropping(event) == {"batchItemFailures": []}
    assert emf_metrics(output_lines(capsys))["RecordsDropped"] == 1.0
