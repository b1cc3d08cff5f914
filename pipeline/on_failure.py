"""The on-failure destination record Lambda sends when it gives up on a stream batch.

The format is AWS's (recorded on real AWS, see ``tests/pipeline/fixtures``):

* ``requestContext``: requestId, functionArn, condition (``RetryAttemptsExhausted`` or
  ``RecordAgeExceeded``), approximateInvokeCount;
* ``responseContext``: statusCode 200, executedVersion ``$LATEST``, functionError
  (``"Unhandled"`` for a raised error, ``null`` when the function returned an invalid partial
  batch response) - absent altogether for ``RecordAgeExceeded``;
* ``version`` ``"1.0"``, ``timestamp`` with milliseconds (``2022-07-13T13:48:01.000Z``);
* ``DDBStreamBatchInfo``: shardId, start/end sequence numbers, approximate arrival of the first
  and last record WITHOUT fractional seconds (``2022-07-13T13:48:01Z``), batchSize, streamArn.

The record carries pointers, not the records: redrive reads them back from the stream.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

ON_FAILURE_VERSION = "1.0"


class Condition(enum.StrEnum):
    """Why Lambda gave up on the batch."""

    RETRY_ATTEMPTS_EXHAUSTED = "RetryAttemptsExhausted"
    RECORD_AGE_EXCEEDED = "RecordAgeExceeded"


def format_timestamp(moment: datetime) -> str:
    """``timestamp``: UTC with milliseconds, e.g. ``2022-07-13T13:48:01.000Z``."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def format_arrival(moment: datetime) -> str:
    """``approximateArrivalOf*``: UTC to the second, e.g. ``2022-07-13T13:48:01Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> datetime:
    """Parse either timestamp format back to an aware UTC datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


@dataclass(frozen=True)
class DDBStreamBatchInfo:
    """Which records the message is about: one shard, an inclusive sequence-number range."""

    shard_id: str
    start_sequence_number: str
    end_sequence_number: str
    approximate_arrival_of_first_record: datetime
    approximate_arrival_of_last_record: datetime
    batch_size: int
    stream_arn: str

    def to_json(self) -> dict[str, Any]:
        """AWS's field names and order."""
        return {
            "shardId": self.shard_id,
            "startSequenceNumber": self.start_sequence_number,
            "endSequenceNumber": self.end_sequence_number,
            "approximateArrivalOfFirstRecord": format_arrival(self.approximate_arrival_of_first_record),
            "approximateArrivalOfLastRecord": format_arrival(self.approximate_arrival_of_last_record),
            "batchSize": self.batch_size,
            "streamArn": self.stream_arn,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DDBStreamBatchInfo:
        """Parse the ``DDBStreamBatchInfo`` object."""
        return cls(
            shard_id=str(data["shardId"]),
            start_sequence_number=str(data["startSequenceNumber"]),
            end_sequence_number=str(data["endSequenceNumber"]),
            approximate_arrival_of_first_record=parse_timestamp(data["approximateArrivalOfFirstRecord"]),
            approximate_arrival_of_last_record=parse_timestamp(data["approximateArrivalOfLastRecord"]),
            batch_size=int(data["batchSize"]),
            stream_arn=str(data["streamArn"]),
        )


@dataclass(frozen=True)
class ResponseContext:
    """The last invocation's response metadata (present only for RetryAttemptsExhausted)."""

    function_error: str | None
    status_code: int = 200
    executed_version: str = "$LATEST"

    def to_json(self) -> dict[str, Any]:
        """AWS's field names and order; functionError is always present, possibly null."""
        return {
            "statusCode": self.status_code,
            "executedVersion": self.executed_version,
            "functionError": self.function_error,
        }


@dataclass(frozen=True)
class OnFailureMessage:
    """One on-failure record: what failed, why, and where its records are in the stream."""

    request_id: str
    function_arn: str
    condition: Condition
    approximate_invoke_count: int
    response_context: ResponseContext | None
    timestamp: datetime
    batch_info: DDBStreamBatchInfo
    version: str = ON_FAILURE_VERSION

    def to_json(self) -> dict[str, Any]:
        """The message as AWS sends it (key order included)."""
        body: dict[str, Any] = {
            "requestContext": {
                "requestId": self.request_id,
                "functionArn": self.function_arn,
                "condition": self.condition.value,
                "approximateInvokeCount": self.approximate_invoke_count,
            }
        }
        if self.response_context is not None:
            body["responseContext"] = self.response_context.to_json()
        body["version"] = self.version
        body["timestamp"] = format_timestamp(self.timestamp)
        body["DDBStreamBatchInfo"] = self.batch_info.to_json()
        return body

    def to_body(self) -> str:
        """The SQS message body / SNS message: the JSON document as a string."""
        return json.dumps(self.to_json())

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OnFailureMessage:
        """Parse a decoded message; raises KeyError/ValueError when it is not one."""
        request = data["requestContext"]
        response = data.get("responseContext")
        return cls(
            request_id=str(request["requestId"]),
            function_arn=str(request["functionArn"]),
            condition=Condition(request["condition"]),
            approximate_invoke_count=int(request["approximateInvokeCount"]),
            response_context=(
                ResponseContext(
                    function_error=response.get("functionError"),
                    status_code=int(response.get("statusCode", 200)),
                    executed_version=str(response.get("executedVersion", "$LATEST")),
                )
                if response is not None
                else None
            ),
            timestamp=parse_timestamp(data["timestamp"]),
            batch_info=DDBStreamBatchInfo.from_json(data["DDBStreamBatchInfo"]),
            version=str(data.get("version", ON_FAILURE_VERSION)),
        )

    @classmethod
    def from_body(cls, body: str) -> OnFailureMessage:
        """Parse an SQS message body; an SNS notification envelope is unwrapped too."""
        data = json.loads(body)
        if isinstance(data, dict) and data.get("Type") == "Notification" and "Message" in data:
            data = json.loads(data["Message"])
        return cls.from_json(data)


class _SqsClient(Protocol):
    def send_message(self, *, QueueUrl: str, MessageBody: str) -> Any: ...  # noqa: N803 - boto3 names
    def get_queue_url(self, *, QueueName: str, QueueOwnerAWSAccountId: str) -> Any: ...  # noqa: N803


class _SnsClient(Protocol):
    def publish(self, *, TopicArn: str, Message: str) -> Any: ...  # noqa: N803 - boto3 names


def queue_url_for_arn(sqs: _SqsClient, queue_arn: str) -> str:
    """Resolve ``arn:aws:sqs:region:account:name`` to the queue URL the SQS API needs."""
    parts = queue_arn.split(":")
    if len(parts) != 6 or parts[2] != "sqs":
        raise ValueError(f"not an SQS queue ARN: {queue_arn}")
    response = sqs.get_queue_url(QueueName=parts[5], QueueOwnerAWSAccountId=parts[4])
    return str(response["QueueUrl"])


class OnFailureDestination:
    """Sends on-failure records to the mapping's destination (an SQS queue or SNS topic ARN)."""

    def __init__(self, destination_arn: str, sqs: _SqsClient | None = None, sns: _SnsClient | None = None):
        self.destination_arn = destination_arn
        self._service = destination_arn.split(":")[2] if destination_arn.count(":") >= 5 else ""
        if self._service not in ("sqs", "sns"):
            raise ValueError(
                f"on-failure destination must be an SQS queue or SNS topic ARN: {destination_arn}"
            )
        self._sqs = sqs
        self._sns = sns
        self._queue_url: str | None = None

    def send(self, message: OnFailureMessage) -> None:
        """Deliver one message (raises the client's error if the destination rejects it)."""
        if self._service == "sqs":
            assert self._sqs is not None, "an SQS client is required for an SQS destination"
            if self._queue_url is None:
                self._queue_url = queue_url_for_arn(self._sqs, self.destination_arn)
            self._sqs.send_message(QueueUrl=self._queue_url, MessageBody=message.to_body())
        else:
            assert self._sns is not None, "an SNS client is required for an SNS destination"
            self._sns.publish(TopicArn=self.destination_arn, Message=message.to_body())
