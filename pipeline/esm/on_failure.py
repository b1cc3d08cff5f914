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
:func:`parse_failure_body` is the one parser of a received message (raw, or inside an SNS
notification); :meth:`OnFailureMessage.from_body` builds on it for the full record.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from pipeline.aws.arn import Arn

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
        """Parse a received message body in full (raises NotAFailureMessageError when it is not one)."""
        pointer = parse_failure_body(body)
        try:
            return cls.from_json(dict(pointer.body))
        except (KeyError, TypeError, ValueError) as exc:
            raise NotAFailureMessageError(f"not a complete on-failure record: {exc!r}") from exc


class NotAFailureMessageError(ValueError):
    """The message is not a DynamoDB stream on-failure record."""


@dataclass(frozen=True)
class FailurePointer:
    """What an on-failure message says about the batch it gave up: enough to find its records."""

    stream_arn: str
    shard_id: str
    start_sequence_number: str
    end_sequence_number: str
    batch_size: int
    condition: str
    body: Mapping[str, Any]


def decode_body(text: str) -> dict[str, Any]:
    """The on-failure document of a message body: raw JSON, or the ``Message`` of an SNS notification.

    SNS -> SQS without raw message delivery wraps the record in a notification envelope.
    """
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise NotAFailureMessageError(f"body is not JSON: {exc}") from exc
    if isinstance(document, dict) and document.get("Type") == "Notification" and "Message" in document:
        return decode_body(str(document["Message"]))
    if not isinstance(document, dict):
        raise NotAFailureMessageError("body is not a JSON object")
    return document


def parse_failure_body(text: str) -> FailurePointer:
    """Parse a received message body into the pointer at its batch.

    Only ``DDBStreamBatchInfo``'s stream, shard and range are required, so a message whose other
    fields were altered (or come from a future format version) can still be redriven.
    """
    document = decode_body(text)
    info = document.get("DDBStreamBatchInfo")
    if not isinstance(info, dict):
        kinds = "KinesisBatchInfo" if "KinesisBatchInfo" in document else "no DDBStreamBatchInfo"
        raise NotAFailureMessageError(f"not a DynamoDB stream on-failure record ({kinds})")
    fields = ("streamArn", "shardId", "startSequenceNumber", "endSequenceNumber")
    missing = [name for name in fields if not isinstance(info.get(name), str) or not info.get(name)]
    if missing:
        raise NotAFailureMessageError(f"DDBStreamBatchInfo lacks {', '.join(missing)}")
    for name in ("startSequenceNumber", "endSequenceNumber"):
        if not str(info[name]).isdigit():
            raise NotAFailureMessageError(
                f"DDBStreamBatchInfo.{name} is not a sequence number: {info[name]!r}"
            )
    request_context = document.get("requestContext")
    condition = request_context.get("condition", "") if isinstance(request_context, dict) else ""
    batch_size = info.get("batchSize")
    return FailurePointer(
        stream_arn=info["streamArn"],
        shard_id=info["shardId"],
        start_sequence_number=info["startSequenceNumber"],
        end_sequence_number=info["endSequenceNumber"],
        batch_size=batch_size if isinstance(batch_size, int) else 0,
        condition=str(condition),
        body=document,
    )


class _SqsClient(Protocol):
    def send_message(self, *, QueueUrl: str, MessageBody: str) -> Any: ...  # noqa: N803 - boto3 names
    def get_queue_url(self, *, QueueName: str, QueueOwnerAWSAccountId: str) -> Any: ...  # noqa: N803


class _SnsClient(Protocol):
    def publish(self, *, TopicArn: str, Message: str) -> Any: ...  # noqa: N803 - boto3 names


def queue_url_for_arn(sqs: _SqsClient, queue_arn: str) -> str:
    """Resolve ``arn:aws:sqs:region:account:name`` to the queue URL the SQS API needs."""
    arn = Arn.parse(queue_arn, service="sqs")
    response = sqs.get_queue_url(QueueName=arn.resource, QueueOwnerAWSAccountId=arn.account)
    return str(response["QueueUrl"])


class OnFailureDestination:
    """Sends on-failure records to the mapping's destination (an SQS queue or SNS topic ARN)."""

    def __init__(self, destination_arn: str, sqs: _SqsClient | None = None, sns: _SnsClient | None = None):
        self.destination_arn = destination_arn
        try:
            self._service = Arn.parse(destination_arn).service
        except ValueError:
            self._service = ""
        if self._service not in ("sqs", "sns"):
            raise ValueError(
                f"on-failure destination must be an SQS queue or SNS topic ARN: {destination_arn}"
            )
        self._sqs = sqs
        self._sns = sns
        self._queue_url: str | None = None

    def send(self, message: OnFailureMessage, records: Sequence[Mapping[str, Any]]) -> None:
        """Deliver the record of one given-up batch (raises the client's error if the destination rejects it).

        ``records`` is the batch in Lambda's event shape: SQS and SNS records carry only pointers
        to it, an S3 destination stores it under ``payload``.
        """
        del records  # SQS and SNS records point into the stream
        if self._service == "sqs":
            assert self._sqs is not None, "an SQS client is required for an SQS destination"
            if self._queue_url is None:
                self._queue_url = queue_url_for_arn(self._sqs, self.destination_arn)
            self._sqs.send_message(QueueUrl=self._queue_url, MessageBody=message.to_body())
        else:
            assert self._sns is not None, "an SNS client is required for an SNS destination"
            self._sns.publish(TopicArn=self.destination_arn, Message=message.to_body())
