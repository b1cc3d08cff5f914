"""Per-record idempotency with Powertools and a DynamoDB persistence table.

Why per record: when a record fails, Lambda re-sends every record after the lowest failed
sequence number, including ones this function already processed successfully. Wrapping each
record's processing in ``idempotent_function`` keyed on the record's identity makes those
re-deliveries return the stored result instead of repeating side effects (an SNS notification).

The key is the stream ARN plus the eventID (DynamoDB's globally unique id for the stream record):
a re-delivered record carries the same values, a new write never does. The key prefix is the
service name and the processor spec, so two functions on the same table with different
processors do not swallow each other's records, and renaming the function does not reset it.

This module imports boto3 (through Powertools' persistence layer); the entry point imports it
only when ``STREAM_HANDLER_IDEMPOTENCY_TABLE`` is set.

Thread-safe for concurrent batches: one persistence layer and one DynamoDB client are shared
(boto3 clients are thread-safe), each call builds its own Powertools ``IdempotencyHandler``, and
the layer's one-time set-up is done at init.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from botocore.config import Config

from handler.config import HandlerConfig
from handler.record import ChangeRecord


class IdempotentRecordHandler:
    """Calls ``run(record)`` at most once per record identity while the idempotency record lives."""

    def __init__(self, config: HandlerConfig, run: Callable[[ChangeRecord], None]) -> None:
        if not config.idempotency_table:
            raise ValueError("IdempotentRecordHandler needs config.idempotency_table")
        self.idempotency_config = IdempotencyConfig(
            expires_after_seconds=config.idempotency_ttl_seconds,
            raise_on_no_idempotency_key=True,
        )
        # One client for every thread of a concurrent batch, with a connection per thread.
        self.persistence = DynamoDBPersistenceLayer(
            table_name=config.idempotency_table,
            boto_config=Config(max_pool_connections=max(10, config.concurrency)),
        )
        key_prefix = f"{config.service_name}:{config.processor}"
        # Powertools configures the layer on each call and marks it done on the first one; doing it
        # here, on the init thread, keeps concurrent first calls from racing through that set-up.
        self.persistence.configure(self.idempotency_config, key_prefix=key_prefix)

        @idempotent_function(  # type: ignore[untyped-decorator]
            data_keyword_argument="identity",
            persistence_store=self.persistence,
            config=self.idempotency_config,
            key_prefix=key_prefix,
        )
        def process_once(*, identity: dict[str, str], record: ChangeRecord) -> None:  # noqa: ARG001
            # ``identity`` only feeds the idempotency key; the record is what gets processed.
            run(record)

        self._process_once = process_once

    def __call__(self, record: ChangeRecord) -> None:
        self._process_once(identity=record_identity(record), record=record)

    def register_lambda_context(self, lambda_context: Any) -> None:
        """Give idempotency the invocation's deadline, so an in-progress record expires with it."""
        self.idempotency_config.register_lambda_context(lambda_context)


def record_identity(record: ChangeRecord) -> dict[str, str]:
    """The data hashed into the idempotency key: equal for a re-delivery of the same stream record."""
    return {"stream_arn": record.stream_arn or "", "event_id": record.event_id}


def make_idempotent(config: HandlerConfig, run: Callable[[ChangeRecord], None]) -> IdempotentRecordHandler:
    """Wrap ``run`` so each stream record is processed at most once (see the module docstring)."""
    return IdempotentRecordHandler(config, run)
