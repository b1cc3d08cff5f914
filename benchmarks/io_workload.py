"""The I/O-bound batch of ``make bench``: the bundled profile processor with SNS and idempotency.

Every record of a 100-INSERT batch costs three AWS calls: Powertools idempotency saves the record
as in progress (PutItem) and then as completed (UpdateItem), and the processor publishes one SNS
notification. moto stands in for AWS, one process per service (:class:`MotoProcess`), so its CPU
is not the handler's; a botocore ``before-send`` hook (:func:`delay_every_call`) adds a fixed wait
to every call, standing for the network time real AWS costs.

Two handlers do the same work:

* ours: :class:`handler.app.StreamHandler` with the default processor, a topic, an idempotency
  table and ``concurrency`` threads;
* Powertools' stock recipe: ``BatchProcessor`` + ``process_partial_response``, a record handler
  reading ``DynamoDBRecord.dynamodb.new_image``, validating it with the same rules, publishing the
  same message, all inside Powertools' ``idempotent_function`` keyed on the same identity.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

REGION = "us-east-1"
ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "POWERTOOLS_LOG_LEVEL": "CRITICAL",
    "POWERTOOLS_METRICS_DISABLED": "true",
}

Handle = Callable[[Mapping[str, Any], object], object]


# moto's WSGI app (what ``moto_server`` runs), served the way AWS's endpoints behave rather than
# the way werkzeug's development server does, so the fake's own overhead stands in for as little
# client time as it must:
# * waitress keeps HTTP connections alive, as AWS does; werkzeug's dev server closes every
#   connection after one response, so each AWS call would also cost a TCP connect, a new server
#   thread and a reconnect in the client under test;
# * two per-request costs that depend on nothing in the request are done once: listing moto's
#   package directory to map a host to a service (dozens of stat calls per request), and
#   reflecting over a response class for its method names.
_MOTO_SERVER = """
import functools, os, sys
import moto.backends as backends
import moto.core.responses as responses
modules = tuple(backends.list_of_moto_modules())
backends.list_of_moto_modules = lambda: modules
responses.method_names_from_class = functools.cache(responses.method_names_from_class)
import waitress
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
port = int(sys.argv[1])
os.environ.setdefault("MOTO_PORT", str(port))
waitress.serve(
    DomainDispatcherApplication(create_backend_app),
    host="127.0.0.1", port=port, threads=16, _quiet=True,  # as many as the concurrent variants use
)
"""


class MotoProcess:
    """moto's app on a free loopback port, in its own process, with keep-alive connections."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> MotoProcess:
        self._process = subprocess.Popen(
            [sys.executable, "-c", _MOTO_SERVER, str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.endpoint_url}/moto-api/", timeout=2):
                    return self
            except OSError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the moto server process did not start") from None
                time.sleep(0.2)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=30)


def use_endpoints(*, dynamodb: str, sns: str) -> None:
    """Point every boto3 client of this process at moto, one endpoint per service as on AWS.

    DynamoDB and SNS are separate services with separate endpoints on AWS; one moto process each
    keeps one fake's CPU from capping the other's calls (``AWS_ENDPOINT_URL_<SERVICE>`` is
    botocore's per-service endpoint setting).
    """
    os.environ.update(ENVIRONMENT)
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = dynamodb
    os.environ["AWS_ENDPOINT_URL_SNS"] = sns


@dataclass(frozen=True)
class Resources:
    topic_arn: str
    table: str


def create_resources(label: str) -> Resources:
    """A fresh SNS topic and idempotency table (Powertools' default key schema) on moto."""
    import boto3  # noqa: PLC0415 - after use_endpoint

    suffix = f"{label}-{uuid.uuid4().hex[:6]}"
    topic_arn = boto3.client("sns", region_name=REGION).create_topic(Name=f"profiles-{suffix}")["TopicArn"]
    table = f"idempotency-{suffix}"
    boto3.client("dynamodb", region_name=REGION).create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return Resources(topic_arn, table)


def delay_every_call(client: Any, seconds: float) -> None:
    """Wait ``seconds`` before each request the client sends: the network time of real AWS."""
    if seconds <= 0:
        return

    def wait(**_: Any) -> None:
        time.sleep(seconds)

    client.meta.events.register("before-send", wait)


def our_handler(resources: Resources, concurrency: int, delay: float) -> Handle:
    """Our handler with the bundled profile processor, SNS and idempotency."""
    from handler.app import StreamHandler  # noqa: PLC0415
    from handler.config import FailureMode, HandlerConfig  # noqa: PLC0415
    from handler.idempotency import IdempotentRecordHandler  # noqa: PLC0415
    from handler.notifier import SnsNotifier  # noqa: PLC0415

    config = HandlerConfig(
        log_level="CRITICAL",
        notification_topic_arn=resources.topic_arn,
        idempotency_table=resources.table,
        concurrency=concurrency,
        failure_mode=FailureMode.STOP,
    )
    stream_handler = StreamHandler(config)
    notifier = stream_handler.context.notifier
    idempotent = stream_handler.record_handler
    assert isinstance(notifier, SnsNotifier)
    assert isinstance(idempotent, IdempotentRecordHandler)
    delay_every_call(notifier.client, delay)
    delay_every_call(idempotent.persistence.client, delay)
    return stream_handler


def stock_powertools(resources: Resources, delay: float) -> Handle:
    """Powertools' documented recipe doing the same work, one record after another."""
    import boto3  # noqa: PLC0415
    from aws_lambda_powertools.utilities.batch import (  # noqa: PLC0415
        BatchProcessor,
        EventType,
        process_partial_response,
    )
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (  # noqa: PLC0415
        DynamoDBRecord,
    )
    from aws_lambda_powertools.utilities.idempotency import (  # noqa: PLC0415
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    from handler.processors import user_profile  # noqa: PLC0415 - the same validation rules

    sns = boto3.client("sns", region_name=REGION)
    persistence = DynamoDBPersistenceLayer(table_name=resources.table)
    delay_every_call(sns, delay)
    delay_every_call(persistence.client, delay)
    config = IdempotencyConfig(expires_after_seconds=3600, raise_on_no_idempotency_key=True)

    @idempotent_function(  # type: ignore[untyped-decorator]
        data_keyword_argument="identity", persistence_store=persistence, config=config, key_prefix="stock"
    )
    def process_once(*, identity: dict[str, str], record: DynamoDBRecord) -> None:
        del identity
        stream = record.dynamodb
        profile = (stream.new_image if stream else None) or {}
        problems = user_profile.validate_profile(profile)
        if problems:
            raise ValueError("; ".join(problems))
        message = {
            "type": user_profile.NOTIFICATION_TYPE,
            "user_id": profile.get("user_id"),
            "status": profile.get("status"),
            "event_id": record.event_id,
            "sequence_number": stream.sequence_number if stream else None,
            "stream_arn": record.event_source_arn,
        }
        sns.publish(
            TopicArn=resources.topic_arn,
            Message=json.dumps(message, separators=(",", ":"), sort_keys=True, default=str),
            MessageAttributes={"type": {"DataType": "String", "StringValue": user_profile.NOTIFICATION_TYPE}},
        )

    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)

    def record_handler(record: DynamoDBRecord) -> None:
        process_once(
            identity={"stream_arn": record.event_source_arn or "", "event_id": record.event_id or ""},
            record=record,
        )

    def handle(event: Mapping[str, Any], context: object) -> object:
        config.register_lambda_context(context)  # type: ignore[arg-type]
        return process_partial_response(
            event=dict(event),
            record_handler=record_handler,
            processor=processor,
            context=context,  # type: ignore[arg-type]
        )

    return handle
