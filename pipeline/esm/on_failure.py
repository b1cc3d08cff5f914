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

SQS and SNS get the record alone: pointers, from which redrive reads the records back from the
stream (within its 24 hours). An S3 destination gets an object holding the record plus the batch
itself under ``payload`` (:func:`s3_object_document`), at
``aws/lambda/<mapping UUID>/<shardId>/YYYY/MM/DD/<YYYY-MM-DDTHH.MM.SS>-<uuid>``
(:func:`s3_object_key`), so it outlives the stream. :func:`parse_failure_body` is the one parser
of a received message (raw, inside an SNS notification, or an S3 object);
:meth:`OnFailureMessage.from_body` builds on it for the full record.
"""

from __future__ import annotations

import enum
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from pipeline.aws.arn import Arn
from pipeline.errors import InputError

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
    #: The record without ``payload``.
    body: Mapping[str, Any]
    #: The batch itself, when the record came from an S3 destination (its ``payload.Records``).
    records: tuple[Mapping[str, Any], ...] | None = None


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
    """Parse a received message body (or an S3 destination object) into the pointer at its batch.

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
    records: tuple[Mapping[str, Any], ...] | None = None
    if "payload" in document:
        payload = document.pop("payload")
        listed = payload.get("Records") if isinstance(payload, dict) else None
        if not isinstance(listed, list) or not all(isinstance(record, dict) for record in listed):
            raise NotAFailureMessageError("payload is not an event: it needs a Records list of objects")
        records = tuple(listed)
    return FailurePointer(
        stream_arn=info["streamArn"],
        shard_id=info["shardId"],
        start_sequence_number=info["startSequenceNumber"],
        end_sequence_number=info["endSequenceNumber"],
        batch_size=batch_size if isinstance(batch_size, int) and not isinstance(batch_size, bool) else 0,
        condition=str(condition),
        body=document,
        records=records,
    )


class _SqsClient(Protocol):
    def send_message(self, *, QueueUrl: str, MessageBody: str) -> Any: ...  # noqa: N803 - boto3 names
    def get_queue_url(self, *, QueueName: str, QueueOwnerAWSAccountId: str) -> Any: ...  # noqa: N803


class _SnsClient(Protocol):
    def publish(self, *, TopicArn: str, Message: str) -> Any: ...  # noqa: N803 - boto3 names


class _S3Client(Protocol):
    def put_object(self, *, Bucket: str, Key: str, Body: bytes, ContentType: str) -> Any: ...  # noqa: N803


def queue_url_for_arn(sqs: _SqsClient, queue_arn: str) -> str:
    """Resolve ``arn:aws:sqs:region:account:name`` to the queue URL the SQS API needs."""
    arn = Arn.parse(queue_arn, service="sqs")
    response = sqs.get_queue_url(QueueName=arn.resource, QueueOwnerAWSAccountId=arn.account)
    return str(response["QueueUrl"])


#: Where Lambda puts on-failure objects in an S3 destination bucket.
S3_KEY_PREFIX = "aws/lambda/"
_MAPPING_NAMESPACE = uuid.UUID("6d1b0f5e-3c1a-4c56-9a43-2f0c7f4e8b11")


def local_mapping_uuid(stream_arn: str, function_arn: str) -> str:
    """The local mapping's UUID: derived from its stream and function, so it is the same every run.

    AWS gives a mapping a random UUID at creation; it stays the mapping's for its life and
    there is one mapping per stream and function. A name-based UUID keeps both properties
    locally without storing anything.
    """
    return str(uuid.uuid5(_MAPPING_NAMESPACE, f"{stream_arn}\n{function_arn}"))


def s3_object_key(mapping_uuid: str, shard_id: str, moment: datetime, suffix: str | None = None) -> str:
    """``aws/lambda/<mapping UUID>/<shardId>/YYYY/MM/DD/<YYYY-MM-DDTHH.MM.SS>-<uuid>`` (UTC)."""
    utc = moment.astimezone(UTC)
    name = f"{utc:%Y-%m-%dT%H.%M.%S}-{uuid.uuid4() if suffix is None else suffix}"
    return f"{S3_KEY_PREFIX}{mapping_uuid}/{shard_id}/{utc:%Y/%m/%d}/{name}"


def s3_object_document(message: OnFailureMessage, records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The S3 destination object: the record plus ``payload: {"Records": [...]}``.

    Key order is AWS's: the object's keys and those of its sections sorted, the records in
    Lambda's event order, as they were sent to the function.
    """
    document: dict[str, Any] = {}
    for name, value in sorted({**message.to_json(), "payload": None}.items()):
        if name == "payload":
            document[name] = {"Records": [dict(record) for record in records]}
        elif isinstance(value, dict):
            document[name] = dict(sorted(value.items()))
        else:
            document[name] = value
    return document


class DestinationError(InputError, ValueError):
    """The on-failure destination cannot be used (wrong ARN, no client): a clear CLI error, exit 2."""


class OnFailureDestination:
    """Sends on-failure records to the mapping's destination: an SQS queue, SNS topic or S3 bucket ARN.

    ``mapping_uuid`` names the mapping in S3 keys; by default :func:`local_mapping_uuid`.
    """

    SERVICES = ("sqs", "sns", "s3")

    def __init__(
        self,
        destination_arn: str,
        sqs: _SqsClient | None = None,
        sns: _SnsClient | None = None,
        s3: _S3Client | None = None,
        *,
        mapping_uuid: str | None = None,
    ):
        self.destination_arn = destination_arn
        try:
            arn = Arn.parse(destination_arn)
        except ValueError:
            arn = None
        if arn is None or arn.service not in self.SERVICES or (arn.service == "s3" and "/" in arn.resource):
            raise DestinationError(
                f"on-failure destination must be an SQS queue, SNS topic or S3 bucket ARN: {destination_arn}"
            )
        self.service = arn.service
        self._resource = arn.resource
        self.mapping_uuid = mapping_uuid
        self._sqs = sqs
        self._sns = sns
        self._s3 = s3
        self._queue_url: str | None = None
        if {"sqs": sqs, "sns": sns, "s3": s3}[self.service] is None:
            # Known now, not when the first batch is given up on a shard thread.
            raise DestinationError(
                f"an {self.service.upper()} client is needed for on-failure destination {destination_arn}"
            )

    def send(self, message: OnFailureMessage, records: Sequence[Mapping[str, Any]]) -> str:
        """Deliver the record of one given-up batch; returns the MessageId (SQS, SNS) or object key (S3).

        ``records`` is the batch in Lambda's event shape: SQS and SNS records carry only pointers
        to it, an S3 destination stores it under ``payload``. Raises the client's error if the
        destination rejects the record.
        """
        if self.service == "sqs":
            assert self._sqs is not None, "an SQS client is required for an SQS destination"
            if self._queue_url is None:
                self._queue_url = queue_url_for_arn(self._sqs, self.destination_arn)
            response = self._sqs.send_message(QueueUrl=self._queue_url, MessageBody=message.to_body())
            return str(response["MessageId"])
        if self.service == "sns":
            assert self._sns is not None, "an SNS client is required for an SNS destination"
            # Message only: AWS's notification carries no Subject and no message attributes.
            return str(
                self._sns.publish(TopicArn=self.destination_arn, Message=message.to_body())["MessageId"]
            )
        assert self._s3 is not None, "an S3 client is required for an S3 destination"
        mapping = self.mapping_uuid or local_mapping_uuid(message.batch_info.stream_arn, message.function_arn)
        key = s3_object_key(mapping, message.batch_info.shard_id, message.timestamp)
        body = json.dumps(s3_object_document(message, records)).encode("utf-8")
        self._s3.put_object(Bucket=self._resource, Key=key, Body=body, ContentType="application/json")
        return key
