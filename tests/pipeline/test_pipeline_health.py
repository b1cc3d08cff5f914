"""The mapping's health figures, with the meaning of Lambda's IteratorAge and EventCount metrics."""

from __future__ import annotations

import time

import pytest

from pipeline.esm.events import Invoked, PollerEvent
from pipeline.esm.health import EventCounts, Health, ShardHealth, format_status_line, format_summary
from tests.pipeline.support import Harness, Table


class _HourAhead:
    """Epoch seconds an hour ahead: every record is an hour old (the settings have no age limit)."""

    def __call__(self) -> float:
        return time.time() + 3600


@pytest.mark.parametrize("destination", ["queue", "none"])
def test_health_counts_events_like_lambda(harness: Harness, table: Table, destination: str) -> None:
    table.put("a")
    table.put("b", "fail")
    table.update("a")  # a MODIFY: the INSERT-only filter drops it
    during_retries: list[ShardHealth] = []

    def watch(event: PollerEvent) -> None:
        if isinstance(event, Invoked) and event.sequence_numbers == [table.seqs()["b"][0]]:
            during_retries.extend(poller.health().shards)

    # aws_partial_failure.tfvars: BatchSize 3, window 1 s, MaximumRetryAttempts 3, no age limit.
    poller = harness.poller(
        "aws_partial_failure.tfvars", clock=_HourAhead(), listener=watch, no_destination=destination == "none"
    )
    poller.run(until_drained=True, timeout=60)

    # [a, b] answered b failed (a done); [b], a new batch, once and 3 retries: every answer a failure.
    assert harness.batches() == [["a", "b"], ["b"], ["b"], ["b"], ["b"]]
    health = poller.health()
    parked = destination == "queue"
    assert health.events.as_metrics() == {
        "PolledEventCount": 3,
        "FilteredOutEventCount": 1,
        "InvokedEventCount": 6,
        "FailedInvokeEventCount": 6,
        "DroppedEventCount": 0 if parked else 1,
        "OnFailureDestinationDeliveredEventCount": 1 if parked else 0,
    }
    (shard,) = health.shards
    last = table.records()[-1]["dynamodb"]["SequenceNumber"]
    assert shard.checkpoint == last
    assert (shard.records_behind, shard.caught_up, shard.batches_in_flight, shard.finished) == (
        0,
        True,
        0,
        False,
    )
    assert shard.iterator_age_seconds is not None
    assert 3600 <= shard.iterator_age_seconds < 3660
    # While b was retried: one record behind (b), its batch in flight, the checkpoint at a.
    assert [(s.records_behind, s.batches_in_flight, s.checkpoint) for s in during_retries] == [
        (1, 1, table.seqs()["a"][0])
    ] * 4
    assert format_status_line(health) == (
        "status: 1 shard(s), iterator age 1.0 h, 0 record(s) behind, 0 batch(es) in flight | "
        f"polled 3, filtered out 1, invoked 6, failed 6, dropped {0 if parked else 1}, "
        f"to destination {1 if parked else 0}"
    )
    assert format_summary(health) == [
        "PolledEventCount                               3",
        "FilteredOutEventCount                          1",
        "InvokedEventCount                              6",
        "FailedInvokeEventCount                         6",
        f"DroppedEventCount                              {0 if parked else 1}",
        f"OnFailureDestinationDeliveredEventCount        {1 if parked else 0}",
        f"{shard.shard_id}: iterator age 1.0 h, 0 record(s) behind, checkpoint {last} (caught up)",
    ]
    assert len(table.failure_bodies()) == (1 if parked else 0)


def test_records_behind_is_a_lower_bound_while_reading_a_backlog() -> None:
    reading = ShardHealth("shardId-1", None, None, 1000, caught_up=False, batches_in_flight=4, finished=False)
    done = ShardHealth("shardId-0", "7", 2.0, 0, caught_up=True, batches_in_flight=0, finished=True)
    health = Health((done, reading), EventCounts(0, 0, 0, 0, 0, 0))

    assert health.records_behind == 1000
    assert not health.caught_up
    assert health.iterator_age_seconds == 2.0
    assert format_status_line(health).startswith(
        "status: 1 shard(s), iterator age 2.0 s, >=1000 record(s) behind, 4 batch(es) in flight | "
    )
