"""Publishing notifications to SNS, with boto3 loaded only on first use.

boto3 costs more to import than the whole Powertools stack, so a function configured without a
topic never imports it, and one configured with a topic pays for it on the first publish rather
than in every init. The client honours ``AWS_ENDPOINT_URL`` (boto3's standard setting), which is
how the local pipeline points it at moto.

Every publish error propagates, so the record fails and the mapping retries it; the error is
wrapped in :class:`TransientNotificationError` (throttling, network, 5xx: retrying will likely
work) or :class:`NotificationError` (for example a missing topic or no permission: retries
will keep failing until the configuration is fixed, then the parked records can be redriven).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any, Protocol

# boto3 ships no type stubs for its clients (and the stub packages are not a runtime dependency).
SNSClient = Any

# Error codes SNS (and the SDK's own throttling handling) use for "try again later".
_TRANSIENT_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "InternalError",
        "InternalFailure",
        "ServiceUnavailable",
        "KMSThrottlingException",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)


class NotificationError(RuntimeError):
    """Publishing failed in a way retrying alone will not fix (e.g. unknown topic, access denied)."""

    transient = False


class TransientNotificationError(NotificationError):
    """Publishing failed in a way a retry will likely fix (throttling, network, service errors)."""

    transient = True


class Notifier(Protocol):
    """What processors use to publish a notification."""

    def publish(self, message: Mapping[str, Any], attributes: Mapping[str, str] | None = None) -> str:
        """Publish ``message`` as JSON; return the message id. Raise NotificationError on failure."""
        ...  # pragma: no cover - protocol


class SnsNotifier:
    """Publishes JSON messages to one SNS topic through a lazily created boto3 client.

    Thread-safe: the client is created once under a lock and shared, ``publish`` keeps no state.
    """

    def __init__(self, topic_arn: str, max_connections: int = 1) -> None:
        self.topic_arn = topic_arn
        self.max_connections = max_connections
        self._client: SNSClient | None = None
        self._lock = threading.Lock()

    @property
    def client(self) -> SNSClient:
        """The boto3 SNS client, created (and boto3 imported) on first access."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = _new_sns_client(self.topic_arn, self.max_connections)
        return self._client

    def publish(self, message: Mapping[str, Any], attributes: Mapping[str, str] | None = None) -> str:
        """Publish ``message`` as a JSON string, with optional string message attributes."""
        from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415 - lazy on purpose

        request: dict[str, Any] = {
            "TopicArn": self.topic_arn,
            "Message": json.dumps(message, separators=(",", ":"), sort_keys=True, default=str),
        }
        if attributes:
            request["MessageAttributes"] = {
                name: {"DataType": "String", "StringValue": value} for name, value in attributes.items()
            }
        try:
            response = self.client.publish(**request)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
            kind = (
                TransientNotificationError if code in _TRANSIENT_CODES or status >= 500 else NotificationError
            )
            raise kind(f"SNS publish to {self.topic_arn} failed: {code or status}: {error}") from error
        except BotoCoreError as error:
            # Connection refused/reset, timeouts, DNS failures and the like: the network, not us.
            raise TransientNotificationError(f"SNS publish to {self.topic_arn} failed: {error}") from error
        return str(response["MessageId"])


def _new_sns_client(topic_arn: str, max_connections: int) -> SNSClient:
    import boto3  # noqa: PLC0415 - lazy on purpose, see the module docstring
    from botocore.config import Config  # noqa: PLC0415

    # The topic's region (from its ARN) wins over AWS_REGION, so a cross-region topic works.
    region = topic_arn.split(":")[3]
    # Few SDK retries and short timeouts: the event source mapping retries the record anyway, and
    # a stuck publish must not eat the function's timeout.
    # One client serves every thread of a concurrent batch (boto3 clients are thread-safe); its
    # connection pool must hold one connection per thread, or threads wait and connections churn.
    config = Config(
        connect_timeout=3,
        read_timeout=10,
        retries={"mode": "standard", "max_attempts": 3},
        max_pool_connections=max(10, max_connections),
    )
    return boto3.client("sns", region_name=region, config=config)
