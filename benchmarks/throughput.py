"""Records per second of four ways to process one DynamoDB Streams batch.

All variants get the parsed event (Lambda parses the JSON before the handler runs), hand every
record's new image to the same no-op processor and return a partial batch response, so the
differences are the cost of each path's record handling: our handler, Powertools' stock
``BatchProcessor`` reading ``DynamoDBRecord.dynamodb.new_image``, a plain loop over boto3's
``TypeDeserializer``, and the floor: a loop that hands each record's raw ``NewImage`` (still
attribute-value JSON) to the processor. No handler that gives the processor every record's
image can do less per record, so nothing measured can beat it.

Import this module only after ``configure_environment`` and after the unzipped package is
first on ``sys.path``: the handler reads its configuration when it is imported.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from benchmarks import noop_processor

NOOP_PROCESSOR = "benchmarks.noop_processor:process_record"

# Applied to every variant alike: nothing is written per record or per batch, so terminal or
# pipe I/O cannot dominate the figures.
# The variable names are spelled out rather than imported from handler/config.py: this process
# must import `handler` from the zip under test, never from the checkout.
QUIET_ENVIRONMENT = {
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_SERVICE_NAME": "ddb-stream-handler",
    "POWERTOOLS_METRICS_NAMESPACE": "DynamoDBStreams",
    "STREAM_HANDLER_PROCESSOR": NOOP_PROCESSOR,
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
}


class LambdaContext:
    """The attributes of Lambda's context object that Powertools reads."""

    function_name = "ddb-stream-handler"
    function_version = "$LATEST"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:ddb-stream-handler"
    aws_request_id = "6f1d0e62-0000-4000-8000-00000000bench"
    log_group_name = "/aws/lambda/ddb-stream-handler"
    log_stream_name = "2024/11/22/[$LATEST]bench"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 900_000


@dataclass(frozen=True)
class Measurement:
    name: str
    label: str
    batch_seconds: list[float]
    records: int

    @property
    def median_seconds(self) -> float:
        return statistics.median(self.batch_seconds)

    @property
    def records_per_second(self) -> float:
        return self.records / self.median_seconds

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "records_per_second": round(self.records_per_second),
            "median_ms_per_batch": round(self.median_seconds * 1000, 3),
            "min_ms_per_batch": round(min(self.batch_seconds) * 1000, 3),
            "max_ms_per_batch": round(max(self.batch_seconds) * 1000, 3),
            "batches": len(self.batch_seconds),
        }


def configure_environment() -> None:
    """Set the quiet, no-op-processor configuration before anything reads it."""
    os.environ.update(QUIET_ENVIRONMENT)


def our_handler() -> Callable[[Mapping[str, Any], object], object]:
    from handler.entrypoint import lambda_handler  # noqa: PLC0415 - after the environment is set

    return lambda_handler


def stock_powertools() -> Callable[[Mapping[str, Any], object], object]:
    """The documented Powertools recipe, with a record handler that reads the new image."""
    from aws_lambda_powertools.utilities.batch import (  # noqa: PLC0415
        BatchProcessor,
        EventType,
        process_partial_response,
    )
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (  # noqa: PLC0415
        DynamoDBRecord,
    )

    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)

    def record_handler(record: DynamoDBRecord) -> None:
        stream = record.dynamodb
        noop_processor.process_record(stream.new_image if stream else None, None)

    def handle(event: Mapping[str, Any], context: object) -> object:
        return process_partial_response(
            event=dict(event),
            record_handler=record_handler,
            processor=processor,
            context=context,  # type: ignore[arg-type]
        )

    return handle


def plain_type_deserializer() -> Callable[[Mapping[str, Any], object], object]:
    """A loop any team could write: boto3's TypeDeserializer per attribute, same failure report."""
    from boto3.dynamodb.types import TypeDeserializer  # noqa: PLC0415

    deserializer = TypeDeserializer()

    def handle(event: Mapping[str, Any], context: object) -> object:
        del context
        failures = []
        for record in event["Records"]:
            try:
                image = {
                    name: deserializer.deserialize(value)
                    for name, value in record["dynamodb"]["NewImage"].items()
                }
                noop_processor.process_record(image, None)
            except Exception:  # partial-failure semantics: any error fails only its record
                failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
        return {"batchItemFailures": failures}

    return handle


def image_loop_floor() -> Callable[[Mapping[str, Any], object], object]:
    """The least any handler does: look up each record's image and hand it over, no decoding."""

    def handle(event: Mapping[str, Any], context: object) -> object:
        del context
        process = noop_processor.process_record
        for record in event["Records"]:
            process(record["dynamodb"]["NewImage"], None)
        return {"batchItemFailures": []}

    return handle


HANDLERS = {
    "our_handler": ("our handler (handler.entrypoint)", our_handler),
    "powertools_stock": ("Powertools BatchProcessor + new_image", stock_powertools),
    "type_deserializer_loop": ("plain loop, boto3 TypeDeserializer", plain_type_deserializer),
    "image_loop_floor": ("floor: loop handing each raw NewImage over", image_loop_floor),
}


def measure(event_json: str, records: int, rounds: int, warmup: int = 3) -> list[Measurement]:
    """Time every variant ``rounds`` times, interleaved so drift hits them all alike."""
    context = LambdaContext()
    handlers = {name: factory() for name, (_, factory) in HANDLERS.items()}
    timings: dict[str, list[float]] = {name: [] for name in handlers}
    for round_index in range(warmup + rounds):
        for name, handle in handlers.items():
            event = json.loads(event_json)  # a fresh document each time, outside the clock
            before = noop_processor.CALLS[0]
            gc.collect()
            start = time.perf_counter()
            response = handle(event, context)
            elapsed = time.perf_counter() - start
            _check(name, response, noop_processor.CALLS[0] - before, records)
            if round_index >= warmup:
                timings[name].append(elapsed)
    labels = {name: label for name, (label, _) in HANDLERS.items()}
    return [Measurement(name, labels[name], seconds, records) for name, seconds in timings.items()]


def _check(name: str, response: object, processed: int, records: int) -> None:
    # A variant that skipped or failed records would look fast for the wrong reason.
    if response != {"batchItemFailures": []}:
        raise RuntimeError(f"{name} returned {str(response)[:300]} instead of an all-success response")
    if processed != records:
        raise RuntimeError(f"{name} passed {processed} of {records} records to the processor")
