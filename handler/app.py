"""Wiring: configuration -> logger, metrics, processor, idempotency -> a callable batch handler.

Kept apart from :mod:`handler.entrypoint` so tests and local runners can build a handler from an
explicit :class:`HandlerConfig` without touching ``os.environ`` or re-importing modules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse

from handler.batch import ChangeRecordBatchProcessor
from handler.config import HandlerConfig
from handler.processing import ProcessingContext, RecordProcessor, load_processor
from handler.record import ChangeRecord

if TYPE_CHECKING:
    from handler.notifier import SnsNotifier

RECORDS_PROCESSED = "RecordsProcessed"
RECORDS_SKIPPED = "RecordsSkipped"
RECORDS_DROPPED = "RecordsDropped"
RECORDS_FAILED = "RecordsFailed"


class StreamHandler:
    """Processes one DynamoDB Streams batch per call and returns the partial batch response."""

    def __init__(
        self,
        config: HandlerConfig,
        *,
        logger: Logger | None = None,
        metrics: Metrics | None = None,
        processor: RecordProcessor | None = None,
    ) -> None:
        self.config = config
        self.logger = logger or Logger(service=config.service_name, level=config.log_level)
        self.metrics = metrics or Metrics(namespace=config.metrics_namespace, service=config.service_name)
        self.processor = processor or load_processor(config.processor)
        notifier = None
        self._concurrent_notifier: SnsNotifier | None = None
        if config.notification_topic_arn:
            # Imported only when a topic is configured: most of its cost is never needed otherwise.
            from handler.notifier import SnsNotifier  # noqa: PLC0415

            notifier = SnsNotifier(config.notification_topic_arn, max_connections=config.concurrency)
            if config.concurrency > 1:
                self._concurrent_notifier = notifier
        self.context = ProcessingContext(
            config=config, logger=self.logger, metrics=self.metrics, notifier=notifier
        )
        self.batch_processor = ChangeRecordBatchProcessor(
            allowed_event_names=config.allowed_event_names,
            logger=self.logger,
            log_images=config.log_images,
            failure_mode=config.failure_mode,
            concurrency=config.concurrency,
        )
        self._register_lambda_context: Callable[[Any], None] | None = None
        self.record_handler = self._build_record_handler()

    def __call__(self, event: Mapping[str, Any], lambda_context: Any = None) -> PartialItemFailureResponse:
        """Process ``event``; raises BatchProcessingError when nothing succeeded (see handler.batch)."""
        records = event.get("Records") if isinstance(event, Mapping) else None
        if not isinstance(records, list):
            raise ValueError("event has no 'Records' list: not a DynamoDB Streams batch")
        if self._register_lambda_context is not None and lambda_context is not None:
            # Lets idempotency expire an in-progress record when this invocation times out.
            self._register_lambda_context(lambda_context)
        if self._concurrent_notifier is not None:
            # Concurrent batches share one SNS client: create it here, before the threads need it.
            _ = self._concurrent_notifier.client
        try:
            # Powertools' context-manager form of process_partial_response: the same processing
            # and response, but an empty Records list is an empty success (as for Lambda) instead
            # of process_partial_response's UnexpectedBatchTypeError. The lambda context is not
            # forwarded: our record handler never takes it.
            with self.batch_processor(records, self.record_handler):
                self.batch_processor.process()
            return self.batch_processor.response()
        finally:
            self._report_batch()

    def _build_record_handler(self) -> Callable[[ChangeRecord], None]:
        processor, context = self.processor, self.context

        def run(record: ChangeRecord) -> None:
            processor(record, context)

        if not self.config.idempotency_table:
            return run
        # Imported here so a function without an idempotency table never loads boto3.
        from handler.idempotency import make_idempotent  # noqa: PLC0415

        idempotent = make_idempotent(self.config, run)
        self._register_lambda_context = idempotent.register_lambda_context
        return idempotent

    def _report_batch(self) -> None:
        batch = self.batch_processor
        counts = {
            RECORDS_PROCESSED: batch.processed_count,
            RECORDS_SKIPPED: len(batch.skipped_messages),
            RECORDS_DROPPED: len(batch.dropped_messages),
            RECORDS_FAILED: len(batch.fail_messages),
        }
        for name, value in counts.items():
            self.metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
        # One EMF document per batch, flushed even when the batch raised.
        self.metrics.flush_metrics()
        self.logger.info(
            "batch processed",
            extra={"records": len(batch.records), **counts, "records_not_started": len(batch.not_started)},
        )
