"""The user-profile processor's SNS notifications, against moto's SNS and SQS."""

from __future__ import annotations

import json
import socket
import uuid

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from handler.config import InvalidRecordAction
from handler.notifier import NotificationError, SnsNotifier, TransientNotificationError
from tests.handler.support import (
    STREAM_ARN,
    batch,
    build_handler,
    drain_queue,
    make_config,
    output_lines,
    profile_image,
    sequence_number,
    stream_record,
    topic_with_queue,
)


@pytest.mark.usefixtures("moto_endpoint")
def test_valid_insert_publishes_the_exact_notification(capsys: pytest.CaptureFixture[str]) -> None:
    topic_arn, queue_url = topic_with_queue(uuid.uuid4().hex[:8])
    handler = build_handler(make_config(notification_topic_arn=topic_arn))

    response = handler(
        batch(
            stream_record(1),
            stream_record(2, new_image=profile_image("u-0002", email={"S": "broken"})),
            stream_record(3, event_name="MODIFY"),
        )
    )

    assert response == {"batchItemFailures": [{"itemIdentifier": sequence_number(2)}]}
    envelopes = drain_queue(queue_url)
    assert len(envelopes) == 1
    assert envelopes[0]["TopicArn"] == topic_arn
    assert envelopes[0]["MessageAttributes"] == {"type": {"Type": "String", "Value": "user_profile.created"}}
    assert json.loads(envelopes[0]["Message"]) == {
        "type": "user_profile.created",
        "user_id": "u-0001",
        "status": "active",
        "event_id": stream_record(1)["eventID"],
        "sequence_number": sequence_number(1),
        "stream_arn": STREAM_ARN,
        "approximate_creation_time": "2025-11-25T15:47:41+00:00",
    }
    published = [
        line for line in output_lines(capsys) if line.get("message") == "user profile notification published"
    ]
    assert [line["message_id"] for line in published] == [envelopes[0]["MessageId"]]


@pytest.mark.usefixtures("moto_endpoint")
def test_dropped_invalid_profile_publishes_nothing() -> None:
    topic_arn, queue_url = topic_with_queue(uuid.uuid4().hex[:8])
    handler = build_handler(
        make_config(notification_topic_arn=topic_arn, invalid_record_action=InvalidRecordAction.DROP)
    )

    response = handler(batch(stream_record(1, new_image=profile_image("u-0001", age={"N": "200"}))))

    assert response == {"batchItemFailures": []}
    assert drain_queue(queue_url) == []


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_network_error_is_transient_and_fails_the_record(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Nothing listens on the port: connection refused, as when SNS is unreachable.
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_closed_port()}")
    topic_arn = "arn:aws:sns:us-east-1:123456789012:unreachable"
    handler = build_handler(make_config(notification_topic_arn=topic_arn))

    response = handler(
        batch(stream_record(1, event_name="REMOVE", old_image=profile_image("x")), stream_record(2))
    )

    assert response == {"batchItemFailures": [{"itemIdentifier": sequence_number(2)}]}
    reasons = [line["reason"] for line in output_lines(capsys) if line.get("message") == "record failed"]
    assert len(reasons) == 1
    assert reasons[0].startswith(f"TransientNotificationError: SNS publish to {topic_arn} failed: ")


def test_sns_notifier_classifies_connection_errors_as_transient(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_closed_port()}")

    with pytest.raises(TransientNotificationError) as raised:
        SnsNotifier("arn:aws:sns:us-east-1:123456789012:unreachable").publish({"hello": "world"})

    assert raised.value.transient is True


@pytest.mark.usefixtures("moto_endpoint")
def test_unknown_topic_is_a_permanent_error_that_still_fails_the_record() -> None:
    topic_arn = f"arn:aws:sns:us-east-1:123456789012:missing-{uuid.uuid4().hex[:8]}"
    notifier = SnsNotifier(topic_arn)

    with pytest.raises(NotificationError) as raised:
        notifier.publish({"hello": "world"})

    assert raised.value.transient is False
    assert "NotFound" in str(raised.value)
    handler = build_handler(make_config(notification_topic_arn=topic_arn))
    with pytest.raises(BatchProcessingError, match="The batch's first record failed"):
        handler(batch(stream_record(1)))


def test_no_topic_means_no_boto3_client() -> None:
    handler = build_handler()

    assert handler.context.notifier is None
