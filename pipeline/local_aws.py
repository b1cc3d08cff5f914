"""An embedded moto server on loopback that stands in for DynamoDB, Streams, SQS and SNS.

Server mode (rather than moto's decorators) is used because botocore sends DynamoDB Streams
calls to account-based endpoints the decorators do not route, and because the handler runs
in another process that must reach the same fake AWS over HTTP (``AWS_ENDPOINT_URL``).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import boto3
from botocore.config import Config

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
# moto's default account: ARNs it builds use it.
MOTO_ACCOUNT_ID = "123456789012"


def use_fake_credentials() -> None:
    """Make every boto3 client in this process (and the workers it starts) use moto's fake keys."""
    for name, value in FAKE_CREDENTIALS.items():
        os.environ[name] = value
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")


def client(service: str, endpoint_url: str | None, region: str | None) -> Any:
    """A boto3 client with short timeouts, so an unreachable endpoint fails fast."""
    config = Config(connect_timeout=3, read_timeout=20, retries={"max_attempts": 2, "mode": "standard"})
    return boto3.client(service, endpoint_url=endpoint_url, region_name=region, config=config)


class MotoServer:
    """``with MotoServer() as server: server.endpoint_url`` - a moto server on 127.0.0.1:<free port>."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer  # noqa: PLC0415 - moto is heavy; only the demo and tests need it

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.endpoint_url = ""

    def start(self) -> str:
        """Start serving and return the endpoint URL."""
        # werkzeug logs every request line to stderr; that would drown the demo's output.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        return self.endpoint_url

    def stop(self) -> None:
        """Stop the server (its in-memory state is lost)."""
        self._server.stop()

    def __enter__(self) -> MotoServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


@dataclass(frozen=True)
class LocalResources:
    """What :func:`create_resources` made: names and ARNs the pipeline and demo need."""

    endpoint_url: str
    region: str
    table_name: str
    stream_arn: str
    queue_url: str
    queue_arn: str
    topic_arn: str
    notifications_queue_url: str
    idempotency_table: str | None


def create_resources(
    endpoint_url: str,
    *,
    region: str = "us-east-1",
    table_name: str = "user-profiles",
    queue_name: str = "ddb-stream-handler-failures",
    topic_name: str = "user-profile-notifications",
    idempotency_table: str | None = None,
    hash_key: str = "id",
) -> LocalResources:
    """Create the table (stream NEW_AND_OLD_IMAGES), failure queue, topic and its subscriber queue.

    The topic gets an SQS subscription (raw delivery off) so the demo can show the notifications
    the handler published.
    """
    dynamodb = client("dynamodb", endpoint_url, region)
    table = dynamodb.create_table(
        TableName=table_name,
        KeySchema=[{"AttributeName": hash_key, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": hash_key, "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    if idempotency_table:
        dynamodb.create_table(
            TableName=idempotency_table,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    sqs = client("sqs", endpoint_url, region)
    queue_url = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    notifications_url = sqs.create_queue(QueueName=f"{topic_name}-subscriber")["QueueUrl"]
    notifications_arn = sqs.get_queue_attributes(QueueUrl=notifications_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sns = client("sns", endpoint_url, region)
    topic_arn = sns.create_topic(Name=topic_name)["TopicArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=notifications_arn)
    return LocalResources(
        endpoint_url=endpoint_url,
        region=region,
        table_name=table_name,
        stream_arn=str(table["LatestStreamArn"]),
        queue_url=queue_url,
        queue_arn=queue_arn,
        topic_arn=topic_arn,
        notifications_queue_url=notifications_url,
        idempotency_table=idempotency_table,
    )
