"""Memory follows the batch size and the page size, never the backlog or what was parked.

The stream is an in-memory stand-in that makes its records on demand (so the test's own
memory does not grow with the backlog) and the function is an in-process invoker (so every
allocation of the run is seen by ``tracemalloc``). Two backlogs, one five times the other, must
peak at about the same memory, well below what holding the backlog would take.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from pipeline.esm.on_failure import OnFailureMessage
from pipeline.esm.poller import Poller
from pipeline.runtime.invoker import InvokeResult, InvokeStatus
from pipeline.settings.model import Settings

ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/generated/stream/2024-01-01T00:00:00.000"
SHARD = "shardId-00000001700000000000-00000001"
FIRST_SEQ = 1_000_000


@dataclass
class GeneratedStream:
    """One open shard of ``count`` records, made when read; ``name(index)`` is the eventName."""

    count: int
    name: Callable[[int], str]
    reads: int = 0

    def record(self, index: int) -> dict[str, Any]:
        key = f"item-{index:07d}"
        return {
            "eventID": f"{index:032x}",
            "eventName": self.name(index),
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-1",
            "dynamodb": {
                "ApproximateCreationDateTime": datetime.now(UTC),
                "Keys": {"pk": {"S": key}},
                "NewImage": {"pk": {"S": key}, "payload": {"S": "x" * 200}},
                "SequenceNumber": str(FIRST_SEQ + index),
                "SizeBytes": 260,
                "StreamViewType": "NEW_AND_OLD_IMAGES",
            },
        }

    def describe_stream(self, StreamArn: str, ExclusiveStartShardId: str | None = None) -> dict[str, Any]:  # noqa: N803
        del ExclusiveStartShardId
        shard = {"ShardId": SHARD, "SequenceNumberRange": {"StartingSequenceNumber": str(FIRST_SEQ)}}
        return {"StreamDescription": {"StreamArn": StreamArn, "StreamStatus": "ENABLED", "Shards": [shard]}}

    def get_shard_iterator(self, **request: Any) -> dict[str, Any]:
        kind = request["ShardIteratorType"]
        start = 0 if kind == "TRIM_HORIZON" else int(request["SequenceNumber"]) - FIRST_SEQ + 1
        return {"ShardIterator": str(start)}

    def get_records(self, ShardIterator: str, Limit: int) -> dict[str, Any]:  # noqa: N803
        self.reads += 1
        start = int(ShardIterator)
        end = min(self.count, start + Limit)
        return {"Records": [self.record(i) for i in range(start, end)], "NextShardIterator": str(end)}


@dataclass
class InProcessFunction:
    """Answers at once: success, or (``fail``) an unhandled error."""

    fail: bool = False
    invocations: int = 0
    records: int = 0

    def invoke(self, event: Any, request_id: str | None = None) -> InvokeResult:
        self.invocations += 1
        self.records += len(event["Records"])
        if self.fail:
            return InvokeResult(InvokeStatus.ERROR, request_id or "r", error_type="E", error_message="no")
        return InvokeResult(InvokeStatus.OK, request_id or "r", payload=None)

    def close(self) -> None:
        pass


@dataclass
class CountingDestination:
    """An on-failure destination that keeps nothing but a count."""

    messages: int = 0
    records: int = 0
    batch_sizes: set[int] = field(default_factory=set)

    def send(self, message: OnFailureMessage, records: list[dict[str, Any]]) -> str:
        self.messages += 1
        self.records += len(records)
        self.batch_sizes.add(message.batch_info.batch_size)
        return "sent"


def _peak(settings: Settings, stream: GeneratedStream, function: InProcessFunction, **extra: Any) -> int:
    poller = Poller(
        settings=settings.esm,
        streams_client=stream,
        stream_arn=ARN,
        invoker_factory=lambda: function,
        function_arn="arn:aws:lambda:us-east-1:123456789012:function:f",
        poll_interval=0.01,
        retry_base_delay=0.0,
        **extra,
    )
    tracemalloc.start()
    try:
        poller.run(until_drained=True, timeout=300)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert poller.counters.records_seen == stream.count
    return peak


def test_a_long_run_of_filtered_out_records_is_not_buffered(load_settings: Callable[[str], Settings]) -> None:
    settings = load_settings("base.tfvars")  # INSERT only, BatchSize 3
    peaks = []
    for count in (20_000, 100_000):
        # One INSERT, then nothing but MODIFYs, then one INSERT.
        last = count - 1
        stream = GeneratedStream(count, lambda i: "INSERT" if i in (0, last) else "MODIFY")  # noqa: B023
        function = InProcessFunction()
        peaks.append(_peak(settings, stream, function))
        assert (function.invocations, function.records) == (1, 2)  # one batch: filtered ones cost nothing
    small, large = peaks
    # Holding 100,000 records would take well over 100 MB; a page of 1,000 takes a few.
    assert large < 16 * 1024 * 1024
    assert large < small * 1.5


def test_parked_batches_are_not_kept(load_settings: Callable[[str], Settings]) -> None:
    base = load_settings("base.tfvars")
    settings = Settings(esm=replace(base.esm, maximum_retry_attempts=0), function=base.function)
    peaks = []
    for count in (6_000, 30_000):
        stream = GeneratedStream(count, lambda _: "INSERT")
        destination = CountingDestination()
        function = InProcessFunction(fail=True)
        peaks.append(_peak(settings, stream, function, destination=destination))
        assert (destination.messages, destination.records) == (count // 3, count)
        assert destination.batch_sizes == {3}
    small, large = peaks
    assert large < 16 * 1024 * 1024
    assert large < small * 1.5
