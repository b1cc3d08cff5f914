"""The AWS resources the demo and ``run --embedded`` create on the moto server."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.aws.clients import DEFAULT_REGION, client


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


def queue_arn_of(sqs: Any, queue_url: str) -> str:
    """The ARN of a queue given by URL."""
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]
    return str(attributes["QueueArn"])


def create_idempotency_table(dynamodb: Any, name: str) -> None:
    """A table in the shape Powertools' DynamoDB persistence layer expects (key ``id``)."""
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def create_resources(
    endpoint_url: str,
    *,
    region: str = DEFAULT_REGION,
    table_name: str = "user-profiles",
    queue_name: str = "ddb-stream-handler-failures",
    topic_name: str = "user-profile-notifications",
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
    sqs = client("sqs", endpoint_url, region)
    queue_url = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
    notifications_url = sqs.create_queue(QueueName=f"{topic_name}-subscriber")["QueueUrl"]
    sns = client("sns", endpoint_url, region)
    topic_arn = sns.create_topic(Name=topic_name)["TopicArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn_of(sqs, notifications_url))
    return LocalResources(
        endpoint_url=endpoint_url,
        region=region,
        table_name=table_name,
        stream_arn=str(table["LatestStreamArn"]),
        queue_url=queue_url,
        queue_arn=queue_arn_of(sqs, queue_url),
        topic_arn=topic_arn,
        notifications_queue_url=notifications_url,
    )


#: The on-failure destination types Lambda offers for stream mappings.
DESTINATION_TYPES = ("sqs", "sns", "s3")


@dataclass(frozen=True)
class FailureDestination:
    """An on-failure destination on the moto server, and where to read what was parked on it.

    ``queue_url`` is the queue itself (sqs) or a queue subscribed to the topic (sns, raw delivery
    off, so it receives the notification envelope AWS would deliver); ``bucket`` is the bucket (s3).
    """

    kind: str
    arn: str
    queue_url: str | None = None
    bucket: str | None = None


def create_failure_destination(
    endpoint_url: str, kind: str, *, region: str = DEFAULT_REGION, name: str = "ddb-stream-handler-failures"
) -> FailureDestination:
    """Create an on-failure destination of type ``kind`` (sqs, sns or s3) named ``name``."""
    if kind not in DESTINATION_TYPES:
        raise ValueError(f"destination type must be one of {', '.join(DESTINATION_TYPES)}, got {kind!r}")
    sqs = client("sqs", endpoint_url, region)
    if kind == "sqs":
        queue_url = sqs.create_queue(QueueName=name)["QueueUrl"]
        return FailureDestination(kind, queue_arn_of(sqs, queue_url), queue_url=queue_url)
    if kind == "sns":
        sns = client("sns", endpoint_url, region)
        topic_arn = str(sns.create_topic(Name=name)["TopicArn"])
        queue_url = sqs.create_queue(QueueName=f"{name}-subscriber")["QueueUrl"]
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn_of(sqs, queue_url))
        return FailureDestination(kind, topic_arn, queue_url=queue_url)
    s3 = client("s3", endpoint_url, region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    return FailureDestination(kind, f"arn:aws:s3:::{name}", bucket=name)
